"""Scores that measure colour, not lightness. L1, PSNR and SSIM on RGB reward staying grey
(a grey copy keeps every item's lightness and structure); on the chroma channels ab alone
the grey copy is a true floor, since it has none.

- `ab_scores`: L1 (in Lab units), PSNR and SSIM of the predicted ab against the truth's;
- `Palettes`: the share of items whose tint lands in their class's palette: an item's
  colour over its lightness (its summed RGB over its summed grey, so a grey item is
  (1, 1, 1) whatever its lightness), within the distance from a real training item of the
  class that 95% of that class's own items are within of their nearest other item (leave
  one out). A grey copy lands only where its class has grey items."""

from __future__ import annotations

import numpy as np
import torch

from gantune.trainables.colorization.data import LUMA
from gantune.trainables.colorization.lab import AB_SCALE, rgb_to_lab
from gantune.trainables.metrics.image_similarity import ssim
from gantune.trainables.translation.scoring import item_mask

PER_CLASS = 400  # training items a class's palette keeps
COVERED = 95  # percentile of a class's own leave-one-out distances


def chroma(images: torch.Tensor) -> torch.Tensor:
    """uint8 RGB -> ab in Lab units, N x 2 x H x W."""
    return rgb_to_lab(images.float() / 255.0)[:, 1:]


def item_tints(images: torch.Tensor) -> np.ndarray:
    """N x 3: each item's colour over its lightness (summed RGB of its pixels over their
    summed grey): a grey item is (1, 1, 1) at any lightness."""
    mask = item_mask(images)
    mask = torch.where(mask.flatten(1).sum(1)[:, None, None, None] > 0, mask, 1.0)
    rgb = images.float()
    grey = (rgb * torch.tensor(LUMA, device=rgb.device).view(1, 3, 1, 1)).sum(1, keepdim=True)
    ink = (grey * mask).sum((2, 3)).clamp_min(1.0)
    return ((rgb * mask).sum((2, 3)) / ink).cpu().numpy()


def ab_scores(made: torch.Tensor, truth: torch.Tensor) -> dict[str, float]:
    ours, theirs = chroma(made), chroma(truth)
    error = (ours - theirs).abs().flatten(1).mean(1)
    unit_ours = (ours + AB_SCALE) / (2 * AB_SCALE)
    unit_theirs = (theirs + AB_SCALE) / (2 * AB_SCALE)
    mse = (unit_ours - unit_theirs).pow(2).flatten(1).mean(1).clamp_min(1e-10)
    similarity = ssim(unit_ours * 255.0, unit_theirs * 255.0)
    return {
        "ab_l1": float(error.mean()),
        "ab_psnr": float((10 * torch.log10(1.0 / mse)).mean()),
        "ab_ssim": float(similarity.mean()),
    }


class Palettes:
    """Each class's item colours in training, and how far from them a member may lie."""

    def __init__(self, colour: torch.Tensor, labels: torch.Tensor, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        labels_np = labels.cpu().numpy()
        self.members: dict[int, np.ndarray] = {}
        self.reach: dict[int, float] = {}
        for label in np.unique(labels_np[labels_np >= 0]):
            chosen = np.flatnonzero(labels_np == label)
            chosen = rng.permutation(chosen)[:PER_CLASS]
            if len(chosen) < 2:
                continue
            # tints of the kept items only: a tint is per item, and the split has 60k
            members = item_tints(colour[torch.as_tensor(chosen, device=colour.device)])
            distances = np.linalg.norm(members[:, None] - members[None], axis=-1)
            np.fill_diagonal(distances, np.inf)
            self.members[int(label)] = members
            self.reach[int(label)] = float(np.percentile(distances.min(1), COVERED))

    def share_in(self, made: torch.Tensor, labels: torch.Tensor) -> float:
        """The share of items (of a known class with a palette) whose tint lands in
        their class's palette."""
        colours, labels_np = item_tints(made), labels.cpu().numpy()
        hits = []
        for colour, label in zip(colours, labels_np, strict=True):
            members = self.members.get(int(label))
            if members is not None:
                nearest = float(np.linalg.norm(members - colour, axis=-1).min())
                hits.append(nearest <= self.reach[int(label)])
        return float(np.mean(hits)) if hits else float("nan")
