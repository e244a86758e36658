"""Adversarial losses on discriminator scores (logits or critic values), for any family.

    mm      D: -log σ(s_r) - log(1-σ(s_f))      G: log(1-σ(s_f))    (Goodfellow 2014)
    ns      D: as mm                             G: -log σ(s_f)
    lsgan   D: ½[(s_r-1)² + s_f²]                G: (s_f-1)²         (Mao 2017; as CycleGAN)
    hinge   D: max(0,1-s_r) + max(0,1+s_f)       G: -s_f             (Lim & Ye 2017)
    wgan    D: s_f - s_r                         G: -s_f             (Arjovsky 2017)

Scores may be any shape (a PatchGAN's map); every term is a mean over all elements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from trainables.registry import Registry


@dataclass(frozen=True)
class Adversarial:
    d: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # (real scores, fake scores)
    g: Callable[[torch.Tensor], torch.Tensor]  # (scores of fakes) -> generator loss


def logistic_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return F.softplus(-real).mean() + F.softplus(fake).mean()


def least_squares_d(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    return 0.5 * ((real - 1) ** 2).mean() + 0.5 * (fake**2).mean()


ADVERSARIAL: Registry[Adversarial] = Registry("adversarial loss")
ADVERSARIAL.register("mm", Adversarial(logistic_d, lambda fake: -F.softplus(fake).mean()))
ADVERSARIAL.register("ns", Adversarial(logistic_d, lambda fake: F.softplus(-fake).mean()))
ADVERSARIAL.register("lsgan", Adversarial(least_squares_d, lambda fake: ((fake - 1) ** 2).mean()))
ADVERSARIAL.register(
    "hinge",
    Adversarial(lambda r, f: F.relu(1 - r).mean() + F.relu(1 + f).mean(), lambda f: -f.mean()),
)
ADVERSARIAL.register("wgan", Adversarial(lambda r, f: f.mean() - r.mean(), lambda f: -f.mean()))
