"""Experiment directories -> one tidy DataFrame (one row per trial and iteration) -> Parquet.

Columns: experiment, trial_id, training_iteration, the reported metrics (the family's
metric, losses, images_seen, epoch, diverged, train and eval seconds...), `config.*`
(every config value), family, `variant` (the value of the family's stratify key: a GAN's
loss, a VAE's latent size), status (finished / stopped / diverged / error / running, by
`analysis.outcome`), stopped_at, early_stopped, best_so_far (the best metric of the trial
up to that iteration), metric, mode, max_t, concurrency (the spec's trials at once),
trial_dir. Everything else in `analysis`
reads this frame; it round-trips through Parquet without Ray.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from gantune.spaces.family import FAMILY_SPACES
from gantune.trainables.experiment.files import (
    read_spec,
    result_rows,
    scheduler_stops,
    snapshot_trials,
    trial_dirs_with_results,
)
from gantune.trainables.experiment.outcome import outcome

DROP_RAY_FIELDS = (
    "checkpoint_dir_name", "should_checkpoint", "done", "date", "pid", "hostname", "node_ip",
    "time_this_iter_s", "time_since_restore", "iterations_since_restore",
)  # fmt: skip


def family_stratify_by(family: str) -> str:
    from gantune import spaces  # noqa: F401  (registers the built-in families)

    return FAMILY_SPACES.get(family).stratify_by


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in row.items() if k not in DROP_RAY_FIELDS and k != "config"}
    for key, value in (row.get("config") or {}).items():
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                flat[f"config.{key}.{inner}"] = inner_value
        else:
            flat[f"config.{key}"] = value
    return flat


def trial_dirs(directory: Path) -> list[tuple[Path, str]]:
    """The experiment's trials as Tune's latest snapshot lists them (orphan dirs of a killed
    run are skipped); without a snapshot, every dir holding results ("" status)."""
    listed = snapshot_trials(directory)
    if listed:
        return [(t.directory, t.status) for t in listed]
    return [(path, "") for path in sorted(trial_dirs_with_results(directory))]


def load_experiment(directory: str | Path) -> pd.DataFrame:
    directory = Path(directory)
    spec = read_spec(directory)
    if not spec:
        raise FileNotFoundError(f"{directory} is not a gantune experiment (no spec.yaml)")
    metric, mode, max_t = spec["metric"], spec["mode"], int(spec["scheduler"]["max_t"])
    # Specs from before the family seam name no stratify key: the family's is meant.
    stratify_by = spec.get("stratify_by") or family_stratify_by(spec["family"])
    stops = scheduler_stops(directory)
    legacy_max_t = max_t if stops is None else None
    rows: list[dict[str, Any]] = []
    for trial_dir, tune_status in trial_dirs(directory):
        reports = [flatten(row) for row in result_rows(trial_dir)]
        if not reports:
            continue
        trial_id = reports[-1]["trial_id"]
        ended = outcome(tune_status, reports[-1], (stops or {}).get(trial_id), legacy_max_t)
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
                    "status": ended.kind,
                    "stopped_at": ended.at if ended.kind == "stopped" else None,
                    "early_stopped": ended.kind == "stopped",
                    "best_so_far": best,
                    "max_t": max_t,
                    "concurrency": int(spec.get("max_concurrent_trials", 1)),
                    "metric": metric,
                    "mode": mode,
                    "family": spec["family"],
                    "stratify_by": stratify_by,
                    "variant": str(report.get(f"config.{stratify_by}", "-")),
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        raise ValueError(f"{directory} holds no trial results yet")
    return frame.sort_values(["experiment", "trial_id", "training_iteration"]).reset_index(
        drop=True
    )


def load(directories: Iterable[str | Path]) -> pd.DataFrame:
    """Several experiments in one frame. They must share a metric and its mode; with more
    than one family, variants are prefixed by their family ("vae 100")."""
    frames = [load_experiment(d) for d in directories]
    kinds = {(f["metric"].iloc[0], f["mode"].iloc[0]) for f in frames}
    if len(kinds) > 1:
        listed = ", ".join(
            f"{f['experiment'].iloc[0]}: {f['metric'].iloc[0]} ({f['mode'].iloc[0]})"
            for f in frames
        )
        raise ValueError(f"experiments with different metrics cannot share a report: {listed}")
    frame = pd.concat(frames, ignore_index=True)
    if frame["family"].nunique() > 1:
        frame["variant"] = frame["family"] + " " + frame["variant"]
    return frame


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
