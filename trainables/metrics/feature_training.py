"""Training the feature networks of our FID backends (`gantune metrics train-features`).

Each recipe fixes the data, targets, net, optimiser settings and seed; training runs on
the CPU with a fixed thread count so the weights are reproducible bit for bit on a given
CPU and torch version (another CPU's float kernels round differently: the record names
the CPU it was trained on). The committed recipes write weights and a JSON record
(recipe, accuracy, digest) into `trainables/metrics/weights/`; a recipe derived from any
labelled dataset (`derived_recipe`: a user's class folders, the colour variant...) writes
into the cache, under a name made of the dataset and its options, and becomes that
dataset's default backend (`trainables.metrics.fid.resolve_backend`).

Targets have one head (classes, or class x domain) or several (one per attribute): the
features then separate every attribute, colour included.
"""

from __future__ import annotations

import hashlib
import json
import platform
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from gantune.spaces.registry import Registry
from gantune.trainables import data
from gantune.trainables.data import fashion_mnist, textures
from gantune.trainables.data.cache import atomic_write
from gantune.trainables.data.notes import say
from gantune.trainables.data.vocabulary import Vocabulary
from gantune.trainables.metrics.backends import WEIGHTS_DIR, state_digest
from gantune.trainables.metrics.fitting import FitConfig, fit, head_accuracies
from gantune.trainables.nets.classifier import build

THREADS = 2  # fixed: reductions in the backward pass depend on the thread count


@dataclass(frozen=True)
class Targets:
    values: torch.Tensor  # N (one head) or N x heads; -1: no value
    output_names: list[str]
    class_of_output: list[int]  # for each output unit of the first head, its class
    heads: tuple[int, ...] = ()  # output units per head, when several
    head_names: tuple[str, ...] = ()
    vocabulary: Any = None  # the training split's (attribute tables, class names)


# Targets of a split from its labels; the training split's targets, when given, fix the
# vocabulary other splits are encoded with.
TargetsOf = Callable[[Any, dict, "Targets | None"], Targets]


def fashion_targets(labels: torch.Tensor, options: dict, train: Targets | None = None) -> Targets:
    return Targets(labels, list(fashion_mnist.CLASSES), list(range(10)))


def class_by_domain_targets(labels: torch.Tensor, options: dict, train=None) -> Targets:
    """Output unit = class + 10 * domain, so features separate both."""
    names = [f"{domain} {cls}" for domain in textures.DOMAINS for cls in fashion_mnist.CLASSES]
    return Targets(labels[:, 0] + 10 * labels[:, 1], names, [i % 10 for i in range(20)])


def dataset_targets(dataset: str) -> TargetsOf:
    """A head per attribute where the dataset has an attributes table, else its classes;
    in the training split's vocabulary."""

    def targets(labels: Any, options: dict, train: Targets | None = None) -> Targets:
        known = None if train is None else train.vocabulary
        if data.DATASETS.get(dataset).attribute_columns and hasattr(labels, "columns"):
            split = "train" if train is None else "test"
            table = data.attributes(dataset, labels, vocabulary=known, split=split, **options)
            say(list(table.notes))
            pairs = zip(table.columns, table.values, strict=True)
            names = [f"{column}={value}" for column, values in pairs for value in values]
            heads = tuple(len(values) for values in table.values)
            return Targets(
                table.codes, names, list(range(heads[0])), heads, table.columns, table.vocabulary
            )
        ids, classes = data.classes(dataset, labels, known, **options)
        return Targets(ids, list(classes), list(range(len(classes))), vocabulary=list(classes))

    return targets


@dataclass(frozen=True)
class FeatureRecipe:
    dataset: str
    targets: TargetsOf
    options: dict[str, Any] = field(default_factory=dict)
    net: str = "feature-cnn"
    fit: FitConfig = field(default_factory=lambda: FitConfig(12, 256, 3e-3, shift=1, cosine=True))


RECIPES: Registry[FeatureRecipe] = Registry("feature network")
RECIPES.register("fmnist-cnn", FeatureRecipe("fashion-mnist", fashion_targets))
RECIPES.register(
    "leather-denim-cnn",
    FeatureRecipe(
        "leather-denim",
        class_by_domain_targets,
        options={"size": 32},
        fit=FitConfig(epochs=8, batch_size=256, lr=3e-3, shift=1, cosine=True),
    ),
)
RECIPES.register(
    "fashion-attributes-cnn",
    FeatureRecipe(
        "fashion-attributes",
        dataset_targets("fashion-attributes"),
        fit=FitConfig(epochs=6, batch_size=256, lr=3e-3, shift=1, cosine=True),
    ),
)


def derived_recipe(dataset: str, options: dict[str, Any]) -> FeatureRecipe:
    data.check_options(dataset, options)
    return FeatureRecipe(dataset, dataset_targets(dataset), dict(options))


def cpu_identity() -> str:
    """The CPU's model name and a digest of its instruction-set flags."""
    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.is_file() else []
    model = next((x.split(":", 1)[1].strip() for x in lines if x.startswith("model name")), "")
    flags = next((x.split(":", 1)[1].strip() for x in lines if x.startswith("flags")), "")
    model = model or platform.processor() or platform.machine()
    return f"{model} (flags {hashlib.sha256(flags.encode()).hexdigest()[:12]})"


def train_features(
    name: str,
    directory: Path = WEIGHTS_DIR,
    log: Callable[[str], None] | None = None,
    recipe: FeatureRecipe | None = None,
) -> dict[str, Any]:
    """Train one feature network and write its weights and record; return the record."""
    recipe = recipe or RECIPES.get(name)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    started = time.perf_counter()
    try:
        train_images, train_labels = data.load(recipe.dataset, "train", **recipe.options)
        test_images, test_labels = data.load(recipe.dataset, "test", **recipe.options)
        train_targets = recipe.targets(train_labels, recipe.options, None)
        test_targets = recipe.targets(test_labels, recipe.options, train_targets)
        torch.manual_seed(recipe.fit.seed)
        model = build(recipe.net, train_images, len(train_targets.output_names))
        heads = train_targets.heads or None
        fit(model, train_images, train_targets.values, recipe.fit, torch.device("cpu"), log, heads)
        per_head = head_accuracies(model, test_images, test_targets.values, heads)
        test_accuracy = sum(per_head) / len(per_head)
    finally:
        torch.set_num_threads(previous_threads)
    state = model.state_dict()
    record = {
        "backend": name,
        "dataset": recipe.dataset,
        "options": recipe.options,
        "net": recipe.net,
        "fit": asdict(recipe.fit),
        "channels": int(train_images.shape[1]),
        "size": int(train_images.shape[-1]),
        "output_names": train_targets.output_names,
        "class_of_output": train_targets.class_of_output,
        "test_accuracy": round(test_accuracy, 4),
        "digest": state_digest(state),
        "torch": torch.__version__.split("+")[0],
        "threads": THREADS,
        "cpu": cpu_identity(),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    names = list(train_targets.head_names) or ["class"]
    # Each head's accuracy on the real test images: the ceiling of conditional scores.
    record["head_accuracy"] = {n: round(a, 4) for n, a in zip(names, per_head, strict=True)}
    if train_targets.heads:
        record |= {"heads": list(train_targets.heads), "head_names": list(train_targets.head_names)}
    if isinstance(train_targets.vocabulary, Vocabulary):
        record["vocabulary"] = train_targets.vocabulary.as_dict()
    directory.mkdir(parents=True, exist_ok=True)
    atomic_write(directory / f"{name}.pt", lambda tmp: torch.save(state, tmp))
    atomic_write(
        directory / f"{name}.json", lambda tmp: tmp.write_text(json.dumps(record, indent=2) + "\n")
    )
    return record
