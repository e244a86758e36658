"""A CycleGAN trial's images: the two training domains (unpaired) and the test split,
paired item by item where the dataset knows the items (leather-denim), with each item's
class where known."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from trainables import data
from trainables.trial_data import trial_data


@dataclass(frozen=True)
class TestPairs:
    a: torch.Tensor  # uint8, on the device
    b: torch.Tensor
    paired: bool  # a[i] and b[i] show the same item (ground truth for each translation)
    classes: torch.Tensor | None  # the class of item i, where the dataset knows it
    class_names: tuple[str, ...]


@dataclass(frozen=True)
class Domains:
    a: torch.Tensor  # training images of domain A, uint8 on the device
    b: torch.Tensor
    names: tuple[str, str]
    test: TestPairs


def split_domains(dataset: str, options: dict, device: torch.device, split: str):
    loaded = trial_data(dataset, options, device, split)
    domains = data.domains(dataset, loaded.raw_labels, **options)
    ids = domains.ids.to(device)
    return loaded.images[ids == 0], loaded.images[ids == 1], domains


def test_pairs(dataset: str, options: dict, device: torch.device) -> TestPairs:
    a, b, domains = split_domains(dataset, options, device, "test")
    if domains.items is None:
        return TestPairs(a, b, False, None, ())
    in_a, in_b = domains.items[domains.ids == 0], domains.items[domains.ids == 1]
    common = sorted(set(in_a.tolist()) & set(in_b.tolist()))
    where_a = {item: i for i, item in enumerate(in_a.tolist())}
    where_b = {item: i for i, item in enumerate(in_b.tolist())}
    index_a = torch.tensor([where_a[item] for item in common], device=device)
    index_b = torch.tensor([where_b[item] for item in common], device=device)
    classes = None
    if domains.classes is not None:
        classes = domains.classes[domains.ids == 0][index_a.cpu()]
    return TestPairs(a[index_a], b[index_b], True, classes, tuple(domains.class_names))


def load_domains(dataset: str, options: dict, device: torch.device) -> Domains:
    a, b, domains = split_domains(dataset, options, device, "train")
    if len(a) == 0 or len(b) == 0:
        raise ValueError(f"dataset {dataset!r} has an empty domain in its train split")
    return Domains(a, b, tuple(domains.names), test_pairs(dataset, options, device))
