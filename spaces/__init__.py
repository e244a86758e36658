"""What to search: pure, declarative search spaces, their presets, and each family's
descriptor (`spaces.family`).

A space is a define-by-run function `(optuna trial, preset) -> config dict` that only
draws values; `spaces` imports nothing else of gantune but the neutral registry.
"""

from __future__ import annotations

from spaces import classifier, cyclegan, gan, vae  # noqa: F401  (each registers its family)
from spaces.family import FAMILY_SPACES, FamilySpace, get_family
from spaces.presets import Preset

__all__ = ["FAMILY_SPACES", "FamilySpace", "Preset", "get_family"]
