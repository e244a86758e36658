"""The schedulers a spec can name (`scheduler.kind`), each built from the spec and the
experiment's stop record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ray import tune
from ray.tune.schedulers import FIFOScheduler, PopulationBasedTraining, TrialScheduler

from search.curve_scheduler import CurveStopping
from search.scheduler import RecordingASHA, StopRecord
from spaces.params import Choice, Float


def tune_domain(param: Any) -> Any:
    """A preset param as a Tune sampling domain (PBT samples and mutates without Optuna)."""
    if isinstance(param, Float):
        return (tune.loguniform if param.log else tune.uniform)(param.low, param.high)
    if isinstance(param, Choice):
        return tune.choice(list(param.options))
    return param.value


def asha(spec: Any, record: StopRecord) -> TrialScheduler:
    s = spec.scheduler  # metric and mode come from TuneConfig
    return RecordingASHA(
        record,
        time_attr="training_iteration",
        max_t=s.max_t,
        grace_period=s.grace_period,
        reduction_factor=s.reduction_factor,
    )


def pbt(spec: Any, record: StopRecord) -> TrialScheduler:
    """Perturbs the family's mutable parameters that the preset ranges; weak trials restart
    from strong ones' checkpoints. PBT stops nothing early."""
    params = spec.preset_object().params
    mutations = {
        name: tune_domain(params[name])
        for name in spec.describe().pbt_mutable
        if isinstance(params.get(name), Float)
    }
    return PopulationBasedTraining(
        time_attr="training_iteration",
        perturbation_interval=spec.scheduler.perturbation_interval,
        hyperparam_mutations=mutations,
    )


def curve(spec: Any, record: StopRecord) -> TrialScheduler:
    s = spec.scheduler
    return CurveStopping(
        record,
        max_t=s.max_t,
        grace_period=s.grace_period,
        reduction_factor=s.reduction_factor,
        confidence=s.confidence,
        margin=s.margin,
    )


SCHEDULERS: dict[str, Callable[[Any, StopRecord], TrialScheduler]] = {
    "asha": asha,
    "curve": curve,
    "fifo": lambda spec, record: FIFOScheduler(),
    "pbt": pbt,
}
