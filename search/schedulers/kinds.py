"""The schedulers a spec can name (`scheduler.kind`), in one registry: what each is, which
spec options it reads, when it first compares trials (the warm-up check), its default
first rung, and how it is built. The spec's validation, the plan, the Tuner and the
warm-up check all read this registry; nothing else lists the kinds. The spec's
`scheduler` section is `SchedulerSpec`, here beside them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gantune.spaces.params import Choice, Float, Param
from gantune.spaces.registry import Registry

if TYPE_CHECKING:
    from ray.tune.schedulers import TrialScheduler

    from gantune.search.schedulers.records import StopRecord


@dataclass(frozen=True)
class SchedulerSpec:
    """The spec's `scheduler` section."""

    kind: str = "asha"  # SCHEDULERS lists them
    max_t: int = 4  # iterations a trial may run (ASHA's max_t; every trial's max_iterations)
    grace_period: int = 0  # the first rung; 0: the kind's default (1; thaw: 2)
    reduction_factor: int = 2
    perturbation_interval: int = 2  # pbt only
    confidence: float = 0.9  # curve only: how sure a stop must be (search.schedulers.curve)
    margin: float = 0.0  # curve only: the metric's evaluation noise (a near tie goes on)
    drop: float = 0.75  # thaw only: below the cut, the share of a rung paused, not stopped


@dataclass(frozen=True)
class Study:
    """What a scheduler needs of the study besides its own section."""

    mutable: dict[str, Param] = field(default_factory=dict)  # PBT: the ranges to perturb
    max_running: int | None = None  # trials at once


Build = Callable[[SchedulerSpec, "StopRecord", Study], "TrialScheduler"]


@dataclass(frozen=True)
class SchedulerKind:
    summary: str
    build: Build
    options: tuple[str, ...]  # the `scheduler.*` keys it reads, besides kind and max_t
    # The iteration at which it first compares trials (None: never; FIFO).
    first_judgment: Callable[[SchedulerSpec], int] | None = None
    default_grace: int = 1  # `grace_period` when the spec leaves it at 0
    samples_itself: bool = False  # draws configs itself (PBT): no search algorithm
    limits_running: bool = False  # caps running trials itself; Tune's cap would count paused
    restores_others: bool = False  # restores other trials' older checkpoints: prune none


SCHEDULERS: Registry[SchedulerKind] = Registry("scheduler")


def first_rung(kind: str, grace_period: int) -> int:
    """The iteration of the first rung: the spec's `grace_period`, or when it is 0 the
    kind's default (an experiment's saved spec keeps the 0)."""
    if grace_period:
        return grace_period
    return SCHEDULERS.get(kind).default_grace if kind in SCHEDULERS else 1


def tune_domain(param: Any) -> Any:
    """A preset param as a Tune sampling domain (PBT samples and mutates without Optuna)."""
    from ray import tune

    if isinstance(param, Float):
        return (tune.loguniform if param.log else tune.uniform)(param.low, param.high)
    if isinstance(param, Choice):
        return tune.choice(list(param.options))
    return param.value


def asha(s: SchedulerSpec, record: StopRecord, study: Study) -> TrialScheduler:
    from gantune.search.schedulers.asha import RecordingASHA

    return RecordingASHA(  # metric and mode come from TuneConfig
        record,
        time_attr="training_iteration",
        max_t=s.max_t,
        grace_period=s.grace_period,
        reduction_factor=s.reduction_factor,
    )


def curve(s: SchedulerSpec, record: StopRecord, study: Study) -> TrialScheduler:
    from gantune.search.schedulers.curve import CurveStopping

    return CurveStopping(
        record,
        max_t=s.max_t,
        grace_period=s.grace_period,
        reduction_factor=s.reduction_factor,
        confidence=s.confidence,
        margin=s.margin,
    )


def thaw(s: SchedulerSpec, record: StopRecord, study: Study) -> TrialScheduler:
    from gantune.search.schedulers.thaw import Thaw

    return Thaw(
        record,
        max_t=s.max_t,
        grace_period=s.grace_period,
        reduction_factor=s.reduction_factor,
        drop=s.drop,
        max_running=study.max_running,
    )


def fifo(s: SchedulerSpec, record: StopRecord, study: Study) -> TrialScheduler:
    from ray.tune.schedulers import FIFOScheduler

    return FIFOScheduler()


def pbt(s: SchedulerSpec, record: StopRecord, study: Study) -> TrialScheduler:
    """Perturbs the family's mutable parameters that the preset ranges; weak trials restart
    from strong ones' checkpoints. PBT stops nothing early."""
    from ray.tune.schedulers import PopulationBasedTraining

    return PopulationBasedTraining(
        time_attr="training_iteration",
        perturbation_interval=s.perturbation_interval,
        hyperparam_mutations={k: tune_domain(p) for k, p in study.mutable.items()},
    )


RUNGS = ("grace_period", "reduction_factor")
SCHEDULERS.register(
    "asha",
    SchedulerKind(
        "Ray's ASHA, diverged trials kept out of the rungs, early stops recorded",
        asha,
        RUNGS,
        first_judgment=lambda s: s.grace_period,
    ),
)
SCHEDULERS.register(
    "curve",
    SchedulerKind(
        "ASHA on each trial's extrapolated curve, and stops the hopeless (gantune's)",
        curve,
        (*RUNGS, "confidence", "margin"),
        first_judgment=lambda s: s.grace_period,
    ),
)
SCHEDULERS.register(
    "thaw",
    SchedulerKind(
        "ASHA's rungs; trials below the cut paused and taken up again by promise for their "
        "cost (gantune's)",
        thaw,
        (*RUNGS, "drop"),
        first_judgment=lambda s: s.grace_period,
        default_grace=2,
        limits_running=True,
    ),
)
SCHEDULERS.register("fifo", SchedulerKind("every trial to its end", fifo, ()))
SCHEDULERS.register(
    "pbt",
    SchedulerKind(
        "Population Based Training: mutates the family's mutable parameters",
        pbt,
        ("perturbation_interval",),
        first_judgment=lambda s: s.perturbation_interval,
        samples_itself=True,
        restores_others=True,
    ),
)
