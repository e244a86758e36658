"""The family descriptor: what `search/` and `analysis/` ask a family instead of naming
its parameters. One registry; each family module registers its descriptor.

A descriptor holds the define-by-run space, the named presets, the parameter a study is
stratified by, the parameters PBT may mutate and progress lines show, and the metric a
search optimises with its mode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gantune.spaces.params import Suggests
from gantune.spaces.presets import Preset
from gantune.spaces.registry import Registry

Space = Callable[[Suggests, Preset], dict[str, Any]]


@dataclass(frozen=True)
class FamilySpace:
    name: str
    summary: str
    space: Space  # (trial, preset) -> config; draws only
    presets: dict[str, Preset]
    default_preset: str
    stratify_by: str  # studies give each of its values the same number of trials
    metric: str  # reported every iteration; what ASHA and Optuna optimise
    mode: str  # "min" or "max"
    pbt_mutable: tuple[str, ...] = ()  # multiplicative perturbations must stay valid
    shown: tuple[str, ...] = ()  # parameters a progress line prints
    # Config keys counting the images of a warm-up (a KL weight rising from 0, say): a
    # scheduler that judges trials inside one measures where they are in it.
    warmups: tuple[str, ...] = ()
    # Config values that make one iteration take about a second on a CPU: the family
    # contract tests run every family with them.
    tiny: dict[str, Any] = field(default_factory=dict)

    def preset(self, name: str = "") -> Preset:
        chosen = name or self.default_preset
        if chosen not in self.presets:
            valid = ", ".join(sorted(self.presets))
            raise ValueError(
                f"unknown preset {chosen!r} for family {self.name!r}; valid choices: {valid}"
            )
        return self.presets[chosen]

    @property
    def worst(self) -> float:
        return float("inf") if self.mode == "min" else float("-inf")


FAMILY_SPACES: Registry[FamilySpace] = Registry("family")


def register(descriptor: FamilySpace) -> FamilySpace:
    if descriptor.mode not in ("min", "max"):
        raise ValueError(f"family {descriptor.name!r}: mode must be min or max")
    descriptor.preset()  # the default preset exists
    return FAMILY_SPACES.register(descriptor.name, descriptor)


def get_family(name: str) -> FamilySpace:
    return FAMILY_SPACES.get(name)
