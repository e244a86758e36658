"""What a GAN architecture is (a generator and a discriminator body for some image
sizes), the registry every architecture module adds itself to, and the width rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from torch import nn

from gantune.spaces.registry import Registry


def scaled(units: int, width: float) -> int:
    """Hidden sizes scaled by the width multiplier (at least one unit)."""
    return max(1, round(units * width))


@dataclass(frozen=True)
class Architecture:
    # generator(latent_dim, channels, size, width) -> module: (N, latent) -> (N, C, H, W)
    generator: Callable[[int, int, int, float], nn.Module]
    # encoder(in_channels, size, width, batch_norm) -> (module: images -> (N, F), F)
    encoder: Callable[[int, int, float, bool], tuple[nn.Module, int]]
    sizes: tuple[int, ...]  # image sizes the architecture supports


GAN_NETS: Registry[Architecture] = Registry("GAN net")
