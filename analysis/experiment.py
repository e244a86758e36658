"""An experiment directory's files, read without Ray: its spec, where its study store is,
and what the scheduler decided. The search driver writes them; the study mirror and the
analysis read them through here."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any

import optuna
import sqlalchemy.exc
import yaml

from trainables.session import RESULTS_LOG

SPEC_FILE = "spec.yaml"
TUNE_RESULTS = "result.json"  # Tune's own log, which can lose lines when a trial restarts
STOPS_FILE = "scheduler_stops.jsonl"  # one line per trial the scheduler stopped early
SCHEMA_TRIES = 8  # studies that open a new database at once race to create its tables


def read_spec(directory: Path) -> dict[str, Any]:
    """The experiment's spec as written (a mapping), or {} when there is none."""
    path = Path(directory) / SPEC_FILE
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text()) or {}
    return loaded if isinstance(loaded, dict) else {}


def default_store(directory: Path) -> str:
    return f"sqlite:///{Path(directory) / 'study.db'}"


def store_url(directory: Path, spec: dict[str, Any]) -> str:
    return spec.get("study_store") or default_store(Path(directory).resolve())


def open_storage(url: str) -> optuna.storages.BaseStorage:
    """An SQLAlchemy URL, or `journal:<file>` for Optuna's journal file storage."""
    if url.startswith("journal:"):
        backend = optuna.storages.journal.JournalFileBackend(url.removeprefix("journal:"))
        return optuna.storages.JournalStorage(backend)
    for attempt in range(1, SCHEMA_TRIES):
        try:
            return optuna.storages.RDBStorage(url)
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError) as error:
            # Another process created the same table or version row first (PostgreSQL
            # reports a unique violation on its catalogue): its schema is now there.
            if not _created_concurrently(error):
                raise
            time.sleep(random.uniform(0.05, 0.3) * attempt)
    return optuna.storages.RDBStorage(url)  # the last try: its error is the caller's


def _created_concurrently(error: Exception) -> bool:
    text = str(error).lower()
    return "duplicate key" in text or "already exists" in text or "unique constraint" in text


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
