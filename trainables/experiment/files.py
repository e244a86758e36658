"""Every file and folder an experiment holds, by name, with its reader and writer.

    <experiment>/spec.yaml, spec.sha256       the spec, and its digest (a resume checks it)
    <experiment>/study.db                     the default (SQLite) study store
    <experiment>/scheduler_stops.jsonl        the scheduler's early stops, as it made them
    <experiment>/scheduler_inputs.jsonl       what the scheduler was told (a resume tells it again)
    <experiment>/ray_processes.json           the driver's local Ray processes (PIDs)
    <experiment>/experiment_state-*.json      Tune's snapshots of its trials
    <experiment>/results.parquet, report.html the analysis
    <trial>/result.jsonl                      gantune's log of every report (never rewritten)
    <trial>/result.json                       Tune's own log (can lose lines on a restart)
    <trial>/config.json                       the resolved config
    <trial>/samples/iteration_NNNN.png        a picture of progress per iteration
    <trial>/checkpoint_NNNNNN/state.pt        a checkpoint, and its iteration's report in
    <trial>/checkpoint_NNNNNN/result.json     result.json beside it, and lineage.json: the
                                              checkpoints its training was restored from

Tune writes the snapshots (its internal format: read through the Ray version check).
"""

from __future__ import annotations

import json
import os
import pickle
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import yaml

from gantune.trainables.data.cache import atomic_write

SPEC_FILE = "spec.yaml"
SPEC_DIGEST_FILE = "spec.sha256"
STUDY_DB = "study.db"
STOPS_FILE = "scheduler_stops.jsonl"
SCHEDULER_INPUTS_FILE = "scheduler_inputs.jsonl"
PROCESSES_FILE = "ray_processes.json"
SNAPSHOTS = "experiment_state-*.json"
PARQUET_FILE = "results.parquet"
REPORT_FILE = "report.html"
RESULTS_LOG = "result.jsonl"
TUNE_RESULTS = "result.json"
CONFIG_FILE = "config.json"
SAMPLES = "samples"
STATE_FILE = "state.pt"
RESULT_FILE = "result.json"  # in a checkpoint: that iteration's report
LINEAGE_FILE = "lineage.json"  # in a checkpoint: the checkpoints its training descends from
CHECKPOINT = re.compile(r"checkpoint_(\d{6})")
SLIM = "slim"  # a checkpoint cut down to what inference reads: it cannot resume training


# -- the experiment ----------------------------------------------------------------------
def read_spec(directory: Path) -> dict[str, Any]:
    """The experiment's spec as written (a mapping), or {} when there is none."""
    path = Path(directory) / SPEC_FILE
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text()) or {}
    return loaded if isinstance(loaded, dict) else {}


def default_store(directory: Path) -> str:
    return f"sqlite:///{Path(directory) / STUDY_DB}"


def store_url(directory: Path, spec: dict[str, Any]) -> str:
    return spec.get("study_store") or default_store(Path(directory).resolve())


def scheduler_stops(directory: Path) -> dict[str, int] | None:
    """Per trial id, the iteration at which the scheduler stopped it before its own end
    (the last decision wins); None for an experiment that recorded no decisions (written
    before gantune recorded them)."""
    path = Path(directory) / STOPS_FILE
    if not path.is_file():
        return None
    stops: dict[str, int] = {}
    for line in path.read_text().splitlines():
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a kill; the decision is made again on resume
            stops[row["trial_id"]] = int(row["iteration"])
    return stops


def append_line(path: Path, row: dict[str, Any], sync: bool = False) -> None:
    """One JSON line appended (and forced to disk when `sync`: a decision must survive a
    hard kill of the driver)."""
    with open(path, "a") as handle:
        handle.write(json.dumps(row, default=str) + "\n")
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


def has_snapshot(directory: Path) -> bool:
    return any(Path(directory).glob(SNAPSHOTS))


# -- a trial -----------------------------------------------------------------------------
def result_rows(trial_dir: Path) -> list[dict[str, Any]]:
    """A trial's reports, one per iteration, from gantune's own log (`result.jsonl`,
    appended as results arrive and never rewritten) or, for older experiments, Tune's
    `result.json`. When a resumed trial reported an iteration again, the last one wins."""
    for name in (RESULTS_LOG, TUNE_RESULTS):
        path = Path(trial_dir) / name
        if path.is_file():
            break
    else:
        return []
    by_iteration: dict[int, dict[str, Any]] = {}
    for line in path.read_text().splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue  # empty, or cut short by a kill
        if isinstance(row, dict) and "training_iteration" in row:
            by_iteration[int(row["training_iteration"])] = row
    return [by_iteration[k] for k in sorted(by_iteration)]


def trial_dirs_with_results(directory: Path) -> set[Path]:
    return {p.parent for name in (RESULTS_LOG, TUNE_RESULTS) for p in directory.glob(f"*/{name}")}


def write_config(trial_dir: Path, config: dict[str, Any]) -> None:
    (trial_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2, default=str))


def grid_path(trial_dir: Path, iteration: int) -> Path:
    return trial_dir / SAMPLES / f"iteration_{iteration:04d}.png"


def grid_files(trial_dir: Path) -> list[Path]:
    return sorted(Path(trial_dir).glob(f"{SAMPLES}/iteration_*.png"))


def checkpoint_name(iteration: int) -> str:
    return f"checkpoint_{iteration:06d}"


def checkpoints(trial_dir: Path) -> list[Path]:
    """The trial's checkpoint folders, oldest first."""
    found = [p for p in Path(trial_dir).glob("checkpoint_*") if CHECKPOINT.fullmatch(p.name)]
    return sorted(found, key=lambda p: p.name)


# -- a checkpoint ------------------------------------------------------------------------
def read_state(directory: str | Path) -> dict[str, Any]:
    """A checkpoint's state. `weights_only`: tensors and plain containers only, so a
    checkpoint from elsewhere cannot run code when it is loaded."""
    path = Path(directory)
    path = path if path.is_file() else path / STATE_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"no checkpoint at {directory} (expected a directory with {STATE_FILE})"
        )
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        first = str(error).strip().splitlines()[0]
        raise ValueError(
            f"{path} holds more than tensors and plain values; refusing to load it ({first})"
        ) from None


def write_state(directory: Path, state: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    torch.save(state, directory / STATE_FILE)
    return directory


def slim_state(directory: Path, keep: tuple[str, ...]) -> int:
    """Cut a checkpoint's trainer state down to the entries in `keep` (the weights
    `generate` and `translate` read), in place and atomically; the bytes saved."""
    path = Path(directory) / STATE_FILE
    state = read_state(path)
    if state.get(SLIM) or not keep:
        return 0
    before = path.stat().st_size
    trainer = state["trainer"]
    state["trainer"] = {name: trainer[name] for name in keep if name in trainer}
    state.pop("rng", None)
    state.pop("cuda_rng", None)
    state[SLIM] = True
    atomic_write(path, lambda tmp: torch.save(state, tmp))
    return before - path.stat().st_size


# -- Tune's snapshots --------------------------------------------------------------------
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
    names = re.findall(rb"checkpoint_\d{6}", raw)
    return max(names).decode() if names else None


def latest_snapshot(experiment_dir: Path) -> Path | None:
    # Names carry the session's start time; mtimes do not help (a resumed session re-syncs
    # the older files too).
    snapshots = sorted(Path(experiment_dir).glob(SNAPSHOTS), key=lambda p: p.name)
    return snapshots[-1] if snapshots else None


def read_snapshot(path: Path, tries: int = 20, wait_s: float = 0.25) -> dict[str, Any]:
    """Tune rewrites its snapshot in place: a reader can catch it empty or cut short. Read
    again until it parses (a few seconds at most), then fail naming the file."""
    for attempt in range(tries):
        try:
            return json.loads(path.read_text())
        except (json.JSONDecodeError, UnicodeDecodeError):
            if attempt == tries - 1:
                raise ValueError(
                    f"{path} did not parse in {tries} reads (Tune was writing it?)"
                ) from None
            time.sleep(wait_s)
    raise AssertionError("unreachable")


def snapshot_trials(experiment_dir: Path) -> list[SnapshotTrial]:
    """The trials Tune's latest synced snapshot lists: the ones the experiment really has
    (after a hard kill and a resume, orphan trial dirs may lie beside them)."""
    from gantune.trainables.ray_internals import check_ray

    snapshot = latest_snapshot(experiment_dir)
    if snapshot is None:
        return []  # no Tune run (a run without Ray): nothing of Ray's to check
    check_ray("Tune's experiment snapshot format")
    trials = []
    for trial_json, metadata_json in read_snapshot(snapshot)["trial_data"]:
        trial, metadata = loads(trial_json), loads(metadata_json)
        directory = Path(experiment_dir) / trial["relative_logdir"]
        config = loads(trial["config"])  # the trial's current config (with PBT mutations)
        last = loads(metadata.get("last_result")) or {}
        start = restore_point(metadata.get("checkpoint_manager"))
        trials.append(
            SnapshotTrial(trial["trial_id"], trial["status"], directory, last, config, start)
        )
    return trials
