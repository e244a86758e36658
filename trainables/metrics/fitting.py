"""The one classifier training loop, used by the standalone training (`fit`, the FID
feature nets, `gantune classifier`) and by the classifier family's trials.

Minibatches follow a fresh permutation per epoch (the last, smaller batch included) and
a random shift per batch, both drawn from one seeded generator; Adam, with an optional
cosine decay to zero over a set number of images (a fit's whole budget, a trial's
`cosine_images`). Deterministic for a seed on the CPU.

A classifier has one head (targets: N class ids) or several, one per attribute (targets:
N x heads; the logits are the heads side by side and the loss is the sum of each head's
cross-entropy), as the multi-label attribute classifier of report 003.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from gantune.trainables.data.vocabulary import NO_VALUE
from gantune.trainables.nets.classifier import Classifier
from gantune.trainables.sampler import BatchSampler


@dataclass(frozen=True)
class FitConfig:
    epochs: int = 10
    batch_size: int = 128
    lr: float = 1e-3
    weight_decay: float = 0.0
    shift: int = 0  # random translation by up to this many pixels (augmentation)
    cosine: bool = False  # decay the learning rate to zero along a cosine
    seed: int = 0


def to_inputs(images: torch.Tensor, device: torch.device) -> torch.Tensor:
    """uint8 [0, 255] -> float [0, 1] on the device (classifier input scale)."""
    return images.to(device, non_blocking=True).float().div_(255.0)


def random_shift(batch: torch.Tensor, pixels: int, generator: torch.Generator) -> torch.Tensor:
    if pixels <= 0:
        return batch
    dx, dy = (int(v) for v in torch.randint(-pixels, pixels + 1, (2,), generator=generator))
    return torch.roll(batch, shifts=(dy, dx), dims=(2, 3))


Heads = tuple[int, ...] | None  # units per head, when there are several


def head_logits(logits: torch.Tensor, heads: Heads) -> list[torch.Tensor]:
    return list(logits.split(list(heads), dim=1)) if heads else [logits]


def classification_loss(logits: torch.Tensor, targets: torch.Tensor, heads: Heads) -> torch.Tensor:
    """Cross-entropy, summed over heads; a target of -1 (no value: an empty cell left out,
    a value unseen in training) counts in no head."""
    if not heads:
        return F.cross_entropy(logits, targets, ignore_index=NO_VALUE)
    parts = head_logits(logits, heads)
    return sum(
        F.cross_entropy(part, targets[:, i], ignore_index=NO_VALUE)
        for i, part in enumerate(parts)
        if (targets[:, i] != NO_VALUE).any()
    )


def steps_for(images: int, count: int, batch_size: int) -> int:
    """Optimiser steps to train on `images` images of a `count`-image set, epoch by epoch."""
    epochs, rest = divmod(images, count)
    return epochs * math.ceil(count / batch_size) + math.ceil(rest / batch_size)


class Fitter:
    """Trains `model` on in-memory uint8 images with Adam, a budget of images at a time."""

    def __init__(
        self,
        model: Classifier,
        images: torch.Tensor,
        targets: torch.Tensor,
        config: FitConfig,
        device: torch.device,
        decay_images: int,
        heads: Heads = None,
    ) -> None:
        self.model, self.config, self.device = model.to(device), config, device
        self.heads = heads
        self.images, self.targets = images.to(device), targets.to(device)
        # One generator draws the order and the shifts (the committed feature nets were
        # trained so: keep it, or they no longer reproduce).
        self.sampler = BatchSampler(len(images), config.seed, device, drop_last=False)
        self.generator = self.sampler.generator
        self.optimizer = torch.optim.Adam(
            model.parameters(), lr=config.lr, weight_decay=config.weight_decay
        )
        total = max(1, steps_for(decay_images, len(images), config.batch_size))
        self.schedule = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer,
            lambda step: (
                0.5 * (1 + math.cos(math.pi * min(step, total) / total)) if config.cosine else 1.0
            ),
        )
        self.images_seen = 0

    def train(self, images: int) -> float:
        """Train on at least `images` images (whole batches); the mean loss per image."""
        self.model.train()
        total, seen = torch.zeros((), device=self.device), 0
        while seen < images:
            index = self.sampler.next(self.config.batch_size)
            batch = to_inputs(self.images[index], self.device)
            batch = random_shift(batch, self.config.shift, self.generator)
            loss = classification_loss(self.model(batch), self.targets[index], self.heads)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()
            self.schedule.step()
            total += loss.detach() * len(index)
            seen += len(index)
        self.images_seen += seen
        return float(total) / seen

    def state_dict(self) -> dict[str, Any]:
        return {
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "schedule": self.schedule.state_dict(),
            "sampler": self.sampler.state_dict(),
            "images_seen": self.images_seen,
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.model.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["schedule"])
        self.sampler.load_state_dict(state["sampler"])
        self.images_seen = state["images_seen"]


def fit(
    model: Classifier,
    images: torch.Tensor,
    targets: torch.Tensor,
    config: FitConfig,
    device: torch.device,
    log: Callable[[str], None] | None = None,
    heads: Heads = None,
) -> Classifier:
    """Train for `config.epochs` epochs; deterministic for a seed on the CPU."""
    torch.manual_seed(config.seed)
    fitter = Fitter(model, images, targets, config, device, config.epochs * len(images), heads)
    for epoch in range(config.epochs):
        started = time.perf_counter()
        loss = fitter.train(len(images))
        if log:
            seconds = time.perf_counter() - started
            log(f"epoch {epoch + 1}/{config.epochs}: loss {loss:.4f} ({seconds:.0f}s)")
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


def predicted(logits: torch.Tensor, heads: Heads = None) -> torch.Tensor:
    """Class ids (N), or one column of ids per head (N x heads)."""
    if not heads:
        return logits.argmax(dim=1)
    return torch.stack([part.argmax(dim=1) for part in head_logits(logits, heads)], dim=1)


def head_accuracies(
    model: Classifier, images: torch.Tensor, targets: torch.Tensor, heads: Heads = None
) -> list[float]:
    """Per head, the share of right answers among the images with a value (target >= 0)."""
    found = predicted(predict(model, images), heads)
    found, targets = (found, targets.cpu()) if heads else (found[:, None], targets.cpu()[:, None])
    valid = targets != NO_VALUE
    hits = (found == targets) & valid
    return [float(hits[:, k].sum() / valid[:, k].sum().clamp_min(1)) for k in range(hits.shape[1])]


def accuracy(
    model: Classifier, images: torch.Tensor, targets: torch.Tensor, heads: Heads = None
) -> float:
    """The share of right answers (averaged over heads, when there are several)."""
    return sum(head_accuracies(model, images, targets, heads)) / max(1, len(heads or (1,)))
