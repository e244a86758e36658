"""Experiment directories -> one tidy DataFrame (one row per trial and iteration) -> Parquet.

Columns: experiment, trial_id, training_iteration, the reported metrics (fid, losses,
images_seen, epoch, diverged, ...), `config.*` (every config value), family, loss,
status (finished / stopped / diverged / error), early_stopped, best_so_far (the best
metric of the trial up to that iteration), trial_dir. Everything else in `analysis`
reads this frame; it round-trips through Parquet without Ray.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from search.tune_files import snapshot_trials

RESULT_FILE = "result.json"
PARQUET_FILE = "results.parquet"
DROP_RAY_FIELDS = (
    "checkpoint_dir_name", "should_checkpoint", "done", "date", "pid", "hostname", "node_ip",
    "time_this_iter_s", "time_since_restore", "iterations_since_restore",
)  # fmt: skip


def experiment_spec(directory: Path) -> dict[str, Any]:
    path = directory / "spec.yaml"
    return yaml.safe_load(path.read_text()) if path.is_file() else {}


def trial_rows(trial_dir: Path) -> list[dict[str, Any]]:
    """The trial's reports; when a resumed trial re-reported an iteration, the last one wins."""
    by_iteration: dict[int, dict[str, Any]] = {}
    with open(trial_dir / RESULT_FILE) as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                by_iteration[int(row["training_iteration"])] = row
    return [by_iteration[k] for k in sorted(by_iteration)]


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in row.items() if k not in DROP_RAY_FIELDS and k != "config"}
    for key, value in (row.get("config") or {}).items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[f"config.{key}.{inner}"] = inner_value
        else:
            flat[f"config.{key}"] = value
    return flat


def status_of(last: dict[str, Any], max_t: int, tune_status: str) -> str:
    if tune_status == "ERROR":
        return "error"
    if tune_status not in ("TERMINATED", ""):
        return "running"
    if last.get("diverged"):
        return "diverged"
    return "finished" if last["training_iteration"] >= max_t else "stopped"


def trial_dirs(directory: Path) -> list[tuple[Path, str]]:
    """The experiment's trials as Tune's latest snapshot lists them (orphan dirs of a killed
    run are skipped); without a snapshot, every dir holding results ("" status)."""
    listed = snapshot_trials(directory)
    if listed:
        return [(t.directory, t.status) for t in listed if (t.directory / RESULT_FILE).is_file()]
    return [(path.parent, "") for path in sorted(directory.glob(f"*/{RESULT_FILE}"))]


def load_experiment(directory: str | Path) -> pd.DataFrame:
    directory = Path(directory)
    spec = experiment_spec(directory)
    if not spec:
        raise FileNotFoundError(f"{directory} is not a gantune experiment (no spec.yaml)")
    metric = spec.get("metric") or "fid"
    mode = spec.get("mode") or "min"
    max_t = int(spec["scheduler"]["max_t"])
    rows: list[dict[str, Any]] = []
    for trial_dir, tune_status in trial_dirs(directory):
        reports = [flatten(row) for row in trial_rows(trial_dir)]
        if not reports:
            continue
        status = status_of(reports[-1], max_t, tune_status)
        best = math.inf if mode == "min" else -math.inf
        for report in reports:
            value = report.get(metric, math.nan)
            if isinstance(value, int | float) and not math.isnan(value):
                best = min(best, value) if mode == "min" else max(best, value)
            rows.append(
                report
                | {
                    "experiment": directory.name,
                    "trial_dir": str(trial_dir),
                    "status": status,
                    "early_stopped": status == "stopped",
                    "best_so_far": best,
                    "max_t": max_t,
                    "metric": metric,
                    "mode": mode,
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise ValueError(f"{directory} holds no trial results yet")
    frame["family"] = frame.get("config.family", "gan")
    frame["loss"] = frame.get("config.loss", "-")
    return frame.sort_values(["experiment", "trial_id", "training_iteration"]).reset_index(
        drop=True
    )


def load(directories: Iterable[str | Path]) -> pd.DataFrame:
    return pd.concat([load_experiment(d) for d in directories], ignore_index=True)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    frame.to_parquet(path, engine="pyarrow", index=False)
    return path


def read_parquet(path: str | Path) -> pd.DataFrame:
    return pd.read_parquet(path, engine="pyarrow")


def final_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The last report of every trial (its final metric, status and config)."""
    last = frame.sort_values("training_iteration").groupby(["experiment", "trial_id"]).tail(1)
    return last.reset_index(drop=True)
