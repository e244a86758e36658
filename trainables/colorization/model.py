"""The colouriser: a U-Net in a colour space, from uint8 images to uint8 colour images.

- `space: lab` (pix2pix's colorization model): the input is the lightness L of the image
  (of a grey photo, its grey), the U-Net predicts the chroma ab, and the output is the
  input's own L with the predicted ab, converted back to RGB; the model cannot change the
  lightness it was given.
- `space: rgb`: the input is the grey (luma), the U-Net predicts all three RGB channels.

It colours as pix2pix tests (`test_mode`): batch norm normalises with the batch's own
statistics, as in training (at batch size 1, instance norm), and dropout stays on; the
running statistics are left as they were."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from torch import nn

from gantune.trainables.colorization.data import grey_of
from gantune.trainables.colorization.lab import (
    AB_SCALE,
    SPACES,
    lightness_of,
    rgb_to_lab,
    to_rgb8,
    to_unit_lightness,
)
from gantune.trainables.colorization.nets import UNet
from gantune.trainables.images import to_uint8, to_unit

BATCH = 256
__all__ = ["SPACES", "Colouriser", "test_mode"]


class Colouriser(nn.Module):
    def __init__(self, space: str, ngf: int, depth: int, norm: str, dropout: float) -> None:
        super().__init__()
        self.space = space
        self.unet = UNet(1, 2 if space == "lab" else 3, ngf, depth, norm, dropout)

    @property
    def out_channels(self) -> int:
        return 2 if self.space == "lab" else 3

    def inputs(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 images (grey or colour) -> the U-Net's input in [-1, 1], N x 1 x H x W."""
        if self.space == "lab":
            return to_unit_lightness(lightness_of(images))
        return to_unit(grey_of(images))

    def targets(self, colour: torch.Tensor) -> torch.Tensor:
        """uint8 colour images -> what the U-Net should output: ab / 110, or RGB."""
        if self.space == "lab":
            return rgb_to_lab(colour.float() / 255.0)[:, 1:] / AB_SCALE
        return to_unit(colour)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        return self.unet(inputs)

    def lab(self, inputs: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
        """Lab mode: the input's own lightness beside the predicted chroma."""
        light = (inputs + 1.0) * 50.0
        return torch.cat([light, outputs.float().clamp(-1.0, 1.0) * AB_SCALE], dim=1)

    def images(self, inputs: torch.Tensor, outputs: torch.Tensor) -> torch.Tensor:
        """uint8 RGB: the input's L with the predicted ab, or the predicted RGB."""
        if self.space == "lab":
            return to_rgb8(self.lab(inputs, outputs))
        return to_uint8(outputs)

    @torch.no_grad()
    def colourise(self, images: torch.Tensor) -> torch.Tensor:
        """uint8 images (grey or colour) -> uint8 RGB, in pix2pix's test mode, in batches."""
        made = []
        with test_mode(self):
            for start in range(0, len(images), BATCH):
                inputs = self.inputs(images[start : start + BATCH])
                made.append(self.images(inputs, self(inputs)).to(images.device))
        return torch.cat(made)


@contextlib.contextmanager
def test_mode(net: nn.Module) -> Iterator[None]:
    """pix2pix's test mode: batch norm on the batch's statistics (training mode), its
    running statistics and counters left untouched."""
    norms = [m for m in net.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [(m.momentum, m.num_batches_tracked.clone()) for m in norms if m.track_running_stats]
    tracked = [m for m in norms if m.track_running_stats]
    was_training = net.training
    net.train()
    for module in tracked:
        module.momentum = 0.0  # the running averages take nothing of these batches
    try:
        yield
    finally:
        for module, (momentum, count) in zip(tracked, saved, strict=True):
            module.momentum = momentum
            module.num_batches_tracked.copy_(count)
        net.train(was_training)
