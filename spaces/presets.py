"""Named presets: the ranges a space draws from, its constants, and published points.

Sources of the numbers:
- `lucic-wide`, `lucic-narrow`: Lucic et al. 2018, "Are GANs Created Equal?", Section 5
  and Appendix: lr log-uniform [1e-5, 1e-2], beta1 uniform [0, 1], beta2 0.999, n_disc
  in {1, 5}, batch norm in D on/off, WGAN clip log [1e-3, 1], GP/DRAGAN lambda log
  [0.1, 100], BEGAN k-rate log [1e-4, 1e-2], gamma [0, 1]; narrow: lr log [1e-4, 1e-3],
  beta1 0.5, n_disc 1, clip log [1e-2, 1], lambda log [0.1, 10], k-rate 1e-3, gamma
  [0.6, 0.9]. InfoGAN-style nets, batch 64, z 64.
- `seed-defaults`: the ten GANs of pytorch-generative-model-collections (report 000):
  Adam 2e-4 (0.5, 0.999), batch 64, z 62 uniform, BN in D, WGAN clip 0.01 with 5 critic
  steps, WGAN-GP lambda 10 (DESIGN.md) with 5 critic steps, DRAGAN lambda 0.25, BEGAN
  gamma 1 and k-rate 0.001, EBGAN margin 1 and pull-away weight 0.1. Searched within the
  wide ranges; the published settings are the first points evaluated.
- `cpu-mini`: the MLP GAN of report 001 (noise 100, 256-512-1024 / 1024-512-256) and
  narrow ranges: thousands of images per second on one CPU thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from spaces.params import Choice, Fixed, Float, Param, parse

LUCIC_LOSSES = ("mm", "ns", "lsgan", "wgan", "wgan-gp", "dragan", "began")


@dataclass(frozen=True)
class Preset:
    name: str
    losses: tuple[str, ...]
    params: dict[str, Param]  # searched (or fixed) hyperparameters, by config key
    constants: dict[str, Any] = field(default_factory=dict)  # merged into every config
    points: tuple[dict[str, Any], ...] = ()  # published settings, evaluated first

    def with_overrides(
        self, ranges: dict[str, Any] | None = None, losses: list[str] | None = None
    ) -> Preset:
        params = dict(self.params)
        for name, raw in (ranges or {}).items():
            params[name] = parse(name, raw)
        chosen = tuple(losses) if losses else self.losses
        points = tuple(p for p in self.points if p.get("loss") in chosen)
        return replace(self, params=params, losses=chosen, points=points)

    def check(self) -> None:
        for name, param in self.params.items():
            param.check(name)


WIDE: dict[str, Param] = {
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
LUCIC_CONSTANTS = {"net": "infogan", "batch_size": 64, "z_dim": 64}

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
    "lr_d": Float(1e-4, 2e-3, log=True),
    "beta1": Choice((0.5, 0.9)),
    "d_batch_norm": Fixed(False),
    "ebgan_margin": Float(0.5, 5.0, log=True),
}

PRESETS: dict[str, Preset] = {
    "lucic-wide": Preset("lucic-wide", LUCIC_LOSSES, WIDE, LUCIC_CONSTANTS),
    "lucic-narrow": Preset("lucic-narrow", LUCIC_LOSSES, NARROW, LUCIC_CONSTANTS),
    "seed-defaults": Preset(
        "seed-defaults",
        (*LUCIC_LOSSES, "ebgan"),
        WIDE,
        {"net": "infogan", "batch_size": 64, "z_dim": 62, "z_dist": "uniform"},
        COLLECTION_POINTS,
    ),
    "cpu-mini": Preset(
        "cpu-mini",
        ("ns", "lsgan", "wgan-gp", "hinge"),
        MINI,
        {"net": "mlp", "width": 1.0, "batch_size": 64, "z_dim": 100},
    ),
    "classifier-basic": Preset(
        "classifier-basic",
        (),
        {
            "net": Choice(("dense", "cnn2", "feature-cnn")),
            "lr": Float(1e-4, 1e-2, log=True),
            "batch_size": Choice((64, 128, 256)),
            "weight_decay": Float(1e-6, 1e-3, log=True),
            "shift": Choice((0, 1, 2)),
        },
    ),
}


def get_preset(name: str) -> Preset:
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; valid choices: {', '.join(sorted(PRESETS))}")
    return PRESETS[name]
