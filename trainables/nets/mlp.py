"""The MLP GAN of reports 001 and 004: noise 100; generator 256-512-1024, discriminator
1024-512-256 (LeakyReLU 0.2; batch norm in G, optional in D)."""

from __future__ import annotations

from torch import nn

from gantune.trainables.nets.architecture import GAN_NETS, Architecture, scaled

G_UNITS = (256, 512, 1024)
D_UNITS = (1024, 512, 256)


def generator(latent_dim: int, channels: int, size: int, width: float) -> nn.Module:
    layers: list[nn.Module] = []
    previous = latent_dim
    for units in G_UNITS:
        units = scaled(units, width)
        layers += [nn.Linear(previous, units), nn.BatchNorm1d(units), nn.LeakyReLU(0.2)]
        previous = units
    layers += [
        nn.Linear(previous, channels * size * size),
        nn.Tanh(),
        nn.Unflatten(1, (channels, size, size)),
    ]
    return nn.Sequential(*layers)


def encoder(in_channels: int, size: int, width: float, batch_norm: bool) -> tuple[nn.Module, int]:
    layers: list[nn.Module] = [nn.Flatten()]
    previous = in_channels * size * size
    for units in D_UNITS:
        units = scaled(units, width)
        layers.append(nn.Linear(previous, units))
        if batch_norm:
            layers.append(nn.BatchNorm1d(units))
        layers.append(nn.LeakyReLU(0.2))
        previous = units
    return nn.Sequential(*layers), previous


GAN_NETS.register("mlp", Architecture(generator, encoder, sizes=(28, 32, 64)))
