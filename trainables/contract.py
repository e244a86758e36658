"""What a family's trainer is to the trial loop: a typed contract.

The loop builds a trainer from the family's frozen config and a `TrialContext`, restores
its state if there is a checkpoint, then repeats: `train(images)`, `evaluate(samples)`,
`grid(columns)`, checkpoint `state_dict()` with `meta()`. The trainer loads its own data
(keeping the labels it needs) and is told the trial's whole budget, so it can schedule
(a learning-rate decay that reaches zero at the end of the budget, say).
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


TrainerFactory = Callable[[Any, TrialContext], Trainer]
