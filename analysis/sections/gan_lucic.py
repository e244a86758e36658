"""The GAN family's Lucic et al. table: per loss, at the one budget every loss reached, the
best FID, the mean of the best three and seed statistics of the best setting, beside
Lucic et al.'s Table 2 column, with the Spearman correlation of both orders (on the best
and on the mean of the best three), a bootstrap interval over trials and a permutation
p-value."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from gantune.analysis.budget import at_iteration, shared_budget
from gantune.analysis.load import final_rows
from gantune.analysis.published import lucic_frame
from gantune.analysis.statistics import rank_correlation, too_few

FAMILY = "gan"
TOP = 3  # the mean of each loss's best few settings, besides its very best
BOOTSTRAP = 1000


# Lucic et al. 2018, Table 2: (mean, std) per dataset (MNIST, Fashion-MNIST, CIFAR10,
# CelebA). `*` in the paper marks unstable results (LSGAN on MNIST and CelebA).
LUCIC_GANS = {
    "mm": ((9.8, 0.9), (29.6, 1.6), (72.7, 3.6), (65.6, 4.2)),
    "ns": ((6.8, 0.5), (26.5, 1.6), (58.5, 1.9), (55.0, 3.3)),
    "lsgan": ((7.8, 0.6), (30.7, 2.2), (87.1, 47.5), (53.9, 2.8)),
    "wgan": ((6.7, 0.4), (21.5, 1.6), (55.2, 2.3), (41.3, 2.0)),
    "wgan-gp": ((20.3, 5.0), (24.5, 2.1), (55.8, 0.9), (30.0, 1.0)),
    "dragan": ((7.6, 0.4), (27.7, 1.2), (69.8, 2.0), (42.3, 3.0)),
    "began": ((13.1, 1.0), (22.9, 0.9), (71.4, 1.6), (38.9, 0.9)),
}


def lucic_column(dataset: str = "fashion-mnist") -> pd.DataFrame:
    """Lucic et al.'s column for one dataset (mean, std), indexed by loss."""
    table = lucic_frame(LUCIC_GANS)
    return table[table["dataset"] == dataset].set_index("model")[["mean", "std"]]


@dataclass(frozen=True)
class LucicTable:
    table: pd.DataFrame  # one row per loss (and "vae" when a VAE experiment is present)
    spearman: float | None  # rank correlation of our best values with the published means
    common: int  # rows present in both
    backend: str
    metric: str
    interval: tuple[float, float] | None = None  # 95% bootstrap interval over trials
    iteration: int | None = None  # the one budget every row is compared at
    # per statistic ("best", "mean of the best 3"): Spearman, bootstrap interval, and the
    # two-sided permutation p-value of the Spearman
    rankings: dict[str, tuple[float, tuple[float, float] | None, float]] = field(
        default_factory=dict
    )

    def describe_rankings(self) -> list[str]:
        """One sentence per ranking: the Spearman value, its interval and p-value; or that
        there are too few losses to compare orderings."""
        if not self.rankings:
            return [too_few(self.common, "losses")]
        lines = []
        for label, (rho, interval, p) in self.rankings.items():
            low, high = interval or (math.nan, math.nan)
            lines.append(
                f"Spearman with Lucic et al. on the {label}: {rho:.2f} (95% bootstrap "
                f"{low:.2f} to {high:.2f}; permutation p {p:.3f})"
            )
        return lines


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


def lucic_table(frame: pd.DataFrame, backend: str, dataset: str = "fashion-mnist") -> LucicTable:
    """Per loss, at the one budget every loss reached (`analysis.budget`): the best value,
    the mean of the best three, seed statistics of the best setting; beside Lucic et al.'s
    column, with the Spearman correlation of both orders (on the best and on the mean of
    the best three), a bootstrap interval and a permutation p-value."""
    compared = frame[frame["family"] == FAMILY].copy()
    compared["lucic_row"] = compared["config.loss"]
    budget = shared_budget(compared, by="lucic_row")
    final = at_iteration(compared, budget.iteration) if budget.iteration else compared.iloc[:0]
    final = final if len(final) else final_rows(compared)
    metric, mode = compared["metric"].iloc[0], compared["mode"].iloc[0]
    published = lucic_column(dataset)
    rows = []
    for loss, group in compared.groupby("lucic_row"):
        here = final[final["lucic_row"] == loss]
        values = here[metric].astype(float)
        finite = values[np.isfinite(values)]
        if finite.empty:
            best_value, mean, std, seeds, top = math.inf, math.nan, math.nan, 0, math.nan
        else:
            best_index = finite.idxmin() if mode == "min" else finite.idxmax()
            best_value = float(finite[best_index])
            mean, std, seeds = seed_statistics(here, best_index, metric)
            ordered = np.sort(finite.to_numpy())
            top = float((ordered if mode == "min" else ordered[::-1])[:TOP].mean())
        rows.append(
            {
                "loss": loss,
                "trials": int(group["trial_id"].nunique()),
                "finished": int((final_rows(group)["status"] == "finished").sum()),
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
    rows_of = final["lucic_row"]
    rankings = {}
    for label, column, statistic in (
        ("best", "best", best_statistic),
        (f"mean of the best {TOP}", "top_mean", top_statistic),
    ):
        usable = both[np.isfinite(both[column])]
        found = rank_correlation(usable[column], usable["published_mean"])
        if found is not None:  # none on fewer than MIN_ROWS losses (analysis.statistics)
            interval = bootstrap_interval(
                final, rows_of, metric, mode, usable["published_mean"], statistic
            )
            rankings[label] = (found.rho, interval, found.p_value)
    spearman_best = rankings.get("best", (None, None, 1.0))
    return LucicTable(
        table, spearman_best[0], len(both), backend, metric, spearman_best[1],
        budget.iteration, rankings,
    )  # fmt: skip


def best_statistic(finite: np.ndarray, mode: str) -> float:
    return float(finite.min() if mode == "min" else finite.max())


def top_statistic(finite: np.ndarray, mode: str) -> float:
    ordered = np.sort(finite)
    return float((ordered if mode == "min" else ordered[::-1])[:TOP].mean())


def bootstrap_interval(
    final: pd.DataFrame,
    rows: pd.Series,
    metric: str,
    mode: str,
    published: pd.Series,
    statistic=best_statistic,
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
        found = []
        for name in published.index:
            sample = rng.choice(values[name], len(values[name]))
            finite = sample[np.isfinite(sample)]
            found.append(statistic(finite, mode) if len(finite) else np.inf)
        rho = stats.spearmanr(found, published.to_numpy()).statistic
        if math.isfinite(rho):
            draws.append(rho)
    if not draws:
        return None
    low, high = np.percentile(draws, [2.5, 97.5])
    return float(low), float(high)
