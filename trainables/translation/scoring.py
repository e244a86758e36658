"""Scoring image translations (any family that maps images of one domain to another).

Per direction, against the target domain's real test images, with the dataset's feature
net: `fid`, `kid`; the palette (`palette`: the energy distance between the two sets of
per-item mean colours, so a model that paints every item one colour scores badly even
when each item looks real); and, where the test split pairs items across domains, `l1`
and `ssim` against the same item in the target domain, `class_kept` (the item's class
is still recognised) and `flip` (the 20-way class x domain head says: same class, target
domain; doing nothing keeps the class but never flips).

`references` scores what a search must be read against, the same way and at the same
sample count:
- `floor_*`: doing nothing (the untranslated input);
- `transfer_*`: a colour transfer, the simplest baseline: each item's pixels moved to the
  target domain's per-channel mean and standard deviation (Reinhard et al. 2001, in RGB);
- `real_*`: real against real: training images of the target domain scored as if they
  were translations (FID's, KID's and the palette's floor at this sample count);
- `oracle_*`: where the dataset can render the same test items again with another seed,
  that second rendering of the target domain (the best paired L1 and SSIM any
  translation can reach, since two renderings of one item differ in palette and grain).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import torch

from gantune.trainables.images import to_uint8
from gantune.trainables.metrics import reference_features, reference_statistics
from gantune.trainables.metrics.backends import get_backend
from gantune.trainables.metrics.frechet import GaussianStats
from gantune.trainables.metrics.image_similarity import kid, l1, ssim

KID_SUBSETS = 20
PALETTE_SAMPLES = 1000  # per side: the energy distance is quadratic in the sample count
BACKGROUND_DISTANCE = 0.08  # a pixel this far from the border colour belongs to the item


@dataclass(frozen=True)
class Pairs:
    """Test images of both domains; `paired`: a[i] and b[i] show the same item."""

    a: torch.Tensor  # uint8
    b: torch.Tensor
    paired: bool
    classes: torch.Tensor | None = None  # the class of item i, where known
    class_names: tuple[str, ...] = ()
    domain_names: tuple[str, str] = ("A", "B")


def item_mask(images: torch.Tensor) -> torch.Tensor:
    """N x 1 x H x W: pixels that differ from the image's border colour (its background)."""
    unit = images.float() / 255.0
    border = torch.cat(
        [unit[..., 0, :], unit[..., -1, :], unit[..., :, 0], unit[..., :, -1]], dim=-1
    )
    background = border.median(dim=-1).values[..., None, None]
    return ((unit - background).abs().amax(dim=1, keepdim=True) > BACKGROUND_DISTANCE).float()


def item_colours(images: torch.Tensor) -> np.ndarray:
    """N x C: each image's mean colour over its item's pixels (the whole image if none)."""
    mask = item_mask(images)
    mask = torch.where(mask.flatten(1).sum(1)[:, None, None, None] > 0, mask, 1.0)
    unit = images.float() / 255.0
    return ((unit * mask).sum((2, 3)) / mask.sum((2, 3))).cpu().numpy()


def energy_distance(x: np.ndarray, y: np.ndarray, seed: int = 0) -> float:
    """2 E|X - Y| - E|X - X'| - E|Y - Y'| (Szekely), estimated without bias: the within-
    sample means leave out each item's distance to itself (a U-statistic), so two samples
    of one distribution score about 0 at any sample count, not 2 E|X - X'| / n."""
    rng = np.random.default_rng(seed)
    x = x[rng.permutation(len(x))[:PALETTE_SAMPLES]]
    y = y[rng.permutation(len(y))[:PALETTE_SAMPLES]]

    def distances(p: np.ndarray, q: np.ndarray) -> np.ndarray:
        return np.linalg.norm(p[:, None, :] - q[None, :, :], axis=-1)

    def within(p: np.ndarray) -> float:
        count = len(p)
        return float(distances(p, p).sum() / (count * (count - 1))) if count > 1 else 0.0

    return 2 * float(distances(x, y).mean()) - within(x) - within(y)


def colour_transfer(images: torch.Tensor, source: torch.Tensor, target: torch.Tensor):
    """Each item's pixels moved from `source`'s per-channel item statistics to `target`'s."""

    def statistics(batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        unit, mask = batch.float() / 255.0, item_mask(batch)
        count = mask.sum()
        mean = (unit * mask).sum((0, 2, 3)) / count
        var = (((unit - mean[None, :, None, None]) ** 2) * mask).sum((0, 2, 3)) / count
        return mean[None, :, None, None], var.sqrt()[None, :, None, None].clamp_min(1e-3)

    (mean_s, std_s), (mean_t, std_t) = statistics(source), statistics(target)
    unit, mask = images.float() / 255.0, item_mask(images)
    moved = (unit - mean_s) / std_s * std_t + mean_t
    return to_uint8((unit * (1 - mask) + moved * mask) * 2 - 1)


class Scorer:
    """Scores translations of the test split into either domain."""

    def __init__(self, dataset: str, options: dict, backend: str, test: Pairs, device) -> None:
        self.dataset, self.options, self.backend, self.test = dataset, options, backend, test
        self.device = device
        self.units = flip_units(get_backend(backend), test.domain_names)

    def real(self, domain: int) -> tuple[GaussianStats, np.ndarray]:
        reference = (self.dataset, "test")
        stats = reference_statistics(reference, self.backend, self.options, self.device, domain)
        features = reference_features(reference, self.backend, self.options, self.device, domain)
        return stats, features

    def direction(self, made: torch.Tensor, target: int, paired: bool) -> dict[str, float]:
        """Scores of `made`, translations into domain `target` of the first test items;
        `paired`: made[i] shows test item i, so the paired scores apply."""
        backend = get_backend(self.backend)
        features = backend.embed(made, device=self.device)
        stats, real = self.real(target)
        truth = (self.test.a, self.test.b)[target]
        scores = {
            "fid": GaussianStats.of(features).distance(stats),
            "kid": kid(features, real, subsets=KID_SUBSETS),
            "palette": energy_distance(item_colours(made), item_colours(truth)),
        }
        if paired and self.test.paired:
            scores["l1"] = float(l1(made, truth[: len(made)]).mean())
            scores["ssim"] = float(ssim(made, truth[: len(made)]).mean())
            if self.test.classes is not None:
                classes = self.test.classes[: len(made)]
                scores |= self.class_scores(made, classes, target)
        return scores

    def class_scores(self, made: torch.Tensor, classes: torch.Tensor, target: int):
        backend = get_backend(self.backend)
        try:
            kept = backend.classify(made.cpu()) == classes
        except ValueError:  # a backend without a class head
            return {}
        scores = {"class_kept": float(kept.float().mean())}
        if self.units is not None:
            unit = backend.logits(made.cpu()).argmax(dim=1)
            wanted = self.units[target][classes]
            scores["flip"] = float((unit == wanted).float().mean())
        return scores

    def score(self, to_b: torch.Tensor, to_a: torch.Tensor, paired: bool = True):
        """Scores of translations of the first test items of A (to_b) and of B (to_a)."""
        a2b, b2a = self.direction(to_b, 1, paired), self.direction(to_a, 0, paired)
        metrics = {f"{name}_a2b": value for name, value in a2b.items()}
        metrics |= {f"{name}_b2a": value for name, value in b2a.items()}
        metrics["fid"] = (a2b["fid"] + b2a["fid"]) / 2
        for name in ("class_kept", "flip"):
            if name in a2b and name in b2a:
                metrics[name] = (a2b[name] + b2a[name]) / 2
        return metrics


def flip_units(backend, domains: tuple[str, str]) -> tuple[torch.Tensor, torch.Tensor] | None:
    """Per target domain, the output unit of each class in that domain, where the
    backend's outputs are named "<domain> <class>" (the class x domain head)."""
    names = getattr(backend, "recipe", {}).get("output_names", [])
    units = []
    for domain in domains:
        found = [i for i, name in enumerate(names) if name.startswith(f"{domain} ")]
        if not found:
            return None
        units.append(torch.tensor(found))
    return units[0], units[1]


@dataclass(frozen=True)
class Renderings:
    """What the references need besides the scorer: training images of both domains and,
    where the dataset can render the test items again, that second rendering."""

    train_a: torch.Tensor
    train_b: torch.Tensor
    again: Pairs | None = None


_references: dict[str, dict[str, float]] = {}


def references(scorer: Scorer, count: int, renderings: Renderings) -> dict[str, float]:
    """Floor, colour-transfer baseline, real-vs-real floor and oracle, each scored as a
    translation would be; once per process, dataset, backend and sample count."""
    key = json.dumps([scorer.dataset, scorer.options, scorer.backend, count], default=str)
    if key in _references:
        return _references[key]
    test, found = scorer.test, {}
    a, b = test.a[:count], test.b[:count]
    train_a, train_b = renderings.train_a, renderings.train_b
    cases = {
        "floor": (a, b, True),
        "transfer": (
            colour_transfer(a, train_a, train_b),
            colour_transfer(b, train_b, train_a),
            True,
        ),
        "real": (train_b[:count], train_a[:count], False),
    }
    if renderings.again is not None:
        cases["oracle"] = (renderings.again.b[:count], renderings.again.a[:count], True)
    for prefix, (to_b, to_a, paired) in cases.items():
        scores = scorer.score(to_b.to(a.device), to_a.to(a.device), paired)
        found |= {f"{prefix}_{name}": value for name, value in scores.items()}
    _references[key] = found
    return found
