"""Search efficiency, measured on a FIFO experiment's recorded curves (`analysis.replay`):
over many random trial orders on W simulated workers,

- the compute ASHA needs to reach the best full-budget value that random search (FIFO)
  reaches with its whole budget, as a share of that budget (and the same for synchronous
  successive halving);
- anytime curves: the best full-budget value found so far against compute, per method;
- how long ASHA takes (wall clock) to finish the study's best configuration, against that
  configuration's own training time (an oracle that trains only it), and how often ASHA
  stopped it early;
- the rank correlation between each rung's value and the final value over all trials (how
  far early stopping can be trusted, since a GAN's FID is not monotone in training).
"""

from __future__ import annotations

import math
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
from scipy import stats

from analysis.figures import asha_rungs
from search.replay import (
    Curve,
    FifoDecider,
    Replay,
    asha_decider,
    curves_of,
    replay,
    replay_sha,
)

METHODS = ("random search (FIFO)", "ASHA", "synchronous SHA")


@dataclass(frozen=True)
class Efficiency:
    workers: int
    orders: int
    budget: float  # iteration-seconds random search spends on every trial
    to_match: dict[str, np.ndarray]  # per method, compute to reach random search's best
    best_found: dict[str, np.ndarray]  # per method, the best full-budget value at its end
    time_to_best: np.ndarray  # ASHA wall seconds until the best configuration is finished
    best_own_time: float  # that configuration's own training seconds
    best_stopped: float  # share of orders in which ASHA stopped the best configuration
    rung_correlation: dict[int, float]  # Spearman of the value at a rung and the final one
    anytime: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]

    def ratio(self, method: str) -> tuple[float, float, float, float]:
        """Median and 10-90% of compute-to-match / budget, and the share of orders matched."""
        shares = self.to_match[method] / self.budget
        reached = np.isfinite(shares)
        if not reached.any():
            return math.nan, math.nan, math.nan, 0.0
        low, mid, high = np.percentile(shares[reached], [10, 50, 90])
        return float(mid), float(low), float(high), float(reached.mean())


def compute_to(run: Replay, target: float) -> float:
    compute, best = run.best_full()
    hit = np.nonzero(best <= target + 1e-12)[0]
    return float(compute[hit[0]]) if len(hit) else math.inf


def on_grid(run: Replay, grid: np.ndarray) -> np.ndarray:
    compute, best = run.best_full()
    index = np.searchsorted(compute, grid, side="right") - 1
    out = np.full(len(grid), np.nan)
    valid = index >= 0
    out[valid] = best[index[valid]]
    return np.where(np.isfinite(out), out, np.nan)


def rung_correlations(curves: list[Curve], max_t: int, grace: int, rf: int) -> dict[int, float]:
    full = [c for c in curves if c.length >= max_t and np.isfinite(c.values[max_t - 1])]
    final = np.array([c.values[max_t - 1] for c in full])
    found = {}
    for rung in asha_rungs(max_t, grace, rf)[:-1]:
        at_rung = np.array([c.values[rung - 1] for c in full])
        if len(full) >= 3:
            found[rung] = float(stats.spearmanr(at_rung, final).statistic)
    return found


def measure(
    curves: list[Curve],
    max_t: int,
    grace: int = 1,
    rf: int = 2,
    workers: int = 2,
    orders: int = 50,
    seed: int = 0,
) -> Efficiency:
    rng = np.random.default_rng(seed)
    finals = [c.values[max_t - 1] if c.length >= max_t else math.inf for c in curves]
    best = int(np.argmin(finals))
    budget = float(sum(c.costs[:max_t].sum() for c in curves))
    grid = np.linspace(0, budget, 60)
    to_match = {m: np.empty(orders) for m in METHODS}
    best_found = {m: np.empty(orders) for m in METHODS}
    curves_on_grid = {m: np.empty((orders, len(grid))) for m in METHODS}
    time_to_best, stopped = np.empty(orders), 0
    for k in range(orders):
        order = list(rng.permutation(len(curves)))
        with tempfile.TemporaryDirectory(prefix="gantune-replay-") as scratch:
            asha = asha_decider(max_t, grace, rf, Path(scratch))
            runs = {
                METHODS[0]: replay(curves, order, workers, FifoDecider(), max_t),
                METHODS[1]: replay(curves, order, workers, asha, max_t),
                METHODS[2]: replay_sha(curves, order, workers, max_t, grace, rf),
            }
        target = float(runs[METHODS[0]].best_full()[1][-1])
        for method, run in runs.items():
            to_match[method][k] = compute_to(run, target)
            best_found[method][k] = float(run.best_full()[1][-1])
            curves_on_grid[method][k] = on_grid(run, grid)
        asha = runs[METHODS[1]]
        done = [s.time for s in asha.steps if s.trial == best and s.full]
        time_to_best[k] = done[0] if done else math.inf
        stopped += best in asha.stopped
    anytime = {}
    for method, values in curves_on_grid.items():
        with warnings.catch_warnings():  # before anything finished, a column is all NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            low, mid, high = np.nanpercentile(values, [10, 50, 90], axis=0)
        anytime[method] = (grid, mid, low, high)
    return Efficiency(
        workers, orders, budget, to_match, best_found, time_to_best,
        float(curves[best].costs[:max_t].sum()), stopped / orders,
        rung_correlations(curves, max_t, grace, rf), anytime,
    )  # fmt: skip


def summary_rows(result: Efficiency) -> list[tuple[str, str]]:
    rows = []
    for method in METHODS[1:]:
        mid, low, high, reached = result.ratio(method)
        rows.append(
            (
                f"{method}: compute to match random search's best / its whole budget",
                f"{mid:.3f} (10-90%: {low:.3f}-{high:.3f}; matched in {reached:.0%} of orders)",
            )
        )
    finite = result.time_to_best[np.isfinite(result.time_to_best)]
    if len(finite):
        ratio = np.median(finite) / result.best_own_time
        rows.append(
            (
                "ASHA: wall time to finish the best configuration / its own training time",
                f"{ratio:.2f}x (median over the orders where it finished it)",
            )
        )
    rows.append(
        ("ASHA stopped the best configuration early", f"{result.best_stopped:.0%} of orders")
    )
    for rung, rho in result.rung_correlation.items():
        rows.append(
            (f"Spearman of the value at iteration {rung} and the final value", f"{rho:.2f}")
        )
    return rows


COLOURS = {METHODS[0]: "#1f77b4", METHODS[1]: "#d62728", METHODS[2]: "#2ca02c"}


def anytime_figure(result: Efficiency, label: str) -> go.Figure:
    figure = go.Figure()
    for method, (grid, mid, low, high) in result.anytime.items():
        figure.add_trace(
            go.Scatter(
                x=np.concatenate([grid, grid[::-1]]),
                y=np.concatenate([high, low[::-1]]),
                fill="toself",
                fillcolor=COLOURS[method],
                opacity=0.18,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        figure.add_trace(
            go.Scatter(x=grid, y=mid, mode="lines", line={"color": COLOURS[method]}, name=method)
        )
    figure.update_layout(
        title=f"best full-budget {label} found against compute ({result.workers} workers, "
        f"{result.orders} orders; bands 10-90%)"
    )
    figure.update_xaxes(title="compute spent (iteration-seconds)")
    figure.update_yaxes(title=f"best {label} so far")
    return figure


def rung_figure(result: Efficiency) -> go.Figure:
    rungs = list(result.rung_correlation)
    figure = go.Figure(go.Bar(x=[str(r) for r in rungs], y=list(result.rung_correlation.values())))
    figure.update_layout(title="how well a rung's value predicts the final value")
    figure.update_xaxes(title="rung (iteration)", type="category")
    figure.update_yaxes(title="Spearman correlation with the final value", range=[-1, 1])
    return figure


def replayable(frame, spec: dict) -> bool:
    """A single FIFO experiment with recorded iteration costs: its curves can be replayed."""
    fifo = spec.get("scheduler", {}).get("kind") == "fifo"
    return fifo and frame["experiment"].nunique() == 1 and "train_seconds" in frame


def sections(frame, spec: dict, label: str, workers: int = 2, orders: int = 50) -> list:
    """The report's search-efficiency sections for a FIFO experiment (every trial ran to
    its end, so its curves can be replayed); none for other experiments."""
    from analysis.sections import Section

    if not replayable(frame, spec):
        return []
    scheduler = spec.get("scheduler", {})
    max_t = int(scheduler.get("max_t", frame["training_iteration"].max()))
    curves = curves_of(frame)
    result = measure(curves, max_t, 1, 2, workers, orders)
    rows = "".join(
        f"<tr><td>{what}</td><td>{value}</td></tr>" for what, value in summary_rows(result)
    )
    text = (
        "<p>This experiment trained every trial to its end (FIFO), so its learning curves "
        f"can be replayed through other search methods: {orders} random trial orders on "
        f"{workers} simulated workers, each iteration costing its recorded seconds; ASHA "
        "with grace 1 and reduction factor 2 is gantune's own scheduler class. Random "
        f"search's whole budget: {result.budget:.0f} iteration-seconds.</p>"
        f"<table>{rows}</table>"
    )
    return [
        Section(
            "efficiency", "Search efficiency, replayed", "", anytime_figure(result, label), text
        ),
        Section(
            "rungcorrelation",
            "Early values against final values",
            "A rung's value predicts the final one as well as this correlation says: the "
            "trust early stopping can have here.",
            rung_figure(result),
        ),
    ]
