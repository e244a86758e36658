"""Experiment directories written by hand, shaped as Tune and gantune write them, so the
store, the pruner and the outcome rule can be tested without running Ray."""

from __future__ import annotations

import json
from pathlib import Path

from gantune.trainables.experiment.files import STOPS_FILE


def trial(trial_id: str, status: str, fids: list[float], config: dict | None = None, **last):
    return {"id": trial_id, "status": status, "fids": fids, "config": config or {}, "last": last}


def write_experiment(directory: Path, trials: list[dict], stops: dict[str, int] | None = None):
    """A synced snapshot listing `trials`, each with a result.json of its FID per iteration."""
    rows = []
    for spec in trials:
        trial_dir = directory / f"trial_{spec['id']}"
        trial_dir.mkdir(parents=True, exist_ok=True)
        lines = [
            {"trial_id": spec["id"], "training_iteration": i, "fid": value, "diverged": False}
            for i, value in enumerate(spec["fids"], start=1)
        ]
        last = (lines[-1] if lines else {"training_iteration": 0}) | spec["last"]
        if lines:
            lines[-1] = last
        (trial_dir / "result.json").write_text("".join(json.dumps(r) + "\n" for r in lines))
        record = {
            "trial_id": spec["id"],
            "status": spec["status"],
            "relative_logdir": trial_dir.name,
            "config": json.dumps(spec["config"]),
        }
        metadata = {"last_result": json.dumps(last), "checkpoint_manager": None}
        rows.append([json.dumps(record), json.dumps(metadata)])
    snapshot = {"trial_data": rows}
    (directory / "experiment_state-2026-01-01_00-00-00.json").write_text(json.dumps(snapshot))
    path = directory / STOPS_FILE
    path.write_text(
        "".join(
            json.dumps({"trial_id": k, "iteration": v}) + "\n" for k, v in (stops or {}).items()
        )
    )
