"""The oracle of a pool: a scheduler that knows which settings end within delta of the
best, and nothing else.

It stops every other setting at its first result and trains one good setting to the end.
Which one it trains is the one that gets there soonest in this order: each good setting is
tried in turn, driven through the same `simulate` with the same order and workers as
every method, and the cheapest run is the oracle's. Any scheduler that takes the trials in
the given order and keeps its workers busy (Tune's controller does) must at least start
every trial before a good one and run each for one iteration, and train that good one to
the end; so it cannot reach within delta with less compute. (A sampler, which chooses the
order, is not bound by it.)"""

from __future__ import annotations

import math

from ray.tune.schedulers import FIFOScheduler, TrialScheduler

from gantune.analysis.efficiency.replay import METRIC, Curve, Replay, simulate


class KnowsTheGood(FIFOScheduler):
    """Continues only the chosen setting; stops every other one at its first result."""

    def __init__(self, chosen: int) -> None:
        super().__init__()
        self.chosen = chosen

    def on_trial_result(self, tune_controller, trial, result: dict) -> str:
        return TrialScheduler.CONTINUE if trial.position == self.chosen else TrialScheduler.STOP


def within(run: Replay, target: float) -> float:
    """The compute at which the run's best full-budget value first meets `target`."""
    compute, best = run.best_full()
    hit = [i for i, value in enumerate(best) if value <= target + 1e-12]
    return float(compute[hit[0]]) if hit else math.inf


def oracle(curves: list[Curve], order: list[int], workers: int, max_t: int, noise: float) -> Replay:
    best = min(c.final(max_t) for c in curves)
    target = best + noise
    good = [p for p in order if curves[p].final(max_t) <= target + 1e-12]
    runs = []
    for chosen in good:
        scheduler = KnowsTheGood(chosen)
        scheduler.set_search_properties(METRIC, "min")
        run = simulate(curves, order, workers, scheduler, max_t)
        runs.append((within(run, target), run))
    return min(runs, key=lambda pair: pair[0])[1]
