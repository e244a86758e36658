"""Scoring colourisations of the test split against the true colours, beside what doing
little scores and what real colour images score (each with the same sample count):

- `fid`: FID of the colourised items on the dataset's colour-aware feature net;
- `l1`, `psnr`, `ssim`: paired with the true colour image of each item; `ab_l1`,
  `ab_psnr`, `ab_ssim`: the same on the chroma channels alone (`colour_scores`), where
  the grey copy is a true floor; `in_palette`: the share of items whose mean colour lands
  in their class's palette;
- `colourfulness`: Hasler & Suesstrunk's (2003) metric, the mean over items (the real
  test images' is the target: higher is not better past it), and `palette`: the energy
  distance of per-item mean colours to the real test items' (0: the same spread);
- references, prefixed: `grey_*` (the grey input copied to three channels), `class_*`
  (each class's mean chroma on the input's luma: a baseline that knows the class), and
  `real_*` (training colour images scored as if they were colourisations: FID's floor at
  this sample count; the real items' colourfulness)."""

from __future__ import annotations

import json
import math

import torch

from gantune.trainables.colorization.colour_scores import Palettes, ab_scores
from gantune.trainables.colorization.data import Split, grey_of
from gantune.trainables.metrics import fid
from gantune.trainables.metrics.image_similarity import l1, ssim
from gantune.trainables.translation.scoring import energy_distance, item_colours


def colourfulness(images: torch.Tensor) -> float:
    """Hasler & Suesstrunk 2003: sqrt(s_rg^2 + s_yb^2) + 0.3 sqrt(m_rg^2 + m_yb^2), per
    image on [0, 255], averaged."""
    rgb = images.float()
    rg = rgb[:, 0] - rgb[:, 1]
    yb = 0.5 * (rgb[:, 0] + rgb[:, 1]) - rgb[:, 2]
    spread = (rg.flatten(1).std(1) ** 2 + yb.flatten(1).std(1) ** 2).sqrt()
    mean = (rg.flatten(1).mean(1) ** 2 + yb.flatten(1).mean(1) ** 2).sqrt()
    return float((spread + 0.3 * mean).mean())


def psnr(made: torch.Tensor, truth: torch.Tensor) -> float:
    mse = ((made.float() - truth.float()) / 255.0).pow(2).flatten(1).mean(1)
    values = 10 * torch.log10(1.0 / mse.clamp_min(1e-10))
    return float(values.mean())


def class_chroma(train: Split, classes: int) -> torch.Tensor:
    """Per class, the mean colour of its items' pixels divided by their mean grey: a
    tint to multiply a grey input with."""
    tints = torch.ones(classes, 3)
    colour, grey = train.colour.float().cpu(), train.grey.float().cpu()
    for label in range(classes):
        chosen = train.labels.cpu() == label
        if chosen.any():
            ink = grey[chosen].sum()
            tints[label] = colour[chosen].sum(dim=(0, 2, 3)) / ink.clamp_min(1.0)
    return tints


def tinted(grey: torch.Tensor, labels: torch.Tensor, tints: torch.Tensor) -> torch.Tensor:
    """Each item's class tint on its grey; an item of unknown class (-1) gets the mean of
    the class tints, not any one class's."""
    per_item = torch.cat([tints, tints.mean(0, keepdim=True)])  # the last row: unknown
    index = torch.where(labels.cpu() >= 0, labels.cpu(), len(tints))
    out = grey.float().cpu() * per_item[index][:, :, None, None]
    return out.round().clamp(0, 255).to(torch.uint8)


class Scorer:
    def __init__(self, dataset: str, options: dict, backend: str, device, train: Split) -> None:
        self.dataset, self.options, self.backend, self.device = dataset, options, backend, device
        self.palettes = Palettes(train.colour, train.labels)

    def score(self, made: torch.Tensor, truth: torch.Tensor, labels: torch.Tensor):
        reference = (self.dataset, "test")
        scores = {
            "fid": fid(made, reference, self.backend, self.options, self.device),
            "colourfulness": colourfulness(made),
            "palette": energy_distance(item_colours(made), item_colours(truth)),
            "in_palette": self.palettes.share_in(made, labels),
        }
        if made.shape == truth.shape:
            scores |= {
                "l1": float(l1(made, truth).mean()),
                "psnr": psnr(made, truth),
                "ssim": float(ssim(made, truth).mean()),
            } | ab_scores(made, truth)
        return scores


_references: dict[str, dict[str, float]] = {}


def references(scorer: Scorer, test: Split, train: Split, count: int) -> dict[str, float]:
    """Grey copied, class mean chroma, and real colour images, scored the same way (once
    per process, dataset, backend and sample count)."""
    key = json.dumps([scorer.dataset, scorer.options, scorer.backend, count], default=str)
    if key in _references:
        return _references[key]
    truth, grey, labels = test.colour[:count], test.grey[:count], test.labels[:count]
    classes = int(train.labels.max()) + 1 if len(train.labels) else 1
    cases = {
        "grey": grey.expand(-1, 3, -1, -1).contiguous(),
        "class": tinted(grey, labels, class_chroma(train, classes)).to(truth.device),
        "real": train.colour[:count],
    }
    found = {}
    unpaired = ("fid", "colourfulness", "palette", "in_palette")
    for prefix, made in cases.items():
        # the real case: other items (training's), with their own classes
        own = train.labels[:count] if prefix == "real" else labels
        scores = scorer.score(made.to(truth.device), truth, own)
        if prefix == "real":  # different items: only the unpaired scores mean anything
            scores = {k: v for k, v in scores.items() if k in unpaired}
        found |= {f"{prefix}_{name}": value for name, value in scores.items()}
    found["truth_colourfulness"] = colourfulness(truth)
    found["truth_in_palette"] = scorer.palettes.share_in(truth, labels)
    _references[key] = {k: v for k, v in found.items() if math.isfinite(v)}
    return _references[key]


__all__ = ["Scorer", "colourfulness", "grey_of", "psnr", "references"]
