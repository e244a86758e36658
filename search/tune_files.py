"""Reading what Tune persisted in an experiment dir, without Ray: its latest synced
snapshot (experiment_state-<timestamp>.json) lists the trials the experiment really has.
After a hard kill and a resume, the dir may also hold orphan trial dirs that no snapshot
knows; readers go through this list, not through the dirs on disk."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SnapshotTrial:
    trial_id: str
    status: str  # PENDING, RUNNING, PAUSED, TERMINATED or ERROR
    directory: Path
    last_result: dict[str, Any]
    config: dict[str, Any]

    @property
    def ended(self) -> bool:
        return self.status in ("TERMINATED", "ERROR")


def loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def latest_snapshot(experiment_dir: Path) -> Path | None:
    # Names carry the session's start time; mtimes do not help (a resumed session re-syncs
    # the older files too).
    snapshots = sorted(experiment_dir.glob("experiment_state-*.json"), key=lambda p: p.name)
    return snapshots[-1] if snapshots else None


def snapshot_trials(experiment_dir: Path) -> list[SnapshotTrial]:
    snapshot = latest_snapshot(experiment_dir)
    if snapshot is None:
        return []
    trials = []
    for trial_json, metadata_json in json.loads(snapshot.read_text())["trial_data"]:
        trial, metadata = loads(trial_json), loads(metadata_json)
        directory = experiment_dir / trial["relative_logdir"]
        params = directory / "params.json"
        config = json.loads(params.read_text()) if params.is_file() else loads(trial["config"])
        last = loads(metadata.get("last_result")) or {}
        trials.append(SnapshotTrial(trial["trial_id"], trial["status"], directory, last, config))
    return trials
