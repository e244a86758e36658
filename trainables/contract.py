"""What a family's trainer is to the trial loop: a typed contract.

The loop builds a trainer from the family's frozen config and a `TrialContext`, restores
its state if there is a checkpoint, then repeats: `train(images)`, `evaluate(samples)`,
`grid(columns)`, checkpoint `state_dict()` with `meta()`. The trainer loads its own data
(keeping the labels it needs) and is told the trial's whole budget. Schedules (warm-ups,
decays) are set in images, not as shares of that budget, so a scheduler judging trials at
a rung sees each at the same point of its schedule whatever max_t is. After a restore the
config's optimizer settings win over the checkpoint's (`config_settings`, applied once, by
the trial loop: `apply_config`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import torch

PRECISIONS = ("fp32", "bf16")


@dataclass(frozen=True)
class TrialContext:
    device: torch.device
    seed: int
    budget_images: int  # images the whole trial trains on: images_per_iter x max_iterations
    precision: str = "fp32"  # "bf16": autocast and channels-last where the family supports it

    def autocast(self) -> AbstractContextManager[Any]:
        """bf16 autocast when asked for, else nothing (fp32)."""
        if self.precision == "bf16":
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return nullcontext()


@runtime_checkable
class Trainer(Protocol):
    images_seen: int

    @property
    def epoch(self) -> float:
        """Passes over the training data so far."""

    def train(self, images: int) -> dict[str, float]:
        """Train on about `images` training images; mean losses by name."""

    def evaluate(self, samples: int) -> dict[str, float]:
        """Metrics, the family's search metric among them (`samples` generated or translated
        images per evaluation)."""

    def grid(self, columns: int) -> torch.Tensor | None:
        """uint8 N x C x H x W images for a picture of progress, `columns` per row."""

    def meta(self) -> dict[str, Any]:
        """Plain facts a checkpoint needs besides weights (class names, image shape...)."""

    def state_dict(self) -> dict[str, Any]: ...

    def load_state_dict(self, state: dict[str, Any]) -> None: ...

    def config_settings(self) -> list[ConfigSetting]:
        """What the config sets in each optimizer (learning rate, betas...): after a
        restore the config wins over the checkpoint's values (`apply_config`)."""


@dataclass(frozen=True)
class ConfigSetting:
    optimizer: torch.optim.Optimizer
    values: dict[str, Any]  # param-group entries the config fixes ("lr", "betas", ...)
    schedule: Any = None  # an LR scheduler scaling "lr" from base values, if any


def apply_config(trainer: Trainer) -> None:
    """The one rule: a trainer restored from a checkpoint takes its optimizer settings
    from its config, not from the checkpoint (PBT restores a checkpoint under mutated
    values; a changed config on a resume means what it says). A scheduled learning rate
    keeps its place in the schedule, scaled to the new base."""
    for setting in trainer.config_settings():
        values = dict(setting.values)
        if setting.schedule is not None and "lr" in values:
            base = values.pop("lr")
            groups = setting.optimizer.param_groups
            bases = zip(groups, setting.schedule.base_lrs, strict=True)
            factors = [group["lr"] / old if old else 1.0 for group, old in bases]
            setting.schedule.base_lrs = [base for _ in groups]
            for group, factor in zip(groups, factors, strict=True):
                group["lr"], group["initial_lr"] = base * factor, base
        for group in setting.optimizer.param_groups:
            group.update(values)


TrainerFactory = Callable[[Any, TrialContext], Trainer]
