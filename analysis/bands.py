"""Expected best value for a budget, as bands: the data behind the report's budget
figure (Lucic et al. 2018, Fig. 5), computed here and drawn by `analysis.figures`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gantune.analysis.load import final_rows

Curves = tuple[np.ndarray, np.ndarray, np.ndarray]  # mean, 10%, 90%


@dataclass(frozen=True)
class Bands:
    settings: np.ndarray  # 1..n settings tried
    by_settings: Curves
    images: np.ndarray  # a grid of training images spent
    by_images: Curves


def bootstrap_best(
    values: np.ndarray, costs: np.ndarray, mode: str, draws: int, rng: np.random.Generator
):
    """Expected best value after k settings (k = 1..n) and after spending compute, with
    10-90% bands, by resampling the trials (with replacement) in random order."""
    n = len(values)
    picks = rng.integers(0, n, size=(draws, n))
    sampled = values[picks]
    running = (
        np.minimum.accumulate(sampled, axis=1)
        if mode == "min"
        else np.maximum.accumulate(sampled, axis=1)
    )
    spent = np.cumsum(costs[picks], axis=1)
    grid = np.linspace(spent.min(), spent.max(), 40)
    on_grid = np.full((draws, len(grid)), np.nan)
    for row in range(draws):
        index = np.searchsorted(spent[row], grid, side="right") - 1
        valid = index >= 0
        on_grid[row, valid] = running[row, index[valid]]
    with np.errstate(all="ignore"):
        by_k = (
            np.nanmean(running, axis=0),
            np.nanpercentile(running, 10, axis=0),
            np.nanpercentile(running, 90, axis=0),
        )
        by_cost = (
            np.nanmean(on_grid, axis=0),
            np.nanpercentile(on_grid, 10, axis=0),
            np.nanpercentile(on_grid, 90, axis=0),
        )
    return np.arange(1, n + 1), by_k, grid, by_cost


def budget_bands(frame: pd.DataFrame, draws: int = 400, seed: int = 0) -> dict[str, Bands]:
    """Per variant (in order), its expected best final value after k settings and after
    spending training images, bootstrapped over its trials."""
    final, metric, mode = final_rows(frame), frame["metric"].iloc[0], frame["mode"].iloc[0]
    rng = np.random.default_rng(seed)
    found = {}
    for variant, group in sorted(final.groupby("variant"), key=lambda item: item[0]):
        values = group[metric].to_numpy(dtype=float)
        values = np.where(np.isfinite(values), values, np.nan)
        if np.isnan(values).all():
            continue
        costs = group["images_seen"].to_numpy(dtype=float)
        found[str(variant)] = Bands(*bootstrap_best(values, costs, mode, draws, rng))
    return found
