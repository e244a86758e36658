"""Tables as data: the best value per variant, a summary per family, and hyperparameter
importance at a common budget. No plotting, no HTML."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd

from analysis.load import final_rows


def best_of(values: pd.Series, mode: str) -> float:
    finite = values.astype(float)
    finite = finite[np.isfinite(finite)]
    if finite.empty:
        return math.nan
    return float(finite.min() if mode == "min" else finite.max())


def counts(group: pd.DataFrame) -> dict[str, int]:
    status = group["status"]
    return {
        "trials": len(group),
        "finished": int((status == "finished").sum()),
        "stopped_early": int((status == "stopped").sum()),
        "diverged": int((status == "diverged").sum()),
        "errors": int((status == "error").sum()),
    }


def variant_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per variant (the stratify key's value): how its trials ended and its best
    and median final metric, ordered best first."""
    final = final_rows(frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    rows = []
    for variant, group in final.groupby("variant"):
        values = group[metric].astype(float)
        finite = values[np.isfinite(values)]
        rows.append(
            {"variant": variant}
            | counts(group)
            | {
                "best": best_of(values, mode),
                "median": float(finite.median()) if len(finite) else math.nan,
                "images_trained": int(group["images_seen"].sum()),
            }
        )
    table = pd.DataFrame(rows).set_index("variant")
    return table.sort_values("best", ascending=mode == "min", na_position="last")


def family_summary(frame: pd.DataFrame) -> pd.DataFrame:
    final = final_rows(frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    rows = []
    for family, group in final.groupby("family"):
        values = group[metric].astype(float)
        finite = values[np.isfinite(values)]
        rows.append(
            {"family": family}
            | counts(group)
            | {
                f"best_{metric}": best_of(values, mode),
                f"median_{metric}": float(finite.median()) if len(finite) else math.nan,
                "images_trained": int(group["images_seen"].sum()),
            }
        )
    return pd.DataFrame(rows).set_index("family")


@dataclass(frozen=True)
class Importance:
    table: pd.DataFrame  # param, importance (shares summing to 1)
    iteration: int | None  # the common budget the values were taken at
    used: int  # trials compared
    total: int  # trials with any finite value

    def describe(self) -> str:
        if self.iteration is None:
            return f"not estimated: fewer than {MIN_TRIALS} trials with a finite value"
        return (
            f"fANOVA on the metric at iteration {self.iteration}, the highest iteration that at "
            f"least half of the trials reached ({self.used} of {self.total} trials)"
        )


MIN_TRIALS = 3


def common_budget(histories: list[dict[int, float]]) -> int | None:
    """The highest iteration at which at least half of the trials (and at least
    MIN_TRIALS) have a finite value: comparing trials at one budget, not a trial stopped
    after one iteration with one trained for eight."""
    need = max(MIN_TRIALS, math.ceil(len(histories) / 2))
    reached: dict[int, int] = {}
    for history in histories:
        for iteration, value in history.items():
            if math.isfinite(value):
                reached[iteration] = reached.get(iteration, 0) + 1
    good = [iteration for iteration, count in reached.items() if count >= need]
    return max(good) if good else None


def param_importance(trials: list[optuna.trial.FrozenTrial], direction: str) -> Importance:
    """fANOVA importance of the searched params, on each trial's metric at a common budget
    (`common_budget`), from the study store's intermediate values."""
    usable = [t for t in trials if t.intermediate_values and t.params]
    histories = [dict(t.intermediate_values) for t in usable]
    empty = pd.DataFrame(columns=["param", "importance"])
    iteration = common_budget(histories)
    if iteration is None:
        return Importance(empty, None, 0, len(usable))
    study = optuna.create_study(direction=direction)
    for trial, history in zip(usable, histories, strict=True):
        value = history.get(iteration)
        if value is not None and math.isfinite(value):
            study.add_trial(
                optuna.trial.create_trial(
                    params=trial.params, distributions=trial.distributions, value=value
                )
            )
    evaluator = optuna.importance.FanovaImportanceEvaluator(seed=0)
    try:
        importances = optuna.importance.get_param_importances(study, evaluator=evaluator)
    except (ValueError, RuntimeError):  # e.g. no parameter varies across these trials
        return Importance(empty, iteration, len(study.trials), len(usable))
    table = pd.DataFrame({"param": list(importances), "importance": list(importances.values())})
    return Importance(table, iteration, len(study.trials), len(usable))
