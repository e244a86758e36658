"""Model families a trial can run, in a registry; each owns its config and trainer.

A family lives in a package of its own, `trainables/<name>/`, whose `family.py` registers
it here; `load_families` imports every such module (and any plugin modules named in
`$GANTUNE_PLUGINS`), so adding a family changes nothing outside its own files. The
trainer follows `trainables.contract.Trainer`; the family's search-side descriptor
(space, presets, metric) is registered under the same name in `spaces.family`.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
import pkgutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gantune.spaces.registry import Registry
from gantune.trainables.contract import TrainerFactory

PLUGINS_VARIABLE = "GANTUNE_PLUGINS"

# (checkpoint state, family config, request) -> (uint8 images, caption)
Generate = Callable[..., tuple[Any, str]]


def nothing_to_prepare(config: Any) -> None:
    return None


@dataclass(frozen=True)
class Family:
    config_type: type
    trainer: TrainerFactory
    # Run once in the search driver before any trial: data present, references cached.
    prepare: Callable[[Any], None] = nothing_to_prepare
    generate: Generate | None = None  # `gantune generate` on one of its checkpoints
    # The options its generate takes (`--label`, `--attr`): it adds them to a parser, so
    # that `gantune generate --help` can list them under the family's name.
    generate_options: Callable[[Any], None] | None = None
    # What to do with a trained checkpoint, shown after a search ({checkpoint} filled in).
    hint: str = "gantune generate {checkpoint} -o best.png"
    # The trainer-state entries `generate` and `translate` read: an ended trial outside
    # the best few keeps only these (empty: it keeps everything).
    inference_state: tuple[str, ...] = ()


FAMILIES: Registry[Family] = Registry("family")


def plugin_modules() -> list[str]:
    return [name for name in os.environ.get(PLUGINS_VARIABLE, "").split(",") if name.strip()]


def import_plugin(module: str) -> Any:
    """A module that registers families of its own: a dotted name, or a `.py` file (which
    becomes the module named by its stem, so that Ray's workers find the same name)."""
    module = module.strip()
    try:
        if not module.endswith(".py"):
            return importlib.import_module(module)
        path = Path(module).expanduser().resolve()
        if path.stem in sys.modules and getattr(sys.modules[path.stem], "__file__", "") == str(
            path
        ):
            return sys.modules[path.stem]
        if not path.is_file():
            raise ImportError(f"no file {path}")
        spec = importlib.util.spec_from_file_location(path.stem, path)
        loaded = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        sys.modules[path.stem] = loaded
        spec.loader.exec_module(loaded)  # type: ignore[union-attr]
        return loaded
    except ImportError as error:
        raise ValueError(f"cannot import plugin module {module!r}: {error}") from error


def import_plugins(modules: Iterable[str]) -> None:
    """Import modules that register families of their own (both layers)."""
    for module in modules:
        import_plugin(module)


@functools.cache
def load_families() -> None:
    """Register the built-in families (every `trainables/<name>/family.py`) and plugins."""
    from gantune import (
        spaces,  # noqa: F401  (the descriptors: metric, mode)
        trainables,
    )

    for found in pkgutil.iter_modules(trainables.__path__):
        if found.ispkg and importlib.util.find_spec(f"gantune.trainables.{found.name}.family"):
            importlib.import_module(f"gantune.trainables.{found.name}.family")
    import_plugins(plugin_modules())
