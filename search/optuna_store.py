"""The mirror of Tune trials into an Optuna study (the "study store").

Each Tune trial becomes one study trial, written once its end is durable: its params with
their distributions (replayed from the define-by-run space), every iteration's metric as
an intermediate value, the Tune trial id as a user attribute, and its state: PRUNED when
ASHA stopped it before max_t, FAIL when it errored or diverged, COMPLETE otherwise.

"Durable" means Tune's latest synced snapshot (see `search.tune_files`) lists it as
ended: a resumed experiment restarts from that snapshot, so a trial written earlier could
be re-run with a different outcome. Reading the snapshot (configs included) and each
trial's result.json makes the store follow Tune's persisted view exactly: no RUNNING
rows, one study trial per Tune trial, even after a hard kill and a resume.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution
from optuna.trial import TrialState

from search.tune_files import snapshot_trials

TUNE_ID = "tune_trial_id"
Replay = Callable[[dict[str, Any]], dict[str, BaseDistribution]]


def default_store(experiment_dir: Path) -> str:
    return f"sqlite:///{experiment_dir / 'study.db'}"


def open_storage(url: str) -> optuna.storages.BaseStorage:
    """An SQLAlchemy URL, or `journal:<file>` for Optuna's journal file storage."""
    if url.startswith("journal:"):
        backend = optuna.storages.journal.JournalFileBackend(url.removeprefix("journal:"))
        return optuna.storages.JournalStorage(backend)
    return optuna.storages.RDBStorage(url)


def open_study(url: str, name: str, mode: str) -> optuna.Study:
    direction = "minimize" if mode == "min" else "maximize"
    return optuna.create_study(
        storage=open_storage(url), study_name=name, direction=direction, load_if_exists=True
    )


@dataclass
class EndedTrial:
    trial_id: str
    errored: bool
    config: dict[str, Any]
    last: dict[str, Any]
    history: dict[int, float]
    directory: Path


def metric_history(trial_dir: Path, metric: str, last_iteration: int) -> dict[int, float]:
    """Per iteration, the last value reported (a resumed trial may report one again)."""
    history: dict[int, float] = {}
    path = trial_dir / "result.json"
    if not path.is_file():
        return history
    for line in path.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            iteration = int(row.get("training_iteration", 0))
            if metric in row and 0 < iteration <= last_iteration:
                history[iteration] = float(row[metric])
    return history


def ended_trials(experiment_dir: Path, metric: str) -> Iterator[EndedTrial]:
    """The trials Tune's latest synced snapshot records as ended."""
    for trial in snapshot_trials(experiment_dir):
        if trial.ended:
            last_iteration = int(trial.last_result.get("training_iteration", 0))
            yield EndedTrial(
                trial.trial_id,
                trial.status == "ERROR",
                trial.config,
                trial.last_result,
                metric_history(trial.directory, metric, last_iteration),
                trial.directory,
            )


def trial_state(trial: EndedTrial, max_t: int) -> TrialState:
    if trial.errored or trial.last.get("diverged"):
        return TrialState.FAIL
    if trial.last.get("training_iteration", 0) < max_t:
        return TrialState.PRUNED  # ASHA stopped it early
    return TrialState.COMPLETE


def contains(distribution: BaseDistribution, value: Any) -> bool:
    if isinstance(distribution, CategoricalDistribution):
        return value in distribution.choices
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return distribution.low <= value <= distribution.high


def frozen_trial(trial: EndedTrial, distributions: dict, state: TrialState, metric: str):
    attrs: dict[str, Any] = {TUNE_ID: trial.trial_id, "trial_dir": str(trial.directory)}
    if trial.last.get("diverged"):
        attrs["diverged"] = True
    if trial.errored:
        attrs["error"] = "the trial raised; see error.txt in its directory"
    params, kept = {}, {}
    for name, distribution in distributions.items():
        value = trial.config.get(name)
        if contains(distribution, value):
            params[name], kept[name] = value, distribution
        else:  # e.g. a published point outside the preset's range: keep it as an attribute
            attrs[f"param:{name}"] = value
    value = trial.last.get(metric) if state == TrialState.COMPLETE else None
    return optuna.trial.create_trial(
        state=state,
        value=value,
        params=params,
        distributions=kept,
        user_attrs=attrs,
        intermediate_values={k: v for k, v in trial.history.items() if not math.isnan(v)},
    )


@dataclass
class StoreMirror:
    """Writes the durably ended trials of an experiment that the store lacks."""

    store: str
    study_name: str
    experiment_dir: Path
    metric: str
    mode: str
    max_t: int
    replay: Replay

    def sync(self) -> int:
        study = open_study(self.store, self.study_name, self.mode)
        written = {t.user_attrs.get(TUNE_ID) for t in study.get_trials(deepcopy=False)}
        added = 0
        for trial in ended_trials(self.experiment_dir, self.metric):
            if trial.trial_id in written:
                continue
            state = trial_state(trial, self.max_t)
            study.add_trial(frozen_trial(trial, self.replay(trial.config), state, self.metric))
            added += 1
        return added
