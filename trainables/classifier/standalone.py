"""Training a registered classifier net on a dataset's classes, outside any search
(`gantune classifier train`, the report 000 table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

from gantune.trainables import data
from gantune.trainables.config import check_dataset
from gantune.trainables.metrics.fitting import FitConfig, accuracy, fit
from gantune.trainables.nets.classifier import CLASSIFIER_NETS, Classifier, build


@dataclass(frozen=True)
class ClassifierConfig:
    net: str = "dense"
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    fit: FitConfig = field(default_factory=FitConfig)

    def __post_init__(self) -> None:
        CLASSIFIER_NETS.get(self.net)  # unknown names fail here, before any data is read
        check_dataset(self.dataset, self.dataset_options)


def train(
    config: ClassifierConfig, device: torch.device, log: Callable[[str], None] | None = None
) -> tuple[Classifier, float]:
    """Train `config.net` on the dataset's classes; return the model and its test accuracy."""
    options = config.dataset_options
    train_images, train_labels = data.load(config.dataset, "train", **options)
    test_images, test_labels = data.load(config.dataset, "test", **options)
    train_ids, names = data.classes(config.dataset, train_labels, **options)
    # the test split is encoded with the training split's names (a class only in test: -1)
    test_ids, _ = data.classes(config.dataset, test_labels, names, "test", **options)
    known = test_ids >= 0
    test_images, test_ids = test_images[known], test_ids[known]
    torch.manual_seed(config.fit.seed)
    model = build(config.net, train_images, len(names))
    fit(model, train_images, train_ids, config.fit, device, log)
    return model, accuracy(model, test_images, test_ids)
