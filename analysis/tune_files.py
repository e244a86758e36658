"""Reading what Tune persisted in an experiment dir, without Ray: its latest synced
snapshot (experiment_state-<timestamp>.json) lists the trials the experiment really has.
After a hard kill and a resume, the dir may also hold orphan trial dirs that no snapshot
knows; readers go through this list, not through the dirs on disk."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHECKPOINT_NAME = re.compile(rb"checkpoint_\d{6}")


@dataclass(frozen=True)
class SnapshotTrial:
    trial_id: str
    status: str  # PENDING, RUNNING, PAUSED, TERMINATED or ERROR
    directory: Path
    last_result: dict[str, Any]
    config: dict[str, Any]
    restore_point: str | None  # the checkpoint dir a resume would restore this trial from

    @property
    def ended(self) -> bool:
        return self.status in ("TERMINATED", "ERROR")


def loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def restore_point(manager: Any) -> str | None:
    """The newest checkpoint dir a trial's checkpoint manager names: where a resume starts.
    Tune stores the manager cloudpickled (hex); its paths are plain bytes inside."""
    raw = json.dumps(manager).encode()
    if isinstance(manager, dict) and isinstance(manager.get("value"), str):
        raw += bytes.fromhex(manager["value"])
    names = CHECKPOINT_NAME.findall(raw)
    return max(names).decode() if names else None


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
        config = loads(trial["config"])  # the trial's current config (with PBT mutations)
        last = loads(metadata.get("last_result")) or {}
        start = restore_point(metadata.get("checkpoint_manager"))
        trials.append(
            SnapshotTrial(trial["trial_id"], trial["status"], directory, last, config, start)
        )
    return trials
