"""How a GAN is conditioned, as registered choices:

- `none`: unconditional.
- `cgan`: the class goes to G (one-hot, appended to z) and to D (one-hot planes appended
  to the image channels) (Mirza & Osindero 2014).
- `acgan`: the class goes to G; D gets an auxiliary classifier trained on real and fake
  images, and G is rewarded for fakes classified as asked (Odena et al. 2017).
- `infogan`: G gets a categorical code (one value per class count) and continuous codes
  in [-1, 1]; a head on D recovers them; the information loss trains both (Chen et al. 2016).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from gantune.spaces.registry import Registry
from gantune.trainables.nets.gan import DiscriminatorOutput

ZERO = 0.0


@dataclass
class Codes:
    """What a batch of fakes was conditioned on."""

    latent: torch.Tensor | None  # appended to z
    labels: torch.Tensor | None  # class (or categorical code) ids
    continuous: torch.Tensor | None = None  # infoGAN continuous codes


class Conditioning:
    label_conditional = False  # whether "generate a chosen class" makes sense

    def latent_extra(self, classes: int, config: Any) -> int:
        return 0

    def d_extra_channels(self, classes: int) -> int:
        return 0

    def aux_classes(self, classes: int) -> int:
        return 0

    def info_dims(self, classes: int, config: Any) -> int:
        return 0

    def sample(
        self, count: int, classes: int, config: Any, generator: torch.Generator, device
    ) -> Codes:
        return Codes(None, None)

    def fixed(self, labels: torch.Tensor, classes: int, config: Any) -> Codes:
        """Codes for chosen class ids (grids and `gantune generate`)."""
        return Codes(None, None)

    def d_input(
        self, images: torch.Tensor, labels: torch.Tensor | None, classes: int
    ) -> torch.Tensor:
        return images

    def d_terms(
        self,
        real: DiscriminatorOutput,
        fake: DiscriminatorOutput,
        real_labels,
        codes: Codes,
        config,
    ) -> torch.Tensor | float:
        return ZERO

    def g_terms(self, fake: DiscriminatorOutput, codes: Codes, config) -> torch.Tensor | float:
        return ZERO


class LabelConditioning(Conditioning):
    label_conditional = True

    def latent_extra(self, classes: int, config: Any) -> int:
        return classes

    def sample(
        self, count: int, classes: int, config: Any, generator: torch.Generator, device
    ) -> Codes:
        labels = torch.randint(classes, (count,), generator=generator, device=device)
        return self.fixed(labels, classes, config)

    def fixed(self, labels: torch.Tensor, classes: int, config: Any) -> Codes:
        return Codes(F.one_hot(labels, classes).float(), labels)


class CGAN(LabelConditioning):
    def d_extra_channels(self, classes: int) -> int:
        return classes

    def d_input(
        self, images: torch.Tensor, labels: torch.Tensor | None, classes: int
    ) -> torch.Tensor:
        planes = F.one_hot(labels, classes).to(images.dtype)[:, :, None, None]
        return torch.cat([images, planes.expand(-1, -1, *images.shape[2:])], dim=1)


class ACGAN(LabelConditioning):
    def aux_classes(self, classes: int) -> int:
        return classes

    def d_terms(self, real, fake, real_labels, codes, config):
        both = F.cross_entropy(real.aux, real_labels) + F.cross_entropy(fake.aux, codes.labels)
        return config.aux_weight * both

    def g_terms(self, fake, codes, config):
        return config.aux_weight * F.cross_entropy(fake.aux, codes.labels)


class InfoGAN(Conditioning):
    def latent_extra(self, classes: int, config: Any) -> int:
        return classes + config.info_continuous

    def info_dims(self, classes: int, config: Any) -> int:
        return classes + config.info_continuous

    def sample(
        self, count: int, classes: int, config: Any, generator: torch.Generator, device
    ) -> Codes:
        labels = torch.randint(classes, (count,), generator=generator, device=device)
        continuous = torch.rand(count, config.info_continuous, generator=generator, device=device)
        return self.with_continuous(labels, continuous * 2 - 1, classes)

    def fixed(self, labels: torch.Tensor, classes: int, config: Any) -> Codes:
        continuous = torch.zeros(len(labels), config.info_continuous, device=labels.device)
        return self.with_continuous(labels, continuous, classes)

    def with_continuous(
        self, labels: torch.Tensor, continuous: torch.Tensor, classes: int
    ) -> Codes:
        latent = torch.cat([F.one_hot(labels, classes).float(), continuous], dim=1)
        return Codes(latent, labels, continuous)

    def information_loss(self, fake: DiscriminatorOutput, codes: Codes, config) -> torch.Tensor:
        classes = fake.info.shape[1] - config.info_continuous
        categorical = F.cross_entropy(fake.info[:, :classes], codes.labels)
        continuous = (
            F.mse_loss(fake.info[:, classes:], codes.continuous) if config.info_continuous else 0.0
        )
        return config.info_weight * (categorical + continuous)

    def d_terms(self, real, fake, real_labels, codes, config):
        return self.information_loss(fake, codes, config)

    def g_terms(self, fake, codes, config):
        return self.information_loss(fake, codes, config)


CONDITIONINGS: Registry[Conditioning] = Registry("conditioning")
CONDITIONINGS.register("none", Conditioning())
CONDITIONINGS.register("cgan", CGAN())
CONDITIONINGS.register("acgan", ACGAN())
CONDITIONINGS.register("infogan", InfoGAN())
