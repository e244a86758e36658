"""Figures: data in (the tidy frame or a table), `plotly.graph_objects.Figure` out."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from gantune.analysis.bands import budget_bands
from gantune.analysis.load import final_rows

PALETTE = qualitative.D3


def colours(variants: list[str]) -> dict[str, str]:
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(sorted(variants))}


def key_of(frame: pd.DataFrame) -> str:
    """What the variants are values of (the stratify key), for legends."""
    return str(frame["stratify_by"].iloc[0])


def finite(values: pd.Series) -> pd.Series:
    return values.astype(float).where(np.isfinite(values.astype(float)))


def metric_curves(frame: pd.DataFrame, label: str) -> go.Figure:
    """The metric per iteration for every trial, coloured by variant; early stops marked."""
    metric, palette = frame["metric"].iloc[0], colours(frame["variant"].unique().tolist())
    figure = go.Figure()
    shown: set[str] = set()
    for (_, trial_id), trial in frame.groupby(["experiment", "trial_id"], sort=True):
        variant = trial["variant"].iloc[0]
        figure.add_trace(
            go.Scatter(
                x=trial["training_iteration"],
                y=finite(trial[metric]),
                mode="lines+markers",
                line={"color": palette[variant], "width": 1.5},
                marker={"size": 4},
                name=variant,
                legendgroup=variant,
                showlegend=variant not in shown,
                hovertemplate=f"trial {trial_id} ({variant})<br>iteration %{{x}}<br>"
                f"{metric} %{{y:.2f}}<extra></extra>",
            )
        )
        shown.add(variant)
    stopped = final_rows(frame)
    stopped = stopped[stopped["early_stopped"]]
    if len(stopped):
        figure.add_trace(
            go.Scatter(
                x=stopped["training_iteration"],
                y=finite(stopped[metric]),
                mode="markers",
                marker={"symbol": "x", "size": 10, "color": "black"},
                name="stopped by the scheduler",
            )
        )
    figure.update_layout(title=f"{metric} per iteration, every trial", legend_title=key_of(frame))
    figure.update_xaxes(
        title="iteration (one iteration = images_per_iter training images)", dtick=1
    )
    figure.update_yaxes(title=label)
    return figure


def metric_distribution(frame: pd.DataFrame, label: str) -> go.Figure:
    """Final metric of every trial, per variant (as in Lucic et al., Figure 4)."""
    final, metric = final_rows(frame), frame["metric"].iloc[0]
    palette = colours(final["variant"].unique().tolist())
    figure = go.Figure()
    for variant, group in sorted(final.groupby("variant"), key=lambda item: item[0]):
        figure.add_trace(
            go.Box(
                y=finite(group[metric]),
                name=variant,
                boxpoints="all",
                jitter=0.4,
                marker_color=palette[variant],
                hovertext=group["trial_id"],
            )
        )
    figure.update_layout(
        title=f"final {metric} per {key_of(frame)} (all trials, stopped ones at their stop)",
        showlegend=False,
    )
    figure.update_xaxes(title=key_of(frame))
    figure.update_yaxes(title=label)
    return figure


def band(figure: go.Figure, x, curves, colour: str, name: str, column: int, legend: bool) -> None:
    mean, low, high = curves
    figure.add_trace(
        go.Scatter(
            x=np.concatenate([x, x[::-1]]),
            y=np.concatenate([high, low[::-1]]),
            fill="toself",
            fillcolor=colour,
            opacity=0.2,
            line={"width": 0},
            hoverinfo="skip",
            name=f"{name} 10-90%",
            legendgroup=name,
            showlegend=False,
        ),
        row=1,
        col=column,
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=mean,
            mode="lines",
            line={"color": colour},
            name=name,
            legendgroup=name,
            showlegend=legend,
        ),
        row=1,
        col=column,
    )


def budget_curves(frame: pd.DataFrame, label: str, draws: int = 400, seed: int = 0) -> go.Figure:
    """Expected best metric against the number of settings tried and against compute
    (training images), bootstrapped over the trials of each variant (Lucic et al., Fig. 5;
    the bands: `analysis.bands.budget_bands`)."""
    metric = frame["metric"].iloc[0]
    found = budget_bands(frame, draws, seed)
    palette = colours(list(found))
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("against settings sampled", "against training images")
    )
    for variant, bands in found.items():
        band(figure, bands.settings, bands.by_settings, palette[variant], variant, 1, True)
        band(figure, bands.images, bands.by_images, palette[variant], variant, 2, False)
    figure.update_layout(title=f"expected best {metric} for a budget", legend_title=key_of(frame))
    figure.update_xaxes(title="settings sampled", row=1, col=1)
    figure.update_xaxes(title="training images spent", row=1, col=2)
    figure.update_yaxes(title=f"expected best {label}", row=1, col=1)
    return figure


def importance_bars(importance: pd.DataFrame, budget: str) -> go.Figure:
    ordered = importance.sort_values("importance")
    figure = go.Figure(go.Bar(x=ordered["importance"], y=ordered["param"], orientation="h"))
    figure.update_layout(title=f"hyperparameter importance (fANOVA, Optuna), {budget}")
    figure.update_xaxes(title="share of the variance of the metric", range=[0, 1])
    figure.update_yaxes(title="hyperparameter")
    return figure


def parallel_coordinates(frame: pd.DataFrame) -> go.Figure:
    """Searched params and the final metric of every trial, one line each."""
    final, metric = final_rows(frame), frame["metric"].iloc[0]
    dimensions, seen = [], []
    for column in sorted(c for c in final.columns if c.startswith("config.")):
        values = final[column]
        if values.isna().any() or values.nunique() < 2 or any(values.equals(o) for o in seen):
            continue  # a per-variant param (lines with gaps vanish), a constant, or a copy
        seen.append(values)
        label = column.removeprefix("config.")
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            numeric = values.astype(float)
            log = bool((numeric > 0).all() and numeric.max() / numeric.min() > 20)
            dimensions.append(
                {
                    "label": f"log10 {label}" if log else label,
                    "values": np.log10(numeric) if log else numeric,
                }
            )
        else:
            codes, names = pd.factorize(values.astype(str), sort=True)
            dimensions.append(
                {
                    "label": label,
                    "values": codes,
                    "tickvals": list(range(len(names))),
                    "ticktext": list(names),
                }
            )
    scores = finite(final[metric])
    dimensions.append({"label": metric, "values": scores.fillna(scores.max())})
    figure = go.Figure(
        go.Parcoords(
            dimensions=dimensions,
            line={
                "color": scores.fillna(scores.max()),
                "colorscale": "Viridis_r",
                "showscale": True,
                "colorbar": {"title": metric},
            },
        )
    )
    figure.update_layout(title=f"searched hyperparameters and final {metric}")
    return figure


def data_uri(path: str | Path) -> str:
    return "data:image/png;base64," + base64.b64encode(Path(path).read_bytes()).decode()


def sample_grids(grids: list[tuple[str, str | Path]]) -> go.Figure:
    """The sample grids of the best trials (fixed noise, last evaluation)."""
    columns = max(1, len(grids))
    figure = make_subplots(
        rows=1, cols=columns, subplot_titles=[title for title, _ in grids] or [""]
    )
    for index, (_, path) in enumerate(grids, start=1):
        figure.add_trace(go.Image(source=data_uri(path)), row=1, col=index)
    figure.update_xaxes(showticklabels=False)
    figure.update_yaxes(showticklabels=False)
    figure.update_layout(title="samples of the best trials", height=520)
    return figure


def rung_survival(frame: pd.DataFrame, rungs: list[int]) -> go.Figure:
    """How many trials of each variant reached each rung (ASHA's milestones; thaw's are
    the same)."""
    final = final_rows(frame)
    palette = colours(final["variant"].unique().tolist())
    figure = go.Figure()
    for variant, group in sorted(final.groupby("variant"), key=lambda item: item[0]):
        reached = [int((group["training_iteration"] >= rung).sum()) for rung in rungs]
        figure.add_trace(
            go.Bar(
                x=[str(r) for r in rungs], y=reached, name=variant, marker_color=palette[variant]
            )
        )
    figure.update_layout(
        barmode="stack", title="trials alive at each rung", legend_title=key_of(frame)
    )
    figure.update_xaxes(title="rung (iteration)", type="category")
    figure.update_yaxes(title="trials reaching it")
    return figure
