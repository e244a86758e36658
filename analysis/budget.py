"""Comparing variants at one budget.

A scheduler trains its trials for different lengths: ranking a variant by a trial that ran
to the end against another's trial stopped after one iteration compares budgets, not
variants. Every ranking in the report is taken at the common budget of the compared
groups: the highest iteration that every group reached with a finite value (with ASHA, a
rung). A group that never reached it (every trial diverged or errored) is listed as such,
not ranked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Budget:
    iteration: int | None  # None: no group has a finite value
    images: int | None  # images each compared trial had trained by then
    reached: dict[str, int]  # per group, the highest iteration with a finite value
    unranked: tuple[str, ...]  # groups that never reached it

    def describe(self) -> str:
        if self.iteration is None:
            return "no group has a finite value to compare"
        images = f", {self.images:,} images" if self.images else ""
        return (
            f"iteration {self.iteration}{images}: the highest iteration every compared group "
            "reached"
        )


def finite_rows(frame: pd.DataFrame) -> pd.DataFrame:
    metric = frame["metric"].iloc[0]
    values = frame[metric].astype(float)
    return frame[np.isfinite(values)]


def shared_budget(frame: pd.DataFrame, by: str = "variant") -> Budget:
    finite = finite_rows(frame)
    groups = [str(g) for g in frame[by].astype(str).unique()]
    reached = {
        str(group): int(rows["training_iteration"].max())
        for group, rows in finite.groupby(finite[by].astype(str))
    }
    unranked = tuple(sorted(g for g in groups if g not in reached))
    if not reached:
        return Budget(None, None, {}, unranked)
    iteration = min(reached.values())
    at = finite[finite["training_iteration"] == iteration]
    images = int(at["images_seen"].median()) if "images_seen" in at and len(at) else None
    return Budget(iteration, images, reached, unranked)


def at_iteration(frame: pd.DataFrame, iteration: int) -> pd.DataFrame:
    """Each trial's row at `iteration` (trials that reached it with a finite value)."""
    finite = finite_rows(frame)
    return finite[finite["training_iteration"] == iteration]


def best_row(rows: pd.DataFrame) -> pd.Series | None:
    if rows.empty:
        return None
    metric, mode = rows["metric"].iloc[0], rows["mode"].iloc[0]
    values = rows[metric].astype(float)
    return rows.loc[values.idxmin() if mode == "min" else values.idxmax()]


def iterations_trained(frame: pd.DataFrame) -> pd.Series:
    """Per trial, the iterations it trained."""
    keys = ["experiment", "trial_id"] if "experiment" in frame else ["trial_id"]
    return frame.groupby(keys)["training_iteration"].max()


def median_or_nan(values: pd.Series) -> float:
    finite = values.astype(float)
    finite = finite[np.isfinite(finite)]
    return float(finite.median()) if len(finite) else math.nan
