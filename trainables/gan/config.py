"""A GAN trial's hyperparameters, validated before any data is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gantune.trainables.config import check_choice, check_dataset, check_range
from gantune.trainables.gan.conditioning import CONDITIONINGS
from gantune.trainables.gan.losses import LOSSES
from gantune.trainables.nets.gan import GAN_NETS


@dataclass(frozen=True)
class GanConfig:
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    net: str = "infogan"
    width: float = 1.0  # multiplies every hidden size (small nets for CPUs)
    loss: str = "ns"
    conditioning: str = "none"
    latent_dim: int = 64
    z_dist: str = "normal"
    batch_size: int = 64
    lr_d: float = 2e-4
    lr_g: float | None = None  # None: the same as lr_d (one learning rate, as Lucic et al.)
    beta1: float = 0.5
    beta2: float = 0.999
    n_disc: int = 1  # discriminator steps per generator step
    d_batch_norm: bool = False
    wgan_clip: float = 0.01
    gp_lambda: float = 10.0
    dragan_lambda: float = 10.0
    began_gamma: float = 0.5
    began_k_rate: float = 1e-3
    ebgan_margin: float = 1.0
    ebgan_pt_weight: float = 0.1
    ae_code_dim: int = 64  # bottleneck of the autoencoder discriminator (BEGAN, EBGAN)
    aux_weight: float = 1.0  # ACGAN classification loss weight
    info_weight: float = 1.0  # infoGAN mutual-information loss weight
    info_continuous: int = 2  # infoGAN continuous codes (plus one categorical code)
    fid_backend: str | None = None  # None: the dataset's default backend

    def __post_init__(self) -> None:
        if self.lr_g is None:
            object.__setattr__(self, "lr_g", self.lr_d)
        check_dataset(self.dataset, self.dataset_options, self.fid_backend)
        check_choice("GAN net", self.net, GAN_NETS.names())
        check_choice("GAN loss", self.loss, LOSSES.names())
        check_choice("conditioning", self.conditioning, CONDITIONINGS.names())
        check_choice("z_dist", self.z_dist, ["normal", "uniform"])
        for name in ("width", "lr_d", "lr_g", "wgan_clip", "gp_lambda", "dragan_lambda"):
            check_range(name, getattr(self, name), low=1e-12)
        for name in ("latent_dim", "batch_size", "n_disc", "ae_code_dim"):
            check_range(name, getattr(self, name), low=1)
        check_range("beta1", self.beta1, 0.0, 1.0)
        check_range("beta2", self.beta2, 0.0, 1.0 - 1e-12)
        check_range("began_gamma", self.began_gamma, 0.0, 1.0)
        check_range("began_k_rate", self.began_k_rate, 0.0)
        check_range("ebgan_margin", self.ebgan_margin, 0.0)
        check_range("ebgan_pt_weight", self.ebgan_pt_weight, 0.0)
        check_range("info_continuous", self.info_continuous, 0)
