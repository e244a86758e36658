"""Tables as data: the best value per variant, a summary per family, and hyperparameter
importance at a common budget. No plotting, no HTML."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import optuna
import pandas as pd

from gantune.analysis.budget import (
    at_iteration,
    best_row,
    finite_rows,
    iterations_trained,
    median_or_nan,
    shared_budget,
)
from gantune.analysis.load import final_rows
from gantune.analysis.statistics import fanova_note


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
    """One row per variant (the stratify key's value): how its trials ended, how long they
    trained, and its best and median metric at the common budget (`analysis.budget`: the
    highest iteration every variant reached), ranked by that; beside it, the best value of
    any length and the iterations that trial trained. Variants that never reached the
    budget come last, unranked. The budget is in `table.attrs["budget"]`."""
    budget = shared_budget(frame)
    final = final_rows(frame)
    metric, mode = final["metric"].iloc[0], final["mode"].iloc[0]
    at = at_iteration(frame, budget.iteration) if budget.iteration else frame.iloc[:0]
    trained = iterations_trained(frame)
    rows = []
    for variant, group in final.groupby("variant"):
        here = at[at["variant"] == variant]
        best_any = best_row(finite_rows(group)) if len(finite_rows(group)) else None
        ids = group.set_index(["experiment", "trial_id"]).index
        lengths = trained.reindex(ids)
        rows.append(
            {"variant": variant}
            | counts(group)
            | {
                "iterations (max)": int(lengths.max()),
                "iterations (median)": float(lengths.median()),
                "best at budget": best_of(here[metric], mode) if len(here) else math.nan,
                "median at budget": median_or_nan(here[metric]),
                "best of any length": math.nan if best_any is None else best_any[metric],
                "its iterations": math.nan
                if best_any is None
                else int(best_any["training_iteration"]),
                "images_trained": int(group["images_seen"].sum()),
            }
        )
    table = pd.DataFrame(rows).set_index("variant")
    table = table.sort_values("best at budget", ascending=mode == "min", na_position="last")
    table.attrs["budget"] = budget
    return table


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
            f"least half of the trials reached, {fanova_note(self.used)} of {self.total}"
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


def markdown(table: pd.DataFrame, digits: int = 3) -> str:
    """A table as Markdown (the README's tables), numbers to `digits` significant digits."""

    def cell(value) -> str:
        if isinstance(value, float):
            return "-" if not math.isfinite(value) else f"{value:.{digits}g}"
        return str(value)

    header = [table.index.name or "", *map(str, table.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for index, row in table.iterrows():
        lines.append("| " + " | ".join([str(index), *(cell(v) for v in row)]) + " |")
    return "\n".join(lines)
