"""Evaluating a CycleGAN on the held-out test split, after every iteration.

- `fid_a2b`, `fid_b2a`: FID of the translations against the real test images of the
  target domain, with the dataset's feature net; `fid`, their mean, is the search metric.
- `kid_a2b`, `kid_b2a`: unbiased KID, subsets sized to the test set.
- where the test split pairs items across domains (leather-denim): `l1_*`, `ssim_*` of
  each translation against the same item in the other domain, and `class_kept`: how often
  the translation is still classified as the item's class.
- `cycle_l1`: test L1 of A -> B -> A and B -> A -> B against the input.
- `floor_*`: the same scores for the untranslated input: what doing nothing gets.
"""

from __future__ import annotations

import json

import numpy as np
import torch

from trainables.cyclegan.data import TestPairs
from trainables.images import to_uint8, to_unit
from trainables.metrics import reference_features, reference_statistics
from trainables.metrics.backends import get_backend
from trainables.metrics.frechet import GaussianStats
from trainables.metrics.image_similarity import kid, l1, ssim

BATCH = 250
KID_SUBSETS = 20


@torch.inference_mode()
def translate(generator: torch.nn.Module, images: torch.Tensor) -> torch.Tensor:
    """uint8 images through a generator in eval mode, in batches; uint8 out."""
    was_training = generator.training
    generator.eval()
    out = [
        to_uint8(generator(to_unit(images[start : start + BATCH]))).to(images.device)
        for start in range(0, len(images), BATCH)
    ]
    generator.train(was_training)
    return torch.cat(out)


class Scorer:
    """Scores translations of the test split into either domain."""

    def __init__(self, dataset: str, options: dict, backend: str, test: TestPairs, device):
        self.dataset, self.options, self.backend, self.test = dataset, options, backend, test
        self.device = device

    def real(self, domain: int) -> tuple[GaussianStats, np.ndarray]:
        reference = (self.dataset, "test")
        stats = reference_statistics(reference, self.backend, self.options, self.device, domain)
        features = reference_features(reference, self.backend, self.options, self.device, domain)
        return stats, features

    def direction(self, made: torch.Tensor, target: int, truth: torch.Tensor | None) -> dict:
        features = get_backend(self.backend).embed(made, device=self.device)
        stats, real = self.real(target)
        scores = {
            "fid": GaussianStats.of(features).distance(stats),
            "kid": kid(features, real, subsets=KID_SUBSETS),
        }
        if truth is not None:
            scores["l1"] = float(l1(made, truth[: len(made)]).mean())
            scores["ssim"] = float(ssim(made, truth[: len(made)]).mean())
        return scores

    def class_kept(self, made: torch.Tensor) -> float | None:
        if self.test.classes is None:
            return None
        try:
            predicted = get_backend(self.backend).classify(made.cpu())
        except ValueError:  # a backend without a class head
            return None
        return float((predicted == self.test.classes[: len(made)]).float().mean())

    def score(self, to_b: torch.Tensor, to_a: torch.Tensor) -> dict[str, float]:
        """Scores of translations of the first test items of A (to_b) and of B (to_a)."""
        paired = self.test.paired
        a2b = self.direction(to_b, 1, self.test.b if paired else None)
        b2a = self.direction(to_a, 0, self.test.a if paired else None)
        metrics = {f"{name}_a2b": value for name, value in a2b.items()}
        metrics |= {f"{name}_b2a": value for name, value in b2a.items()}
        metrics["fid"] = (a2b["fid"] + b2a["fid"]) / 2
        kept = [k for k in (self.class_kept(to_b), self.class_kept(to_a)) if k is not None]
        if kept:
            metrics["class_kept"] = sum(kept) / len(kept)
        return metrics


_floors: dict[str, dict[str, float]] = {}


def floor(scorer: Scorer, count: int) -> dict[str, float]:
    """What the untranslated input scores, once per process, dataset and sample count."""
    key = json.dumps([scorer.dataset, scorer.options, scorer.backend, count], default=str)
    if key not in _floors:
        scores = scorer.score(scorer.test.a[:count], scorer.test.b[:count])
        _floors[key] = {f"floor_{name}": value for name, value in scores.items()}
    return _floors[key]
