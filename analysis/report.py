"""The one HTML report of one or more experiments: a lead paragraph, the table beside the
published numbers, a section per figure with a sentence on what it shows, the FID floor
and the spec. Self-contained: plotly.js is inlined once, images are data URIs."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import plotly.graph_objects as go
import yaml

from analysis import figures, published
from analysis.load import PARQUET_FILE, experiment_spec, final_rows, load, write_parquet
from analysis.tables import LucicTable, family_summary, lucic_table, param_importance
from search.optuna_store import default_store, open_storage
from trainables import data
from trainables.metrics import real_floor

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
p.lead { font-size: 1.1em; background: #f4f6fa; padding: 0.8em 1em; border-radius: 6px; }
table { border-collapse: collapse; margin: 1em 0; } td, th { padding: 4px 10px; text-align: right; }
th { background: #eef; } tr:nth-child(even) td { background: #fafafa; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
"""


@dataclass
class Section:
    anchor: str
    title: str
    sentence: str
    figure: go.Figure


def backend_of(spec: dict) -> str:
    return (spec.get("fixed") or {}).get("fid_backend") or data.DATASETS.get(
        spec["dataset"]
    ).fid_backend


def study_trials(directory: Path, spec: dict) -> list[optuna.trial.FrozenTrial]:
    store = spec.get("study_store") or default_store(directory)
    try:
        study = optuna.load_study(study_name=spec["name"], storage=open_storage(store))
    except (KeyError, ValueError):
        return []
    return study.get_trials(deepcopy=False)


def best_grids(frame: pd.DataFrame, count: int = 3) -> list[tuple[str, str]]:
    final = final_rows(frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    ranked = final[np.isfinite(final[metric].astype(float))].sort_values(
        metric, ascending=mode == "min"
    )
    grids = []
    for _, row in ranked.head(count).iterrows():
        pictures = sorted(Path(row["trial_dir"]).glob("samples/iteration_*.png"))
        if pictures:
            grids.append(
                (
                    f"{row['loss']} {metric} {row[metric]:.1f} (trial {row['trial_id']})",
                    str(pictures[-1]),
                )
            )
    return grids


def format_table(table: LucicTable) -> str:
    shown = table.table.copy()
    shown["seeds mean ± std"] = [
        f"{m:.1f} ± {s:.1f} ({n})" if math.isfinite(m) else "-"
        for m, s, n in zip(shown["seeds_mean"], shown["seeds_std"], shown["seeds"], strict=True)
    ]
    shown["published (Lucic et al.)"] = [
        f"{m:.1f} ± {s:.1f}" if math.isfinite(m) else "-"
        for m, s in zip(shown["published_mean"], shown["published_std"], strict=True)
    ]
    shown["best"] = shown["best"].map(lambda v: f"{v:.2f}")
    columns = [
        "trials",
        "finished",
        "best",
        "rank",
        "seeds mean ± std",
        "published (Lucic et al.)",
        "published_rank",
    ]
    return (
        shown[columns]
        .rename(columns={"published_rank": "published rank"})
        .to_html(classes="lucic", border=0, na_rep="-", float_format=lambda v: f"{v:g}")
    )


def lead(frame: pd.DataFrame, table: LucicTable, floor: float | None) -> str:
    final = final_rows(frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    scores = final[metric].astype(float)
    best = final.loc[scores[np.isfinite(scores)].idxmin() if mode == "min" else scores.idxmax()]
    stopped = int(final["early_stopped"].sum())
    lr = best.get("config.lr_d", math.nan)
    ranking = ", ".join(table.table.sort_values("rank").index)
    parts = [
        f"{len(final)} trials of {final['loss'].nunique()} losses; ASHA stopped {stopped} early.",
        f"Best {metric}: <b>{best[metric]:.2f}</b> ({best['loss']}, lr {lr:.2g}, "
        f"trial {best['trial_id']}, {best['training_iteration']} iterations).",
        f"Ranking of losses by best {metric}: {ranking}.",
    ]
    if table.spearman is not None:
        parts.append(
            "Spearman rank correlation with Lucic et al. (Fashion-MNIST column, "
            f"{table.common} losses): <b>{table.spearman:.2f}</b>."
        )
    if floor is not None:
        parts.append(f"Real-vs-real floor of the {table.backend} backend: {floor:.2f}.")
    return " ".join(parts)


SENTENCES = {
    "curves": (
        "Learning curves",
        "The metric after every iteration of every trial, coloured by loss; a cross marks where "
        "ASHA stopped a trial. Curves that fall steadily are healthy; flat or rising ones are "
        "the weak settings ASHA cut.",
    ),
    "distribution": (
        "Distribution per loss",
        "Each loss's trials by their final metric (stopped trials at the value they were stopped "
        "with), as in Lucic et al.'s Figure 4: a low box means the loss is good across settings, "
        "not only at its best one.",
    ),
    "budget": (
        "Best value for a budget",
        "The expected best metric if one could afford only k settings (left) or a given number "
        "of training images (right), by resampling each loss's trials; bands span the 10th to "
        "90th percentiles.",
    ),
    "rungs": (
        "Trials per ASHA rung",
        "How many trials of each loss survived to each ASHA rung: where the search spent "
        "its compute.",
    ),
    "parallel": (
        "Hyperparameters and the metric",
        "Every trial as one line through its searched hyperparameters and its final metric "
        "(dark is better); look for the regions the good lines share.",
    ),
    "importance": (
        "Hyperparameter importance",
        "Optuna's fANOVA estimate of how much of the variation in the final metric each shared "
        "hyperparameter explains.",
    ),
    "samples": (
        "Samples of the best trials",
        "Fixed-noise samples of the three best trials at their last evaluation.",
    ),
}


def section(anchor: str, figure: go.Figure) -> Section:
    title, sentence = SENTENCES[anchor]
    return Section(anchor, title, sentence, figure)


def sections(
    frame: pd.DataFrame, spec: dict, backend: str, importance: pd.DataFrame
) -> list[Section]:
    final = final_rows(frame)
    scheduler = spec.get("scheduler", {})
    rungs = figures.asha_rungs(
        int(scheduler.get("max_t", final["training_iteration"].max())),
        int(scheduler.get("grace_period", 1)),
        int(scheduler.get("reduction_factor", 2)),
    )
    built = [
        section("curves", figures.fid_curves(frame, backend)),
        section("distribution", figures.metric_distribution(frame, backend)),
        section("budget", figures.budget_curves(frame, backend)),
        section("rungs", figures.rung_survival(frame, rungs)),
        section("parallel", figures.parallel_coordinates(frame)),
    ]
    if not importance.empty:
        built.append(section("importance", figures.importance_bars(importance)))
    grids = best_grids(frame)
    if grids:
        built.append(section("samples", figures.sample_grids(grids)))
    return built


def published_html() -> str:
    """Lucic et al.'s Table 2 (all four data sets and the VAE row) and the reports' results."""
    table = published.lucic_table()
    table["fid"] = [
        f"{m:.1f} ± {s:.1f}" for m, s in zip(table["fid_mean"], table["fid_std"], strict=True)
    ]
    pivot = table.pivot(index="loss", columns="dataset", values="fid")[list(published.DATASETS)]
    reported = published.reported_table()
    return (
        f"<p>{html.escape(published.LUCIC_2018)}.</p>"
        + pivot.to_html(border=0)
        + "<p>Results of the reports our users start from:</p>"
        + reported.to_html(border=0, index=False)
    )


def render(
    title: str,
    lead_html: str,
    table_html: str,
    summary: pd.DataFrame,
    parts: list[Section],
    spec: dict,
    floor: float | None,
    backend: str,
) -> str:
    escaped = html.escape(backend)
    body = [f"<h1>{html.escape(title)}</h1>", f'<p class="lead">{lead_html}</p>']
    body.append("<h2>Table: best value per loss beside Lucic et al. 2018</h2>")
    body.append(
        f"<p>Our FID uses the <b>{escaped}</b> features, whose scale is not Inception's: "
        "compare orderings (ranks and the Spearman value), not values. Published: Lucic "
        "et al. 2018, Table 2, Fashion-MNIST, mean ± std over 50 seeds of the best of 100 "
        "settings.</p>"
    )
    if floor is not None:
        body.append(
            f"<p>Real-vs-real floor (10k train vs the 10k test images, {escaped}): "
            f"<b>{floor:.3f}</b>.</p>"
        )
    body.append(table_html)
    body.append(
        "<h3>Per family</h3>" + summary.to_html(border=0, float_format=lambda v: f"{v:.2f}")
    )
    for index, part in enumerate(parts):
        plot = part.figure.to_html(
            full_html=False, include_plotlyjs=index == 0, div_id=f"figure-{part.anchor}"
        )
        heading = f'<h2 id="{part.anchor}">{html.escape(part.title)}</h2>'
        body.append(f"{heading}<p>{html.escape(part.sentence)}</p>{plot}")
    body.append("<h2>Published numbers</h2>" + published_html())
    body.append("<h2>The spec that produced the study</h2>")
    body.append(f"<pre>{html.escape(yaml.safe_dump(spec, sort_keys=False))}</pre>")
    head = f'<meta charset="utf-8"><title>{html.escape(title)}</title><style>{STYLE}</style>'
    return f"<!DOCTYPE html><html><head>{head}</head><body>{''.join(body)}</body></html>"


def write_report(directories: list[Path], output: Path, with_floor: bool = True) -> Path:
    frame = load(directories)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(frame, output.with_name(PARQUET_FILE))
    spec = experiment_spec(directories[0])
    backend = backend_of(spec)
    floor = None
    if with_floor and frame["metric"].iloc[0] == "fid":
        floor = real_floor(spec["dataset"], backend, options=spec.get("dataset_options") or None)
    table = lucic_table(frame, backend)
    trials = [t for d in directories for t in study_trials(d, experiment_spec(d))]
    importance = param_importance(
        trials, "minimize" if frame["mode"].iloc[0] == "min" else "maximize"
    )
    title = f"gantune report: {', '.join(d.name for d in directories)}"
    page = render(
        title,
        lead(frame, table, floor),
        format_table(table),
        family_summary(frame),
        sections(frame, spec, backend, importance),
        spec,
        floor,
        backend,
    )
    output.write_text(page)
    return output
