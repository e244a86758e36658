"""The search methods a replay compares, each through its real class where one exists.

A method replays a pool's curves in one order on W workers and returns the replay. The
asynchronous ones drive a fresh Ray Tune scheduler through `search.replay.simulate`; the
synchronous ones (successive halving, "one rung, then the top k") run rung by rung with
a barrier (`simulate_sync`).

- random search: every trial to the end (FIFO); at 2x, the same on machines twice as
  fast (every cost halved), the reference Li et al. plot as "random_2x".
- ASHA: gantune's `RecordingASHA` (Ray's `ASHAScheduler` with diverged trials kept out
  of the rungs), reduction factors 2, 3, 4 and grace periods 1 and 2.
- asynchronous Hyperband: the same class with several brackets (Li et al. 2020).
- Hyperband: Ray's synchronous `HyperBandScheduler` (pauses and resumes trials).
- median stopping: Ray's `MedianStoppingRule` (Golovin et al. 2017), from iteration 1.
- synchronous successive halving: a barrier per rung, the best 1 / rf go on.
- one rung, then the top k: every setting trained to the first rung, the best k
  finished (Egele et al. 2023).
- gantune's curve stopping (`search.curve_scheduler`), at confidence 0.9 (the default)
  and 0.6 (bolder), its margin the pool's measured evaluation noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from ray.tune.schedulers import FIFOScheduler, HyperBandScheduler, MedianStoppingRule

from search.replay import METRIC, Curve, Replay, simulate, simulate_sync
from search.scheduler import MemoryRecord, RecordingASHA
from spaces.registry import Registry
from spaces.rungs import asha_rungs

# (curves, order, workers, max_t, the metric's evaluation noise) -> the replay
Runner = Callable[[list[Curve], list[int], int, int, float], Replay]


@dataclass(frozen=True)
class Method:
    run: Runner
    group: str  # rows of one group are variants of one idea (the tables keep them together)


METHODS: Registry[Method] = Registry("search method")


def scheduled(make: Callable[[int, float], object]) -> Runner:
    """A runner for a Tune scheduler built by `make(max_t, noise)`."""

    def run(
        curves: list[Curve], order: list[int], workers: int, max_t: int, noise: float = 0.0
    ) -> Replay:
        scheduler = make(max_t, noise)
        scheduler.set_search_properties(METRIC, "min")
        np.random.seed(len(order) + workers)  # asynchronous Hyperband draws brackets
        return simulate(curves, order, workers, scheduler, max_t)

    return run


def asha(grace: int, rf: int, brackets: int = 1) -> Runner:
    return scheduled(
        lambda max_t, noise: RecordingASHA(
            MemoryRecord(),
            time_attr="training_iteration",
            max_t=max_t,
            grace_period=grace,
            reduction_factor=rf,
            brackets=brackets,
        )
    )


def twice_as_fast(
    curves: list[Curve], order: list[int], workers: int, max_t: int, noise: float = 0.0
) -> Replay:
    halved = [replace(c, costs=c.costs / 2, setup=c.setup / 2) for c in curves]
    return simulate(halved, order, workers, FIFOScheduler(), max_t)


def halving(rf: int) -> Runner:
    def run(curves: list[Curve], order: list[int], workers: int, max_t: int, noise=0.0):
        rungs = asha_rungs(max_t, 1, rf)
        return simulate_sync(curves, order, workers, max_t, rungs, lambda k, n: max(1, n // rf))

    return run


def first_rung_then_top(k: int) -> Runner:
    def run(curves: list[Curve], order: list[int], workers: int, max_t: int, noise=0.0):
        return simulate_sync(curves, order, workers, max_t, [1, max_t], lambda _, n: min(k, n))

    return run


def curve_stopping(confidence: float) -> Runner:
    """gantune's curve stopping (rf 2, grace 1), its margin the pool's evaluation noise."""
    from search.curve_scheduler import CurveStopping

    return scheduled(
        lambda max_t, noise: CurveStopping(
            MemoryRecord(), max_t=max_t, confidence=confidence, margin=noise
        )
    )


METHODS.register("random search", Method(scheduled(lambda t, n: FIFOScheduler()), "random"))
METHODS.register("random search 2x", Method(twice_as_fast, "random"))
for _grace in (1, 2):
    for _rf in (2, 3, 4):
        METHODS.register(f"ASHA rf {_rf} grace {_grace}", Method(asha(_grace, _rf), "ASHA"))
METHODS.register("async Hyperband rf 3, 3 brackets", Method(asha(1, 3, brackets=3), "Hyperband"))
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
METHODS.register("curve stopping", Method(curve_stopping(0.9), "curve"))
METHODS.register("curve stopping, bolder", Method(curve_stopping(0.6), "curve"))

BASELINE = "random search"
REFERENCE = "ASHA rf 2 grace 1"  # gantune's default scheduler settings
