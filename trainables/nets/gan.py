"""GAN networks: a registry of architectures, each giving a generator and a discriminator
body (the encoder); heads and autoencoder decoders are added here, the same for all.

Generators map a latent vector to images in [-1, 1] (tanh). Discriminator bodies map
images (plus any conditioning channels) to a feature vector; a critic head scores it, an
auxiliary head classifies it (ACGAN), an info head recovers codes (infoGAN), or a code
layer and a generator-shaped decoder reconstruct the image (BEGAN, EBGAN).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from gantune.trainables.nets import dcgan, infogan, mlp  # noqa: F401  (each registers itself)
from gantune.trainables.nets.architecture import GAN_NETS, Architecture, scaled

__all__ = ["GAN_NETS", "Architecture", "Discriminator", "DiscriminatorOutput", "scaled"]


@dataclass
class DiscriminatorOutput:
    score: torch.Tensor | None = None  # (N,) critic value or logit
    reconstruction: torch.Tensor | None = None  # autoencoder output, image shaped
    code: torch.Tensor | None = None  # autoencoder bottleneck (EBGAN pull-away term)
    aux: torch.Tensor | None = None  # class logits (ACGAN)
    info: torch.Tensor | None = None  # code predictions (infoGAN)


class Discriminator(nn.Module):
    def __init__(
        self,
        net: str,
        in_channels: int,
        image_channels: int,
        size: int,
        width: float,
        batch_norm: bool,
        autoencoder_code: int = 0,
        aux_classes: int = 0,
        info_dims: int = 0,
    ) -> None:
        super().__init__()
        architecture = GAN_NETS.get(net)
        self.body, features = architecture.encoder(in_channels, size, width, batch_norm)
        self.autoencoder = autoencoder_code > 0
        if self.autoencoder:
            self.to_code = nn.Linear(features, autoencoder_code)
            self.decoder = architecture.generator(autoencoder_code, image_channels, size, width)
        else:
            self.critic = nn.Linear(features, 1)
        self.aux = nn.Linear(features, aux_classes) if aux_classes else None
        self.info = nn.Linear(features, info_dims) if info_dims else None

    def forward(self, images: torch.Tensor) -> DiscriminatorOutput:
        features = self.body(images)
        out = DiscriminatorOutput()
        if self.autoencoder:
            out.code = self.to_code(features)
            out.reconstruction = self.decoder(out.code)
        else:
            out.score = self.critic(features).squeeze(1)
        if self.aux is not None:
            out.aux = self.aux(features)
        if self.info is not None:
            out.info = self.info(features)
        return out


def build_generator(net: str, latent_dim: int, channels: int, size: int, width: float) -> nn.Module:
    architecture = GAN_NETS.get(net)
    if size not in architecture.sizes:
        valid = ", ".join(map(str, architecture.sizes))
        raise ValueError(f"GAN net {net!r} does not take {size}px images; valid sizes: {valid}")
    return architecture.generator(latent_dim, channels, size, width)
