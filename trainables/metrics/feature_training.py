"""Training the feature networks of our FID backends (`gantune metrics train-features`).

Each recipe fixes the data, targets, net, optimiser settings and seed; training runs on
the CPU with a fixed thread count so the weights are reproducible on a given machine and
torch version. The weights and a JSON record (recipe, accuracy, digest) go into
`trainables/metrics/weights/`, where the backends read them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch

from trainables import data
from trainables.classifier import FitConfig, accuracy, build, fit
from trainables.data import fashion_mnist, textures
from trainables.data.cache import atomic_write
from trainables.metrics.backends import WEIGHTS_DIR, state_digest
from trainables.registry import Registry

THREADS = 2  # fixed: reductions in the backward pass depend on the thread count
Targets = tuple[torch.Tensor, list[str], list[int]]  # targets, output names, class of output


def fashion_targets(labels: torch.Tensor) -> Targets:
    return labels, list(fashion_mnist.CLASSES), list(range(10))


def class_by_domain_targets(labels: torch.Tensor) -> Targets:
    """Output unit = class + 10 * domain, so features separate both."""
    names = [f"{domain} {cls}" for domain in textures.DOMAINS for cls in fashion_mnist.CLASSES]
    return labels[:, 0] + 10 * labels[:, 1], names, [i % 10 for i in range(20)]


@dataclass(frozen=True)
class FeatureRecipe:
    dataset: str
    targets: Callable[[Any], Targets]
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


def train_features(
    name: str, directory: Path = WEIGHTS_DIR, log: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Train one feature network and write its weights and record; return the record."""
    recipe = RECIPES.get(name)
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(THREADS)
    started = time.perf_counter()
    try:
        train_images, train_labels = data.load(recipe.dataset, "train", **recipe.options)
        test_images, test_labels = data.load(recipe.dataset, "test", **recipe.options)
        train_targets, names, class_of_output = recipe.targets(train_labels)
        test_targets, _, _ = recipe.targets(test_labels)
        torch.manual_seed(recipe.fit.seed)
        model = build(recipe.net, train_images, len(names))
        fit(model, train_images, train_targets, recipe.fit, torch.device("cpu"), log)
        test_accuracy = accuracy(model, test_images, test_targets)
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
        "output_names": names,
        "class_of_output": class_of_output,
        "test_accuracy": round(test_accuracy, 4),
        "digest": state_digest(state),
        "torch": torch.__version__.split("+")[0],
        "threads": THREADS,
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    atomic_write(directory / f"{name}.pt", lambda tmp: torch.save(state, tmp))
    atomic_write(
        directory / f"{name}.json", lambda tmp: tmp.write_text(json.dumps(record, indent=2) + "\n")
    )
    return record
