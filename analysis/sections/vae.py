"""What the VAE family adds to a report: the latent size against the best FID, the test
ELBO and the conditional scores, beside the report's "100 best" and the published
Fashion-MNIST VAE rows; whether ordering by ELBO (how the report chose) agrees with
ordering by FID; and how to read the sample grids."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from gantune.analysis.budget import (
    at_iteration,
    best_row,
    finite_rows,
    iterations_trained,
    shared_budget,
)
from gantune.analysis.published import ReportedResult, lucic_html, reported_html
from gantune.analysis.sections import FAMILY_REPORTS, FamilyReport, ReportContext, Section
from gantune.analysis.statistics import RankCorrelation, rank_correlation, too_few
from gantune.analysis.tables import markdown

FAMILY = "vae"


def latent_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per latent size, at the common budget (the highest iteration every size reached):
    the best FID and that trial's test ELBO and conditional scores, the best test ELBO;
    beside them how long the size's trials trained and its best FID of any length. The
    budget is in `table.attrs["budget"]`."""
    frame = frame[frame["family"] == FAMILY]
    budget = shared_budget(frame, by="config.latent_dim")
    at = at_iteration(frame, budget.iteration) if budget.iteration else frame.iloc[:0]
    conditional = [
        name
        for column in sorted(c for c in frame.columns if c.startswith("cond_"))
        if not column.startswith("cond_ceiling_")
        for name in (column, column.replace("cond_", "cond_ceiling_", 1))
        if name in frame.columns
    ]
    trained = iterations_trained(frame)
    rows = []
    for size, group in frame.groupby("config.latent_dim"):
        lengths = trained.reindex(group.set_index(["experiment", "trial_id"]).index.unique())
        row = {
            "latent size": int(size),
            "trials": int(group["trial_id"].nunique()),
            "iterations (max)": int(lengths.max()),
        }
        here = at[at["config.latent_dim"] == size]
        best = best_row(here)
        if best is not None:
            row |= {"best fid": best["fid"], "its test ELBO": best.get("test_elbo", math.nan)}
            row |= {name: best.get(name, math.nan) for name in conditional}
            row["best test ELBO"] = here["test_elbo"].max() if "test_elbo" in here else math.nan
        longest = best_row(finite_rows(group))
        if longest is not None:
            row["best fid of any length"] = longest["fid"]
            row["its iterations"] = int(longest["training_iteration"])
        rows.append(row)
    table = pd.DataFrame(rows).set_index("latent size")
    table.attrs["budget"] = budget
    return table


def elbo_against_fid(frame: pd.DataFrame) -> tuple[RankCorrelation | None, int, int | None]:
    """Spearman correlation of -ELBO and FID over the trials at the common budget (1: the
    same order), with its permutation p (none on fewer than MIN_ROWS trials), the trials
    compared, and the budget's iteration."""
    frame = frame[frame["family"] == FAMILY]
    budget = shared_budget(frame, by="config.latent_dim")
    if budget.iteration is None or "test_elbo" not in frame:
        return None, 0, budget.iteration
    both = at_iteration(frame, budget.iteration)[["test_elbo", "fid"]].astype(float)
    both = both[np.isfinite(both).all(axis=1)]
    return rank_correlation(-both["test_elbo"], both["fid"]), len(both), budget.iteration


# Lucic et al. 2018, Table 2, the VAE row (MNIST, Fashion-MNIST, CIFAR10, CelebA).
LUCIC_VAE = {"vae": ((23.8, 0.6), (58.7, 1.2), (155.7, 11.6), (85.7, 3.8))}
DAI_WIPF_2019 = (
    "Dai & Wipf 2019, Diagnosing and Enhancing VAE Models, ICLR 2019, Table 1 (FID on "
    "Fashion-MNIST, the Lucic et al. architecture, 10 runs)"
)
SHI = (
    'Jinchuan Shi, "Fashion products synthetic image generator (Generative Adversarial '
    'Network)" (Stanford)'
)
REPORTED = (
    ReportedResult("VAE, FID on Fashion-MNIST (mean of 10 runs)", 43.6, "FID ± 0.7", DAI_WIPF_2019),
    ReportedResult("2-Stage VAE, FID on Fashion-MNIST", 29.3, "FID ± 1.0", DAI_WIPF_2019),
    ReportedResult(
        "Conditional VAE, best latent size of 10/20/50/100 (chosen by loss)",
        100,
        "latent size",
        f"{SHI}, 3.2",
    ),
    ReportedResult(
        "Conditional VAE, validation loss (mean BCE per pixel + KL / pixels)",
        0.2121,
        "objective",
        f"{SHI}, 4",
    ),
)


def published() -> str:
    return lucic_html(LUCIC_VAE) + reported_html(REPORTED)


def ranking(table: pd.DataFrame) -> str:
    ranked = table.dropna(subset=["best fid"]) if "best fid" in table else table.iloc[:0]
    ranked = ranked.sort_values("best fid")
    return ", ".join(f"{size} ({row['best fid']:.1f})" for size, row in ranked.iterrows())


def sections(context: ReportContext) -> list[Section]:
    frame = context.family_frame(FAMILY)
    found, count, iteration = elbo_against_fid(frame)
    agreement = (
        f"At iteration {iteration}, ordering the trials by test ELBO and by FID agrees with a "
        f"Spearman correlation of <b>{found.rho:.2f}</b> (permutation p {found.p_value:.3f}; "
        f"{count} trials at that budget; 1 would be the same order): the report chose its "
        "latent size by loss, which "
        + ("orders the trials much as FID does." if found.rho > 0.5 else "is a poor guide to FID.")
        if found is not None
        else f"ELBO against FID at one budget: {too_few(count, 'trials')}."
    )
    table = latent_table(frame)
    budget = table.attrs["budget"]
    text = (
        f"<p>Compared at one budget ({html.escape(budget.describe())}), per latent size: the "
        "trial with the best FID of decoded prior samples (10k samples in Lucic et al.'s "
        "protocol; the study's eval_samples here), its test ELBO (nats per image, higher is "
        "better) and, for conditional models, how often the samples show the attribute asked "
        "for (`cond_*`), beside its ceiling (`cond_ceiling_*`: how often the feature net's head "
        "recognises the real test images' own values); the best test ELBO of the size at that "
        "budget; how long its trials "
        "trained, and its best FID of any length (not comparable across sizes that trained "
        f"for different lengths). By FID at that budget: {ranking(table)}. {agreement} The "
        "report picked latent 100 as best by loss.</p>"
        + table.to_html(border=0, float_format=lambda v: f"{v:.3g}", na_rep="-")
        + "<p>Published VAE results (Inception features: compare orderings, not values) and "
        "the report's are at the end of this page.</p>"
        + "<p>The VAE's sample grids below: for a conditional model, one row per value of "
        "its first attribute (or class), its other attributes in turn along the row.</p>"
    )
    return [Section("vae", "Latent size, ELBO and FID", "", html=text)]


def lead(context: ReportContext) -> str:
    frame = context.family_frame(FAMILY)
    table = latent_table(frame)
    found, count, _ = elbo_against_fid(frame)
    parts = [
        f"Latent sizes by FID at iteration {table.attrs['budget'].iteration}: {ranking(table)}."
    ]
    if found is not None:
        parts.append(
            f"ELBO and FID orders at that budget: {found.describe('')}.".replace(" :", ":")
        )
    else:
        parts.append(f"ELBO and FID orders: {too_few(count, 'trials')}.")
    return " ".join(parts)


def tables(frame: pd.DataFrame) -> str:
    table = latent_table(frame)
    found, count, iteration = elbo_against_fid(frame)
    agreement = (
        too_few(count, "trials")
        if found is None
        else f"{found.rho:.2f} (permutation p {found.p_value:.3f}) over {count} trials at "
        f"iteration {iteration}"
    )
    return (
        f"compared at {table.attrs['budget'].describe()}\n\n{markdown(table)}\n\n"
        f"ELBO against FID, Spearman: {agreement}"
    )


FAMILY_REPORTS.register(
    FAMILY, FamilyReport(sections=sections, lead=lead, published=published, tables=tables)
)
