"""What the colorization family adds to a report: its objectives (L1 + cGAN, cGAN alone,
L1 alone) side by side at one budget, beside the grey input copied (the floor), each
class's mean colour on the input (a baseline) and real colour images (the ceiling), all
scored alike; and pix2pix's published comparison of the same objectives."""

from __future__ import annotations

import html
import math

import pandas as pd

from gantune.analysis.budget import at_iteration, best_row, shared_budget
from gantune.analysis.load import final_rows
from gantune.analysis.published import ReportedResult, reported_html
from gantune.analysis.sections import FAMILY_REPORTS, FamilyReport, ReportContext, Section
from gantune.analysis.tables import markdown

FAMILY = "colorization"
SCORES = (
    "fid", "palette", "in_palette", "ab_l1", "ab_psnr", "ab_ssim", "colourfulness",
    "l1", "psnr", "ssim",
)  # fmt: skip
REFERENCES = {
    "grey": "the grey input copied to 3 channels (floor)",
    "class": "each class's mean colour on the input's grey (baseline)",
    "real": "real colour images (ceiling: FID floor, real colourfulness)",
}
ISOLA = (
    "Isola, Zhu, Zhou, Efros 2017, Image-to-Image Translation with Conditional Adversarial "
    "Networks (pix2pix), Table 1: FCN-scores of Cityscapes labels -> photo per objective"
)
REPORTED = (
    ReportedResult("L1 alone, per-pixel accuracy", 0.42, "FCN-score", ISOLA),
    ReportedResult("cGAN alone, per-pixel accuracy", 0.57, "FCN-score", ISOLA),
    ReportedResult("L1 + cGAN, per-pixel accuracy", 0.66, "FCN-score", ISOLA),
    ReportedResult("ground truth, per-pixel accuracy", 0.80, "FCN-score", ISOLA),
)


def objective_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per objective, its best trial at the common budget; then the references."""
    frame = frame[frame["family"] == FAMILY]
    budget = shared_budget(frame, by="config.objective")
    at = at_iteration(frame, budget.iteration) if budget.iteration else frame.iloc[:0]
    rows = []
    for objective, group in at.groupby("config.objective"):
        best = best_row(group)
        if best is not None:
            row = {"": f"{objective}, best of {group['trial_id'].nunique()} trials"}
            rows.append(row | {name: float(best.get(name, math.nan)) for name in SCORES})
    final = final_rows(frame)
    first = final.iloc[0] if len(final) else pd.Series(dtype=float)
    for prefix, label in REFERENCES.items():
        row = {"": label}
        row |= {name: float(first.get(f"{prefix}_{name}", math.nan)) for name in SCORES}
        rows.append(row)
    if "truth_colourfulness" in first:
        truth = {"colourfulness": float(first["truth_colourfulness"])}
        truth["in_palette"] = float(first.get("truth_in_palette", math.nan))
        rows.append({"": "the true colours"} | truth)
    table = pd.DataFrame(rows).set_index("")
    table.attrs["budget"] = budget
    return table


def sections(context: ReportContext) -> list[Section]:
    frame = context.family_frame(FAMILY)
    table = objective_table(frame)
    text = (
        f"<p>Compared at one budget ({html.escape(table.attrs['budget'].describe())}): the "
        "best trial of each objective, with FID of its colourised test items (a colour-aware "
        "feature net), the palette distance (energy distance of per-item mean colours to the "
        "true ones'), the share of items whose mean colour lands in their class's palette "
        "(in_palette), the chroma error on the ab channels alone (ab_l1 in Lab units, "
        "ab_psnr, ab_ssim: the grey copy has no chroma, so it is a true floor), "
        "colourfulness (Hasler and Suesstrunk 2003; the true colours' is the target, more is "
        "not better), and L1, PSNR and SSIM on RGB (which reward staying grey); "
        "beside them the floor, a baseline and the ceiling, scored the same way. pix2pix "
        "found L1 alone gives plausible but desaturated colours and the cGAN more colourful "
        "ones; the colourfulness and palette columns say whether this study agrees.</p>"
        + table.to_html(border=0, float_format=lambda v: f"{v:.3g}", na_rep="-")
        + "<p>The grids below show three rows: the grey inputs, their colourisations, the "
        "true colours.</p>"
    )
    return [Section("colorization", "Colorization objectives, floors and ceiling", "", html=text)]


def lead(context: ReportContext) -> str:
    table = objective_table(context.family_frame(FAMILY))
    models = table[table.index.str.contains("best of")]
    if models.empty:
        return ""
    ranked = models.sort_values("fid")
    shown = ", ".join(f"{name.split(',')[0]} {row['fid']:.2f}" for name, row in ranked.iterrows())
    return (
        f"Colorization objectives by FID at iteration {table.attrs['budget'].iteration}: {shown}."
    )


FAMILY_REPORTS.register(
    FAMILY,
    FamilyReport(
        sections=sections,
        lead=lead,
        metric_label=lambda context: "FID of colourised test items (colour-aware features)",
        published=lambda: reported_html(REPORTED),
        tables=lambda frame: (
            f"compared at {objective_table(frame).attrs['budget'].describe()}\n\n"
            + markdown(objective_table(frame))
        ),
    ),
)
