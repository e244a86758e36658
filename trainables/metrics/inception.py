"""The FID Inception network (the TensorFlow 2015-12-05 Inception v3 used by FID), built on
torchvision's Inception v3 with the differences of the TensorFlow graph: the average pools
of the A, C and first E blocks exclude padding, the last E block max-pools, 1008 classes.
Input: float [0, 1] at 299x299; output: the 2048-d pool3 features."""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import inception as tv


def pool_without_padding(x: torch.Tensor) -> torch.Tensor:
    return F.avg_pool2d(x, kernel_size=3, stride=1, padding=1, count_include_pad=False)


class BlockA(tv.InceptionA):
    def _forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        double = self.branch3x3dbl_3(self.branch3x3dbl_2(self.branch3x3dbl_1(x)))
        return [
            self.branch1x1(x),
            self.branch5x5_2(self.branch5x5_1(x)),
            double,
            self.branch_pool(pool_without_padding(x)),
        ]


class BlockC(tv.InceptionC):
    def _forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        seven = self.branch7x7_3(self.branch7x7_2(self.branch7x7_1(x)))
        double = x
        for layer in (
            self.branch7x7dbl_1,
            self.branch7x7dbl_2,
            self.branch7x7dbl_3,
            self.branch7x7dbl_4,
            self.branch7x7dbl_5,
        ):
            double = layer(double)
        return [self.branch1x1(x), seven, double, self.branch_pool(pool_without_padding(x))]


class BlockE(tv.InceptionE):
    def __init__(self, in_channels: int, max_pool: bool) -> None:
        super().__init__(in_channels)
        self.max_pool = max_pool

    def _forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        three = self.branch3x3_1(x)
        three = torch.cat([self.branch3x3_2a(three), self.branch3x3_2b(three)], 1)
        double = self.branch3x3dbl_2(self.branch3x3dbl_1(x))
        double = torch.cat([self.branch3x3dbl_3a(double), self.branch3x3dbl_3b(double)], 1)
        if self.max_pool:
            pooled = F.max_pool2d(x, kernel_size=3, stride=1, padding=1)
        else:
            pooled = pool_without_padding(x)
        return [self.branch1x1(x), three, double, self.branch_pool(pooled)]


class FIDInception(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        net = tv.Inception3(num_classes=1008, aux_logits=False, init_weights=False)
        net.Mixed_5b, net.Mixed_5c, net.Mixed_5d = BlockA(192, 32), BlockA(256, 64), BlockA(288, 64)
        net.Mixed_6b = BlockC(768, 128)
        net.Mixed_6c, net.Mixed_6d = BlockC(768, 160), BlockC(768, 160)
        net.Mixed_6e = BlockC(768, 192)
        net.Mixed_7b, net.Mixed_7c = BlockE(1280, max_pool=False), BlockE(2048, max_pool=True)
        self.net = net

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        n = self.net
        x = F.interpolate(images, size=(299, 299), mode="bilinear", align_corners=False)
        x = 2 * x - 1
        x = n.Conv2d_2b_3x3(n.Conv2d_2a_3x3(n.Conv2d_1a_3x3(x)))
        x = n.Conv2d_4a_3x3(n.Conv2d_3b_1x1(F.max_pool2d(x, kernel_size=3, stride=2)))
        x = F.max_pool2d(x, kernel_size=3, stride=2)
        for name in ("5b", "5c", "5d", "6a", "6b", "6c", "6d", "6e", "7a", "7b", "7c"):
            x = getattr(n, f"Mixed_{name}")(x)
        return F.adaptive_avg_pool2d(x, 1).flatten(1)


def fid_inception(weights: Path) -> FIDInception:
    model = FIDInception()
    state = torch.load(weights, map_location="cpu", weights_only=True)
    try:
        model.net.load_state_dict(state)
    except RuntimeError as error:
        first = str(error).splitlines()[1:2]
        raise ValueError(f"{weights} is not the FID Inception state dict: {first}") from error
    return model.eval()
