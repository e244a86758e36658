"""The evidence lower bound of a VAE with a Gaussian posterior N(mean, std^2) and a
standard normal prior, per sample, in nats:

    ELBO = E_q[log p(x | z)] - KL(q(z | x) || p(z))
    KL   = 1/2 sum_j (mean_j^2 + std_j^2 - 1 - 2 log std_j)

The reconstruction term is a Bernoulli likelihood of the pixel intensities (binary cross-
entropy on the decoder's logits, summed over pixels, as Lucic et al.), or a Gaussian of
unit variance (1/2 the summed squared error, the constant dropped): either way a perfect
reconstruction of binary images costs nothing, and its ELBO is -KL.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def kl_divergence(mean: torch.Tensor, std: torch.Tensor) -> torch.Tensor:
    """KL(N(mean, std^2) || N(0, I)) per sample."""
    return 0.5 * (mean**2 + std**2 - 1.0 - 2.0 * torch.log(std)).sum(dim=1)


def reconstruction_nll(logits: torch.Tensor, images: torch.Tensor, kind: str) -> torch.Tensor:
    """-log p(x | z) per sample; `images` in [0, 1]."""
    if kind == "bce":
        loss = F.binary_cross_entropy_with_logits(logits, images, reduction="none")
    else:
        loss = 0.5 * (torch.sigmoid(logits) - images) ** 2
    return loss.flatten(1).sum(dim=1)


def elbo(logits, images, mean, std, kind: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ELBO, reconstruction NLL, KL), each per sample."""
    nll, kl = reconstruction_nll(logits, images, kind), kl_divergence(mean, std)
    return -(nll + kl), nll, kl
