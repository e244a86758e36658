"""The classifier family: train and evaluate a registered classifier net on a dataset."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F

from trainables import data
from trainables.nets.classifier import CLASSIFIER_NETS, Classifier


@dataclass(frozen=True)
class FitConfig:
    epochs: int = 10
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 0.0
    shift: int = 0  # random translation by up to this many pixels (augmentation)
    cosine: bool = False  # decay the learning rate to zero along a cosine
    seed: int = 0


@dataclass(frozen=True)
class ClassifierConfig:
    net: str = "dense"
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    fit: FitConfig = field(default_factory=FitConfig)

    def __post_init__(self) -> None:
        CLASSIFIER_NETS.get(self.net)  # unknown names fail here, before any data is read
        data.check_options(self.dataset, self.dataset_options)


def to_inputs(images: torch.Tensor, device: torch.device) -> torch.Tensor:
    """uint8 [0, 255] -> float [0, 1] on the device (classifier input scale)."""
    return images.to(device, non_blocking=True).float().div_(255.0)


def random_shift(batch: torch.Tensor, pixels: int, generator: torch.Generator) -> torch.Tensor:
    if pixels <= 0:
        return batch
    dx, dy = (int(v) for v in torch.randint(-pixels, pixels + 1, (2,), generator=generator))
    return torch.roll(batch, shifts=(dy, dx), dims=(2, 3))


def fit(
    model: Classifier,
    images: torch.Tensor,
    targets: torch.Tensor,
    config: FitConfig,
    device: torch.device,
    log: Callable[[str], None] | None = None,
) -> Classifier:
    """Train with Adam on in-memory uint8 images; deterministic for a seed on the CPU."""
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    model.to(device).train()
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    steps = config.epochs * -(-len(images) // config.batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer,
        lambda step: 0.5 * (1 + math.cos(math.pi * step / steps)) if config.cosine else 1.0,
    )
    images, targets = images.to(device), targets.to(device)
    for epoch in range(config.epochs):
        started, total = time.perf_counter(), 0.0
        order = torch.randperm(len(images), generator=generator).to(device)
        for start in range(0, len(images), config.batch_size):
            index = order[start : start + config.batch_size]
            batch = random_shift(to_inputs(images[index], device), config.shift, generator)
            loss = F.cross_entropy(model(batch), targets[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item() * len(index)
        if log:
            seconds = time.perf_counter() - started
            mean = total / len(images)
            log(f"epoch {epoch + 1}/{config.epochs}: loss {mean:.4f} ({seconds:.0f}s)")
    return model.eval()


@torch.inference_mode()
def predict(model: Classifier, images: torch.Tensor, batch_size: int = 1000) -> torch.Tensor:
    """Logits for uint8 images, computed in batches in eval mode."""
    device = next(model.parameters()).device
    model.eval()
    outputs = [
        model(to_inputs(images[start : start + batch_size], device)).cpu()
        for start in range(0, len(images), batch_size)
    ]
    return torch.cat(outputs)


def accuracy(model: Classifier, images: torch.Tensor, targets: torch.Tensor) -> float:
    return float((predict(model, images).argmax(dim=1) == targets.cpu()).float().mean())


def build(net: str, images: torch.Tensor, classes: int) -> Classifier:
    return CLASSIFIER_NETS.get(net)(images.shape[1], images.shape[2], classes)


def train(
    config: ClassifierConfig, device: torch.device, log: Callable[[str], None] | None = None
) -> tuple[Classifier, float]:
    """Train `config.net` on the dataset's classes; return the model and its test accuracy."""
    options = config.dataset_options
    train_images, train_labels = data.load(config.dataset, "train", **options)
    test_images, test_labels = data.load(config.dataset, "test", **options)
    train_ids, names = data.classes(config.dataset, train_labels, **options)
    test_ids, _ = data.classes(config.dataset, test_labels, **options)
    torch.manual_seed(config.fit.seed)
    model = build(config.net, train_images, len(names))
    fit(model, train_images, train_ids, config.fit, device, log)
    return model, accuracy(model, test_images, test_ids)


# -- the classifier as a trial family ---------------------------------------------------


@dataclass(frozen=True)
class ClassifierTrialConfig:
    net: str = "feature-cnn"
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    lr: float = 1e-3
    batch_size: int = 128
    weight_decay: float = 0.0
    shift: int = 0

    def __post_init__(self) -> None:
        CLASSIFIER_NETS.get(self.net)
        data.check_options(self.dataset, self.dataset_options)


class ClassifierTrainer:
    """Trains on `images` training images per iteration; evaluates test accuracy."""

    def __init__(
        self, config: ClassifierTrialConfig, trial_data, device: torch.device, seed: int
    ) -> None:
        from trainables.sampler import BatchSampler
        from trainables.trial_data import trial_data as load_split

        self.config, self.data, self.device = config, trial_data, device
        self.test = load_split(config.dataset, config.dataset_options, device, split="test")
        self.model = build(config.net, trial_data.images, len(trial_data.class_names)).to(device)
        self.optimizer = torch.optim.Adam(
            self.model.parameters(), lr=config.lr, weight_decay=config.weight_decay
        )
        self.sampler = BatchSampler(len(trial_data.images), seed, device)
        self.shifts = torch.Generator().manual_seed(seed + 1)
        self.images_seen = 0

    def train(self, images: int) -> dict[str, float]:
        self.model.train()
        steps = max(1, images // self.config.batch_size)
        total = torch.zeros((), device=self.device)
        for _ in range(steps):
            index = self.sampler.next(self.config.batch_size)
            batch = random_shift(
                to_inputs(self.data.images[index], self.device), self.config.shift, self.shifts
            )
            loss = F.cross_entropy(self.model(batch), self.data.labels[index])
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            total += loss.detach()
            self.images_seen += len(index)
        return {"loss": float(total) / steps}

    def evaluate(self, samples: int, backend: str | None) -> dict[str, float]:
        return {"accuracy": accuracy(self.model, self.test.images, self.test.labels)}

    def grid(self) -> torch.Tensor | None:
        return None

    @property
    def epoch(self) -> float:
        return self.images_seen / len(self.data.images)

    def state_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "sampler": self.sampler.state_dict(),
            "shifts": self.shifts.get_state(),
            "images_seen": self.images_seen,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        for group in self.optimizer.param_groups:  # the config wins (PBT mutations)
            group["lr"], group["weight_decay"] = self.config.lr, self.config.weight_decay
        self.sampler.load_state_dict(state["sampler"])
        self.shifts.set_state(state["shifts"])
        self.images_seen = state["images_seen"]
