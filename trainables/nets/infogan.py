"""The InfoGAN-style nets of Lucic et al. 2018 (their Table 7):
D: conv 64 4x4 s2, LReLU; conv 128 4x4 s2, (BN), LReLU; FC 1024, (BN), LReLU; FC 1.
G: FC 1024, BN, ReLU; FC base x base x 128, BN, ReLU; deconv 64 4x4 s2, BN, ReLU;
deconv C 4x4 s2 (tanh here; data are scaled to [-1, 1])."""

from __future__ import annotations

from torch import nn

from gantune.trainables.nets.architecture import GAN_NETS, Architecture, scaled


def generator(latent_dim: int, channels: int, size: int, width: float) -> nn.Module:
    base = size // 4
    fc, c1, c2 = scaled(1024, width), scaled(128, width), scaled(64, width)
    return nn.Sequential(
        nn.Linear(latent_dim, fc),
        nn.BatchNorm1d(fc),
        nn.ReLU(),
        nn.Linear(fc, c1 * base * base),
        nn.BatchNorm1d(c1 * base * base),
        nn.ReLU(),
        nn.Unflatten(1, (c1, base, base)),
        nn.ConvTranspose2d(c1, c2, 4, stride=2, padding=1),
        nn.BatchNorm2d(c2),
        nn.ReLU(),
        nn.ConvTranspose2d(c2, channels, 4, stride=2, padding=1),
        nn.Tanh(),
    )


def encoder(in_channels: int, size: int, width: float, batch_norm: bool) -> tuple[nn.Module, int]:
    c1, c2, fc = scaled(64, width), scaled(128, width), scaled(1024, width)
    layers: list[nn.Module] = [
        nn.Conv2d(in_channels, c1, 4, stride=2, padding=1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(c1, c2, 4, stride=2, padding=1),
    ]
    if batch_norm:
        layers.append(nn.BatchNorm2d(c2))
    layers += [nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(c2 * (size // 4) ** 2, fc)]
    if batch_norm:
        layers.append(nn.BatchNorm1d(fc))
    layers.append(nn.LeakyReLU(0.2))
    return nn.Sequential(*layers), fc


GAN_NETS.register("infogan", Architecture(generator, encoder, sizes=(28, 32, 64)))
