"""What to search: pure, declarative search spaces and their presets.

A space is a define-by-run function `(optuna trial, preset) -> config dict` that only
draws values; `spaces` imports nothing else of gantune.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spaces import classifier, gan
from spaces.presets import PRESETS, Preset, get_preset

SPACES: dict[str, Callable[..., dict[str, Any]]] = {
    "gan": gan.space,
    "classifier": classifier.space,
}


def get_space(name: str) -> Callable[..., dict[str, Any]]:
    if name not in SPACES:
        raise ValueError(f"unknown space {name!r}; valid choices: {', '.join(sorted(SPACES))}")
    return SPACES[name]


__all__ = ["PRESETS", "SPACES", "Preset", "get_preset", "get_space"]
