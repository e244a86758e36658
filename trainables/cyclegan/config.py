"""A CycleGAN trial's hyperparameters, validated before any data is read.

Defaults are Zhu et al.'s reference settings: ResNet generator with 9 blocks, 70x70
PatchGAN, instance norm, LSGAN, lambda 10 for the cycle terms and 0.5 of it for identity,
Adam 2e-4 (0.5, 0.999), batch 1, an image pool of 50; the learning rate constant unless a
decay is set (Zhu et al.: 100 epochs constant, then 100 falling linearly to zero).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gantune.trainables import data
from gantune.trainables.adversarial import ADVERSARIAL
from gantune.trainables.config import ConfigError, check_choice, check_dataset, check_range
from gantune.trainables.nets.translation import CRITICS, NORMS, TRANSLATORS


@dataclass(frozen=True)
class CycleGanConfig:
    dataset: str = "leather-denim"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    generator: str = "resnet"
    n_blocks: int = 9  # residual blocks: "ResNet-6" or "ResNet-9"
    ngf: int = 64  # generator width (first layer's filters)
    discriminator: str = "patchgan"  # or five-conv: the report's, unnormalised
    ndf: int = 64
    norm: str = "instance"
    loss: str = "lsgan"  # the shared adversarial loss; D's loss is halved, as Zhu et al.
    lambda_cycle: float = 10.0  # weight of each cycle-consistency L1 term
    lambda_identity: float = 0.5  # identity terms weigh lambda_identity x lambda_cycle
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    batch_size: int = 1
    pool_size: int = 50  # generated images each D also sees again later (0: none)
    # The learning rate is constant for `decay_start_images`, then falls linearly to zero over
    # `decay_images` (0: no decay). Set in images, not as shares of the trial's budget, so
    # every trial at a scheduler's rung is at the same point of its schedule.
    decay_start_images: int = 0
    decay_images: int = 0
    init_gain: float = 0.02  # weights start N(0, init_gain)
    fid_backend: str | None = None  # None: the dataset's default backend

    def __post_init__(self) -> None:
        check_dataset(self.dataset, self.dataset_options, self.fid_backend)
        if data.DATASETS.get(self.dataset).domains is None:
            two = [n for n, d in data.DATASETS.items() if d.domains is not None]
            raise ConfigError(
                f"dataset {self.dataset!r} has no two domains; valid choices: {', '.join(two)}"
            )
        check_choice("generator", self.generator, TRANSLATORS.names())
        check_choice("discriminator", self.discriminator, CRITICS.names())
        check_choice("norm", self.norm, NORMS.names())
        check_choice("loss", self.loss, ADVERSARIAL.names())
        for name in ("n_blocks", "pool_size", "lambda_cycle", "lambda_identity"):
            check_range(name, getattr(self, name), low=0)
        for name in ("ngf", "ndf", "batch_size"):
            check_range(name, getattr(self, name), low=1)
        check_range("lr", self.lr, low=1e-12)
        check_range("init_gain", self.init_gain, low=0.0)
        check_range("beta1", self.beta1, 0.0, 1.0)
        check_range("beta2", self.beta2, 0.0, 1.0 - 1e-12)
        check_range("decay_start_images", self.decay_start_images, low=0)
        check_range("decay_images", self.decay_images, low=0)
