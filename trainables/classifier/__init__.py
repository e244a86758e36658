"""Classifiers: the one training loop (`training`), training outside a search
(`standalone`), and the classifier trial family (`family`)."""

from gantune.trainables.classifier.standalone import ClassifierConfig, build, train
from gantune.trainables.classifier.training import (
    FitConfig,
    Fitter,
    accuracy,
    fit,
    head_accuracies,
    predict,
    predicted,
    random_shift,
    to_inputs,
)

__all__ = [
    "ClassifierConfig",
    "FitConfig",
    "Fitter",
    "accuracy",
    "build",
    "fit",
    "head_accuracies",
    "predict",
    "predicted",
    "random_shift",
    "to_inputs",
    "train",
]
