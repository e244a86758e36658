"""Building, running and resuming an experiment's Tuner.

OptunaSearch (in memory, seeded) proposes from the define-by-run space, the scheduler
(ASHA by default) stops weak trials, FailureConfig retries failed trials from their last
checkpoint, and a SnapshotFollower keeps the study store and prunes checkpoints.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import ray
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution
from ray import tune
from ray.tune.schedulers import (
    ASHAScheduler,
    FIFOScheduler,
    PopulationBasedTraining,
    TrialScheduler,
)
from ray.tune.search.optuna import OptunaSearch

import spaces
from search.follow import Action, SnapshotFollower
from search.optuna_store import StoreMirror, default_store
from search.progress import ProgressPrinter
from search.retention import CheckpointPruner
from search.spec import ExperimentSpec, write_spec
from search.storage import timestamped
from spaces.params import Choice, Float
from trainables.trial import trainable

SAMPLERS: dict[str, Callable[[int], optuna.samplers.BaseSampler]] = {
    "tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
    "cmaes": lambda seed: optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False),
}


def asha(spec: ExperimentSpec) -> TrialScheduler:
    s = spec.scheduler  # metric and mode come from TuneConfig
    return ASHAScheduler(
        time_attr="training_iteration",
        max_t=s.max_t,
        grace_period=s.grace_period,
        reduction_factor=s.reduction_factor,
    )


# PBT perturbs values by x0.8 / x1.2: fine for learning rates, invalid for bounded ones
# such as beta1 (0.9 -> 1.08).
PBT_MUTATED = ("lr_d", "lr_g")


def tune_domain(param: Any) -> Any:
    """A preset param as a Tune sampling domain (PBT samples and mutates without Optuna)."""
    if isinstance(param, Float):
        return (tune.loguniform if param.log else tune.uniform)(param.low, param.high)
    if isinstance(param, Choice):
        return tune.choice(list(param.values))
    return param.value


def pbt_param_space(spec: ExperimentSpec) -> dict[str, Any]:
    """Every param of the preset (a loss ignores the others' params), drawn by Tune."""
    preset = spec.preset_object()
    space = {name: tune_domain(param) for name, param in preset.params.items()}
    space.setdefault("lr_g", space.get("lr_d"))
    if preset.losses:
        space["loss"] = tune.choice(list(preset.losses))
    return space | dict(preset.constants) | spec.trial_constants()


def pbt(spec: ExperimentSpec) -> TrialScheduler:
    """Perturbs the learning rates; weak trials restart from strong ones' checkpoints."""
    lr = spec.preset_object().params["lr_d"]  # the spec checks that it is a range
    mutations = {name: tune_domain(lr) for name in PBT_MUTATED}
    return PopulationBasedTraining(
        time_attr="training_iteration",
        perturbation_interval=spec.scheduler.perturbation_interval,
        hyperparam_mutations=mutations,
    )


SCHEDULERS: dict[str, Callable[[ExperimentSpec], TrialScheduler]] = {
    "asha": asha,
    "fifo": lambda spec: FIFOScheduler(),
    "pbt": pbt,
}


def stratified(spec: ExperimentSpec, preset: spaces.Preset) -> bool:
    return spec.stratify_losses and spec.family == "gan" and bool(preset.losses)


def draw_config(
    trial: Any, space: str, preset: spaces.Preset, constants: dict, stratify: bool
) -> dict:
    """The define-by-run function OptunaSearch calls: losses take turns when stratified."""
    loss = preset.losses[trial.number % len(preset.losses)] if stratify else None
    return spaces.get_space(space)(trial, preset, loss) | constants


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
    config: dict[str, Any], space: str, preset: spaces.Preset, stratify: bool
) -> dict[str, BaseDistribution]:
    """The distributions a config's values were drawn from (for the study store)."""
    recorder = RecordingTrial(config)
    spaces.get_space(space)(recorder, preset, config.get("loss") if stratify else None)
    distributions = dict(recorder.distributions)
    if stratify:
        distributions["loss"] = CategoricalDistribution(list(preset.losses))
    return distributions


def points_to_evaluate(preset: spaces.Preset, stratify: bool) -> list[dict[str, Any]] | None:
    """Published points first; when losses take turns, point i must be loss i's."""
    if not preset.points:
        return None
    if not stratify:
        return [dict(point) for point in preset.points]
    by_loss = {point["loss"]: point for point in preset.points}
    points = [
        {k: v for k, v in by_loss.get(loss, {}).items() if k != "loss"} for loss in preset.losses
    ]
    while points and not points[-1]:
        points.pop()
    return points or None


def trial_dirname(trial: Any) -> str:
    return f"trial_{trial.trial_id}"


def trial_function(cpu: float, gpu: float) -> Callable[[dict[str, Any]], None]:
    """A fresh function per experiment: `tune.with_resources` sets its request on the
    function object, so sharing one would leak one experiment's resources into another."""

    def gantune_trial(config: dict[str, Any]) -> None:
        trainable(config)

    return tune.with_resources(gantune_trial, {"cpu": cpu, "gpu": gpu})


@dataclass
class Experiment:
    spec: ExperimentSpec
    directory: Path

    @property
    def store(self) -> str:
        return self.spec.study_store or default_store(self.directory)


def store_mirror(experiment: Experiment) -> StoreMirror:
    spec, preset = experiment.spec, experiment.spec.preset_object()
    replay = functools.partial(
        replay_distributions, space=spec.space, preset=preset, stratify=stratified(spec, preset)
    )
    return StoreMirror(
        experiment.store,
        spec.name,
        experiment.directory,
        spec.metric,
        spec.mode,
        spec.scheduler.max_t,
        replay,
    )


def snapshot_actions(experiment: Experiment) -> list[Action]:
    """What follows Tune's snapshots: the study store, and checkpoint pruning (not for PBT,
    which restores other trials' older checkpoints, so all are kept)."""
    actions: list[Action] = [store_mirror(experiment).sync]
    if experiment.spec.scheduler.kind != "pbt":
        actions.append(CheckpointPruner(experiment.directory).prune)
    return actions


def callbacks(experiment: Experiment) -> list[tune.Callback]:
    spec = experiment.spec
    progress = ProgressPrinter(spec.metric, spec.mode, spec.scheduler.max_t)
    return [SnapshotFollower(snapshot_actions(experiment)), progress]


def build_tuner(experiment: Experiment) -> tune.Tuner:
    spec, preset = experiment.spec, experiment.spec.preset_object()
    stratify = stratified(spec, preset)
    space = functools.partial(
        draw_config,
        space=spec.space,
        preset=preset,
        constants=spec.trial_constants(),
        stratify=stratify,
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
            points_to_evaluate=points_to_evaluate(preset, stratify),
        )
    )
    return tune.Tuner(
        trial_function(spec.resources.cpu, spec.resources.gpu),
        param_space=pbt_param_space(spec) if pbt_run else None,
        tune_config=tune.TuneConfig(
            metric=spec.metric,
            mode=spec.mode,
            search_alg=searcher,
            scheduler=SCHEDULERS[spec.scheduler.kind](spec),
            num_samples=spec.num_samples,
            max_concurrent_trials=spec.max_concurrent_trials,
            trial_dirname_creator=trial_dirname,
        ),
        run_config=tune.RunConfig(
            name=experiment.directory.name,
            storage_path=str(experiment.directory.parent),
            callbacks=callbacks(experiment),
            failure_config=tune.FailureConfig(max_failures=spec.max_failures),
            # Tune keeps every checkpoint; CheckpointPruner prunes them safely.
            checkpoint_config=tune.CheckpointConfig(num_to_keep=None),
            verbose=0,  # ProgressPrinter reports instead
        ),
    )


def gantune_env() -> dict[str, str]:
    """Our environment variables, passed to workers (on a cluster they do not inherit ours)."""
    return {k: v for k, v in os.environ.items() if k.startswith(("GANTUNE_", "RAY_USAGE_STATS"))}


def init_ray(address: str | None) -> None:
    if ray.is_initialized():
        return
    runtime_env = {"env_vars": gantune_env()}
    if address:
        ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
    else:
        ray.init(num_cpus=os.cpu_count(), runtime_env=runtime_env, log_to_driver=False)


def new_experiment(spec: ExperimentSpec) -> Experiment:
    directory = spec.storage_root() / timestamped(spec.name)
    write_spec(spec, directory)
    return Experiment(spec, directory)


def run(
    experiment: Experiment, address: str | None = None, resume: bool = False
) -> tune.ResultGrid:
    init_ray(address)
    if resume:
        tuner = tune.Tuner.restore(
            str(experiment.directory),
            trainable=trial_function(experiment.spec.resources.cpu, experiment.spec.resources.gpu),
            resume_unfinished=True,
            resume_errored=True,
        )
    else:
        tuner = build_tuner(experiment)
    results = tuner.fit()
    for action in snapshot_actions(experiment):  # fit() has synced the final snapshot
        action()
    return results
