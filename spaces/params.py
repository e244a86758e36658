"""Parameter kinds a preset is made of: a float range, a set of choices, a fixed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


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


@dataclass(frozen=True)
class Choice:
    values: tuple[Any, ...]

    def check(self, name: str) -> None:
        if not self.values:
            raise ValueError(f"{name} has no choices")

    def draw(self, trial: Suggests, name: str) -> Any:
        return trial.suggest_categorical(name, list(self.values))


@dataclass(frozen=True)
class Fixed:
    value: Any

    def check(self, name: str) -> None:
        return None

    def draw(self, trial: Suggests, name: str) -> Any:
        return self.value


Param = Float | Choice | Fixed


def parse(name: str, raw: Any) -> Param:
    """A param from YAML: [low, high], {low, high, log}, {choices: [...]}, or one value."""
    if isinstance(raw, Float | Choice | Fixed):
        return raw
    if isinstance(raw, dict) and "choices" in raw:
        param: Param = Choice(tuple(raw["choices"]))
    elif isinstance(raw, dict) and {"low", "high"} <= set(raw):
        param = Float(float(raw["low"]), float(raw["high"]), bool(raw.get("log", False)))
    elif isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, int | float) for v in raw):
        param = Float(float(raw[0]), float(raw[1]))
    elif isinstance(raw, dict | list):
        raise ValueError(
            f"cannot read the range of {name}: {raw!r}; use [low, high], "
            "{low: .., high: .., log: true}, {choices: [..]} or a single value"
        )
    else:
        param = Fixed(raw)
    param.check(name)
    return param
