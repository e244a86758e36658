"""What the GAN family adds to a report: the best FID per loss beside Lucic et al.'s
Fashion-MNIST column (their Table 2), with the Spearman rank correlation of the two
orders, seed statistics of the best settings, and the feature backend's real-vs-real
floor. A VAE experiment in the same report joins the table as its "vae" row, as in their
table."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.load import final_rows
from analysis.published import lucic_column
from analysis.sections import FAMILY_REPORTS, FamilyReport, ReportContext, Section
from trainables.metrics import real_floor, resolve_backend

FAMILY = "gan"
TOP = 3  # the mean of each loss's best few settings, besides its very best
BOOTSTRAP = 1000
LUCIC_COLUMNS = {
    "trials": "trials",
    "finished": "finished",
    "best": "best",
    "top_mean": f"mean of the best {TOP}",
    "rank": "rank",
    "seeds mean ± std": "seeds mean ± std",
    "published (Lucic et al.)": "published (Lucic et al.)",
    "published_rank": "published rank",
}


@dataclass(frozen=True)
class LucicTable:
    table: pd.DataFrame  # one row per loss (and "vae" when a VAE experiment is present)
    spearman: float | None  # rank correlation of our best values with the published means
    common: int  # rows present in both
    backend: str
    metric: str
    interval: tuple[float, float] | None = None  # 95% bootstrap interval over trials


def setting_columns(frame: pd.DataFrame) -> list[str]:
    """Config columns that define a setting (everything but the seed)."""
    return [c for c in frame.columns if c.startswith("config.") and c != "config.seed"]


def seed_statistics(final: pd.DataFrame, best_index: int, metric: str) -> tuple[float, float, int]:
    """Mean and std of the metric over re-runs of the best trial's setting (other seeds)."""
    columns = setting_columns(final)
    best = final.loc[best_index, columns]
    same = final[(final[columns].astype(str) == best.astype(str)).all(axis=1)]
    values = same[metric].to_numpy(dtype=float)
    if len(values) < 2:
        return math.nan, math.nan, len(values)
    return float(values.mean()), float(values.std(ddof=1)), len(values)


def table_rows(final: pd.DataFrame) -> pd.Series:
    """The Lucic table's row of each trial: its loss, or "vae" for a VAE trial."""
    if "config.loss" not in final:
        return pd.Series("vae", index=final.index)
    return final["config.loss"].where(final["family"] == FAMILY, "vae")


def lucic_table(frame: pd.DataFrame, backend: str, dataset: str = "fashion-mnist") -> LucicTable:
    final = final_rows(frame[frame["family"].isin([FAMILY, "vae"])])
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    published = lucic_column(dataset)
    rows = []
    for loss, group in final.groupby(table_rows(final)):
        values = group[metric].astype(float)
        finite = values[np.isfinite(values)]
        if finite.empty:
            best_value, mean, std, seeds, top = math.inf, math.nan, math.nan, 0, math.nan
        else:
            best_index = finite.idxmin() if mode == "min" else finite.idxmax()
            best_value = float(finite[best_index])
            mean, std, seeds = seed_statistics(group, best_index, metric)
            ordered = np.sort(finite.to_numpy())
            top = float((ordered if mode == "min" else ordered[::-1])[:TOP].mean())
        rows.append(
            {
                "loss": loss,
                "trials": len(group),
                "finished": int((group["status"] == "finished").sum()),
                "best": best_value,
                "top_mean": top,
                "seeds_mean": mean,
                "seeds_std": std,
                "seeds": seeds,
                "published_mean": published["mean"].get(loss, math.nan),
                "published_std": published["std"].get(loss, math.nan),
            }
        )
    table = pd.DataFrame(rows).set_index("loss")
    table["rank"] = table["best"].rank(ascending=mode == "min", method="min")
    table = table.sort_values(["rank", "published_mean"])
    table["published_rank"] = table["published_mean"].rank(ascending=True, method="min")
    both = table[np.isfinite(table["best"]) & np.isfinite(table["published_mean"])]
    spearman = None
    if len(both) >= 2:
        rho = stats.spearmanr(both["best"], both["published_mean"]).statistic
        spearman = float(rho) if math.isfinite(rho) else None
    interval = bootstrap_interval(final, table_rows(final), metric, mode, both["published_mean"])
    return LucicTable(table, spearman, len(both), backend, metric, interval)


def bootstrap_interval(
    final: pd.DataFrame, rows: pd.Series, metric: str, mode: str, published: pd.Series
) -> tuple[float, float] | None:
    """95% interval of the Spearman value when each row's trials are drawn again with
    replacement: how much the ranking rests on a few lucky trials."""
    if len(published) < 3:
        return None
    rng = np.random.default_rng(0)
    values = {
        name: final.loc[rows == name, metric].astype(float).to_numpy() for name in published.index
    }
    draws = []
    for _ in range(BOOTSTRAP):
        best = []
        for name in published.index:
            sample = rng.choice(values[name], len(values[name]))
            finite = sample[np.isfinite(sample)]
            best.append(
                (finite.min() if mode == "min" else finite.max()) if len(finite) else np.inf
            )
        rho = stats.spearmanr(best, published.to_numpy()).statistic
        if math.isfinite(rho):
            draws.append(rho)
    if not draws:
        return None
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)


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
    shown["top_mean"] = shown["top_mean"].map(lambda v: f"{v:.2f}" if math.isfinite(v) else "-")
    return (
        shown[list(LUCIC_COLUMNS)]
        .rename(columns=LUCIC_COLUMNS)
        .to_html(classes="lucic", border=0, na_rep="-", float_format=lambda v: f"{v:g}")
    )


def first_value(frame: pd.DataFrame, column: str, default=None):
    values = frame[column].dropna() if column in frame else pd.Series(dtype=object)
    return values.iloc[0] if len(values) else default


def dataset_options(frame: pd.DataFrame) -> dict:
    prefix = "config.dataset_options."
    final = final_rows(frame)
    return {
        column.removeprefix(prefix): final[column].iloc[0]
        for column in final.columns
        if column.startswith(prefix) and final[column].notna().any()
    }


def facts(context: ReportContext) -> dict:
    """Dataset, backend and floor of the GAN experiments, computed once per report."""
    if "gan" not in context.notes:
        frame = context.family_frame(FAMILY)
        dataset = first_value(frame, "config.dataset", "fashion-mnist")
        options = dataset_options(frame)
        backend = resolve_backend(dataset, first_value(frame, "config.fid_backend"), options)
        floor = None
        if context.with_floor and frame["metric"].iloc[0] == "fid":
            floor = real_floor(dataset, backend, options=options or None)
        table = lucic_table(context.frame, backend)
        context.notes["gan"] = {"backend": backend, "floor": floor, "table": table}
    return context.notes["gan"]


def lead(context: ReportContext) -> str:
    found = facts(context)
    table, floor = found["table"], found["floor"]
    parts = []
    if table.spearman is not None:
        interval = (
            f" (95% bootstrap interval over trials {table.interval[0]:.2f} to "
            f"{table.interval[1]:.2f})"
            if table.interval
            else ""
        )
        parts.append(
            "Spearman rank correlation with Lucic et al. (Fashion-MNIST column, "
            f"{table.common} rows): <b>{table.spearman:.2f}</b>{interval}."
        )
    if floor is not None:
        parts.append(
            f"Real-vs-real floor of the {html.escape(table.backend)} backend: {floor:.2f}."
        )
    return " ".join(parts)


def sections(context: ReportContext) -> list[Section]:
    found = facts(context)
    backend = html.escape(found["backend"])
    text = (
        f"Our FID uses the <b>{backend}</b> features, whose scale is not Inception's: compare "
        "orderings (ranks and the Spearman value), not values. Published: Lucic et al. 2018, "
        "Table 2, Fashion-MNIST, mean ± std over 50 seeds of the best of 100 settings."
    )
    if found["floor"] is not None:
        text += (
            f"</p><p>Real-vs-real floor (10k train vs the 10k test images, {backend}): "
            f"<b>{found['floor']:.3f}</b>."
        )
    return [
        Section(
            "lucic",
            "Table: best FID per loss beside Lucic et al. 2018",
            "",
            html=f"<p>{text}</p>" + format_table(found["table"]),
        )
    ]


FAMILY_REPORTS.register(
    FAMILY,
    FamilyReport(
        sections=sections,
        lead=lead,
        metric_label=lambda context: f"FID ({facts(context)['backend']} features)",
    ),
)
