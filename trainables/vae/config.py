"""A VAE trial's hyperparameters, validated before any data is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gantune.trainables.config import check_choice, check_dataset, check_range
from gantune.trainables.nets.vae import VAE_NETS

CONDITIONINGS = ("none", "class", "attributes")


@dataclass(frozen=True)
class VaeConfig:
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    net: str = "conv"  # dense (Geron), conv (report 003), infogan (Lucic et al.)
    width: float = 1.0
    latent_dim: int = 20
    beta: float = 1.0  # weight of the KL term
    reconstruction: str = "bce"  # bce: Bernoulli likelihood; mse: Gaussian, unit variance
    reduction: str = "sum"  # sum over pixels (Lucic et al.), or mean per pixel value (Geron)
    # Images over which beta rises linearly from 0: set in images, not as a share of the
    # trial's budget, so every trial at a scheduler's rung is at the same point of it.
    kl_warmup_images: int = 0
    optimizer: str = "adam"  # adam or rmsprop (Geron's)
    lr: float = 1e-3
    beta1: float = 0.9  # Adam's
    batch_size: int = 64
    conditioning: str = "none"  # none, class (one-hot), attributes (one-hot per attribute)
    attributes: list[str] = field(default_factory=list)  # default: the dataset's columns
    fid_backend: str | None = None  # None: the dataset's default backend

    def __post_init__(self) -> None:
        check_dataset(self.dataset, self.dataset_options, self.fid_backend)
        check_choice("VAE net", self.net, VAE_NETS.names())
        check_choice("reconstruction", self.reconstruction, ["bce", "mse"])
        check_choice("reduction", self.reduction, ["sum", "mean"])
        check_choice("optimizer", self.optimizer, ["adam", "rmsprop"])
        check_choice("conditioning", self.conditioning, list(CONDITIONINGS))
        for name in ("width", "lr", "beta"):
            check_range(name, getattr(self, name), low=1e-12)
        for name in ("latent_dim", "batch_size"):
            check_range(name, getattr(self, name), low=1)
        check_range("kl_warmup_images", self.kl_warmup_images, low=0)
        check_range("beta1", self.beta1, 0.0, 1.0)
