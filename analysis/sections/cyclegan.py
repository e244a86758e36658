"""What the CycleGAN family adds to a report: ResNet-6 against ResNet-9 (the best mean
FID per depth with its KID, paired L1 and SSIM, class kept and the report's total
objective), beside the do-nothing floor and the published 3.22 / 2.86; the metric against
the cycle weight lambda; and how to read the translation grids."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.load import final_rows
from analysis.published import REPORTED
from analysis.sections import FAMILY_REPORTS, FamilyReport, ReportContext, Section

FAMILY = "cyclegan"
SCORES = (
    "fid", "fid_a2b", "fid_b2a", "kid_a2b", "kid_b2a", "l1_a2b", "l1_b2a", "ssim_a2b",
    "ssim_b2a", "class_kept", "cycle_l1", "total_objective",
)  # fmt: skip
OBJECTIVE = (
    "The report's total objective: D_A + G_A + λ·cycle_A + D_B + G_B + λ·cycle_B (identity "
    "terms excluded; LSGAN; D's loss halved), averaged over every logged step (one per 100 "
    "images) of the first 150 epochs: a training running average that grows with λ, so it "
    "is reported, never optimised."
)


def published_objective() -> dict[int, float]:
    found = {}
    for result in REPORTED:
        for blocks in (6, 9):
            if f"ResNet-{blocks}, mean total objective" in result.what:
                found[blocks] = result.value
    return found


def depth_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per generator depth: its best trial (by the metric) and that trial's scores."""
    final = final_rows(frame[frame["family"] == FAMILY])
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    published = published_objective()
    rows = []
    for blocks, group in final.groupby("config.n_blocks"):
        values = group[metric].astype(float)
        finite = values[np.isfinite(values)]
        row = {"generator": f"ResNet-{blocks}", "trials": len(group)}
        if len(finite):
            best = group.loc[finite.idxmin() if mode == "min" else finite.idxmax()]
            row |= {name: best.get(name, math.nan) for name in SCORES}
        row["report's total objective"] = published.get(int(blocks), math.nan)
        rows.append(row)
    return pd.DataFrame(rows).set_index("generator")


def floor_table(frame: pd.DataFrame) -> pd.DataFrame:
    final = final_rows(frame[frame["family"] == FAMILY])
    names = [c for c in final.columns if c.startswith("floor_")]
    floor = final[names].dropna(how="all")
    if floor.empty:
        return pd.DataFrame()
    shown = floor.iloc[[0]].rename(columns=lambda c: c.removeprefix("floor_"))
    return shown.set_axis(["do nothing (the input as its own translation)"])


def lambda_figure(frame: pd.DataFrame) -> go.Figure:
    final = final_rows(frame[frame["family"] == FAMILY])
    metric = final["metric"].iloc[0]
    figure = go.Figure()
    for blocks, group in final.groupby("config.n_blocks"):
        figure.add_trace(
            go.Scatter(
                x=group["config.lambda_cycle"],
                y=group[metric].where(np.isfinite(group[metric].astype(float))),
                mode="markers",
                marker={"size": 9},
                name=f"ResNet-{blocks}",
                hovertext=group["trial_id"],
            )
        )
    figure.update_xaxes(title="cycle weight lambda", type="log")
    figure.update_yaxes(title=f"final {metric} (mean of both directions)")
    figure.update_layout(title=f"{metric} against the cycle weight", legend_title="generator")
    return figure


def sections(context: ReportContext) -> list[Section]:
    frame = context.family_frame(FAMILY)
    number = {"border": 0, "float_format": lambda v: f"{v:.3g}", "na_rep": "-"}
    floor = floor_table(frame)
    text = (
        "<p>The best trial of each generator depth and its test scores: FID and KID of each "
        "direction against the real images of the target domain; where the test items exist "
        "in both domains, L1 and SSIM of each translation against the same item in the "
        "other domain, and how often the translation is still classified as the item's "
        f"class. {OBJECTIVE} The report gives 3.22 (ResNet-6) and 2.86 (ResNet-9; its code "
        "built 8 blocks).</p>"
        + depth_table(frame).T.to_html(**number)
        + ("<p>What doing nothing scores (a search must beat it):</p>" + floor.T.to_html(**number))
        * (not floor.empty)
    )
    grids = (
        "<p>The translation grids below show, per domain, four rows: the test inputs, their "
        "translations, the ground truth (the same items in the other domain), and the round "
        "trip back; first leather to denim, then denim to leather.</p>"
    )
    return [
        Section("cyclegan", "ResNet-6 against ResNet-9", "", html=text),
        Section(
            "lambda",
            "The metric against the cycle weight",
            "Each trial's final metric against its lambda, by generator depth.",
            lambda_figure(frame),
            grids,
        ),
    ]


FAMILY_REPORTS.register(
    FAMILY,
    FamilyReport(
        sections=sections,
        metric_label=lambda context: "FID, mean of A→B and B→A (dataset features)",
    ),
)
