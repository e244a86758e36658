"""The GAN search space, define-by-run: (trial, preset) -> config.

Shared hyperparameters are drawn for every trial; each loss's own parameters are drawn
only when that loss is chosen, under their own names. Both learning rates take one
value (`lr_d`, copied to `lr_g`), as in Lucic et al., unless the preset ranges `lr_g`.
The space computes nothing: it only draws.
"""

from __future__ import annotations

from typing import Any

from spaces.params import Suggests
from spaces.presets import Preset

SHARED = ("lr_d", "lr_g", "beta1", "beta2", "n_disc", "d_batch_norm")
PER_LOSS: dict[str, tuple[str, ...]] = {
    "wgan": ("wgan_clip",),
    "wgan-gp": ("gp_lambda",),
    "dragan": ("dragan_lambda",),
    "began": ("began_gamma", "began_k_rate"),
    "ebgan": ("ebgan_margin", "ebgan_pt_weight"),
}


def space(trial: Suggests, preset: Preset, loss: str | None = None) -> dict[str, Any]:
    """A full config; `loss` given means it is a constant of this trial (stratified studies)."""
    if loss is None and not preset.losses:
        raise ValueError(f"preset {preset.name!r} names no GAN losses")
    chosen = loss if loss is not None else trial.suggest_categorical("loss", list(preset.losses))
    config: dict[str, Any] = dict(preset.constants) | {"loss": chosen}
    for name in (*SHARED, *PER_LOSS.get(chosen, ())):
        if name in preset.params:
            config[name] = preset.params[name].draw(trial, name)
    config.setdefault("lr_g", config.get("lr_d"))
    return {key: value for key, value in config.items() if value is not None}
