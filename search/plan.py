"""The plan a spec resolves to, once, and the only thing the driver reads after it.

`plan_of(spec)` asks the family for its descriptor, applies the spec's ranges and strata
to the preset, fills in the scheduler's defaults, draws one sample config per stratum and
validates each through the family's own config (so a bad value is refused before Ray
starts), and freezes all of it. Preflight, the Tuner, the study store, the progress lines
and the warm-up check read the plan; none of them reads the spec.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna

from gantune.search.results_root import results_root
from gantune.search.schedulers.kinds import (
    SCHEDULERS,
    SchedulerKind,
    SchedulerSpec,
    Study,
    first_rung,
)
from gantune.search.spec import ExperimentSpec, ResourcesSpec, SamplerSpec, check
from gantune.spaces.family import FAMILY_SPACES, FamilySpace
from gantune.spaces.params import Float
from gantune.spaces.presets import Preset
from gantune.trainables.config import ConfigError
from gantune.trainables.trial import resolve


@dataclass(frozen=True)
class Strata:
    """The stratified parameter and its values, taking turns by trial number; no values:
    not stratified."""

    by: str
    values: tuple[Any, ...]

    def preset_for(self, preset: Preset, number: int) -> Preset:
        if not self.values:
            return preset
        return preset.fixing(self.by, self.values[number % len(self.values)])


@dataclass(frozen=True)
class Plan:
    name: str
    family: FamilySpace
    preset: Preset  # the preset with the spec's ranges, limited to its strata
    strata: Strata
    constants: dict[str, Any]  # config values every trial gets besides what is drawn
    samples: tuple[dict[str, Any], ...]  # one config per stratum, drawn once
    metric: str
    mode: str
    scheduler: SchedulerSpec  # its defaults filled in
    sampler: SamplerSpec
    num_samples: int
    max_concurrent_trials: int
    resources: ResourcesSpec
    max_failures: int
    reuse_actors: bool
    plugins: tuple[str, ...]
    study_store: str  # "" : the experiment's own SQLite file
    storage_root: Path  # where the experiment folder goes
    spec_record: dict[str, Any]  # the spec as written into the experiment

    @property
    def kind(self) -> SchedulerKind:
        return SCHEDULERS.get(self.scheduler.kind)

    def scheduler_study(self) -> Study:
        """What the scheduler needs of the study: the mutable ranges, trials at once."""
        params = self.preset.params
        mutable = {
            n: params[n] for n in self.family.pbt_mutable if isinstance(params.get(n), Float)
        }
        return Study(mutable, self.max_concurrent_trials)

    def describe(self) -> str:
        """One line: what will run."""
        s = self.scheduler
        strata = ", ".join(map(str, self.strata.values)) or "not stratified"
        rungs = "".join(f" {k}={getattr(s, k)}" for k in self.kind.options)
        return (
            f"study {self.name}: {self.num_samples} trials of {self.family.name} "
            f"({self.preset.name}; {self.strata.by}: {strata}), {s.kind} max_t={s.max_t}"
            f"{rungs}, sampler {self.sampler.kind}, {self.max_concurrent_trials} at once, "
            f"{self.resources.cpu:g} CPU {self.resources.gpu:g} GPU per trial"
        )


def sample_configs(
    family: FamilySpace, preset: Preset, strata: Strata, constants: dict
) -> list[dict[str, Any]]:
    """One config per stratum (or one), drawn from the space as a trial would get it."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    presets = [preset.fixing(strata.by, value) for value in strata.values] or [preset]
    return [family.space(study.ask(), each) | constants for each in presets]


def trial_constants(spec: ExperimentSpec) -> dict[str, Any]:
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
    return constants | dict(spec.fixed)


def scheduler_of(spec: ExperimentSpec) -> SchedulerSpec:
    """The scheduler section with its kind's defaults (the first rung) filled in."""
    s = spec.scheduler
    grace = first_rung(s.kind, s.grace_period)
    check(
        1 <= grace <= s.max_t,
        f"scheduler.grace_period must be in [1, max_t={s.max_t}], not {grace}",
    )
    return dataclasses.replace(s, grace_period=grace)


def plan_of(spec: ExperimentSpec) -> Plan:
    """The plan, validated: ranges, strata, scheduler, and one config per stratum through
    the family's own validation."""
    family = FAMILY_SPACES.get(spec.family)
    try:
        preset = family.preset(spec.preset).with_ranges(spec.ranges)
        preset.check()
        if spec.strata:
            preset = preset.restricted(spec.stratify_by, list(spec.strata))
        stratified = spec.stratify and bool(spec.stratify_by)  # a family may have no key
        strata = Strata(spec.stratify_by, preset.choices(spec.stratify_by) if stratified else ())
        preset.check()
    except ValueError as error:
        raise ConfigError(str(error)) from None
    scheduler = scheduler_of(spec)
    constants = trial_constants(spec)
    samples = sample_configs(family, preset, strata, constants)
    for config in samples:
        resolve(config)  # the family's own validation: unknown keys, bad values, strata
    drawn = set().union(*samples)
    unused = sorted(set(spec.ranges) - drawn)
    check(
        not unused,
        f"ranges name {', '.join(unused)}, which the {spec.family} space never draws with "
        f"this preset; it draws: {', '.join(sorted(drawn - set(constants)))}",
    )
    plan = Plan(
        name=spec.name,
        family=family,
        preset=preset,
        strata=strata,
        constants=constants,
        samples=tuple(samples),
        metric=spec.metric,
        mode=spec.mode,
        scheduler=scheduler,
        sampler=spec.sampler,
        num_samples=spec.num_samples,
        max_concurrent_trials=spec.max_concurrent_trials,
        resources=spec.resources,
        max_failures=spec.max_failures,
        reuse_actors=spec.reuse_actors,
        # a plugin file by its absolute path: Ray's workers may start elsewhere
        plugins=tuple(
            str(Path(m).expanduser().resolve()) if m.endswith(".py") else m for m in spec.plugins
        ),
        study_store=spec.study_store,
        storage_root=Path(spec.storage_path).expanduser() if spec.storage_path else results_root(),
        spec_record=spec.to_dict(),
    )
    if plan.kind.samples_itself:
        mutable = plan.family.pbt_mutable
        check(
            bool(plan.scheduler_study().mutable),
            f"scheduler {scheduler.kind} mutates {', '.join(mutable) or 'nothing'}: the preset "
            "must give one of them a range",
        )
    return plan
