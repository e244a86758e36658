"""A translation trial's images: the two training domains (unpaired) and the test split,
paired item by item where the dataset knows the items (leather-denim), with each item's
class where known; and, where the dataset renders its items from a seed, the same test
items rendered again (the oracle of paired scores)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from gantune.trainables import data
from gantune.trainables.translation.scoring import Pairs, Renderings
from gantune.trainables.trial_data import trial_data


@dataclass(frozen=True)
class Domains:
    a: torch.Tensor  # training images of domain A, uint8 on the device
    b: torch.Tensor
    names: tuple[str, str]
    test: Pairs


def split_domains(dataset: str, options: dict, device: torch.device, split: str):
    loaded = trial_data(dataset, options, device, split)
    domains = data.domains(dataset, loaded.raw_labels, **options)
    ids = domains.ids.to(device)
    return loaded.images[ids == 0], loaded.images[ids == 1], domains


def test_pairs(dataset: str, options: dict, device: torch.device) -> Pairs:
    a, b, domains = split_domains(dataset, options, device, "test")
    names = tuple(domains.names)
    if domains.items is None:
        return Pairs(a, b, False, domain_names=names)
    in_a, in_b = domains.items[domains.ids == 0], domains.items[domains.ids == 1]
    common = sorted(set(in_a.tolist()) & set(in_b.tolist()))
    where_a = {item: i for i, item in enumerate(in_a.tolist())}
    where_b = {item: i for i, item in enumerate(in_b.tolist())}
    index_a = torch.tensor([where_a[item] for item in common], device=device)
    index_b = torch.tensor([where_b[item] for item in common], device=device)
    classes = None
    if domains.classes is not None:
        classes = domains.classes[domains.ids == 0][index_a.cpu()]
    return Pairs(a[index_a], b[index_b], True, classes, tuple(domains.class_names), names)


def load_domains(dataset: str, options: dict, device: torch.device) -> Domains:
    a, b, domains = split_domains(dataset, options, device, "train")
    if len(a) == 0 or len(b) == 0:
        raise ValueError(f"dataset {dataset!r} has an empty domain in its train split")
    return Domains(a, b, tuple(domains.names), test_pairs(dataset, options, device))


def again_options(dataset: str, options: dict) -> dict | None:
    """The options that render the same items again (the next seed), where the dataset is
    rendered from a seed; None otherwise."""
    if "seed" not in data.check_options(dataset, options).options():
        return None
    return options | {"seed": int(options.get("seed", 0)) + 1}


def renderings(dataset: str, options: dict, found: Domains, device: torch.device) -> Renderings:
    """Training images of both domains, and the test items rendered again where the
    dataset can (`again_options`) and pairs its test items."""
    other = again_options(dataset, options) if found.test.paired else None
    again = test_pairs(dataset, other, device) if other is not None else None
    return Renderings(found.a, found.b, again)
