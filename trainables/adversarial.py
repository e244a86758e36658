"""Adversarial losses on discriminator scores (logits or critic values), for any family:
the discriminator's term on real scores, its term on fake scores, and the generator's.

    mm      real: -log σ(s)      fake: -log(1-σ(s))    G: log(1-σ(s))   (Goodfellow 2014)
    ns      as mm                                      G: -log σ(s)
    lsgan   real: (s-1)²         fake: s²              G: (s-1)²        (Mao 2017)
    hinge   real: max(0,1-s)     fake: max(0,1+s)      G: -s            (Lim & Ye 2017)
    wgan    real: -s             fake: s               G: -s            (Arjovsky 2017)

Every term is a mean over all elements, so scores may be any shape (a PatchGAN's map).
Families choose their scaling: Mao's LSGAN halves both sides; CycleGAN halves D's sum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from gantune.spaces.registry import Registry

Term = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Adversarial:
    real: Term  # D's loss on the scores of real images
    fake: Term  # D's loss on the scores of generated images
    g: Term  # G's loss on the scores of generated images

    def d(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        return self.real(real) + self.fake(fake)


def softplus_mean(sign: float) -> Term:
    return lambda scores: F.softplus(sign * scores).mean()


ADVERSARIAL: Registry[Adversarial] = Registry("adversarial loss")
ADVERSARIAL.register(
    "mm", Adversarial(softplus_mean(-1), softplus_mean(1), lambda s: -F.softplus(s).mean())
)
ADVERSARIAL.register("ns", Adversarial(softplus_mean(-1), softplus_mean(1), softplus_mean(-1)))
ADVERSARIAL.register(
    "lsgan",
    Adversarial(
        lambda s: ((s - 1) ** 2).mean(), lambda s: (s**2).mean(), lambda s: ((s - 1) ** 2).mean()
    ),
)
ADVERSARIAL.register(
    "hinge",
    Adversarial(
        lambda s: F.relu(1 - s).mean(), lambda s: F.relu(1 + s).mean(), lambda s: -s.mean()
    ),
)
ADVERSARIAL.register(
    "wgan", Adversarial(lambda s: -s.mean(), lambda s: s.mean(), lambda s: -s.mean())
)
