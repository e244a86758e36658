"""Search efficiency as hyperparameter-search papers measure it, on recorded pools.

A pool is a FIFO experiment (every setting trained to its end, `search.replay`). Each
replicate draws a trial order (and, when bootstrapping, a pool resampled over settings:
settings drawn with replacement, one of each setting's seeds at random) and replays every
method (`search.methods`) on W workers. Per method and replicate:

- compute-to-match: the compute (seconds of all workers, start-up costs included) spent
  until the method's best full-budget value reaches the target; the target is the pool's
  best final value ("exact"), or that plus the metric's own noise (the standard deviation
  of the value over evaluation seeds at the pool's sample count: "within delta"). A
  method that never matches counts at its whole search's compute;
- the per-replicate ratio of that to random search's own compute-to-match (random search
  trains every setting, so it always matches: in a random order it meets the best after
  about half of its budget);
- the compute of the whole search, and the regret (best full-budget value so far minus
  the pool's best) against compute;
- the limit: a scheduler that knew which setting is best, and nothing else, would still
  start every setting before it in the order and stop each at the first rung, and train
  only the best to the end; its compute over random search's compute-to-match is the
  best ratio any scheduler can reach in that order.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from search.curves import curves_of
from search.methods import BASELINE, METHODS
from search.replay import Curve, Replay
from spaces.rungs import asha_rungs

GRID = np.linspace(0.0, 1.0, 51)  # compute as a share of random search's whole budget


@dataclass(frozen=True)
class Pool:
    name: str
    curves: list[Curve]
    max_t: int
    noise: float = 0.0  # the metric's std over evaluation seeds (0: unknown)
    label: str = "value"

    @property
    def settings(self) -> int:
        return len({c.setting for c in self.curves})

    @property
    def seeds(self) -> int:
        return len(self.curves) // max(1, self.settings)


def pool_of(frame: pd.DataFrame, name: str, noise: float = 0.0) -> Pool:
    max_t = int(frame["max_t"].iloc[0])
    return Pool(name, curves_of(frame), max_t, noise, str(frame["metric"].iloc[0]))


def resampled(curves: list[Curve], rng: np.random.Generator) -> list[Curve]:
    """A pool drawn again: settings with replacement, one of each setting's seeds."""
    by_setting: dict[str, list[Curve]] = defaultdict(list)
    for curve in curves:
        by_setting[curve.setting].append(curve)
    groups = list(by_setting.values())
    drawn = rng.integers(len(groups), size=len(groups))
    picked = []
    for number, index in enumerate(drawn):
        seeds = groups[index]
        chosen = seeds[int(rng.integers(len(seeds)))]
        picked.append(replace(chosen, trial_id=f"{chosen.trial_id}#{number}"))
    return picked


def one_seed_each(curves: list[Curve], rng: np.random.Generator) -> list[Curve]:
    """The pool as recorded, one seed per setting (a search tries each setting once)."""
    by_setting: dict[str, list[Curve]] = defaultdict(list)
    for curve in curves:
        by_setting[curve.setting].append(curve)
    return [seeds[int(rng.integers(len(seeds)))] for seeds in by_setting.values()]


def compute_to(run: Replay, target: float) -> float:
    compute, best = run.best_full()
    hit = np.nonzero(best <= target + 1e-12)[0]
    return float(compute[hit[0]]) if len(hit) else math.inf


def regret_on(run: Replay, grid: np.ndarray, best: float) -> np.ndarray:
    compute, found = run.best_full()
    index = np.searchsorted(compute, grid, side="right") - 1
    out = np.full(len(grid), np.nan)
    valid = index >= 0
    out[valid] = found[index[valid]] - best
    return np.where(np.isfinite(out), out, np.nan)


def limit_compute(curves: list[Curve], order: list[int], max_t: int, target: float) -> float:
    """The oracle's compute: the first rung of every setting before the first one that
    meets the target, then that one trained to the end."""
    spent = 0.0
    for position in order:
        curve = curves[position]
        if curve.final(max_t) <= target + 1e-12:
            return spent + curve.setup + float(curve.costs[:max_t].sum())
        spent += curve.setup + float(curve.costs[0])
    return math.inf


@dataclass
class Measurement:
    pool: str
    workers: int
    replicates: int
    bootstrap: bool
    methods: list[str]
    to_match: dict[str, np.ndarray]  # exact target; unmatched: the whole search's compute
    matched: dict[str, np.ndarray]
    to_match_delta: dict[str, np.ndarray]
    matched_delta: dict[str, np.ndarray]
    total: dict[str, np.ndarray]  # the whole search's compute
    regret: dict[str, np.ndarray]  # replicates x GRID
    limit: np.ndarray  # the oracle's compute (exact target)
    budget: np.ndarray  # random search's whole budget

    def ratio(self, method: str, delta: bool = False) -> np.ndarray:
        """Per replicate: the method's compute-to-match over random search's."""
        table = self.to_match_delta if delta else self.to_match
        return table[method] / table[BASELINE]

    def limit_ratio(self) -> np.ndarray:
        return self.limit / self.to_match[BASELINE]


def measure(
    pool: Pool,
    workers: int,
    replicates: int = 50,
    bootstrap: bool = False,
    methods: Iterable[str] | None = None,
    seed: int = 0,
) -> Measurement:
    names = list(methods or METHODS.names())
    if BASELINE not in names:
        names.insert(0, BASELINE)
    rng = np.random.default_rng(seed)
    shape = {n: np.empty(replicates) for n in names}
    to_match, matched = {n: np.empty(replicates) for n in names}, dict(shape)
    to_match_delta, matched_delta = {n: np.empty(replicates) for n in names}, {}
    total = {n: np.empty(replicates) for n in names}
    matched = {n: np.zeros(replicates, bool) for n in names}
    matched_delta = {n: np.zeros(replicates, bool) for n in names}
    regret = {n: np.empty((replicates, len(GRID))) for n in names}
    limit, budget = np.empty(replicates), np.empty(replicates)
    for r in range(replicates):
        curves = resampled(pool.curves, rng) if bootstrap else one_seed_each(pool.curves, rng)
        order = [int(i) for i in rng.permutation(len(curves))]
        best = min(c.final(pool.max_t) for c in curves)
        targets = (best, best + pool.noise)
        limit[r] = limit_compute(curves, order, pool.max_t, best)
        budget[r] = sum(c.setup + float(c.costs[: pool.max_t].sum()) for c in curves)
        for name in names:
            run = METHODS.get(name).run(curves, order, workers, pool.max_t, pool.noise)
            total[name][r] = run.total
            for target, found, hit in (
                (targets[0], to_match, matched),
                (targets[1], to_match_delta, matched_delta),
            ):
                spent = compute_to(run, target)
                hit[name][r] = math.isfinite(spent)
                found[name][r] = spent if math.isfinite(spent) else run.total
            regret[name][r] = regret_on(run, GRID * budget[r], best)
    return Measurement(
        pool.name, workers, replicates, bootstrap, names, to_match, matched,
        to_match_delta, matched_delta, total, regret, limit, budget,
    )  # fmt: skip


def spread(values: np.ndarray) -> tuple[float, float, float]:
    """Median and 10-90% of finite values."""
    finite = values[np.isfinite(values)]
    if not len(finite):
        return math.nan, math.nan, math.nan
    low, mid, high = np.percentile(finite, [10, 50, 90])
    return float(mid), float(low), float(high)


def summary_table(result: Measurement) -> pd.DataFrame:
    """One row per method: compute-to-match (share of random search's whole budget),
    the per-replicate ratio to random search (exact and within delta), the share matched,
    the whole search's compute, and how far the method is from the limit."""
    rows = []
    limit_ratio = result.limit_ratio()
    for name in result.methods:
        share = result.to_match[name] / result.budget
        ratio, ratio_delta = result.ratio(name), result.ratio(name, delta=True)
        rows.append(
            {
                "method": name,
                "to match (share)": spread(share)[0],
                "to match 10%": spread(share)[1],
                "to match 90%": spread(share)[2],
                "matched": float(result.matched[name].mean()),
                "ratio to random": spread(ratio)[0],
                "ratio 10%": spread(ratio)[1],
                "ratio 90%": spread(ratio)[2],
                "ratio within delta": spread(ratio_delta)[0],
                "matched within delta": float(result.matched_delta[name].mean()),
                "whole search (share)": spread(result.total[name] / result.budget)[0],
                "over the limit": spread(ratio / limit_ratio)[0],
            }
        )
    rows.append(
        {
            "method": "limit (knows the best setting)",
            "to match (share)": spread(result.limit / result.budget)[0],
            "to match 10%": spread(result.limit / result.budget)[1],
            "to match 90%": spread(result.limit / result.budget)[2],
            "matched": 1.0,
            "ratio to random": spread(limit_ratio)[0],
            "ratio 10%": spread(limit_ratio)[1],
            "ratio 90%": spread(limit_ratio)[2],
            "over the limit": 1.0,
        }
    )
    return pd.DataFrame(rows).set_index("method")


def regret_bands(result: Measurement, method: str) -> tuple[np.ndarray, ...]:
    with warnings.catch_warnings():  # before anything finished, a column is all NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        low, mid, high = np.nanpercentile(result.regret[method], [10, 50, 90], axis=0)
    return GRID, mid, low, high


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
