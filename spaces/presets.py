"""A preset: the ranges a family's space draws from, its constants, and published points.

Each family names its own presets (see the family modules beside this one). A preset is
data; `with_ranges`, `restricted` and `fixing` make the variants a study asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from gantune.spaces.params import Choice, Fixed, Param, Suggests, parse


@dataclass(frozen=True)
class Preset:
    name: str
    params: dict[str, Param]  # searched (or fixed) hyperparameters, by config key
    constants: dict[str, Any] = field(default_factory=dict)  # merged into every config
    points: tuple[dict[str, Any], ...] = ()  # published settings, evaluated first
    summary: str = ""

    def with_ranges(self, ranges: dict[str, Any] | None) -> Preset:
        """Ranges overridden (whole, or only some of low/high/log)."""
        params = dict(self.params)
        for name, raw in (ranges or {}).items():
            params[name] = parse(f"ranges.{name}", raw, params.get(name))
        return replace(self, params=params)

    def choices(self, key: str) -> tuple[Any, ...]:
        """The values `key` can take (its choices, or its one fixed value)."""
        if key not in self.params:
            raise ValueError(f"preset {self.name!r} does not draw {key}")
        try:
            return self.params[key].values()
        except ValueError as error:
            raise ValueError(f"{key} in preset {self.name!r}: {error}") from None

    def restricted(self, key: str, values: list[Any]) -> Preset:
        """`key` limited to `values`; published points of other values are dropped."""
        points = tuple(p for p in self.points if p.get(key) in values)
        return replace(self, params=self.params | {key: Choice(tuple(values))}, points=points)

    def fixing(self, key: str, value: Any) -> Preset:
        return replace(self, params=self.params | {key: Fixed(value)})

    def draw(self, trial: Suggests, names: tuple[str, ...]) -> dict[str, Any]:
        """The constants, and `names` drawn in that order (those the preset has)."""
        config = dict(self.constants)
        for name in names:
            if name in self.params:
                config[name] = self.params[name].draw(trial, name)
        return config

    def check(self) -> None:
        for name, param in self.params.items():
            param.check(name)
