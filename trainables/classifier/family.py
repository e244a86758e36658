"""The classifier as a trial family: the same training loop, a budget of images per
iteration, test accuracy as the metric."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from trainables import data
from trainables.classifier.standalone import build
from trainables.classifier.training import FitConfig, Fitter, accuracy
from trainables.config import check_range
from trainables.contract import TrialContext
from trainables.families import FAMILIES, Family
from trainables.nets.classifier import CLASSIFIER_NETS
from trainables.trial_data import trial_data


@dataclass(frozen=True)
class ClassifierTrialConfig:
    net: str = "feature-cnn"
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    lr: float = 1e-3
    batch_size: int = 128
    weight_decay: float = 0.0
    shift: int = 0
    cosine: bool = False  # decay the learning rate to zero over the trial's whole budget

    def __post_init__(self) -> None:
        CLASSIFIER_NETS.get(self.net)
        data.check_options(self.dataset, self.dataset_options)
        check_range("lr", self.lr, low=1e-12)
        check_range("batch_size", self.batch_size, low=1)
        check_range("weight_decay", self.weight_decay, low=0.0)
        check_range("shift", self.shift, low=0)


class ClassifierTrainer:
    """Trains on `images` training images per iteration; evaluates test accuracy."""

    def __init__(self, config: ClassifierTrialConfig, context: TrialContext) -> None:
        train = trial_data(config.dataset, config.dataset_options, context.device)
        self.test = trial_data(config.dataset, config.dataset_options, context.device, "test")
        self.class_names = train.class_names
        self.count = len(train.images)
        fit = FitConfig(
            batch_size=config.batch_size,
            lr=config.lr,
            weight_decay=config.weight_decay,
            shift=config.shift,
            cosine=config.cosine,
            seed=context.seed,
        )
        model = build(config.net, train.images, len(train.class_names))
        self.fitter = Fitter(
            model, train.images, train.labels, fit, context.device, context.budget_images
        )

    @property
    def images_seen(self) -> int:
        return self.fitter.images_seen

    @property
    def epoch(self) -> float:
        return self.images_seen / self.count

    def train(self, images: int) -> dict[str, float]:
        return {"loss": self.fitter.train(images)}

    def evaluate(self, samples: int) -> dict[str, float]:
        return {"accuracy": accuracy(self.fitter.model, self.test.images, self.test.labels)}

    def grid(self, columns: int) -> torch.Tensor | None:
        return None

    def meta(self) -> dict[str, Any]:
        return {"class_names": list(self.class_names)}

    def state_dict(self) -> dict[str, Any]:
        return self.fitter.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.fitter.load_state_dict(state)


FAMILIES.register("classifier", Family(ClassifierTrialConfig, ClassifierTrainer))
