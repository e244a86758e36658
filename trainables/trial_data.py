"""A trial's data: loaded once per process, moved once to the trial's device.

Families call `trial_data` for the splits they need and keep the labels they use: class
ids for conditioning, the raw labels (domain and item columns, an attributes table) for
the rest.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import torch

from gantune.trainables import data


@dataclass(frozen=True)
class TrialData:
    dataset: str
    options: dict[str, Any]
    split: str
    images: torch.Tensor  # uint8 N x C x H x W, on the trial's device
    labels: torch.Tensor  # class ids, on the trial's device
    class_names: tuple[str, ...]
    raw_labels: Any  # what the dataset's loader returns (tensor or DataFrame), on the CPU


@functools.lru_cache(maxsize=6)
def _cached(dataset: str, options_json: str, split: str, device: str) -> TrialData:
    options = json.loads(options_json)
    images, labels = data.load(dataset, split, **options)
    # The training split fixes the class names; other splits are encoded with them.
    train = None if split == "train" else _cached(dataset, options_json, "train", "cpu")
    vocabulary = None if train is None else list(train.class_names)
    ids, names = data.classes(dataset, labels, vocabulary, split, **options)
    target = torch.device(device)
    return TrialData(
        dataset, options, split, images.to(target), ids.to(target), tuple(names), labels
    )


def trial_data(
    dataset: str, options: dict[str, Any], device: torch.device, split: str = "train"
) -> TrialData:
    return _cached(dataset, json.dumps(options, sort_keys=True), split, str(device))
