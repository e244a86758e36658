"""Turning a trial's flat config dict into frozen dataclasses, with clear errors."""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


class ConfigError(ValueError):
    """A config key or value that cannot be used; the message names it and the choices."""


# Config keys that were renamed (one name per idea: the latent size is `latent_dim` in
# every family); old configs, specs and checkpoints still read, with a message.
RENAMED = {"z_dim": "latent_dim"}
_told: set[str] = set()


def upgraded(values: dict[str, Any], where: str = "config") -> dict[str, Any]:
    """`values` with renamed keys under their new names (said once per process)."""
    found = {old: new for old, new in RENAMED.items() if old in values and new not in values}
    for old, new in found.items():
        if old not in _told:
            _told.add(old)
            print(f"note: {where} key {old} is now {new}; read as {new}", file=sys.stderr)
    return {found.get(key, key): value for key, value in values.items()}


def field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def coerce(name: str, value: Any, kind: Any) -> Any:
    """Accept what YAML and Optuna hand us (ints for floats, 0/1 for bools), nothing looser."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(kind)
        if value is None and type(None) in options:
            return None
        kind = next(option for option in options if option is not type(None))
        origin = typing.get_origin(kind)
    if kind is bool:
        if isinstance(value, bool) or value in (0, 1):
            return bool(value)
    elif kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif kind is str:
        if isinstance(value, str):
            return value
    elif origin is dict or kind is dict:
        if isinstance(value, dict):
            return dict(value)
    elif origin is list or kind is list:
        if isinstance(value, list | tuple):
            return list(value)
    else:
        return value
    raise ConfigError(f"{name} must be {getattr(kind, '__name__', kind)}, not {value!r}")


def from_dict(cls: type[T], values: dict[str, Any], what: str) -> T:
    """Build `cls` from the keys it declares; unknown keys are errors naming the valid ones."""
    known = field_names(cls)
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise ConfigError(
            f"unknown {what} key(s) {', '.join(unknown)}; valid keys: {', '.join(known)}"
        )
    hints = typing.get_type_hints(cls)
    return cls(**{key: coerce(key, value, hints[key]) for key, value in values.items()})


def check_range(
    name: str, value: float, low: float | None = None, high: float | None = None
) -> None:
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
        raise ConfigError(f"{name} = {value} is outside {bounds}")


def check_choice(name: str, value: str, choices: list[str]) -> None:
    if value not in choices:
        raise ConfigError(f"unknown {name} {value!r}; valid choices: {', '.join(choices)}")


def check_dataset(dataset: str, options: dict[str, Any], fid_backend: str | None = None) -> None:
    """A family config's data, the one rule: a registered dataset, options it takes, and
    a feature backend that exists (registered, or a net trained for a dataset)."""
    from gantune.trainables import data
    from gantune.trainables.metrics.backends import BACKENDS, trained_names

    check_choice("dataset", dataset, data.DATASETS.names())
    try:
        data.check_options(dataset, options)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    if fid_backend is not None:
        check_choice("fid_backend", fid_backend, BACKENDS.names() + trained_names())
