"""Building, running and resuming an experiment's Tuner.

OptunaSearch (in memory, seeded) proposes from the family's define-by-run space, the
scheduler (ASHA by default) stops weak trials and records why, FailureConfig retries
failed trials from their last checkpoint, and a SnapshotFollower keeps the study store
and prunes checkpoints. Nothing here names a family's parameters: it asks the spec's
family descriptor.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution
from ray import tune
from ray.tune.search.optuna import OptunaSearch

from search.follow import Action, SnapshotFollower
from search.optuna_store import StoreMirror
from search.progress import ProgressPrinter
from search.results_log import ResultLog
from search.retention import CheckpointPruner
from search.scheduler import StopRecord
from search.scheduler_kinds import SCHEDULERS, tune_domain
from search.spec import ExperimentSpec, write_spec
from search.storage import timestamped
from spaces.family import Space
from spaces.presets import Preset
from trainables.experiment.files import default_store
from trainables.families import FAMILIES, import_plugins
from trainables.ray_internals import count_node_loss_as_preemption
from trainables.trial import trainable

SAMPLERS: dict[str, Callable[[int], optuna.samplers.BaseSampler]] = {
    "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
    "cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False),
}


def pbt_param_space(spec: ExperimentSpec) -> dict[str, Any]:
    """Every param of the preset, drawn by Tune (a config ignores what it does not use)."""
    preset = spec.preset_object()
    space = {name: tune_domain(param) for name, param in preset.params.items()}
    return space | dict(preset.constants) | spec.trial_constants()


@dataclass(frozen=True)
class Strata:
    """The stratify key and its values, taking turns by trial number; none: not stratified."""

    key: str
    values: tuple[Any, ...]

    @classmethod
    def of(cls, spec: ExperimentSpec) -> Strata:
        return cls(spec.stratify_by, spec.strata_values() if spec.stratify else ())

    def preset_for(self, preset: Preset, number: int) -> Preset:
        if not self.values:
            return preset
        return preset.fixing(self.key, self.values[number % len(self.values)])


def draw_config(trial: Any, space: Space, preset: Preset, constants: dict, strata: Strata) -> dict:
    """The define-by-run function OptunaSearch calls."""
    return space(trial, strata.preset_for(preset, trial.number)) | constants


class RecordingTrial:
    """Replays a config through a define-by-run space and records the distributions it
    draws from. Unlike optuna's FixedTrial it accepts values outside them (PBT mutates
    beyond the ranges); the store keeps such values as attributes."""

    number = 0

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.distributions: dict[str, BaseDistribution] = {}

    def suggest_float(self, name: str, low: float, high: float, *, log: bool = False) -> float:
        self.distributions[name] = FloatDistribution(low, high, log=log)
        return self.config.get(name, low)

    def suggest_categorical(self, name: str, choices: list[Any]) -> Any:
        self.distributions[name] = CategoricalDistribution(choices)
        return self.config.get(name, choices[0])


def replay_distributions(
    config: dict[str, Any], space: Space, preset: Preset, strata: Strata
) -> dict[str, BaseDistribution]:
    """The distributions a config's values were drawn from (for the study store)."""
    recorder = RecordingTrial(config)
    if strata.values:
        space(recorder, preset.fixing(strata.key, config.get(strata.key)))
        return recorder.distributions | {strata.key: CategoricalDistribution(list(strata.values))}
    space(recorder, preset)
    return recorder.distributions


def points_to_evaluate(preset: Preset, strata: Strata) -> list[dict[str, Any]] | None:
    """Published points first; when strata take turns, point i must be stratum i's."""
    if not preset.points:
        return None
    if not strata.values:
        return [dict(point) for point in preset.points]
    by_value = {point.get(strata.key): point for point in preset.points}
    points = [
        {k: v for k, v in by_value.get(value, {}).items() if k != strata.key}
        for value in strata.values
    ]
    while points and not points[-1]:
        points.pop()
    return points or None


def trial_dirname(trial: Any) -> str:
    return f"trial_{trial.trial_id}"


def trial_function(cpu: float, gpu: float, plugins: list[str]) -> Callable[[dict], None]:
    """A fresh function per experiment: `tune.with_resources` sets its request on the
    function object, so sharing one would leak one experiment's resources into another.
    It imports the spec's plugin modules in the worker before the trial resolves."""

    def gantune_trial(config: dict[str, Any]) -> None:
        import_plugins(plugins)
        trainable(config)

    return tune.with_resources(gantune_trial, {"cpu": cpu, "gpu": gpu})


@dataclass
class Experiment:
    spec: ExperimentSpec
    directory: Path

    @property
    def store(self) -> str:
        return self.spec.study_store or default_store(self.directory)

    @functools.cached_property
    def stops(self) -> StopRecord:
        return StopRecord(self.directory)


def store_mirror(experiment: Experiment) -> StoreMirror:
    spec = experiment.spec
    replay = functools.partial(
        replay_distributions,
        space=spec.describe().space,
        preset=spec.preset_object(),
        strata=Strata.of(spec),
    )
    return StoreMirror(
        experiment.store, spec.name, experiment.directory, spec.metric, spec.mode, replay
    )


def snapshot_actions(experiment: Experiment) -> list[Action]:
    """What follows Tune's snapshots: the study store, and checkpoint pruning (not for PBT,
    which restores other trials' older checkpoints, so all are kept)."""
    actions: list[Action] = [store_mirror(experiment).sync]
    if experiment.spec.scheduler.kind != "pbt":
        family = FAMILIES.get(experiment.spec.family)
        pruner = CheckpointPruner(
            experiment.directory,
            metric=experiment.spec.metric,
            mode=experiment.spec.mode,
            inference_state=family.inference_state,
        )
        actions.append(pruner.prune)
    return actions


def callbacks(experiment: Experiment) -> list[tune.Callback]:
    spec = experiment.spec
    progress = ProgressPrinter(
        spec.metric, spec.mode, spec.scheduler.max_t, spec.describe().shown, experiment.stops
    )
    return [ResultLog(), SnapshotFollower(snapshot_actions(experiment)), progress]


def run_config(experiment: Experiment) -> tune.RunConfig:
    return tune.RunConfig(
        name=experiment.directory.name,
        storage_path=str(experiment.directory.parent),
        callbacks=callbacks(experiment),
        failure_config=tune.FailureConfig(max_failures=experiment.spec.max_failures),
        # Tune keeps every checkpoint; CheckpointPruner prunes them safely.
        checkpoint_config=tune.CheckpointConfig(num_to_keep=None),
        verbose=0,  # ProgressPrinter reports instead
    )


def build_tuner(experiment: Experiment) -> tune.Tuner:
    spec = experiment.spec
    preset, strata = spec.preset_object(), Strata.of(spec)
    space = functools.partial(
        draw_config,
        space=spec.describe().space,
        preset=preset,
        constants=spec.trial_constants(),
        strata=strata,
    )
    pbt_run = spec.scheduler.kind == "pbt"  # PBT samples itself: no search algorithm
    searcher = (
        None
        if pbt_run
        else OptunaSearch(
            space=space,
            metric=spec.metric,  # a define-by-run space ignores TuneConfig's metric and mode
            mode=spec.mode,
            sampler=SAMPLERS[spec.sampler.kind](spec.sampler.seed),
            points_to_evaluate=points_to_evaluate(preset, strata),
        )
    )
    return tune.Tuner(
        trial_function(spec.resources.cpu, spec.resources.gpu, spec.plugins),
        param_space=pbt_param_space(spec) if pbt_run else None,
        tune_config=tune.TuneConfig(
            metric=spec.metric,
            mode=spec.mode,
            search_alg=searcher,
            scheduler=SCHEDULERS[spec.scheduler.kind](spec, experiment.stops),
            num_samples=spec.num_samples,
            max_concurrent_trials=spec.max_concurrent_trials,
            trial_dirname_creator=trial_dirname,
            reuse_actors=spec.reuse_actors,
        ),
        run_config=run_config(experiment),
    )


def new_experiment(spec: ExperimentSpec) -> Experiment:
    directory = spec.storage_root() / timestamped(spec.name)
    write_spec(spec, directory)
    return Experiment(spec, directory)


def run(experiment: Experiment, resume: bool = False) -> tune.ResultGrid:
    count_node_loss_as_preemption()  # a lost spot worker does not use up max_failures
    if resume:
        tuner = tune.Tuner.restore(
            str(experiment.directory),
            trainable=trial_function(
                experiment.spec.resources.cpu,
                experiment.spec.resources.gpu,
                experiment.spec.plugins,
            ),
            resume_unfinished=True,
            resume_errored=True,
            param_space=None,
        )
    else:
        tuner = build_tuner(experiment)
    results = tuner.fit()
    for action in snapshot_actions(experiment):  # fit() has synced the final snapshot
        action()
    return results
