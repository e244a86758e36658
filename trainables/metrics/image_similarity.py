"""Scores of a translation against its ground truth, and of two feature sets.

- `ssim`: structural similarity (Wang et al. 2004): an 11x11 Gaussian window (sigma 1.5),
  C1 = (0.01 L)^2, C2 = (0.03 L)^2 with L = 1 on [0, 1] images; the mean over pixels and
  channels, per image.
- `l1`: mean absolute difference on [0, 1], per image.
- `kid`: Kernel Inception Distance (Binkowski et al. 2018): the unbiased MMD^2 with the
  cubic polynomial kernel k(x, y) = (x.y / d + 1)^3, averaged over random subsets, each of
  min(subset_size, both set sizes) (user test folders may hold ~100 images).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def unit(images: torch.Tensor) -> torch.Tensor:
    """uint8 [0, 255] -> float [0, 1]."""
    return images.float() / 255.0


def gaussian_window(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    offsets = torch.arange(size, dtype=torch.float32) - (size - 1) / 2
    kernel = torch.exp(-(offsets**2) / (2 * sigma**2))
    kernel = kernel / kernel.sum()
    return kernel[:, None] * kernel[None, :]


def ssim(a: torch.Tensor, b: torch.Tensor, window: int = 11) -> torch.Tensor:
    """Per-image SSIM of two uint8 (or [0, 1] float) batches N x C x H x W."""
    x = unit(a) if a.dtype == torch.uint8 else a.float()
    y = unit(b) if b.dtype == torch.uint8 else b.float()
    channels = x.shape[1]
    size = min(window, x.shape[-1], x.shape[-2])
    kernel = gaussian_window(size).to(x.device).expand(channels, 1, size, size)

    def blur(t: torch.Tensor) -> torch.Tensor:
        return F.conv2d(t, kernel, groups=channels)

    mu_x, mu_y = blur(x), blur(y)
    var_x = blur(x * x) - mu_x**2
    var_y = blur(y * y) - mu_y**2
    covariance = blur(x * y) - mu_x * mu_y
    c1, c2 = 0.01**2, 0.03**2
    score = ((2 * mu_x * mu_y + c1) * (2 * covariance + c2)) / (
        (mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2)
    )
    return score.flatten(1).mean(dim=1)


def l1(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per-image mean absolute difference on a [0, 1] scale."""
    return (unit(a) - unit(b)).abs().flatten(1).mean(dim=1)


def kid(
    x: np.ndarray, y: np.ndarray, subsets: int = 100, subset_size: int = 1000, seed: int = 0
) -> float:
    """Unbiased KID of two feature sets (rows are samples)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    size = min(subset_size, len(x), len(y))
    if size < 2:
        raise ValueError("KID needs at least two samples in each set")
    rng = np.random.default_rng(seed)
    dims = x.shape[1]
    total = 0.0
    for _ in range(subsets):
        a = x[rng.choice(len(x), size, replace=False)]
        b = y[rng.choice(len(y), size, replace=False)]
        k_aa = (a @ a.T / dims + 1) ** 3
        k_bb = (b @ b.T / dims + 1) ** 3
        k_ab = (a @ b.T / dims + 1) ** 3
        within = (k_aa.sum() - np.trace(k_aa) + k_bb.sum() - np.trace(k_bb)) / (size * (size - 1))
        total += within - 2 * k_ab.mean()
    return float(total / subsets)
