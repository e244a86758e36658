"""The one HTML report of one or more experiments: a lead paragraph, the sections the
experiments' families contribute, the table per variant, a section per generic figure with
a sentence on what it shows, the published numbers and the spec. Self-contained:
plotly.js is inlined once, images are data URIs. Nothing here names a family's
parameters; the metric, its mode and the variants come from the experiments."""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import yaml

from gantune.analysis import figures
from gantune.analysis.load import final_rows, load, write_parquet
from gantune.analysis.sections import ReportContext, Section, contributed
from gantune.analysis.tables import Importance, family_summary, param_importance, variant_table
from gantune.search.schedulers.kinds import first_rung
from gantune.spaces.rungs import asha_rungs
from gantune.trainables.experiment.files import PARQUET_FILE, grid_files, read_spec, store_url
from gantune.trainables.experiment.study_store import open_storage

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
p.lead { font-size: 1.1em; background: #f4f6fa; padding: 0.8em 1em; border-radius: 6px; }
table { border-collapse: collapse; margin: 1em 0; }
table { display: block; max-width: 100%; overflow-x: auto; }  /* wide ones scroll */
td, th { padding: 4px 10px; text-align: right; }
th { background: #eef; } tr:nth-child(even) td { background: #fafafa; }
pre { background: #f6f6f6; padding: 1em; overflow-x: auto; }
"""


def study_trials(directory: Path, spec: dict) -> list[optuna.trial.FrozenTrial]:
    try:
        study = optuna.load_study(
            study_name=spec["name"], storage=open_storage(store_url(directory, spec))
        )
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
        pictures = grid_files(Path(row["trial_dir"]))
        if pictures:
            title = f"{row['variant']} {metric} {row[metric]:.1f} (trial {row['trial_id']})"
            grids.append((title, str(pictures[-1])))
    return grids


def searched_columns(final: pd.DataFrame) -> list[str]:
    """Config columns whose values differ between trials: what the search varied."""
    return [
        column
        for column in final.columns
        if column.startswith("config.") and final[column].astype(str).nunique() > 1
    ]


def describe_trial(row: pd.Series, columns: list[str]) -> str:
    parts = []
    for column in columns:
        value = row[column]
        if isinstance(value, float) and math.isnan(value):
            continue
        shown = f"{value:.3g}" if isinstance(value, float) else str(value)
        parts.append(f"{column.removeprefix('config.')} {shown}")
    return ", ".join(parts)


def lead(context: ReportContext) -> str:
    final = final_rows(context.frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    scores = final[metric].astype(float)
    finite = scores[np.isfinite(scores)]
    key = final["stratify_by"].iloc[0]
    families = ", ".join(sorted(final["family"].unique()))
    stopped, diverged = (
        int(final["early_stopped"].sum()),
        int((final["status"] == "diverged").sum()),
    )
    parts = [
        f"{len(final)} trials of {families} over {final['variant'].nunique()} values of "
        f"{html.escape(key)}; the scheduler stopped {stopped} early, {diverged} diverged."
    ]
    if len(finite):
        best = final.loc[finite.idxmin() if mode == "min" else finite.idxmax()]
        table = variant_table(context.frame)
        budget = table.attrs["budget"]
        ranked = table[np.isfinite(table["best at budget"].astype(float))]
        ranking = ", ".join(
            f"{html.escape(str(v))} ({row['best at budget']:.2f})" for v, row in ranked.iterrows()
        )
        parts.append(
            f"Compared at one budget ({html.escape(budget.describe())}), the variants rank "
            f"by best {metric}: <b>{ranking}</b>."
            + (
                f" Never reached it: {html.escape(', '.join(budget.unranked))}."
                if budget.unranked
                else ""
            )
        )
        parts.append(
            f"The best {metric} of any length: {best[metric]:.2f} (trial {best['trial_id']}, "
            f"{best['training_iteration']} iterations; "
            f"{html.escape(describe_trial(best, searched_columns(final)))})."
        )
    for family in sorted(final["family"].unique()):
        report = contributed(family)
        if report is not None:
            parts.append(report.lead(context))
    return " ".join(part for part in parts if part)


def metric_label(context: ReportContext) -> str:
    for family in sorted(context.frame["family"].unique()):
        report = contributed(family)
        label = report.metric_label(context) if report is not None else None
        if label:
            return label
    return str(context.frame["metric"].iloc[0])


SENTENCES = {
    "curves": (
        "Learning curves",
        "The metric after every iteration of every trial, coloured by variant; a cross marks "
        "where the scheduler stopped a trial. Curves that improve steadily are healthy; flat "
        "or worsening ones are the weak settings it cut.",
    ),
    "distribution": (
        "Distribution per variant",
        "Each variant's trials by their final metric (stopped trials at the value they were "
        "stopped with), as in Lucic et al.'s Figure 4: a good box means the variant is good "
        "across settings, not only at its best one.",
    ),
    "budget": (
        "Best value for a budget",
        "The expected best metric if one could afford only k settings (left) or a given number "
        "of training images (right), by resampling each variant's trials; bands span the 10th "
        "to 90th percentiles.",
    ),
    "rungs": (
        "Trials per rung of the scheduler",
        "How many trials of each variant survived to each rung: where the search spent its "
        "compute.",
    ),
    "parallel": (
        "Hyperparameters and the metric",
        "Every trial as one line through its searched hyperparameters and its final metric "
        "(dark is better); look for the regions the good lines share.",
    ),
    "importance": (
        "Hyperparameter importance",
        "Optuna's fANOVA estimate of how much of the variation in the metric each searched "
        "hyperparameter explains, with every compared trial at the same budget.",
    ),
    "samples": (
        "Pictures of the best trials",
        "The fixed-noise samples (or translations) of the three best trials at their last "
        "evaluation.",
    ),
}


def section(anchor: str, figure, html_text: str = "") -> Section:
    title, sentence = SENTENCES[anchor]
    return Section(anchor, title, sentence, figure, html_text)


def generic_sections(context: ReportContext, importance: Importance) -> list[Section]:
    frame, spec = context.frame, context.specs[0]
    final, label = final_rows(frame), metric_label(context)
    scheduler = spec.get("scheduler", {})
    rungs = asha_rungs(
        int(scheduler.get("max_t", final["training_iteration"].max())),
        first_rung(str(scheduler.get("kind", "asha")), int(scheduler.get("grace_period", 0))),
        int(scheduler.get("reduction_factor", 2)),
    )
    built = [
        section("curves", figures.metric_curves(frame, label)),
        section("distribution", figures.metric_distribution(frame, label)),
        section("budget", figures.budget_curves(frame, label)),
        section("rungs", figures.rung_survival(frame, rungs)),
        section("parallel", figures.parallel_coordinates(frame)),
    ]
    budget = html.escape(importance.describe())
    if importance.table.empty:
        built.append(section("importance", None, f"<p>{budget}.</p>"))
    else:
        figure = figures.importance_bars(importance.table, f"at iteration {importance.iteration}")
        built.append(section("importance", figure, f"<p>{budget}.</p>"))
    grids = best_grids(frame)
    if grids:
        built.append(section("samples", figures.sample_grids(grids)))
    return built


def diverged_html(frame: pd.DataFrame) -> str:
    final = final_rows(frame)
    gone = final[final["status"].isin(["diverged", "error"])]
    if gone.empty:
        return ""
    columns = ["trial_id", "variant", "status", "training_iteration", *searched_columns(final)]
    shown = gone[[c for c in dict.fromkeys(columns) if c in gone]]
    return (
        f'<h3 id="diverged">Diverged and failed trials ({len(gone)})</h3><p>Trials whose loss '
        "or metric became non-finite (reported as the worst value and ended) or that raised; "
        "the iteration is where they ended.</p>" + shown.to_html(border=0, index=False)
    )


def published_html(families: list[str]) -> str:
    """The published numbers of the families this report holds, each with its sources."""
    parts = []
    for family in families:
        report = contributed(family)
        block = report.published() if report is not None else ""
        if block:
            parts.append(f"<h3>{html.escape(family)}</h3>{block}")
    return "".join(parts) or "<p>None for these families.</p>"


def render_section(part: Section, first_plot: bool) -> str:
    heading = f'<h2 id="{part.anchor}">{html.escape(part.title)}</h2>'
    sentence = f"<p>{html.escape(part.sentence)}</p>" if part.sentence else ""
    plot = ""
    if part.figure is not None:
        plot = part.figure.to_html(
            full_html=False, include_plotlyjs=first_plot, div_id=f"figure-{part.anchor}"
        )
    return heading + sentence + part.html + plot


def render(
    title: str, lead_html: str, parts: list[Section], spec: dict, families: list[str]
) -> str:
    body = [f"<h1>{html.escape(title)}</h1>", f'<p class="lead">{lead_html}</p>']
    plotted = False
    for part in parts:
        body.append(render_section(part, first_plot=not plotted))
        plotted = plotted or part.figure is not None
    body.append("<h2>Published numbers</h2>" + published_html(families))
    body.append("<h2>The spec that produced the study</h2>")
    body.append(f"<pre>{html.escape(yaml.safe_dump(spec, sort_keys=False))}</pre>")
    head = f'<meta charset="utf-8"><title>{html.escape(title)}</title><style>{STYLE}</style>'
    return f"<!DOCTYPE html><html><head>{head}</head><body>{''.join(body)}</body></html>"


# Sections built elsewhere from the frame, the first spec and the metric's label (the
# search-efficiency replay of FIFO experiments, which needs gantune's scheduler).
ExtraSections = Callable[[pd.DataFrame, dict, str], list[Section]]


def write_report(
    directories: list[Path],
    output: Path,
    with_floor: bool = True,
    extra: ExtraSections | None = None,
) -> Path:
    frame = load(directories)
    output.parent.mkdir(parents=True, exist_ok=True)
    write_parquet(frame, output.with_name(PARQUET_FILE))
    specs = [read_spec(d) for d in directories]
    context = ReportContext(frame, list(directories), specs, with_floor)
    trials = [t for d, spec in zip(directories, specs, strict=True) for t in study_trials(d, spec)]
    direction = "minimize" if frame["mode"].iloc[0] == "min" else "maximize"
    importance = param_importance(trials, direction)
    parts: list[Section] = []
    for family in sorted(frame["family"].unique()):
        report = contributed(family)
        if report is not None:
            parts += report.sections(context)
    parts.append(tables_section(frame))
    parts += generic_sections(context, importance)
    if extra is not None:
        parts += extra(frame, specs[0], metric_label(context))
    title = f"gantune report: {', '.join(d.name for d in directories)}"
    families = sorted(frame["family"].unique())
    output.write_text(render(title, lead(context), parts, specs[0], families))
    return output


def tables_section(frame: pd.DataFrame) -> Section:
    """Trials per variant and per family, and the trials that diverged or failed."""
    number = {"float_format": lambda v: f"{v:.2f}", "border": 0}
    table = variant_table(frame)
    text = (
        f"<p>Ranked at one budget: {html.escape(table.attrs['budget'].describe())}; "
        "trials stopped earlier are not in the 'at budget' columns. 'best of any length' "
        "is the best value a variant's trials reached at any iteration count, beside the "
        "iterations that trial trained.</p>"
        + table.to_html(**number)
        + "<h3>Per family</h3>"
        + family_summary(frame).to_html(**number)
        + diverged_html(frame)
    )
    key = str(frame["stratify_by"].iloc[0])
    return Section("variants", f"Trials per {key}", "", html=text)
