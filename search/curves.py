"""Recorded learning curves, read from a FIFO experiment's results: per trial its metric
after every iteration, what each iteration cost (Tune's clock between reports: training,
evaluation, the picture, the checkpoint) and what a start cost (the process's own set-up,
and Ray's launch: the wait from a free worker slot to the process starting)."""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np
import pandas as pd

from search.replay import Curve


def setup_seconds(trial: pd.DataFrame) -> float:
    """What the trial's process spent before its first iteration: recorded by the trial
    loop (`setup_seconds`), else read from Tune's clock (its first iteration's total time
    less that iteration's training and evaluation)."""
    first = trial.iloc[0]
    if "setup_seconds" in trial and pd.notna(first.get("setup_seconds")):
        return float(first["setup_seconds"])
    if "time_total_s" in trial and pd.notna(first.get("time_total_s")):
        spent = float(first["train_seconds"]) + float(first["eval_seconds"])
        return max(0.0, float(first["time_total_s"]) - spent)
    return 0.0


def iteration_costs(trial: pd.DataFrame, setup: float) -> np.ndarray:
    """Each iteration's seconds in the trial's process: the step of Tune's clock between
    its reports (training, evaluation, the picture, the checkpoint, the report), else the
    recorded training and evaluation seconds alone."""
    measured = (trial["train_seconds"].fillna(0) + trial["eval_seconds"].fillna(0)).to_numpy()
    if "time_total_s" not in trial or trial["time_total_s"].isna().any():
        return measured.astype(float)
    clock = trial["time_total_s"].to_numpy(dtype=float)
    steps = np.diff(clock, prepend=setup)  # the first step: its process's time less setup
    return np.maximum(steps, measured).astype(float)


def launch_seconds(frame: pd.DataFrame) -> dict[Any, float]:
    """Per trial, the time from a worker slot freeing to its process starting (Ray
    launching it), read from the record: trials in start order take the slot of the
    earliest-ending running trial (`concurrency` at once); the first ones, which found a
    slot free, get the median of the others. A process's start is recorded by the trial
    loop (`started_at`), else read from Tune's clock (whole seconds)."""
    if "timestamp" not in frame or "time_total_s" not in frame:
        return {}
    keys = ["experiment", "trial_id"] if "experiment" in frame else ["trial_id"]
    first = frame.sort_values("training_iteration").groupby(keys).first()
    last = frame.sort_values("training_iteration").groupby(keys).last()
    start = first["timestamp"] - first["time_total_s"]
    if "started_at" in first:
        start = first["started_at"].where(first["started_at"].notna(), start)
    end = start + last["time_total_s"]
    slots = int(frame["concurrency"].iloc[0]) if "concurrency" in frame else 1
    delays, running = {}, []
    for trial in start.sort_values(kind="stable").index:
        if len(running) >= slots:
            freed = heapq.heappop(running)
            delays[trial] = max(0.0, float(start[trial]) - freed)
        heapq.heappush(running, float(end[trial]))
    typical = float(np.median(list(delays.values()))) if delays else 0.0
    return {trial: delays.get(trial, typical) for trial in start.index}


def setting_key(trial: pd.DataFrame) -> str:
    """The config without its seed: trials of one setting share it."""
    columns = sorted(c for c in trial.columns if c.startswith("config.") and c != "config.seed")
    return repr([(c, str(trial[c].iloc[0])) for c in columns])


def curves_of(frame: pd.DataFrame) -> list[Curve]:
    """Every trial's curve from an analysis frame (one row per trial and iteration)."""
    metric, mode = frame["metric"].iloc[0], frame["mode"].iloc[0]
    sign = 1.0 if mode == "min" else -1.0
    curves, launch = [], launch_seconds(frame)
    keys = ["experiment", "trial_id"] if "experiment" in frame else ["trial_id"]
    for ids, trial in frame.sort_values("training_iteration").groupby(keys):
        trial_id = ids[-1] if isinstance(ids, tuple) else ids
        values = sign * trial[metric].astype(float).to_numpy()
        values = np.where(np.isnan(values), math.inf, values)
        setup = setup_seconds(trial)
        curves.append(
            Curve(
                str(trial_id),
                values,
                iteration_costs(trial, setup),
                str(trial["variant"].iloc[0]),
                setup + launch.get(ids, 0.0),
                setting_key(trial),
            )
        )
    return curves
