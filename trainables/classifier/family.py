"""The classifier as a trial family: the same training loop, a budget of images per
iteration, test accuracy as the metric. `targets: attributes` makes it the multi-label
attribute classifier of report 003: one head per attribute column, each with its own
accuracy (`accuracy_<column>`) beside their mean."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch

from gantune.trainables import data
from gantune.trainables.classifier.standalone import build
from gantune.trainables.config import check_choice, check_dataset, check_range
from gantune.trainables.contract import ConfigSetting, TrialContext
from gantune.trainables.data.notes import say
from gantune.trainables.families import FAMILIES, Family
from gantune.trainables.metrics.fitting import FitConfig, Fitter, accuracy, head_accuracies
from gantune.trainables.nets.classifier import CLASSIFIER_NETS
from gantune.trainables.trial_data import TrialData, trial_data


@dataclass(frozen=True)
class ClassifierTrialConfig:
    net: str = "feature-cnn"
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    lr: float = 1e-3
    batch_size: int = 128
    weight_decay: float = 0.0
    shift: int = 0
    # Decay the learning rate to zero along a cosine over this many images (0: no decay).
    # Set in images, never as the trial's budget, so a rung sees every trial at the same
    # point of its schedule.
    cosine_images: int = 0
    targets: str = "class"  # class, or attributes: one head per attribute column
    attributes: list[str] = field(default_factory=list)  # default: the dataset's columns

    def __post_init__(self) -> None:
        CLASSIFIER_NETS.get(self.net)
        check_choice("targets", self.targets, ["class", "attributes"])
        check_dataset(self.dataset, self.dataset_options)
        check_range("lr", self.lr, low=1e-12)
        check_range("batch_size", self.batch_size, low=1)
        check_range("weight_decay", self.weight_decay, low=0.0)
        check_range("shift", self.shift, low=0)
        check_range("cosine_images", self.cosine_images, low=0)


def targets_of(config: ClassifierTrialConfig, split: TrialData, vocabulary=None):
    """Class ids, or one column per attribute (in the training split's vocabulary) with its
    head's size and name, and the vocabulary."""
    if config.targets == "class":
        return split.labels, None, (), None
    table = data.attributes(
        split.dataset, split.raw_labels, tuple(config.attributes), vocabulary, split.split,
        **split.options,
    )  # fmt: skip
    say(list(table.notes))
    heads = tuple(len(values) for values in table.values)
    return table.codes.to(split.images.device), heads, table.columns, table.vocabulary


class ClassifierTrainer:
    """Trains on `images` training images per iteration; evaluates test accuracy."""

    def __init__(self, config: ClassifierTrialConfig, context: TrialContext) -> None:
        train = trial_data(config.dataset, config.dataset_options, context.device)
        self.test = trial_data(config.dataset, config.dataset_options, context.device, "test")
        self.class_names = train.class_names
        self.count = len(train.images)
        targets, self.heads, self.head_names, vocabulary = targets_of(config, train)
        self.test_targets, _, _, _ = targets_of(config, self.test, vocabulary)
        outputs = sum(self.heads) if self.heads else len(train.class_names)
        fit = FitConfig(
            batch_size=config.batch_size,
            lr=config.lr,
            weight_decay=config.weight_decay,
            shift=config.shift,
            cosine=config.cosine_images > 0,
            seed=context.seed,
        )
        model = build(config.net, train.images, outputs)
        self.fitter = Fitter(
            model, train.images, targets, fit, context.device, config.cosine_images, self.heads
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
        model, images = self.fitter.model, self.test.images
        if not self.heads:
            return {"accuracy": accuracy(model, images, self.test_targets)}
        per_head = head_accuracies(model, images, self.test_targets, self.heads)
        scores = {
            f"accuracy_{name}": value for name, value in zip(self.head_names, per_head, strict=True)
        }
        return {"accuracy": sum(per_head) / len(per_head)} | scores

    def grid(self, columns: int) -> torch.Tensor | None:
        return None

    def meta(self) -> dict[str, Any]:
        return {"class_names": list(self.class_names), "heads": list(self.head_names)}

    def state_dict(self) -> dict[str, Any]:
        return self.fitter.state_dict()

    def config_settings(self) -> list[ConfigSetting]:
        fitter = self.fitter
        values = {"lr": fitter.config.lr, "weight_decay": fitter.config.weight_decay}
        return [ConfigSetting(fitter.optimizer, values, fitter.schedule)]

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.fitter.load_state_dict(state)


FAMILIES.register("classifier", Family(ClassifierTrialConfig, ClassifierTrainer))
