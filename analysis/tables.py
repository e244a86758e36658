"""Tables as data: the Lucic-style table beside the published column, a summary per
family, and hyperparameter importance. No plotting, no HTML."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd
from scipy import stats

from analysis.load import final_rows
from analysis.published import lucic_column


@dataclass(frozen=True)
class LucicTable:
    table: pd.DataFrame  # one row per loss
    spearman: float | None  # rank correlation of our best values with the published means
    common: int  # losses present in both
    backend: str
    metric: str


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
    final = final_rows(frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    published = lucic_column(dataset)
    rows = []
    for loss, group in final.groupby("loss"):
        values = group[metric].astype(float)
        finite = values[np.isfinite(values)]
        if finite.empty:
            best_value, mean, std, seeds = math.inf, math.nan, math.nan, 0
        else:
            best_index = finite.idxmin() if mode == "min" else finite.idxmax()
            best_value = float(finite[best_index])
            mean, std, seeds = seed_statistics(final, best_index, metric)
        rows.append(
            {
                "loss": loss,
                "trials": len(group),
                "finished": int((group["status"] == "finished").sum()),
                "best": best_value,
                "seeds_mean": mean,
                "seeds_std": std,
                "seeds": seeds,
                "published_mean": published["fid_mean"].get(loss, math.nan),
                "published_std": published["fid_std"].get(loss, math.nan),
            }
        )
    table = pd.DataFrame(rows).set_index("loss")
    ascending = mode == "min"
    table["rank"] = table["best"].rank(ascending=ascending, method="min")
    table = table.sort_values(["rank", "published_mean"])
    table["published_rank"] = table["published_mean"].rank(ascending=True, method="min")
    both = table[np.isfinite(table["best"]) & np.isfinite(table["published_mean"])]
    spearman = None
    if len(both) >= 2:
        rho = stats.spearmanr(both["best"], both["published_mean"]).statistic
        spearman = float(rho) if math.isfinite(rho) else None
    return LucicTable(table, spearman, len(both), backend, metric)


def family_summary(frame: pd.DataFrame) -> pd.DataFrame:
    final = final_rows(frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    rows = []
    for family, group in final.groupby("family"):
        values = group[metric].astype(float)
        finite = values[np.isfinite(values)]
        rows.append(
            {
                "family": family,
                "trials": len(group),
                "finished": int((group["status"] == "finished").sum()),
                "stopped_early": int(group["early_stopped"].sum()),
                "diverged": int((group["status"] == "diverged").sum()),
                "errors": int((group["status"] == "error").sum()),
                f"best_{metric}": (finite.min() if mode == "min" else finite.max())
                if len(finite)
                else math.nan,
                f"median_{metric}": float(finite.median()) if len(finite) else math.nan,
                "images_trained": int(group["images_seen"].sum()),
            }
        )
    return pd.DataFrame(rows).set_index("family")


def last_value(trial: optuna.trial.FrozenTrial) -> float | None:
    """A trial's final metric: its value, or its last intermediate value if ASHA stopped it."""
    if trial.state == optuna.trial.TrialState.COMPLETE:
        return trial.value
    if trial.state == optuna.trial.TrialState.PRUNED and trial.intermediate_values:
        return trial.intermediate_values[max(trial.intermediate_values)]
    return None


def param_importance(trials: list[optuna.trial.FrozenTrial], direction: str) -> pd.DataFrame:
    """fANOVA importance of the params every trial shares, on each trial's final metric
    (stopped trials count with the value they were stopped at)."""
    study = optuna.create_study(direction=direction)
    for trial in trials:
        value = last_value(trial)
        if value is not None and math.isfinite(value):
            study.add_trial(
                optuna.trial.create_trial(
                    params=trial.params, distributions=trial.distributions, value=value
                )
            )
    if len(study.trials) < 3:
        return pd.DataFrame(columns=["param", "importance"])
    evaluator = optuna.importance.FanovaImportanceEvaluator(seed=0)
    importances = optuna.importance.get_param_importances(study, evaluator=evaluator)
    return pd.DataFrame({"param": list(importances), "importance": list(importances.values())})
