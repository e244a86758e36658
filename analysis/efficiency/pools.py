"""Pools: recorded learning curves, read from a FIFO experiment's results or a pool file.

A pool file is a table in the layout of `results.parquet`: `trial_id`,
`training_iteration`, the metric's column (named in `metric`), `mode`, `max_t`, the cost
of each iteration (`train_seconds` + `eval_seconds`, or Tune's clock `time_total_s`),
`variant`, and `config.*` (a setting is its config without `config.seed`). Beside it, a
JSON record (same name) may give the metric's noise; without one, the noise is measured
from the spread of the final value over a setting's seeds, where settings have several.

Per trial: its metric after every iteration, what each iteration cost (Tune's clock
between reports: training, evaluation, the picture, the checkpoint) and what a start
cost (the process's own set-up, and Ray's launch: the wait from a free worker slot to the
process starting)."""

from __future__ import annotations

import heapq
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gantune.analysis.efficiency.replay import Curve

REQUIRED = ("trial_id", "training_iteration", "metric", "mode", "max_t")


@dataclass(frozen=True)
class Pool:
    name: str
    curves: list[Curve]
    max_t: int
    noise: float = 0.0  # delta: the metric's noise (0: unknown)
    label: str = "value"
    noise_source: str = ""

    @property
    def settings(self) -> int:
        return len({c.setting for c in self.curves})

    @property
    def seeds(self) -> int:
        return len(self.curves) // max(1, self.settings)


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


def setting_of(trial: pd.DataFrame) -> dict[str, Any]:
    """The config without its seed: trials of one setting share it."""
    columns = sorted(c for c in trial.columns if c.startswith("config.") and c != "config.seed")
    first = trial.iloc[0]
    return {c.removeprefix("config."): first[c] for c in columns if pd.notna(first[c])}


def curves_of(frame: pd.DataFrame) -> list[Curve]:
    """Every trial's curve from an analysis frame (one row per trial and iteration), its
    values signed so that lower is better."""
    metric, mode = frame["metric"].iloc[0], frame["mode"].iloc[0]
    sign = 1.0 if mode == "min" else -1.0
    curves, launch = [], launch_seconds(frame)
    keys = ["experiment", "trial_id"] if "experiment" in frame else ["trial_id"]
    for ids, trial in frame.sort_values("training_iteration").groupby(keys):
        trial_id = ids[-1] if isinstance(ids, tuple) else ids
        values = sign * trial[metric].astype(float).to_numpy()
        values = np.where(np.isnan(values), math.inf, values)
        setup = setup_seconds(trial)
        config = setting_of(trial)
        variant = str(trial["variant"].iloc[0]) if "variant" in trial else ""
        curves.append(
            Curve(
                str(trial_id),
                values,
                iteration_costs(trial, setup),
                variant,
                setup + launch.get(ids, 0.0),
                repr(sorted((k, str(v)) for k, v in config.items())),
                config,
            )
        )
    return curves


def seed_spread(curves: list[Curve], max_t: int) -> float:
    """The final value's spread over a setting's seeds: the root mean within-setting
    variance (0 where no setting has two finished seeds)."""
    finals: dict[str, list[float]] = defaultdict(list)
    for curve in curves:
        if math.isfinite(curve.final(max_t)):
            finals[curve.setting].append(curve.final(max_t))
    variances = [np.var(v, ddof=1) for v in finals.values() if len(v) > 1]
    return float(np.sqrt(np.mean(variances))) if variances else 0.0


def pool_of(frame: pd.DataFrame, name: str, noise: float | None = None, source: str = "") -> Pool:
    """A pool from a results frame; without a measured `noise`, the seed spread."""
    missing = [c for c in REQUIRED if c not in frame]
    if missing:
        raise ValueError(
            f"pool {name}: no column {', '.join(missing)}; a pool is a table with "
            f"{', '.join(REQUIRED)}, the metric's column and config.*"
        )
    max_t = int(frame["max_t"].iloc[0])
    curves = curves_of(frame)
    if noise is None:
        noise = seed_spread(curves, max_t)
        source = (
            "spread of the final value over each setting's seeds"
            if noise
            else ("unknown (one seed per setting, no record): within delta equals exact")
        )
    return Pool(name, curves, max_t, noise, str(frame["metric"].iloc[0]), source)


def read_pool(path: str | Path) -> Pool:
    """A pool file, with the noise its JSON record gives (if any)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no pool at {path}")
    frame = pd.read_parquet(path)
    record_path = path.with_suffix(".json")
    record = json.loads(record_path.read_text()) if record_path.is_file() else {}
    noise = record.get("noise", {})
    if "std" not in noise:
        return pool_of(frame, path.stem)
    source = noise.get("source") or (
        f"best trial under {noise['seeds']} evaluation seeds, {noise['eval_samples']} samples"
    )
    return pool_of(frame, path.stem, float(noise["std"]), source)


def one_seed_each(curves: list[Curve], rng: np.random.Generator) -> list[Curve]:
    """The pool as recorded, one seed per setting (a search tries each setting once)."""
    by_setting: dict[str, list[Curve]] = defaultdict(list)
    for curve in curves:
        by_setting[curve.setting].append(curve)
    return [seeds[int(rng.integers(len(seeds)))] for seeds in by_setting.values()]
