"""The plan a spec resolves to, once: the family, the preset with the spec's ranges and
strata, the strata, the trial constants, and one sample config per stratum drawn from
the space (validation and preflight share them). Preflight, the Tuner, the study store
and the progress lines all use it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import optuna

from spaces.family import FAMILY_SPACES, FamilySpace
from spaces.presets import Preset


def sample_configs(
    family: FamilySpace, preset: Preset, key: str, strata: tuple[Any, ...], constants: dict
) -> list[dict[str, Any]]:
    """One config per stratum (or one), drawn from the space as a trial would get it."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    presets = [preset.fixing(key, value) for value in strata] or [preset]
    return [family.space(study.ask(), each) | constants for each in presets]


@dataclass(frozen=True)
class Plan:
    family: FamilySpace
    preset: Preset
    strata: tuple[Any, ...]  # empty: not stratified
    constants: dict[str, Any]
    samples: tuple[dict[str, Any], ...]  # one config per stratum, drawn once


def plan_of(spec: Any) -> Plan:
    """The family, the preset with the spec's ranges and strata, the strata, the trial
    constants and one sample config per stratum."""
    family = FAMILY_SPACES.get(spec.family)
    preset = family.preset(spec.preset).with_ranges(spec.ranges)
    if spec.strata:
        preset = preset.restricted(spec.stratify_by, list(spec.strata))
    strata = preset.choices(spec.stratify_by) if spec.stratify else ()
    constants: dict[str, Any] = {
        "family": spec.family,
        "images_per_iter": spec.images_per_iter,
        "max_iterations": spec.scheduler.max_t,
        "eval_samples": spec.eval_samples,
        "seed": spec.seed,
    }
    if spec.dataset:
        constants["dataset"] = spec.dataset
    if spec.dataset_options:
        constants["dataset_options"] = dict(spec.dataset_options)
    constants |= dict(spec.fixed)
    samples = sample_configs(family, preset, spec.stratify_by, strata, constants)
    return Plan(family, preset, tuple(strata), constants, tuple(samples))
