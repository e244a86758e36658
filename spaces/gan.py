"""The GAN family's space and presets.

Shared hyperparameters are drawn for every trial; each loss's own parameters are drawn
only when that loss is chosen, under their own names. One learning rate (`lr_d`) serves
both nets, as in Lucic et al., unless a preset ranges `lr_g` too (the GAN config copies
`lr_d` to an absent `lr_g`). The space computes nothing: it only draws.

Sources of the presets' numbers:
- `lucic-wide`, `lucic-narrow`: Lucic et al. 2018, "Are GANs Created Equal?", Section 5
  and Appendix: lr log-uniform [1e-5, 1e-2], beta1 uniform [0, 1], beta2 0.999, n_disc
  in {1, 5}, batch norm in D on/off, WGAN clip log [1e-3, 1], GP/DRAGAN lambda log
  [0.1, 100], BEGAN k-rate log [1e-4, 1e-2], gamma [0, 1]; narrow: lr log [1e-4, 1e-3],
  beta1 0.5, n_disc 1, clip log [1e-2, 1], lambda log [0.1, 10], k-rate 1e-3, gamma
  [0.6, 0.9]. InfoGAN-style nets, batch 64, z 64.
- `seed-defaults`: the ten GANs of pytorch-generative-model-collections (report 000):
  Adam 2e-4 (0.5, 0.999), batch 64, z 62 uniform, BN in D, WGAN clip 0.01 with 5 critic
  steps, WGAN-GP lambda 10 with 5 critic steps, DRAGAN lambda 0.25, BEGAN gamma 1 and
  k-rate 0.001, EBGAN margin 1 and pull-away weight 0.1. Searched within the wide
  ranges; the published settings are the first points evaluated.
- `cpu-mini`: the MLP GAN of report 001 (noise 100, 256-512-1024 / 1024-512-256) and
  narrow ranges: thousands of images per second on one CPU thread.
"""

from __future__ import annotations

from typing import Any

from gantune.spaces.family import FamilySpace, register
from gantune.spaces.params import Choice, Fixed, Float, Param, Suggests
from gantune.spaces.presets import Preset

SHARED = ("lr_d", "lr_g", "beta1", "beta2", "n_disc", "d_batch_norm")
PER_LOSS: dict[str, tuple[str, ...]] = {
    "wgan": ("wgan_clip",),
    "wgan-gp": ("gp_lambda",),
    "dragan": ("dragan_lambda",),
    "began": ("began_gamma", "began_k_rate"),
    "ebgan": ("ebgan_margin", "ebgan_pt_weight"),
}


def space(trial: Suggests, preset: Preset) -> dict[str, Any]:
    """A full config: the loss first, then the shared and that loss's parameters."""
    loss = preset.params["loss"].draw(trial, "loss")
    return preset.draw(trial, (*SHARED, *PER_LOSS.get(loss, ()))) | {"loss": loss}


LUCIC_LOSSES = ("mm", "ns", "lsgan", "wgan", "wgan-gp", "dragan", "began")
WIDE: dict[str, Param] = {
    "loss": Choice(LUCIC_LOSSES),
    "lr_d": Float(1e-5, 1e-2, log=True),
    "beta1": Float(0.0, 1.0),
    "beta2": Fixed(0.999),
    "n_disc": Choice((1, 5)),
    "d_batch_norm": Choice((False, True)),
    "wgan_clip": Float(1e-3, 1.0, log=True),
    "gp_lambda": Float(0.1, 100.0, log=True),
    "dragan_lambda": Float(0.1, 100.0, log=True),
    "began_k_rate": Float(1e-4, 1e-2, log=True),
    "began_gamma": Float(0.0, 1.0),
    "ebgan_margin": Float(0.5, 20.0, log=True),
    "ebgan_pt_weight": Fixed(0.1),
}
NARROW: dict[str, Param] = WIDE | {
    "lr_d": Float(1e-4, 1e-3, log=True),
    "beta1": Fixed(0.5),
    "n_disc": Fixed(1),
    "wgan_clip": Float(1e-2, 1.0, log=True),
    "gp_lambda": Float(0.1, 10.0, log=True),
    "dragan_lambda": Float(0.1, 10.0, log=True),
    "began_k_rate": Fixed(1e-3),
    "began_gamma": Float(0.6, 0.9),
}
LUCIC_CONSTANTS = {"net": "infogan", "batch_size": 64, "latent_dim": 64}

COLLECTION = {"lr_d": 2e-4, "beta1": 0.5, "n_disc": 1, "d_batch_norm": True}
COLLECTION_POINTS = (
    COLLECTION | {"loss": "mm"},
    COLLECTION | {"loss": "ns"},
    COLLECTION | {"loss": "lsgan"},
    COLLECTION | {"loss": "wgan", "n_disc": 5, "wgan_clip": 0.01},
    COLLECTION | {"loss": "wgan-gp", "n_disc": 5, "gp_lambda": 10.0},
    COLLECTION | {"loss": "dragan", "dragan_lambda": 0.25},
    COLLECTION | {"loss": "began", "began_gamma": 1.0, "began_k_rate": 1e-3},
    COLLECTION | {"loss": "ebgan", "ebgan_margin": 1.0},
)

MINI: dict[str, Param] = NARROW | {
    "loss": Choice(("ns", "lsgan", "wgan-gp", "hinge")),
    "lr_d": Float(1e-4, 2e-3, log=True),
    "beta1": Choice((0.5, 0.9)),
    "d_batch_norm": Fixed(False),
    "ebgan_margin": Float(0.5, 5.0, log=True),
}

PRESETS = {
    "lucic-wide": Preset(
        "lucic-wide", WIDE, LUCIC_CONSTANTS, summary="Lucic et al. 2018 wide ranges"
    ),
    "lucic-narrow": Preset(
        "lucic-narrow", NARROW, LUCIC_CONSTANTS, summary="Lucic et al. 2018 narrow ranges"
    ),
    "seed-defaults": Preset(
        "seed-defaults",
        WIDE | {"loss": Choice((*LUCIC_LOSSES, "ebgan"))},
        {"net": "infogan", "batch_size": 64, "latent_dim": 62, "z_dist": "uniform"},
        COLLECTION_POINTS,
        summary="pytorch-generative-model-collections settings first, then the wide ranges",
    ),
    "cpu-mini": Preset(
        "cpu-mini",
        MINI,
        {"net": "mlp", "width": 1.0, "batch_size": 64, "latent_dim": 100},
        summary="the MLP GAN of report 001, narrow ranges: fast on a CPU",
    ),
}

DESCRIPTOR = register(
    FamilySpace(
        name="gan",
        summary="GANs: 9 losses x 4 conditionings x 3 nets",
        space=space,
        presets=PRESETS,
        default_preset="cpu-mini",
        stratify_by="loss",
        metric="fid",
        mode="min",
        pbt_mutable=("lr_d", "lr_g"),  # beta1 x1.2 would leave [0, 1]
        shown=("loss", "net", "lr_d", "beta1", "n_disc"),
        tiny={
            "net": "mlp",
            "width": 0.125,
            "batch_size": 16,
            "latent_dim": 8,
            "images_per_iter": 64,
            "eval_samples": 64,
        },
    )
)
