"""Search efficiency as the field measures it, on recorded pools (Syne Tune, HPOBench, the
DEHB and ifBO papers), where a miss can never look like a win.

Each replicate draws one seed of every setting and a random order of the settings; every
method replays that same task (paired). Compute is a share of random search's whole
budget B in that replicate (every setting trained to the end).

- Anytime regret: at compute c, the best full-budget value the method has found by then,
  minus the pool's best, over the pool's worst full value minus its best (1 before
  anything has finished; 0 at the best). Summed up over replicates by the interquartile
  mean (IQM) with a bootstrap 95% interval.
- Time to within delta: the compute at which the best full-budget value comes within the
  pool's noise (delta) of the pool's best. A replicate where it never does is a miss and
  counts as never (infinite): the median over all replicates is "not reached" when most
  missed, never the small cost of a search that stopped everything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from gantune.analysis.efficiency.methods import BASELINE, METHODS, Task
from gantune.analysis.efficiency.oracle import within
from gantune.analysis.efficiency.pools import Pool, one_seed_each
from gantune.analysis.efficiency.replay import Curve, Replay
from gantune.spaces.rungs import asha_rungs

BUDGETS = (1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0)  # the table's columns (shares of B)
GRID = np.geomspace(1 / 64, 1.0, 49)  # the figure's
BOOTSTRAP = 2000


@dataclass
class Measurement:
    pool: str
    workers: int
    replicates: int
    methods: list[str]
    regret: dict[str, np.ndarray]  # replicates x GRID, normalised
    at_budgets: dict[str, np.ndarray]  # replicates x BUDGETS, normalised
    to_delta: dict[str, np.ndarray]  # share of B; inf: never within delta
    total: dict[str, np.ndarray]  # the whole search's compute, share of B
    noise: float

    def reached(self, method: str) -> float:
        return float(np.isfinite(self.to_delta[method]).mean())

    def median_to_delta(self, method: str) -> float:
        """Over all replicates, misses as infinite: inf when most missed."""
        return float(np.median(self.to_delta[method]))


def normalised_regret(run: Replay, budget: float, shares: np.ndarray, best: float, worst: float):
    """The normalised regret after spending each share of `budget`."""
    compute, found = run.best_full()
    index = np.searchsorted(compute, shares * budget + 1e-9, side="right") - 1
    value = (
        np.where(index >= 0, found[np.maximum(index, 0)], math.inf)
        if len(found)
        else (np.full(len(shares), math.inf))
    )
    span = worst - best
    regret = (value - best) / span if span > 0 else np.where(value <= best, 0.0, 1.0)
    return np.clip(np.where(np.isfinite(regret), regret, 1.0), 0.0, 1.0)


def pool_range(curves: list[Curve], max_t: int) -> tuple[float, float]:
    finals = [c.final(max_t) for c in curves if math.isfinite(c.final(max_t))]
    return min(finals), max(finals)


def measure(
    pool: Pool,
    workers: int,
    replicates: int = 50,
    methods: Iterable[str] | None = None,
    seed: int = 0,
) -> Measurement:
    names = list(methods or METHODS.names())
    if BASELINE not in names:
        names.insert(0, BASELINE)
    rng = np.random.default_rng(seed)
    regret = {n: np.empty((replicates, len(GRID))) for n in names}
    at_budgets = {n: np.empty((replicates, len(BUDGETS))) for n in names}
    to_delta = {n: np.empty(replicates) for n in names}
    total = {n: np.empty(replicates) for n in names}
    for r in range(replicates):
        curves = one_seed_each(pool.curves, rng)
        order = [int(i) for i in rng.permutation(len(curves))]
        task = Task(curves, order, workers, pool.max_t, pool.noise, int(rng.integers(2**31)))
        best, worst = pool_range(curves, pool.max_t)
        budget = sum(c.full_cost(pool.max_t) for c in curves)
        for name in names:
            run = METHODS.get(name).run(task)
            regret[name][r] = normalised_regret(run, budget, GRID, best, worst)
            at_budgets[name][r] = normalised_regret(run, budget, np.array(BUDGETS), best, worst)
            to_delta[name][r] = within(run, best + pool.noise) / budget
            total[name][r] = run.total / budget
    return Measurement(
        pool.name, workers, replicates, names, regret, at_budgets, to_delta, total, pool.noise
    )


def iqm(values: np.ndarray, axis: int = 0) -> np.ndarray:
    """The interquartile mean: the mean of the middle half."""
    return stats.trim_mean(values, 0.25, axis=axis)


def iqm_interval(values: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """IQM over replicates (axis 0) and its bootstrap 95% interval (percentile)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(len(values), size=(BOOTSTRAP, len(values)))
    boot = iqm(values[draws], axis=1)
    low, high = np.percentile(boot, [2.5, 97.5], axis=0)
    return iqm(values), low, high


def rung_correlations(curves: list[Curve], max_t: int, grace: int = 1, rf: int = 2):
    """Spearman of the value at each rung with the final value, over full curves."""
    full = [c for c in curves if c.length >= max_t and np.isfinite(c.values[max_t - 1])]
    final = np.array([c.values[max_t - 1] for c in full])
    found = {}
    for rung in asha_rungs(max_t, grace, rf)[:-1]:
        at_rung = np.array([c.values[rung - 1] for c in full])
        if len(full) >= 3:
            found[rung] = float(stats.spearmanr(at_rung, final).statistic)
    return found
