"""The colorizer's nets: a U-Net generator (Ronneberger et al. 2015, as pix2pix uses it:
4x4 stride-2 convs down, LeakyReLU 0.2, batch norm after the first; transposed convs up,
ReLU, each level concatenated with its mirror on the way down; tanh out; dropout 0.5 in
the decoder of every inner level, on at training and at test time alike: pix2pix's only
noise) and a PatchGAN
that judges the grey input and a colour image side by side, with 0 to 3 stride-2 layers
(receptive fields of 1, 16, 34 and 70 pixels). An image whose side is not a multiple of
2^depth is padded for the generator and cropped back."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from gantune.trainables.nets.translation import NORMS


class Noise(nn.Module):
    """Dropout that stays on at test time (pix2pix's generator noise)."""

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate = rate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.dropout(x, self.rate, training=True) if self.rate > 0 else x


class Level(nn.Module):
    """One U-Net level: down, the inner levels, up; the input joins the output."""

    def __init__(
        self,
        outer: int,
        inner: int,
        below: nn.Module | None,
        norm: str,
        first: bool,
        dropout: float = 0.0,
    ):
        super().__init__()
        down: list[nn.Module] = [] if first else [nn.LeakyReLU(0.2, True)]
        down.append(nn.Conv2d(outer, inner, 4, 2, 1, bias=norm != "batch"))
        if not first and below is not None:
            down.append(NORMS.get(norm)(inner))
        self.down, self.below = nn.Sequential(*down), below
        middle = inner * 2 if below is not None else inner
        self.up = nn.Sequential(
            nn.ReLU(True),
            nn.ConvTranspose2d(middle, outer, 4, 2, 1, bias=norm != "batch"),
            NORMS.get(norm)(outer),
            Noise(dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        inner = self.down(x)
        if self.below is not None:
            inner = self.below(inner)
        return torch.cat([x, self.up(inner)], dim=1)


class UNet(nn.Module):
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        ngf: int,
        depth: int,
        norm: str,
        dropout: float = 0.0,
    ):
        super().__init__()
        self.multiple = 2**depth
        widths = [ngf * min(2**k, 8) for k in range(depth)]
        below: nn.Module | None = None
        for k in reversed(range(1, depth)):
            below = Level(widths[k - 1], widths[k], below, norm, first=False, dropout=dropout)
        self.first = nn.Conv2d(in_channels, widths[0], 4, 2, 1)
        self.below = below
        middle = widths[0] * 2 if below is not None else widths[0]
        self.last = nn.Sequential(
            nn.ReLU(True), nn.ConvTranspose2d(middle, out_channels, 4, 2, 1), nn.Tanh()
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        pad_h, pad_w = (-height) % self.multiple, (-width) % self.multiple
        padded = F.pad(x, (0, pad_w, 0, pad_h), mode="replicate") if pad_h or pad_w else x
        inner = self.first(padded)
        if self.below is not None:
            inner = self.below(inner)
        return self.last(inner)[..., :height, :width]


def max_depth(size: int) -> int:
    """Levels until the padded image is 2 pixels across."""
    depth, side = 0, size
    while side > 2:
        side = (side + 1) // 2
        depth += 1
    return depth


def patch_discriminator(channels: int, ndf: int, layers: int, norm: str) -> nn.Module:
    """`layers` stride-2 convs (0: a pixel GAN of 1x1 convs), then a score per patch."""
    if layers == 0:
        return nn.Sequential(
            nn.Conv2d(channels, ndf, 1), nn.LeakyReLU(0.2, True),
            nn.Conv2d(ndf, ndf * 2, 1, bias=norm != "batch"), NORMS.get(norm)(ndf * 2),
            nn.LeakyReLU(0.2, True), nn.Conv2d(ndf * 2, 1, 1),
        )  # fmt: skip
    modules: list[nn.Module] = [nn.Conv2d(channels, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
    width = ndf
    for stride in [2] * (layers - 1) + [1]:
        modules += [
            nn.Conv2d(width, width * 2, 4, stride, 1, bias=norm != "batch"),
            NORMS.get(norm)(width * 2),
            nn.LeakyReLU(0.2, True),
        ]
        width *= 2
    modules.append(nn.Conv2d(width, 1, 4, 1, 1))
    return nn.Sequential(*modules)
