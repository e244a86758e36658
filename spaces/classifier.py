"""The classifier search space, define-by-run: (trial, preset) -> config."""

from __future__ import annotations

from typing import Any

from spaces.params import Suggests
from spaces.presets import Preset

PARAMS = ("net", "lr", "batch_size", "weight_decay", "shift")


def space(trial: Suggests, preset: Preset, loss: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = dict(preset.constants) | {"family": "classifier"}
    for name in PARAMS:
        if name in preset.params:
            config[name] = preset.params[name].draw(trial, name)
    return config
