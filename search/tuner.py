"""Building, running and resuming an experiment's Tuner, from the plan.

OptunaSearch (in memory, seeded) proposes from the family's define-by-run space, the
scheduler (ASHA by default) stops weak trials and records why, FailureConfig retries
failed trials from their last checkpoint, and a SnapshotFollower keeps the study store
and prunes checkpoints. Nothing here names a family's parameters, and nothing reads the
spec: the plan (`search.plan`) says what to run.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution
from ray import tune
from ray.tune.logger import CSVLoggerCallback, JsonLoggerCallback
from ray.tune.search.optuna import OptunaSearch

from gantune.search.follow import Action, SnapshotFollower
from gantune.search.plan import Plan, Strata
from gantune.search.progress import ProgressPrinter
from gantune.search.results_log import ResultLog
from gantune.search.results_root import timestamped
from gantune.search.retention import CheckpointPruner
from gantune.search.samplers import SAMPLERS
from gantune.search.schedulers.kinds import tune_domain
from gantune.search.schedulers.records import StopRecord
from gantune.search.spec import write_spec
from gantune.search.study_store import StoreMirror
from gantune.spaces.family import Space
from gantune.spaces.presets import Preset
from gantune.trainables.experiment.files import default_store
from gantune.trainables.families import FAMILIES, import_plugins
from gantune.trainables.ray_internals import count_node_loss_as_preemption
from gantune.trainables.trial import trainable


def pbt_param_space(plan: Plan) -> dict[str, Any]:
    """Every param of the preset, drawn by Tune (a config ignores what it does not use)."""
    space = {name: tune_domain(param) for name, param in plan.preset.params.items()}
    return space | dict(plan.preset.constants) | plan.constants


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
        space(recorder, preset.fixing(strata.by, config.get(strata.by)))
        return recorder.distributions | {strata.by: CategoricalDistribution(list(strata.values))}
    space(recorder, preset)
    return recorder.distributions


def points_to_evaluate(preset: Preset, strata: Strata) -> list[dict[str, Any]] | None:
    """Published points first; when strata take turns, point i must be stratum i's."""
    if not preset.points:
        return None
    if not strata.values:
        return [dict(point) for point in preset.points]
    by_value = {point.get(strata.by): point for point in preset.points}
    points = [
        {k: v for k, v in by_value.get(value, {}).items() if k != strata.by}
        for value in strata.values
    ]
    while points and not points[-1]:
        points.pop()
    return points or None


def trial_dirname(trial: Any) -> str:
    return f"trial_{trial.trial_id}"


def trial_function(cpu: float, gpu: float, plugins: tuple[str, ...]) -> Callable[[dict], None]:
    """A fresh function per experiment: `tune.with_resources` sets its request on the
    function object, so sharing one would leak one experiment's resources into another.
    It imports the spec's plugin modules in the worker before the trial resolves."""

    def gantune_trial(config: dict[str, Any]) -> None:
        import_plugins(plugins)
        trainable(config)

    return tune.with_resources(gantune_trial, {"cpu": cpu, "gpu": gpu})


@dataclass
class Experiment:
    plan: Plan
    directory: Path

    @property
    def store(self) -> str:
        return self.plan.study_store or default_store(self.directory)

    @functools.cached_property
    def stops(self) -> StopRecord:
        return StopRecord(self.directory)


def store_mirror(experiment: Experiment) -> StoreMirror:
    plan = experiment.plan
    replay = functools.partial(
        replay_distributions, space=plan.family.space, preset=plan.preset, strata=plan.strata
    )
    return StoreMirror(
        experiment.store, plan.name, experiment.directory, plan.metric, plan.mode, replay
    )


def snapshot_actions(experiment: Experiment) -> list[Action]:
    """What follows Tune's snapshots: the study store, and checkpoint pruning (not for a
    scheduler that restores other trials' older checkpoints, PBT: all are kept)."""
    plan = experiment.plan
    actions: list[Action] = [store_mirror(experiment).sync]
    if not plan.kind.restores_others:
        pruner = CheckpointPruner(
            experiment.directory,
            metric=plan.metric,
            mode=plan.mode,
            inference_state=FAMILIES.get(plan.family.name).inference_state,
        )
        actions.append(pruner.prune)
    return actions


def callbacks(experiment: Experiment) -> list[tune.Callback]:
    plan = experiment.plan
    progress = ProgressPrinter(
        plan.metric, plan.mode, plan.scheduler.max_t, plan.family.shown, experiment.stops
    )
    # Tune's own JSON and CSV logs (its analysis reads them), without its TensorBoard one
    loggers = [JsonLoggerCallback(), CSVLoggerCallback()]
    return [ResultLog(), SnapshotFollower(snapshot_actions(experiment)), progress, *loggers]


def run_config(experiment: Experiment) -> tune.RunConfig:
    return tune.RunConfig(
        name=experiment.directory.name,
        storage_path=str(experiment.directory.parent),
        callbacks=callbacks(experiment),
        failure_config=tune.FailureConfig(max_failures=experiment.plan.max_failures),
        # Tune keeps every checkpoint; CheckpointPruner prunes them safely.
        checkpoint_config=tune.CheckpointConfig(num_to_keep=None),
        verbose=0,  # ProgressPrinter reports instead
    )


def searcher(plan: Plan) -> OptunaSearch | None:
    """OptunaSearch over the family's space, strata taking turns; none where the
    scheduler samples itself (PBT)."""
    if plan.kind.samples_itself:
        return None
    space = functools.partial(
        draw_config,
        space=plan.family.space,
        preset=plan.preset,
        constants=plan.constants,
        strata=plan.strata,
    )
    return OptunaSearch(
        space=space,
        metric=plan.metric,  # a define-by-run space ignores TuneConfig's metric and mode
        mode=plan.mode,
        sampler=SAMPLERS.get(plan.sampler.kind)(plan.sampler.seed),
        points_to_evaluate=points_to_evaluate(plan.preset, plan.strata),
    )


def build_tuner(experiment: Experiment) -> tune.Tuner:
    plan = experiment.plan
    # A scheduler that caps running trials itself gets no cap from Tune, which would
    # count its paused trials as running.
    concurrent = None if plan.kind.limits_running else plan.max_concurrent_trials
    return tune.Tuner(
        trial_function(plan.resources.cpu, plan.resources.gpu, plan.plugins),
        param_space=pbt_param_space(plan) if plan.kind.samples_itself else None,
        tune_config=tune.TuneConfig(
            metric=plan.metric,
            mode=plan.mode,
            search_alg=searcher(plan),
            scheduler=plan.kind.build(plan.scheduler, experiment.stops, plan.scheduler_study()),
            num_samples=plan.num_samples,
            max_concurrent_trials=concurrent,
            trial_dirname_creator=trial_dirname,
            reuse_actors=plan.reuse_actors,
        ),
        run_config=run_config(experiment),
    )


def new_experiment(plan: Plan) -> Experiment:
    directory = plan.storage_root / timestamped(plan.name)
    write_spec(plan.spec_record, directory)
    return Experiment(plan, directory)


def run(experiment: Experiment, resume: bool = False) -> tune.ResultGrid:
    count_node_loss_as_preemption()  # a lost spot worker does not use up max_failures
    plan = experiment.plan
    if resume:
        tuner = tune.Tuner.restore(
            str(experiment.directory),
            trainable=trial_function(plan.resources.cpu, plan.resources.gpu, plan.plugins),
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
