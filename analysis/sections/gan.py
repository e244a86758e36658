"""What the GAN family adds to a report: the best FID per loss beside Lucic et al.'s
Fashion-MNIST column (their Table 2), with the Spearman rank correlation of the two
orders, seed statistics of the best settings, and the feature backend's real-vs-real
floor; and the published GAN numbers (Lucic et al.'s GAN rows, the reports' settings)."""

from __future__ import annotations

import html
import math

import pandas as pd

from gantune.analysis.load import final_rows
from gantune.analysis.published import ReportedResult, lucic_html, reported_html
from gantune.analysis.sections import FAMILY_REPORTS, FamilyReport, ReportContext, Section
from gantune.analysis.sections.gan_lucic import LUCIC_GANS, TOP, LucicTable, lucic_table
from gantune.analysis.statistics import too_few
from gantune.analysis.tables import markdown
from gantune.trainables.metrics import real_floor, resolve_backend

FAMILY = "gan"
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


LIU = 'Liu Minghao, "Fashion Image Generation Using GAN Model"'
FLOWERS = (
    '"Generating Fashion and Flowers using Generative Adversarial Networks" (no authors given)'
)
REPORTED = (
    ReportedResult("MLP GAN (noise 100), Adam learning rate", 0.002, "lr", f"{LIU}, 2.1"),
    ReportedResult("MLP GAN and cGAN, batch size", 256, "images", f"{LIU}, 2.2"),
    ReportedResult("WGAN weight clipping", 0.01, "clip", f"{LIU}, 4.1.1"),
    ReportedResult("WGAN-GP batch size", 64, "images", f"{LIU}, 4.2"),
    ReportedResult(
        "DCGAN (tf.keras tutorial layout) batch size", 256, "images", f"{FLOWERS}, 3.2.2"
    ),
)


def published() -> str:
    return lucic_html(LUCIC_GANS) + "<p>The reports' GAN settings:</p>" + reported_html(REPORTED)


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
        table = lucic_table(frame, backend)
        context.notes["gan"] = {"backend": backend, "floor": floor, "table": table}
    return context.notes["gan"]


def lead(context: ReportContext) -> str:
    found = facts(context)
    table, floor = found["table"], found["floor"]
    parts = []
    if table.spearman is None:
        parts.append(
            f"Against Lucic et al.'s Fashion-MNIST column: {too_few(table.common, 'losses')}."
        )
    else:
        p_value = table.rankings["best"][2]
        interval = (
            f"95% bootstrap interval over trials {table.interval[0]:.2f} to "
            f"{table.interval[1]:.2f}; "
            if table.interval
            else ""
        )
        parts.append(
            "Spearman rank correlation with Lucic et al. (Fashion-MNIST column, "
            f"{table.common} rows): <b>{table.spearman:.2f}</b> ({interval}permutation p "
            f"{p_value:.3f})."
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


def tables(frame: pd.DataFrame) -> str:
    """The Lucic table as Markdown, at the one budget every loss reached."""
    result = lucic_table(frame, "fmnist-cnn")
    shown = result.table[["trials", "best", "top_mean", "published_mean", "published_std"]]
    lines = [f"compared at iteration {result.iteration}", markdown(shown)]
    return "\n\n".join(lines + result.describe_rankings())


FAMILY_REPORTS.register(
    FAMILY,
    FamilyReport(
        sections=sections,
        lead=lead,
        metric_label=lambda context: f"FID ({facts(context)['backend']} features)",
        tables=tables,
        published=published,
    ),
)
