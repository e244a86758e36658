"""Model families a trial can run, in a registry; each owns its config and trainer.

A trainer has `train(images) -> losses`, `evaluate(samples, backend) -> metrics`,
`grid() -> uint8 images | None`, `state_dict()`, `load_state_dict()`, `images_seen`, `epoch`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trainables.classifier import ClassifierTrainer, ClassifierTrialConfig
from trainables.gan.config import GanConfig
from trainables.gan.trainer import GanTrainer
from trainables.registry import Registry


@dataclass(frozen=True)
class Family:
    config_type: type
    trainer: Callable[..., Any]
    metric: str  # reported every iteration; what ASHA and Optuna optimise
    mode: str  # "min" or "max"

    @property
    def worst(self) -> float:
        return float("inf") if self.mode == "min" else float("-inf")


FAMILIES: Registry[Family] = Registry("family")
FAMILIES.register("gan", Family(GanConfig, GanTrainer, metric="fid", mode="min"))
FAMILIES.register(
    "classifier", Family(ClassifierTrialConfig, ClassifierTrainer, metric="accuracy", mode="max")
)
