"""The DCGAN of the tf.keras tutorial (report 004): G dense to base x base x 256, BN,
LeakyReLU, 5x5 transposed convs 128 (stride 1), 64 (stride 2), C (stride 2, tanh);
D 5x5 stride-2 convs 64 and 128 with LeakyReLU and dropout 0.3 (BN optional)."""

from __future__ import annotations

from torch import nn

from gantune.trainables.nets.architecture import GAN_NETS, Architecture, scaled


def up(inputs: int, outputs: int, stride: int) -> nn.ConvTranspose2d:
    return nn.ConvTranspose2d(
        inputs, outputs, 5, stride=stride, padding=2, output_padding=stride - 1, bias=False
    )


def generator(latent_dim: int, channels: int, size: int, width: float) -> nn.Module:
    base = size // 4
    c1, c2, c3 = scaled(256, width), scaled(128, width), scaled(64, width)
    return nn.Sequential(
        nn.Linear(latent_dim, c1 * base * base, bias=False),
        nn.BatchNorm1d(c1 * base * base),
        nn.LeakyReLU(0.2),
        nn.Unflatten(1, (c1, base, base)),
        up(c1, c2, 1),
        nn.BatchNorm2d(c2),
        nn.LeakyReLU(0.2),
        up(c2, c3, 2),
        nn.BatchNorm2d(c3),
        nn.LeakyReLU(0.2),
        nn.ConvTranspose2d(c3, channels, 5, stride=2, padding=2, output_padding=1),
        nn.Tanh(),
    )


def encoder(in_channels: int, size: int, width: float, batch_norm: bool) -> tuple[nn.Module, int]:
    c1, c2 = scaled(64, width), scaled(128, width)
    layers: list[nn.Module] = [
        nn.Conv2d(in_channels, c1, 5, stride=2, padding=2),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.Conv2d(c1, c2, 5, stride=2, padding=2),
    ]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c2))
    layers += [nn.LeakyReLU(0.2), nn.Dropout(0.3), nn.Flatten()]
    return nn.Sequential(*layers), c2 * (size // 4) ** 2


GAN_NETS.register("dcgan", Architecture(generator, encoder, sizes=(28, 32, 64)))
