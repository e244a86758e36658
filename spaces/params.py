"""Parameter kinds a preset is made of: a float range, a set of choices, a fixed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

RANGE_FIELDS = ("low", "high", "log")


class Suggests(Protocol):
    """The part of `optuna.trial.Trial` a space uses."""

    number: int

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False) -> float: ...

    def suggest_categorical(self, name: str, choices: list[Any]) -> Any: ...


@dataclass(frozen=True)
class Float:
    low: float
    high: float
    log: bool = False

    def check(self, name: str) -> None:
        if not self.low < self.high:
            raise ValueError(
                f"{name} range [{self.low}, {self.high}] is reversed or empty "
                "(low must be below high)"
            )
        if self.log and self.low <= 0:
            raise ValueError(
                f"{name} range [{self.low}, {self.high}] is log-scaled, so low must be > 0"
            )

    def draw(self, trial: Suggests, name: str) -> float:
        return trial.suggest_float(name, self.low, self.high, log=self.log)

    def values(self) -> tuple[Any, ...]:
        raise ValueError(f"a range [{self.low}, {self.high}] has no list of values")


@dataclass(frozen=True)
class Choice:
    options: tuple[Any, ...]

    def check(self, name: str) -> None:
        if not self.options:
            raise ValueError(f"{name} has no choices")

    def draw(self, trial: Suggests, name: str) -> Any:
        return trial.suggest_categorical(name, list(self.options))

    def values(self) -> tuple[Any, ...]:
        return self.options


@dataclass(frozen=True)
class Fixed:
    value: Any

    def check(self, name: str) -> None:
        return None

    def draw(self, trial: Suggests, name: str) -> Any:
        return self.value

    def values(self) -> tuple[Any, ...]:
        return (self.value,)


Param = Float | Choice | Fixed


def as_number(name: str, field: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}.{field} must be a number, not {value!r}")
    return float(value)


def partial_range(name: str, raw: dict[str, Any], base: Param | None) -> dict[str, Any]:
    """`{high: 1e-3}` completes the preset's own range of `name`."""
    if not isinstance(base, Float):
        raise ValueError(
            f"{name}: the preset has no range to change ({base or 'no such parameter'}); "
            "give the whole range: [low, high] or {low: .., high: .., log: true}"
        )
    return {"low": base.low, "high": base.high, "log": base.log} | raw


def parse(name: str, raw: Any, base: Param | None = None) -> Param:
    """A param from YAML: [low, high], {low, high, log}, {choices: [...]}, or one value.
    A mapping with only some of low/high/log changes those fields of `base`."""
    if isinstance(raw, Float | Choice | Fixed):
        param: Param = raw
    elif isinstance(raw, dict):
        unknown = sorted(set(raw) - {*RANGE_FIELDS, "choices"})
        if unknown:
            raise ValueError(
                f"cannot read the range of {name}: unknown field(s) {', '.join(unknown)}; "
                "valid fields: low, high, log, choices"
            )
        if "choices" in raw:
            if set(raw) != {"choices"} or not isinstance(raw["choices"], list):
                raise ValueError(f"{name}: choices must be a list and stand alone, not {raw!r}")
            param = Choice(tuple(raw["choices"]))
        else:
            if not {"low", "high"} <= set(raw):
                raw = partial_range(name, raw, base)
            low, high = (as_number(name, f, raw[f]) for f in ("low", "high"))
            param = Float(low, high, bool(raw.get("log", False)))
    elif isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, int | float) for v in raw):
        param = Float(float(raw[0]), float(raw[1]), base.log if isinstance(base, Float) else False)
    elif isinstance(raw, list):
        raise ValueError(
            f"cannot read the range of {name}: {raw!r}; use [low, high], "
            "{low: .., high: .., log: true}, {choices: [..]} or a single value"
        )
    else:
        param = Fixed(raw)
    param.check(name)
    return param
