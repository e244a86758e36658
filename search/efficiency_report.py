"""Search efficiency as tables, figures and report sections (for a FIFO experiment, whose
curves can be replayed, and for `bench/search_efficiency.py`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from search.efficiency import (
    Measurement,
    Pool,
    measure,
    pool_of,
    regret_bands,
    rung_correlations,
    summary_table,
)
from search.methods import BASELINE, REFERENCE

SHOWN = (BASELINE, "random search 2x", REFERENCE, "curve stopping")  # in the regret figure
COLOURS = ("#1f77b4", "#9467bd", "#d62728", "#2ca02c")


def format_table(table: pd.DataFrame) -> str:
    """The summary as text: median (10-90%) and shares."""

    def share(value: float) -> str:
        return "-" if not np.isfinite(value) else f"{value:.0%}"

    lines = [
        f"{'method':36s} {'to match':>22s} {'ratio to random':>22s} {'within delta':>13s} "
        f"{'whole':>7s} {'/ limit':>8s}"
    ]
    for name, row in table.iterrows():
        to_match = (
            f"{row['to match (share)']:.3f} ({row['to match 10%']:.2f}-"
            f"{row['to match 90%']:.2f}) {share(row['matched'])}"
        )
        ratio = f"{row['ratio to random']:.2f} ({row['ratio 10%']:.2f}-{row['ratio 90%']:.2f})"
        delta = row.get("ratio within delta", np.nan)
        delta_text = "-" if not np.isfinite(delta) else f"{delta:.2f}"
        whole = row.get("whole search (share)", np.nan)
        whole_text = "-" if not np.isfinite(whole) else f"{whole:.2f}"
        lines.append(
            f"{name:36s} {to_match:>22s} {ratio:>22s} {delta_text:>13s} {whole_text:>7s} "
            f"{row['over the limit']:>7.2f}x"
        )
    return "\n".join(lines)


def regret_figure(result: Measurement, label: str) -> go.Figure:
    figure = go.Figure()
    for method, colour in zip(SHOWN, COLOURS, strict=True):
        if method not in result.regret:
            continue
        grid, mid, low, high = regret_bands(result, method)
        figure.add_trace(
            go.Scatter(
                x=np.concatenate([grid, grid[::-1]]),
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
            go.Scatter(x=grid, y=mid, mode="lines", line={"color": colour}, name=method)
        )
    kind = "resampled pools and orders" if result.bootstrap else "orders"
    figure.update_layout(
        title=f"{result.pool}: regret against compute ({result.workers} workers, "
        f"{result.replicates} {kind}; median and 10-90%)"
    )
    figure.update_xaxes(title="compute spent, share of random search's whole budget")
    figure.update_yaxes(title=f"best full-budget {label} so far minus the pool's best", type="log")
    return figure


def rung_figure(correlations: dict[int, float]) -> go.Figure:
    figure = go.Figure(go.Bar(x=[str(r) for r in correlations], y=list(correlations.values())))
    figure.update_layout(title="how well a rung's value predicts the final value")
    figure.update_xaxes(title="rung (iteration)", type="category")
    figure.update_yaxes(title="Spearman correlation with the final value", range=[-1, 1])
    return figure


def replayable(frame: pd.DataFrame, spec: dict) -> bool:
    """A single FIFO experiment with recorded iteration costs: its curves can be replayed."""
    fifo = spec.get("scheduler", {}).get("kind") == "fifo"
    return fifo and frame["experiment"].nunique() == 1 and "train_seconds" in frame


def sections(frame: pd.DataFrame, spec: dict, label: str, workers: int = 2) -> list:
    """The report's search-efficiency sections for a FIFO experiment; none otherwise."""
    from analysis.sections import Section

    if not replayable(frame, spec):
        return []
    pool: Pool = pool_of(frame, str(frame["experiment"].iloc[0]))
    methods = (BASELINE, "random search 2x", REFERENCE, "synchronous SHA rf 2", "curve stopping")
    result = measure(pool, workers, replicates=30, methods=methods)
    table = summary_table(result)
    text = (
        "<p>This experiment trained every trial to its end (FIFO), so its learning curves "
        f"can be replayed through other search methods: {result.replicates} random trial "
        f"orders on {workers} simulated workers, each iteration costing its recorded "
        "seconds and each trial start its recorded start-up time. Compute-to-match: the "
        "compute a method spends until its best full-budget value equals the pool's best "
        "(a method that never gets there counts at its whole search); the ratio divides it "
        "by random search's own compute-to-match in the same order. The limit is what a "
        "scheduler that knew the best setting would spend (every earlier setting to the "
        "first rung, the best to the end). <code>python bench/search_efficiency.py</code> "
        "compares every baseline on several pools.</p>"
        + table.to_html(border=0, float_format=lambda v: f"{v:.3g}", na_rep="-")
    )
    return [
        Section(
            "efficiency", "Search efficiency, replayed", "", regret_figure(result, label), text
        ),
        Section(
            "rungcorrelation",
            "Early values against final values",
            "A rung's value predicts the final one as well as this correlation says: the "
            "trust early stopping can have here.",
            rung_figure(rung_correlations(pool.curves, pool.max_t)),
        ),
    ]
