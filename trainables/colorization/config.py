"""A colorization trial's hyperparameters, validated before any data is read.

Defaults are pix2pix's (Isola et al. 2017) colorization setting: in Lab, a U-Net that
predicts the chroma ab from the lightness L (dropout 0.5 in its inner decoder levels, at
test time too), a PatchGAN that sees the input beside the colouring, the adversarial loss
plus lambda_l1 = 100 times L1, Adam 2e-4 (0.5, 0.999), batch norm. `space: rgb` predicts
all three RGB channels from the grey instead. The objective is what
pix2pix compares: "l1+gan" (both terms), "gan" (the conditional GAN alone, lambda_l1
ignored) and "l1" (no adversarial term, no discriminator)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gantune.trainables.adversarial import ADVERSARIAL
from gantune.trainables.colorization.lab import SPACES
from gantune.trainables.config import check_choice, check_dataset, check_range
from gantune.trainables.nets.translation import NORMS

OBJECTIVES = ("l1+gan", "gan", "l1")
PATCHES = {1: 0, 16: 1, 34: 2, 70: 3}  # a PatchGAN's receptive field -> its stride-2 layers


@dataclass(frozen=True)
class ColorizationConfig:
    dataset: str = "fashion-mnist-color"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    space: str = "lab"  # or rgb: all three channels from the grey (lab.SPACES)
    objective: str = "l1+gan"
    loss: str = "ns"  # the shared adversarial loss (ns, lsgan, hinge...)
    lambda_l1: float = 100.0
    depth: int = 3  # U-Net levels (each halves the image); capped by the image size
    ngf: int = 32
    d_patch: int = 16  # the PatchGAN's receptive field in pixels: 1, 16, 34 or 70
    ndf: int = 32
    norm: str = "batch"
    dropout: float = 0.5  # in the U-Net's inner decoder levels, on at test time too
    lr: float = 2e-4
    beta1: float = 0.5
    beta2: float = 0.999
    batch_size: int = 16
    fid_backend: str | None = None  # None: a colour-aware net trained for the dataset

    def __post_init__(self) -> None:
        check_dataset(self.dataset, self.dataset_options, self.fid_backend)
        check_choice("objective", self.objective, list(OBJECTIVES))
        check_choice("space", self.space, list(SPACES))
        check_range("dropout", self.dropout, 0.0, 0.9)
        check_choice("loss", self.loss, ADVERSARIAL.names())
        check_choice("norm", self.norm, NORMS.names())
        check_choice("d_patch", self.d_patch, list(PATCHES))
        for name in ("depth", "ngf", "ndf", "batch_size"):
            check_range(name, getattr(self, name), low=1)
        check_range("lambda_l1", self.lambda_l1, low=0.0)
        check_range("lr", self.lr, low=1e-12)
        check_range("beta1", self.beta1, 0.0, 1.0)
        check_range("beta2", self.beta2, 0.0, 1.0 - 1e-12)
