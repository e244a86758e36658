"""The VAE family's space and presets.

The latent size is the stratify key (report 003 compared 10, 20, 50 and 100; Lucic et al.
used 64). Sources: Geron's Hands-On ML chapter 17 VAE, the report's baseline (dense
150-100, RMSprop, mean per-pixel BCE + KL / 784); Lucic et al. 2018's VAE (their
InfoGAN-style nets, z 64, Bernoulli NLL summed over pixels + KL, searched over the GANs'
wide ranges: lr log [1e-5, 1e-2], beta1 [0, 1], batch 64).
"""

from __future__ import annotations

from typing import Any

from gantune.spaces.family import FamilySpace, register
from gantune.spaces.params import Choice, Fixed, Float, Param, Suggests
from gantune.spaces.presets import Preset

PARAMS = (
    "net", "beta", "lr", "beta1", "optimizer", "batch_size", "kl_warmup_images", "reduction",
)  # fmt: skip


def space(trial: Suggests, preset: Preset) -> dict[str, Any]:
    return preset.draw(trial, ("latent_dim", *PARAMS))


WIDE: dict[str, Param] = {
    "latent_dim": Choice((10, 20, 50, 100, 128)),
    "net": Choice(("dense", "conv")),
    "beta": Float(0.1, 10.0, log=True),
    "lr": Float(1e-5, 1e-2, log=True),
    "optimizer": Choice(("adam", "rmsprop")),
    "batch_size": Choice((32, 64, 128)),
    "kl_warmup_images": Choice((0, 60000)),  # none, or one epoch of Fashion-MNIST
}
REPORT = {"net": "dense", "optimizer": "rmsprop", "lr": 1e-3, "reduction": "mean", "beta": 1.0}
REPORT |= {"batch_size": 32, "kl_warmup_images": 0}
LUCIC = {"net": "infogan", "optimizer": "adam", "lr": 1e-3, "reduction": "sum", "beta": 1.0}
LUCIC |= {"batch_size": 64, "kl_warmup_images": 0, "latent_dim": 64}

PRESETS = {
    "cpu-mini": Preset(
        "cpu-mini",
        {
            "latent_dim": Choice((10, 20, 50, 100)),
            "net": Fixed("conv"),
            "beta": Float(0.5, 2.0, log=True),
            "lr": Float(3e-4, 3e-3, log=True),
            "optimizer": Choice(("adam", "rmsprop")),
            "batch_size": Fixed(64),
            "kl_warmup_images": Choice((0, 15000)),
        },
        summary="the report's conv VAE, latent 10-100: minutes on a CPU",
    ),
    "wide": Preset("wide", WIDE, summary="the full ranges"),
    "seed-defaults": Preset(
        "seed-defaults",
        WIDE
        | {
            "latent_dim": Choice((10, 20, 50, 64, 100, 128)),
            "net": Choice(("dense", "conv", "infogan")),
            "reduction": Choice(("sum", "mean")),
        },
        points=(
            *(REPORT | {"latent_dim": size} for size in (10, 20, 50, 100)),
            LUCIC,
        ),
        summary="the report's settings (latent 10-100) and Lucic et al.'s (z 64) first",
    ),
    "lucic": Preset(
        "lucic",
        {
            "latent_dim": Fixed(64),
            "lr": Float(1e-5, 1e-2, log=True),
            "beta1": Float(0.0, 1.0),
        },
        {"net": "infogan", "optimizer": "adam", "beta": 1.0, "reduction": "sum", "batch_size": 64},
        summary="Lucic et al.'s VAE: InfoGAN-style nets, z 64, their wide ranges",
    ),
}

DESCRIPTOR = register(
    FamilySpace(
        name="vae",
        summary="VAEs: latent size, beta, and conditioning on a class or attributes",
        space=space,
        presets=PRESETS,
        default_preset="cpu-mini",
        stratify_by="latent_dim",
        metric="fid",  # of decoded prior samples
        mode="min",
        pbt_mutable=("lr", "beta"),
        warmups=("kl_warmup_images",),
        shown=("latent_dim", "net", "beta", "lr", "optimizer"),
        tiny={
            "net": "conv",
            "width": 0.25,
            "batch_size": 16,
            "images_per_iter": 64,
            "eval_samples": 64,
        },
    )
)
