"""Search efficiency as tables, figures, a JSON record and a report section.

The data functions (`summary`, `record`) turn measurements into plain tables; the drawing
functions (`regret_figure`) draw them; `section` is the report's, for a FIFO experiment,
and is computed only when asked for (`gantune report --replay`)."""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from gantune.analysis.efficiency.measures import BUDGETS, GRID, Measurement, iqm_interval
from gantune.analysis.efficiency.methods import BASELINE, ORACLE, REFERENCE, THAW
from gantune.analysis.efficiency.ranks import Ranking

SHOWN = (BASELINE, "random search 2x", REFERENCE, THAW, ORACLE)  # in the regret figure
COLOURS = ("#1f77b4", "#9467bd", "#d62728", "#2ca02c", "#7f7f7f")


def budget_label(share: float) -> str:
    return "1" if share == 1 else f"1/{round(1 / share)}"


def summary(result: Measurement) -> pd.DataFrame:
    """Per method: IQM regret and its 95% interval at each budget, the share of replicates
    that came within delta, the median compute to get there (misses infinite), and the
    median compute of the whole search."""
    rows = []
    for name in result.methods:
        mid, low, high = iqm_interval(result.at_budgets[name])
        row: dict[str, Any] = {"method": name}
        for k, share in enumerate(BUDGETS):
            label = budget_label(share)
            row |= {f"regret {label}": mid[k], f"low {label}": low[k], f"high {label}": high[k]}
        row["within delta"] = result.reached(name)
        row["to delta (median)"] = result.median_to_delta(name)
        row["whole search"] = float(np.median(result.total[name]))
        rows.append(row)
    return pd.DataFrame(rows).set_index("method")


def format_summary(table: pd.DataFrame) -> str:
    """The summary as text: IQM [95% interval] per budget, then the within-delta line."""
    budgets = [budget_label(b) for b in BUDGETS]
    header = f"{'method':34s}" + "".join(f"{'c=' + b:>20s}" for b in budgets)
    lines = [header + f"{'within delta':>14s}{'to delta':>11s}{'whole':>7s}"]
    for name, row in table.iterrows():
        cells = "".join(
            f"{row[f'regret {b}']:>7.3f} [{row[f'low {b}']:.3f},{row[f'high {b}']:.3f}]"
            for b in budgets
        )
        to_delta = row["to delta (median)"]
        reached = "not reached" if not math.isfinite(to_delta) else f"{to_delta:.3f}"
        lines.append(
            f"{name[:34]:34s}{cells}{row['within delta']:>13.0%} {reached:>10s}"
            f"{row['whole search']:>7.2f}"
        )
    return "\n".join(lines)


def format_ranks(rankings: list[Ranking], shown: int = 6) -> str:
    lines = []
    for ranking in rankings:
        order = ", ".join(f"{name} {rank:.2f}" for name, rank in ranking.order()[:shown])
        lines.append(
            f"c={budget_label(ranking.budget)}: Friedman chi2 {ranking.friedman:.1f} "
            f"(p {ranking.p_value:.1g}), {ranking.blocks} blocks, critical difference "
            f"{ranking.critical_difference:.2f}; best: {order}"
        )
    return "\n".join(lines)


def record(results: list[Measurement], rankings: list[Ranking]) -> dict[str, Any]:
    """What `--json` writes: per pool and method, the share within delta, the per-replicate
    compute to within delta (null: a miss), the IQM regret per budget with its interval;
    and per budget, every method's average rank."""

    def finite(value: float) -> float | None:
        return float(value) if math.isfinite(value) else None

    pools = {}
    for result in results:
        table = summary(result)
        methods = {}
        for name in result.methods:
            row = table.loc[name]
            methods[name] = {
                "within_delta": float(row["within delta"]),
                "to_delta": [finite(v) for v in result.to_delta[name]],
                "median_to_delta": finite(row["to delta (median)"]),
                "whole_search": float(row["whole search"]),
                "regret_iqm": {
                    budget_label(b): [
                        float(row[f"{k} {budget_label(b)}"]) for k in ("regret", "low", "high")
                    ]
                    for b in BUDGETS
                },
            }
        pools[result.pool] = {
            "workers": result.workers,
            "replicates": result.replicates,
            "noise": result.noise,
            "methods": methods,
        }
    ranks = {
        budget_label(r.budget): {
            "average": dict(zip(r.methods, map(float, r.average), strict=True)),
            "friedman": r.friedman,
            "p_value": r.p_value,
            "critical_difference": r.critical_difference,
            "blocks": r.blocks,
        }
        for r in rankings
    }
    return {"budgets": [budget_label(b) for b in BUDGETS], "pools": pools, "ranks": ranks}


def regret_figure(result: Measurement) -> go.Figure:
    figure = go.Figure()
    for method, colour in zip(SHOWN, COLOURS, strict=True):
        if method not in result.regret:
            continue
        mid, low, high = iqm_interval(result.regret[method])
        figure.add_trace(
            go.Scatter(
                x=np.concatenate([GRID, GRID[::-1]]),
                y=np.concatenate([high, low[::-1]]),
                fill="toself",
                fillcolor=colour,
                opacity=0.15,
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        figure.add_trace(
            go.Scatter(x=GRID, y=mid, mode="lines", line={"color": colour}, name=method)
        )
    figure.update_layout(
        title=f"{result.pool}: anytime regret ({result.workers} workers, {result.replicates} "
        "orders; IQM and its bootstrap 95% interval)"
    )
    figure.update_xaxes(title="compute, share of random search's whole budget", type="log")
    figure.update_yaxes(title="normalised regret of the best full-budget value", range=[0, 1.02])
    return figure


def replayable(frame: pd.DataFrame, spec: dict) -> bool:
    """A single FIFO experiment with recorded iteration costs: its curves can be replayed."""
    fifo = spec.get("scheduler", {}).get("kind") == "fifo"
    return fifo and frame["experiment"].nunique() == 1 and "train_seconds" in frame


def sections(frame: pd.DataFrame, spec: dict, label: str, workers: int = 2) -> list:
    """The report's search-efficiency sections for a FIFO experiment (none otherwise):
    asked for with `gantune report --replay`, since the replay takes a while."""
    from gantune.analysis.efficiency.measures import measure, rung_correlations
    from gantune.analysis.efficiency.pools import pool_of
    from gantune.analysis.sections import Section

    if not replayable(frame, spec):
        return []
    pool = pool_of(frame, str(frame["experiment"].iloc[0]))
    methods = (BASELINE, "random search 2x", REFERENCE, THAW, "curve stopping", ORACLE)
    result = measure(pool, workers, replicates=30, methods=methods)
    text = (
        "<p>This experiment trained every trial to its end (FIFO), so its learning curves "
        f"can be replayed through other search methods: {result.replicates} random orders "
        f"of its settings on {workers} simulated workers, each iteration costing its "
        f"recorded seconds. Regret: the best full-budget {html.escape(label)} a method has "
        "found by a compute (a share of random search's whole budget), minus the best, over "
        "the range of the final values (1 before anything finished); the interquartile mean "
        "over orders with its bootstrap 95% interval. Within delta: the share of orders that "
        f"came within the noise of the best ({pool.noise_source}: {pool.noise:.3g}), and the "
        "median compute to get there with misses counted as never. "
        "<code>python bench/search_efficiency.py</code> compares every method on several "
        "pools.</p><pre>" + html.escape(format_summary(summary(result))) + "</pre>"
    )
    return [
        Section("efficiency", "Search efficiency, replayed", "", regret_figure(result), text),
        Section(
            "rungcorrelation",
            "Early values against final values",
            "A rung's value predicts the final one as well as this correlation says: the "
            "trust early stopping can have here.",
            rung_figure(rung_correlations(pool.curves, pool.max_t)),
        ),
    ]


def rung_figure(correlations: dict[int, float]) -> go.Figure:
    figure = go.Figure(go.Bar(x=[str(r) for r in correlations], y=list(correlations.values())))
    figure.update_layout(title="how well a rung's value predicts the final value")
    figure.update_xaxes(title="rung (iteration)", type="category")
    figure.update_yaxes(title="Spearman correlation with the final value", range=[-1, 1])
    return figure
