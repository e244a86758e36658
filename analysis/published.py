"""How published numbers are kept and shown; the numbers themselves belong to the family
whose study reproduces them (each `analysis/sections/<family>.py` declares its own, and a
report shows those of the families it holds).

Lucic, Kurach, Michalski, Gelly, Bousquet (2018), "Are GANs Created Equal? A Large-Scale
Study", NeurIPS 2018, Table 2: FID (mean ± std over 50 seeds of the best setting from a
100-setting wide search; InfoGAN-style nets, batch 64; 10k samples vs the 10k test
images; Inception features), for GAN losses and a VAE: both families cite it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import pandas as pd

LUCIC_2018 = "Lucic et al. 2018, Are GANs Created Equal?, Table 2 (FID, Inception features)"
DATASETS = ("mnist", "fashion-mnist", "cifar10", "celeba")
Row = tuple[tuple[float, float], ...]  # (mean, std) per dataset, in DATASETS order


def lucic_frame(rows: dict[str, Row]) -> pd.DataFrame:
    """Long form: one row per (model, dataset) with the FID mean and std."""
    return pd.DataFrame(
        [
            {"model": model, "dataset": dataset, "mean": mean, "std": std}
            for model, values in rows.items()
            for dataset, (mean, std) in zip(DATASETS, values, strict=True)
        ]
    )


def lucic_html(rows: dict[str, Row]) -> str:
    table = lucic_frame(rows)
    table["shown"] = [
        f"{m:.1f} ± {s:.1f}" for m, s in zip(table["mean"], table["std"], strict=True)
    ]
    pivot = table.pivot(index="model", columns="dataset", values="shown")[list(DATASETS)]
    return f"<p>{html.escape(LUCIC_2018)}.</p>" + pivot.to_html(border=0)


@dataclass(frozen=True)
class ReportedResult:
    what: str
    value: float
    unit: str
    source: str


def reported_html(results: tuple[ReportedResult, ...]) -> str:
    frame = pd.DataFrame([r.__dict__ for r in results])
    return frame.to_html(border=0, index=False)
