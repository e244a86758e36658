"""VAE nets, in a registry, each with a width multiplier: an encoder from images (and a
conditioning vector) to the mean and the standard deviation of q(z | x), and a decoder
from z (and the conditioning vector) to per-pixel probabilities in [0, 1].

- `dense`: Geron's Hands-On ML (chapter 17), the report's baseline: 150-100 SELU layers,
  a mirror decoder with a sigmoid output.
- `conv`: the report's conv variant: blocks of 8/16/32/64 filters (3x3, stride 2), and
  transposed blocks back.
- `infogan`: Lucic et al.'s VAE (compare_gan): their InfoGAN-style D trunk ending in
  2 x z outputs (mean; std through softplus), and their G with a sigmoid output.
The conditioning vector joins the encoder's input (as constant planes for conv nets) and
the latent code.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from gantune.spaces.registry import Registry
from gantune.trainables.nets import infogan
from gantune.trainables.nets.architecture import scaled

UNIT_SPREAD = math.log(math.expm1(1 - 1e-4))  # softplus(UNIT_SPREAD) + 1e-4 == 1


class Encoder(nn.Module):
    def __init__(self, body: nn.Module, features: int, latent: int, planes: bool) -> None:
        super().__init__()
        self.body, self.planes = body, planes
        self.head = nn.Linear(features, 2 * latent)

    def forward(
        self, images: torch.Tensor, cond: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        if cond is None:
            features = self.body(images)
        elif self.planes:
            planes = cond[:, :, None, None].expand(-1, -1, *images.shape[2:])
            features = self.body(torch.cat([images, planes], dim=1))
        else:
            features = self.body(torch.cat([images.flatten(1), cond], dim=1))
        mean, spread = self.head(features).chunk(2, dim=1)
        # std > 0, and 1 where the head starts (spread near 0): the posterior starts as
        # the prior's width, so early KL terms measure the mean, not a squeezed std
        return mean, F.softplus(spread + UNIT_SPREAD) + 1e-4


class Decoder(nn.Module):
    def __init__(self, body: nn.Module, size: int) -> None:
        super().__init__()
        self.body, self.size = body, size

    def forward(self, z: torch.Tensor, cond: torch.Tensor | None) -> torch.Tensor:
        """Per-pixel logits (the sigmoid is applied by the losses and for images)."""
        logits = self.body(z if cond is None else torch.cat([z, cond], dim=1))
        excess = logits.shape[-1] - self.size  # conv decoders work at a power of two
        if excess > 0:
            start = excess // 2
            logits = logits[..., start : start + self.size, start : start + self.size]
        return logits


@dataclass(frozen=True)
class VaeNet:
    # (channels, size, width, cond) -> (encoder body taking images [+ cond], features, planes)
    encoder: Callable[[int, int, float, int], tuple[nn.Module, int, bool]]
    # (latent + cond, channels, size, width) -> body: (N, latent + cond) -> logits
    decoder: Callable[[int, int, int, float], nn.Module]


def dense_encoder(channels: int, size: int, width: float, cond: int):
    first, second = scaled(150, width), scaled(100, width)
    body = nn.Sequential(
        nn.Flatten(), nn.Linear(channels * size * size + cond, first), nn.SELU(),
        nn.Linear(first, second), nn.SELU(),
    )  # fmt: skip
    return body, second, False


def dense_decoder(inputs: int, channels: int, size: int, width: float) -> nn.Module:
    first, second = scaled(100, width), scaled(150, width)
    return nn.Sequential(
        nn.Linear(inputs, first), nn.SELU(), nn.Linear(first, second), nn.SELU(),
        nn.Linear(second, channels * size * size), nn.Unflatten(1, (channels, size, size)),
    )  # fmt: skip


CONV_FILTERS = (8, 16, 32, 64)


def padded(size: int) -> int:
    return 2 ** math.ceil(math.log2(size))


def conv_encoder(channels: int, size: int, width: float, cond: int):
    layers: list[nn.Module] = []
    inputs = channels + cond
    for filters in CONV_FILTERS:
        outputs = scaled(filters, width)
        layers += [nn.Conv2d(inputs, outputs, 3, stride=2, padding=1), nn.ReLU()]
        inputs = outputs
    side = math.ceil(size / 16)
    return nn.Sequential(*layers, nn.Flatten()), inputs * side * side, True


def conv_decoder(inputs: int, channels: int, size: int, width: float) -> nn.Module:
    side = padded(size) // 16
    widths = [scaled(f, width) for f in reversed(CONV_FILTERS)]
    layers: list[nn.Module] = [
        nn.Linear(inputs, widths[0] * side * side),
        nn.ReLU(),
        nn.Unflatten(1, (widths[0], side, side)),
    ]
    for current, following in zip(widths, [*widths[1:], widths[-1]], strict=True):
        layers += [nn.ConvTranspose2d(current, following, 4, stride=2, padding=1), nn.ReLU()]
    layers.append(nn.Conv2d(widths[-1], channels, 3, padding=1))
    return nn.Sequential(*layers)


def infogan_encoder(channels: int, size: int, width: float, cond: int):
    body, features = infogan.encoder(channels + cond, size, width, batch_norm=True)
    return body, features, True


def infogan_decoder(inputs: int, channels: int, size: int, width: float) -> nn.Module:
    generator = infogan.generator(inputs, channels, size, width)
    return nn.Sequential(*list(generator)[:-1])  # logits: the tanh goes


VAE_NETS: Registry[VaeNet] = Registry("VAE net")
VAE_NETS.register("dense", VaeNet(dense_encoder, dense_decoder))
VAE_NETS.register("conv", VaeNet(conv_encoder, conv_decoder))
VAE_NETS.register("infogan", VaeNet(infogan_encoder, infogan_decoder))


def build_vae(
    net: str, channels: int, size: int, latent: int, cond: int, width: float
) -> tuple[Encoder, Decoder]:
    chosen = VAE_NETS.get(net)
    body, features, planes = chosen.encoder(channels, size, width, cond)
    encoder = Encoder(body, features, latent, planes)
    return encoder, Decoder(chosen.decoder(latent + cond, channels, size, width), size)
