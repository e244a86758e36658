"""Classifiers of the classification experiments (report 000) and the FID feature CNN.

Every classifier takes float images in [0, 1], N x C x H x W, and returns logits.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import torch
from torch import nn

from gantune.spaces.registry import Registry


class Classifier(nn.Module):
    """A body that yields penultimate features and a linear head that yields logits."""

    def __init__(self, body: nn.Module, head: nn.Module) -> None:
        super().__init__()
        self.body = body
        self.head = head

    def features(self, images: torch.Tensor) -> torch.Tensor:
        return self.body(images)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(images))


def dense(channels: int, size: int, classes: int) -> Classifier:
    """The Keras tutorial's classifier: flatten, 128 ReLU units, 10 outputs (about 88%)."""
    body = nn.Sequential(nn.Flatten(), nn.Linear(channels * size * size, 128), nn.ReLU())
    return Classifier(body, nn.Linear(128, classes))


def cnn2(channels: int, size: int, classes: int) -> Classifier:
    """Two 5x5 convolutions (64 then 128 filters), each followed by 2x2 max pooling (the
    report does not state pooling; it keeps the net trainable on a CPU), then the output."""
    body = nn.Sequential(
        nn.Conv2d(channels, 64, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
    )
    return Classifier(body, nn.Linear(128 * (size // 4) ** 2, classes))


def conv_block(inputs: int, outputs: int) -> list[nn.Module]:
    return [
        nn.Conv2d(inputs, outputs, 3, padding=1, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(),
        nn.MaxPool2d(2),
    ]


FEATURE_WIDTHS = (16, 32, 64)
FEATURE_DIM = 128


def feature_cnn(channels: int, size: int, classes: int) -> Classifier:
    """The FID feature network: three conv-BN-ReLU-pool blocks and a 128-unit layer whose
    activations are the features. Small on purpose: 10k images embed in about a second on
    one CPU thread."""
    layers: list[nn.Module] = []
    widths = (channels, *FEATURE_WIDTHS)
    for inputs, outputs in itertools.pairwise(widths):
        layers += conv_block(inputs, outputs)
    flat = FEATURE_WIDTHS[-1] * (size // 8) ** 2
    body = nn.Sequential(*layers, nn.Flatten(), nn.Linear(flat, FEATURE_DIM), nn.ReLU())
    return Classifier(body, nn.Sequential(nn.Dropout(0.3), nn.Linear(FEATURE_DIM, classes)))


CLASSIFIER_NETS: Registry[Callable[[int, int, int], Classifier]] = Registry("classifier net")
CLASSIFIER_NETS.register("dense", dense)
CLASSIFIER_NETS.register("cnn2", cnn2)
CLASSIFIER_NETS.register("feature-cnn", feature_cnn)


def build(net: str, images: torch.Tensor, classes: int) -> Classifier:
    """A registered classifier net sized for `images` (N x C x H x W)."""
    return CLASSIFIER_NETS.get(net)(images.shape[1], images.shape[2], classes)


def fold_batch_norm(model: Classifier) -> Classifier:
    """Fold each BatchNorm into the conv before it, for faster inference (eval mode only)."""
    layers = list(model.body)
    folded: list[nn.Module] = []
    for layer in layers:
        if isinstance(layer, nn.BatchNorm2d) and folded and isinstance(folded[-1], nn.Conv2d):
            folded[-1] = torch.nn.utils.fusion.fuse_conv_bn_eval(folded[-1], layer)
        else:
            folded.append(layer)
    return Classifier(nn.Sequential(*folded), model.head).eval()
