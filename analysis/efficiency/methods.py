"""The search methods a replay compares, each through its real class where one exists.

A method replays a pool's curves on W workers and returns the replay. The asynchronous
ones drive a fresh Ray Tune scheduler through `replay.simulate`; the synchronous ones
(successive halving, "one rung, then the top k") run rung by rung with a barrier
(`simulate_sync`). All but the samplers take the trials in the replicate's order.

- random search: every trial to the end (FIFO); at 2x, the same on machines twice as
  fast (every cost halved), the reference Li et al. plot as "random_2x".
- ASHA: gantune's `RecordingASHA` (Ray's `ASHAScheduler` with diverged trials kept out
  of the rungs), reduction factors 2, 3, 4 and grace periods 1 and 2.
- asynchronous Hyperband: the same class with several brackets (Li et al. 2020), its
  brackets drawn by the replicate's seed.
- Hyperband: Ray's synchronous `HyperBandScheduler` (pauses and resumes trials).
- median stopping: Ray's `MedianStoppingRule` (Golovin et al. 2017), from iteration 1.
- synchronous successive halving: a barrier per rung, the best 1 / rf go on.
- one rung, then the top k: every setting trained to the first rung, the best k
  finished (Egele et al. 2023).
- gantune's curve stopping (`search.schedulers.curve`), its margin the pool's noise.
- pause and thaw (`search.schedulers.thaw`): ASHA's rungs, trials below the cut paused
  and taken up again by promise for their cost (gantune's; grace 2, rf 2, drop 0.75).
- TPE + ASHA: Optuna's TPE chooses the next setting from the pool (`sampling.PoolTPE`),
  fed every trial's rung values; ASHA stops (BOHB's idea).
- the oracle (`oracle`): knows the good settings; a bound, not ranked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ray.tune.schedulers import FIFOScheduler, HyperBandScheduler, MedianStoppingRule

from gantune.analysis.efficiency.oracle import oracle
from gantune.analysis.efficiency.replay import METRIC, Curve, Replay, simulate, simulate_sync
from gantune.analysis.efficiency.sampling import PoolTPE
from gantune.search.schedulers.asha import MemoryRecord, RecordingASHA
from gantune.search.schedulers.curve import CurveStopping
from gantune.search.schedulers.thaw import Thaw
from gantune.spaces.registry import Registry
from gantune.spaces.rungs import asha_rungs


@dataclass(frozen=True)
class Task:
    """One replicate of one pool, as every method gets it."""

    curves: list[Curve]
    order: list[int]  # the trial order fixed-order methods follow
    workers: int
    max_t: int
    noise: float  # delta: the metric's noise
    seed: int  # for what a method draws (brackets, a sampler's proposals)


Runner = Callable[[Task], Replay]


@dataclass(frozen=True)
class Method:
    run: Runner
    group: str  # rows of one group are variants of one idea (the tables keep them together)
    fixed_order: bool = True  # takes the trials in the given order (the oracle bounds it)
    ranked: bool = True  # compared in the ranks (the oracle is a bound, not a method)


METHODS: Registry[Method] = Registry("search method")
Build = Callable[[int, float], object]  # (max_t, noise) -> a fresh Tune scheduler
THAW = "pause and thaw (grace 2)"


def scheduled(make: Build, sampled: bool = False) -> Runner:
    """A runner for a Tune scheduler built by `make`; with `sampled`, TPE picks the trials."""

    def run(task: Task) -> Replay:
        scheduler = make(task.max_t, task.noise)
        scheduler.set_search_properties(METRIC, "min")
        np.random.seed(task.seed % 2**32)  # asynchronous Hyperband draws its brackets so
        if sampled:
            sampler = PoolTPE(task.curves, task.seed)
            return simulate(task.curves, None, task.workers, scheduler, task.max_t, sampler)
        return simulate(task.curves, task.order, task.workers, scheduler, task.max_t)

    return run


def asha(grace: int, rf: int, brackets: int = 1) -> Build:
    return lambda max_t, noise: RecordingASHA(
        MemoryRecord(),
        time_attr="training_iteration",
        max_t=max_t,
        grace_period=grace,
        reduction_factor=rf,
        brackets=brackets,
    )


def twice_as_fast(task: Task) -> Replay:
    halved = [replace(c, costs=c.costs / 2, setup=c.setup / 2) for c in task.curves]
    return simulate(halved, task.order, task.workers, fifo(), task.max_t)


def fifo() -> FIFOScheduler:
    scheduler = FIFOScheduler()
    scheduler.set_search_properties(METRIC, "min")
    return scheduler


def halving(rf: int) -> Runner:
    def run(task: Task) -> Replay:
        rungs = asha_rungs(task.max_t, 1, rf)
        keep = lambda k, n: max(1, n // rf)  # noqa: E731
        return simulate_sync(task.curves, task.order, task.workers, task.max_t, rungs, keep)

    return run


def first_rung_then_top(k: int) -> Runner:
    def run(task: Task) -> Replay:
        keep = lambda _, n: min(k, n)  # noqa: E731
        rungs = [1, task.max_t]
        return simulate_sync(task.curves, task.order, task.workers, task.max_t, rungs, keep)

    return run


def curve_stopping(confidence: float) -> Build:
    """gantune's curve stopping (rf 2, grace 1), its margin the pool's noise."""
    return lambda max_t, noise: CurveStopping(
        MemoryRecord(), max_t=max_t, confidence=confidence, margin=noise
    )


def the_oracle(task: Task) -> Replay:
    return oracle(task.curves, task.order, task.workers, task.max_t, task.noise)


METHODS.register("random search", Method(scheduled(lambda t, n: FIFOScheduler()), "random"))
# on machines twice as fast: a reference line, not bound by this machine's oracle
METHODS.register("random search 2x", Method(twice_as_fast, "random", fixed_order=False))
for _grace in (1, 2):
    for _rf in (2, 3, 4):
        METHODS.register(
            f"ASHA rf {_rf} grace {_grace}", Method(scheduled(asha(_grace, _rf)), "ASHA")
        )
METHODS.register(
    "async Hyperband rf 3, 3 brackets", Method(scheduled(asha(1, 3, brackets=3)), "Hyperband")
)
METHODS.register(
    "Hyperband rf 3 (synchronous)",
    Method(
        scheduled(
            lambda t, n: HyperBandScheduler("training_iteration", max_t=t, reduction_factor=3)
        ),
        "Hyperband",
    ),
)
METHODS.register(
    "median stopping",
    Method(
        scheduled(
            lambda t, n: MedianStoppingRule(
                "training_iteration", grace_period=1, min_samples_required=3
            )
        ),
        "median",
    ),
)
METHODS.register("synchronous SHA rf 2", Method(halving(2), "SHA"))
METHODS.register("one rung, then top 1", Method(first_rung_then_top(1), "one rung"))
METHODS.register("one rung, then top 3", Method(first_rung_then_top(3), "one rung"))
METHODS.register("curve stopping", Method(scheduled(curve_stopping(0.9)), "curve"))
METHODS.register(
    THAW,
    Method(scheduled(lambda t, n: Thaw(MemoryRecord(), max_t=t, grace_period=2)), "thaw"),
)
METHODS.register(
    "TPE + ASHA rf 2 grace 1",
    Method(scheduled(asha(1, 2), sampled=True), "sampler", fixed_order=False),
)
METHODS.register("oracle (knows the good settings)", Method(the_oracle, "oracle", ranked=False))

BASELINE = "random search"
REFERENCE = "ASHA rf 2 grace 1"  # gantune's default scheduler settings
ORACLE = "oracle (knows the good settings)"
