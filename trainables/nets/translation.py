"""Image-to-image nets (CycleGAN): the ResNet generator of Johnson et al. as Zhu et al.
use it, the 70x70 PatchGAN discriminator, and the report's unnormalised five-conv
discriminator, each in a registry.

ResNet generator: reflection pad 3, 7x7 conv (ngf), norm, ReLU; two 3x3 stride-2 convs
(2 ngf, 4 ngf); n residual blocks at 4 ngf (pad 1, 3x3 conv, norm, ReLU, pad 1, 3x3 conv,
norm; x + block(x)); two stride-2 transposed convs back; reflection pad 3, 7x7 conv to
the image channels; tanh. PatchGAN: 4x4 convs of ndf, 2 ndf (s2), 4 ndf (s2), 8 ndf (s1),
then 1 channel (s1), LeakyReLU 0.2, norm after all but the first; its 70x70 receptive
field at ndf 64 is the reference layout. Weights start N(0, 0.02).
"""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from gantune.spaces.registry import Registry

NORMS: Registry[Callable[[int], nn.Module]] = Registry("normalisation")
NORMS.register("instance", lambda channels: nn.InstanceNorm2d(channels))
NORMS.register("batch", lambda channels: nn.BatchNorm2d(channels))
NORMS.register("none", lambda channels: nn.Identity())


def conv_block(inputs: int, outputs: int, norm: str, **conv) -> list[nn.Module]:
    # Instance norm has no affine shift here, so the conv keeps its bias (as Zhu et al.).
    return [nn.Conv2d(inputs, outputs, bias=norm != "batch", **conv), NORMS.get(norm)(outputs)]


class ResidualBlock(nn.Module):
    def __init__(self, channels: int, norm: str) -> None:
        super().__init__()
        self.block = nn.Sequential(
            nn.ReflectionPad2d(1),
            *conv_block(channels, channels, norm, kernel_size=3),
            nn.ReLU(True),
            nn.ReflectionPad2d(1),
            *conv_block(channels, channels, norm, kernel_size=3),
        )

    def forward(self, x):
        return x + self.block(x)


def resnet_generator(channels: int, ngf: int, blocks: int, norm: str) -> nn.Module:
    layers: list[nn.Module] = [
        nn.ReflectionPad2d(3),
        *conv_block(channels, ngf, norm, kernel_size=7),
        nn.ReLU(True),
    ]
    width = ngf
    for _ in range(2):
        layers += [*conv_block(width, width * 2, norm, kernel_size=3, stride=2, padding=1)]
        layers.append(nn.ReLU(True))
        width *= 2
    layers += [ResidualBlock(width, norm) for _ in range(blocks)]
    for _ in range(2):
        layers += [
            nn.ConvTranspose2d(
                width, width // 2, 3, stride=2, padding=1, output_padding=1, bias=norm != "batch"
            ),
            NORMS.get(norm)(width // 2),
            nn.ReLU(True),
        ]
        width //= 2
    layers += [nn.ReflectionPad2d(3), nn.Conv2d(width, channels, 7), nn.Tanh()]
    return nn.Sequential(*layers)


def patch_critic(channels: int, ndf: int, norm: str) -> nn.Module:
    """The 70x70 PatchGAN (three stride-2 layers); a map of real/fake scores."""
    layers: list[nn.Module] = [nn.Conv2d(channels, ndf, 4, 2, 1), nn.LeakyReLU(0.2, True)]
    width = ndf
    for stride in (2, 2, 1):
        layers += [*conv_block(width, width * 2, norm, kernel_size=4, stride=stride, padding=1)]
        layers.append(nn.LeakyReLU(0.2, True))
        width *= 2
    layers.append(nn.Conv2d(width, 1, 4, 1, 1))
    return nn.Sequential(*layers)


def init_weights(module: nn.Module, gain: float = 0.02) -> nn.Module:
    for layer in module.modules():
        if isinstance(layer, nn.Conv2d | nn.ConvTranspose2d):
            nn.init.normal_(layer.weight, 0.0, gain)
            if layer.bias is not None:
                nn.init.zeros_(layer.bias)
        elif isinstance(layer, nn.BatchNorm2d):
            nn.init.normal_(layer.weight, 1.0, gain)
            nn.init.zeros_(layer.bias)
    return module


# (channels, width, blocks, norm) -> generator; (channels, width, norm) -> discriminator
TRANSLATORS: Registry[Callable[[int, int, int, str], nn.Module]] = Registry("translator")
TRANSLATORS.register("resnet", resnet_generator)
CRITICS: Registry[Callable[[int, int, str], nn.Module]] = Registry("CycleGAN discriminator")
CRITICS.register("patchgan", patch_critic)
# The report's own D: the same five convs without normalisation (after Bansal 2017).
CRITICS.register("five-conv", lambda channels, ndf, norm: patch_critic(channels, ndf, "none"))
