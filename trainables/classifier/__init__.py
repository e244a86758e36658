"""Classifiers: training outside a search (`standalone`), the classifier trial family
(`family`), FGSM robustness (`robustness`); the one training loop is the metrics'
(`trainables.metrics.fitting`), which the FID feature nets share."""

from gantune.trainables.classifier.standalone import ClassifierConfig, build, train
from gantune.trainables.metrics.fitting import (
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
