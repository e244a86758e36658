"""Datasets, in one registry, behind one entry point:

    images, labels = trainables.data.load(name, split="train", **options)

`images` is always a uint8 tensor N x C x H x W in [0, 255] (0 is black), held in memory;
what `labels` holds is documented per dataset (class ids, or class/domain/item columns, or
an attributes frame). Every dataset also says how its labels map to classes (for
conditional models and classifiers) and how to group samples for a grid.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import torch

from gantune.spaces.registry import Registry
from gantune.trainables.data import color, fashion_mnist, image_folder, products, textures
from gantune.trainables.data.notes import say
from gantune.trainables.data.vocabulary import Vocabulary

Classes = tuple[torch.Tensor, list[str]]


@dataclass(frozen=True)
class Domains:
    """Two image domains (CycleGAN): which domain each image is in, and where known the
    item it shows (the same item in both domains: a paired test split) and its class."""

    ids: torch.Tensor  # 0 = domain A, 1 = domain B
    names: tuple[str, str]
    items: torch.Tensor | None = None
    classes: torch.Tensor | None = None
    class_names: tuple[str, ...] = ()


def plain_classes(names: tuple[str, ...]) -> Callable[[Any, dict], Classes]:
    return lambda labels, options: (labels, list(names))


@dataclass(frozen=True)
class Attributes:
    """Categorical attributes per image (an attributes table's chosen columns), as codes of
    the training split's vocabulary (`trainables.data.vocabulary`)."""

    codes: torch.Tensor  # N x K int64, column k coded by its position in values[k]; -1: none
    columns: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]
    vocabulary: Vocabulary | None = None
    notes: tuple[str, ...] = ()  # empty cells, grouped tails, values unseen in training


def table_classes(column: str, order: tuple[str, ...]) -> Callable[[Any, dict], Classes]:
    def classes(labels: Any, options: dict) -> Classes:
        codes = pd.Categorical(labels[column], categories=list(order)).codes
        return torch.tensor(codes, dtype=torch.int64), list(order)

    return classes


def textures_domains(labels: Any, options: dict) -> Domains:
    return Domains(
        labels[:, 1], textures.DOMAINS, labels[:, 2], labels[:, 0], fashion_mnist.CLASSES
    )


def folder_domains(labels: Any, options: dict) -> Domains:
    root = Path(options["root"]).expanduser()
    if image_folder.detect_layout(root) != "cyclegan" and options.get("layout") != "cyclegan":
        raise ValueError(
            f"{root} is not in the CycleGAN layout (trainA/ trainB/ testA/ testB/); "
            "two domains are needed"
        )
    return Domains(labels, ("A", "B"))


def folder_classes(labels: Any, options: dict) -> Classes:
    if isinstance(labels, pd.DataFrame):
        column = "masterCategory" if "masterCategory" in labels else labels.columns[1]
        codes, names = pd.factorize(labels[column].astype(str), sort=True)
        return torch.as_tensor(codes, dtype=torch.int64), list(names)
    root = Path(options["root"]).expanduser()
    if image_folder.detect_layout(root) == "cyclegan" or options.get("layout") == "cyclegan":
        return labels, ["A", "B"]
    return labels, image_folder.training_classes(root)


@dataclass(frozen=True)
class Dataset:
    summary: str
    loader: Callable[..., tuple[torch.Tensor, Any]]
    classes: Callable[[Any, dict], Classes]
    groups: Callable[[Any, dict], Classes] | None = None  # for grids; default: classes
    fetch: Callable[..., str] | None = None
    fid_backend: str | None = None  # default FID feature backend
    domains: Callable[[Any, dict], Domains] | None = None  # for two-domain datasets
    # Attribute columns (labels are a table) and, where fixed, the order of their values.
    attribute_columns: tuple[str, ...] = ()
    attribute_values: dict[str, tuple[str, ...]] | None = None

    def options(self) -> list[str]:
        return [name for name in inspect.signature(self.loader).parameters if name != "split"]


DATASETS: Registry[Dataset] = Registry("dataset")
DATASETS.register(
    "fashion-mnist",
    Dataset(
        "Fashion-MNIST, 60k/10k gray 28x28, 10 classes",
        fashion_mnist.load,
        plain_classes(fashion_mnist.CLASSES),
        fetch=lambda path=None: fashion_mnist.fetch(path),
        fid_backend="fmnist-cnn",
    ),
)
DATASETS.register(
    "fashion-mnist-color",
    Dataset(
        "Fashion-MNIST coloured by a palette per class, RGB 28x28",
        color.load,
        plain_classes(fashion_mnist.CLASSES),
        fetch=lambda path=None: fashion_mnist.fetch(path),
        fid_backend="fmnist-cnn",
    ),
)
DATASETS.register(
    "leather-denim",
    Dataset(
        "Fashion-MNIST shapes rendered as leather (A) and denim (B), RGB 32x32 or 64x64",
        textures.load,
        lambda labels, options: (labels[:, 0], list(fashion_mnist.CLASSES)),
        groups=lambda labels, options: (labels[:, 1], list(textures.DOMAINS)),
        fetch=textures.fetch,
        fid_backend="leather-denim-cnn",
        domains=textures_domains,
    ),
)
DATASETS.register(
    "fashion-attributes",
    Dataset(
        "Fashion-MNIST shapes in 8 named colours on white, articleType x baseColour table",
        products.load,
        table_classes("articleType", fashion_mnist.CLASSES),
        groups=table_classes("baseColour", tuple(products.PALETTE)),
        fetch=lambda path=None: fashion_mnist.fetch(path),
        fid_backend="fashion-attributes-cnn",
        attribute_columns=products.ATTRIBUTES,
        attribute_values={
            "articleType": fashion_mnist.CLASSES,
            "baseColour": tuple(products.PALETTE),
        },
    ),
)
DATASETS.register(
    "image-folder",
    Dataset(
        "your own images: CycleGAN, class-folder or images+attributes-CSV layout",
        image_folder.load,
        folder_classes,
        domains=folder_domains,
        attribute_columns=image_folder.ATTRIBUTE_COLUMNS,
    ),
)


def check_options(name: str, options: dict) -> Dataset:
    """The dataset entry, after checking that every option is one it takes."""
    dataset = DATASETS.get(name)
    unknown = sorted(set(options) - set(dataset.options()))
    if unknown:
        raise ValueError(
            f"dataset {name!r} takes no option {', '.join(unknown)}; "
            f"valid options: {', '.join(dataset.options()) or 'none'}"
        )
    return dataset


def load(name: str, split: str = "train", **options: Any) -> tuple[torch.Tensor, Any]:
    """Images (uint8 N x C x H x W) and labels of dataset `name`; see each dataset's loader."""
    return check_options(name, options).loader(split, **options)


def classes(
    name: str, labels: Any, vocabulary: list[str] | None = None, split: str = "test", **options
) -> Classes:
    """Class ids per image and the class names, for conditional models and classifiers.
    With `vocabulary` (the training split's class names) the ids are of those names; a
    class training never saw gets -1 and is named."""
    ids, names = check_options(name, options).classes(labels, options)
    if vocabulary is None or list(names) == list(vocabulary):
        return ids, list(names)
    index = {value: code for code, value in enumerate(vocabulary)}
    mapping = torch.tensor([index.get(str(n), -1) for n in names] or [-1], dtype=torch.int64)
    remapped = mapping[ids.clamp_min(0)]
    unseen = [n for n in names if str(n) not in index]
    if unseen:
        counts = {n: int((remapped[ids == k] == -1).sum()) for k, n in enumerate(names)}
        listed = ", ".join(f"{n!r} ({counts[n]})" for n in unseen if counts[n])
        if listed:
            say([f"{split} split: class(es) never seen in training: {listed}; left out"])
    return remapped, list(vocabulary)


def domains(name: str, labels: Any, **options: Any) -> Domains:
    """The two domains of a two-domain dataset (leather-denim, a CycleGAN-layout folder)."""
    dataset = check_options(name, options)
    if dataset.domains is None:
        two = ", ".join(n for n, d in DATASETS.items() if d.domains is not None)
        raise ValueError(f"dataset {name!r} has no two domains; two-domain datasets: {two}")
    return dataset.domains(labels, options)


def attributes(
    name: str,
    labels: Any,
    columns: tuple[str, ...] = (),
    vocabulary: Vocabulary | None = None,
    split: str = "train",
    **options: Any,
) -> Attributes:
    """The chosen attribute columns of a dataset whose labels are a table (the dataset's
    default columns when none are named), coded by `vocabulary` (the training split's);
    without one, the vocabulary is made from these labels, which must be the training
    split's. The dataset options `missing`, `top_values` and `unseen` choose how empty
    cells, long tails and values unseen in training are handled."""
    dataset = check_options(name, options)
    if not isinstance(labels, pd.DataFrame):
        raise ValueError(
            f"dataset {name!r} has no attributes table; attribute datasets: fashion-attributes, "
            "image-folder with images/ + styles.csv"
        )
    chosen = (
        vocabulary.columns
        if vocabulary is not None
        else tuple(columns) or tuple(c for c in dataset.attribute_columns if c in labels)
    )
    missing = [c for c in chosen if c not in labels]
    if missing or not chosen:
        valid = ", ".join(c for c in labels.columns if c != "id")
        raise ValueError(f"no attribute column {', '.join(missing) or '(none)'}; valid: {valid}")
    notes: list[str] = []
    if vocabulary is None:
        vocabulary, notes = Vocabulary.of_training(
            labels,
            chosen,
            dataset.attribute_values,
            options.get("missing", "unknown"),
            int(options.get("top_values", 0)),
        )
    codes, more = vocabulary.encode(labels, split, options.get("unseen", "skip"))
    stacked = torch.as_tensor(codes, dtype=torch.int64)
    return Attributes(stacked, chosen, vocabulary.values, vocabulary, tuple(notes + more))


def groups(name: str, labels: Any, **options: Any) -> Classes:
    """Group ids per image and group names, for sample grids (classes or domains)."""
    dataset = check_options(name, options)
    return (dataset.groups or dataset.classes)(labels, options)
