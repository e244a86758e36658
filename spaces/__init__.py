"""What to search: pure, declarative search spaces, their presets, and each family's
descriptor (`spaces.family`).

A space is a define-by-run function `(optuna trial, preset) -> config dict` that only
draws values; `spaces` imports nothing else of gantune. Built-in families are found by
their place: every module of this package is imported, and a family's module registers
its descriptor (`spaces/<family>.py`).
"""

from __future__ import annotations

import importlib
import pkgutil

from gantune.spaces.family import FAMILY_SPACES, FamilySpace, get_family
from gantune.spaces.presets import Preset

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["FAMILY_SPACES", "FamilySpace", "Preset", "get_family"]
