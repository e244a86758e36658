"""What the VAE family adds to a report: the latent size against the best FID, the test
ELBO and the conditional scores, beside the report's "100 best" and the published
Fashion-MNIST VAE rows; whether ordering by ELBO (how the report chose) agrees with
ordering by FID; and how to read the sample grids."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from analysis.load import final_rows
from analysis.published import DAI_WIPF_2019, DAI_WIPF_FASHION, LUCIC_2018, LUCIC_TABLE_2, REPORTED
from analysis.sections import FAMILY_REPORTS, FamilyReport, ReportContext, Section

FAMILY = "vae"


def latent_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Per latent size: the best FID and that trial's scores, and the best test ELBO."""
    final = final_rows(frame[frame["family"] == FAMILY])
    conditional = sorted(c for c in final.columns if c.startswith("cond_"))
    rows = []
    for size, group in final.groupby("config.latent_dim"):
        fids = group["fid"].astype(float)
        finite = fids[np.isfinite(fids)]
        row = {"latent size": int(size), "trials": len(group)}
        if len(finite):
            best = group.loc[finite.idxmin()]
            row |= {"best fid": best["fid"], "its test ELBO": best.get("test_elbo", math.nan)}
            row |= {name: best.get(name, math.nan) for name in conditional}
        row["best test ELBO"] = group["test_elbo"].max() if "test_elbo" in group else math.nan
        rows.append(row)
    return pd.DataFrame(rows).set_index("latent size")


def elbo_against_fid(frame: pd.DataFrame) -> tuple[float | None, int]:
    """Spearman correlation of -ELBO and FID over trials (1: the same order)."""
    final = final_rows(frame[frame["family"] == FAMILY])
    both = final[["test_elbo", "fid"]].astype(float)
    both = both[np.isfinite(both).all(axis=1)]
    if len(both) < 3:
        return None, len(both)
    rho = stats.spearmanr(-both["test_elbo"], both["fid"]).statistic
    return (float(rho) if math.isfinite(rho) else None), len(both)


def published_html() -> str:
    lucic_mean, lucic_std = LUCIC_TABLE_2["vae"][1]
    rows = [("VAE", f"{lucic_mean} ± {lucic_std}", LUCIC_2018)]
    rows += [(name, f"{m} ± {s}", DAI_WIPF_2019) for name, (m, s) in DAI_WIPF_FASHION.items()]
    rows += [(r.what, f"{r.value:g}", r.source) for r in REPORTED if "Conditional VAE" in r.what]
    table = pd.DataFrame(rows, columns=["model", "published value", "source"])
    return table.to_html(border=0, index=False)


def sections(context: ReportContext) -> list[Section]:
    frame = context.family_frame(FAMILY)
    rho, count = elbo_against_fid(frame)
    agreement = (
        f"Ordering the trials by test ELBO and by FID agrees with a Spearman correlation of "
        f"<b>{rho:.2f}</b> ({count} trials; 1 would be the same order): the report chose its "
        "latent size by loss, which "
        + ("orders the trials much as FID does." if rho > 0.5 else "is a poor guide to FID.")
        if rho is not None
        else f"Too few trials ({count}) to compare the ELBO and FID orders."
    )
    text = (
        "<p>Per latent size, the trial with the best FID of decoded prior samples (10k "
        "samples in Lucic et al.'s protocol; the study's eval_samples here), its test ELBO "
        "(nats per image, higher is better) and, for conditional models, how often the "
        "samples show the attribute asked for (`cond_*`); and the best test ELBO of the "
        f"size. {agreement} The report picked latent 100 as best by loss.</p>"
        + latent_table(frame).to_html(border=0, float_format=lambda v: f"{v:.3g}", na_rep="-")
        + "<p>Published VAE results on Fashion-MNIST (Inception features: compare orderings, "
        "not values) and the report's:</p>"
        + published_html()
        + "<p>The VAE's sample grids below: for a conditional model, one row per value of "
        "its first attribute (or class), its other attributes in turn along the row.</p>"
    )
    return [Section("vae", "Latent size, ELBO and FID", "", html=text)]


def lead(context: ReportContext) -> str:
    rho, count = elbo_against_fid(context.family_frame(FAMILY))
    return (
        ""
        if rho is None
        else f"ELBO and FID orders agree with Spearman {rho:.2f} ({count} trials)."
    )


FAMILY_REPORTS.register(FAMILY, FamilyReport(sections=sections, lead=lead))
