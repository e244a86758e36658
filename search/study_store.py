"""The mirror of Tune trials into an Optuna study (the "study store").

Each Tune trial becomes one study trial, written once its end is durable: its params with
their distributions (replayed from the define-by-run space), every iteration's metric as
an intermediate value, the Tune trial id as a user attribute, and its state from the one
rule of `analysis.outcome`: PRUNED when the scheduler stopped it, FAIL when it errored or
diverged, COMPLETE when it ran to its end.

"Durable" means Tune's latest synced snapshot (see `analysis.tune_files`) lists it as
ended: a resumed experiment restarts from that snapshot. The store follows that view
exactly: when a trial it holds changes (an errored trial re-run by `--resume`) or is
no longer ended there, the study is rebuilt from the snapshot, since Optuna cannot edit
a finished trial. So: no RUNNING rows, one study trial per ended Tune trial, and the
same states and values as Tune, even after a hard kill and a resume.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution
from optuna.trial import FrozenTrial, TrialState

from gantune.trainables.experiment.files import result_rows, scheduler_stops, snapshot_trials
from gantune.trainables.experiment.outcome import Outcome, outcome
from gantune.trainables.experiment.study_store import open_storage

TUNE_ID = "tune_trial_id"
TUNE_STATE = "tune_state"  # what the stored row was written from, to notice changes
Replay = Callable[[dict[str, Any]], dict[str, BaseDistribution]]
STATES = {"finished": TrialState.COMPLETE, "stopped": TrialState.PRUNED}


def check_reachable(url: str) -> None:
    """Open (and, if new, create) the store before any trial starts: a wrong URL, a
    server that is down or a missing folder is one clear error, not a failure later."""
    if url.startswith("journal:"):
        folder = Path(url.removeprefix("journal:")).expanduser().parent
        if not folder.is_dir():
            raise ValueError(f"study store {url}: the folder {folder} does not exist")
    try:
        open_storage(url)
    except Exception as error:  # SQLAlchemy's errors vary by driver
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"study store {url} cannot be opened: {first}") from None


def open_study(url: str, name: str, mode: str) -> optuna.Study:
    direction = "minimize" if mode == "min" else "maximize"
    return optuna.create_study(
        storage=open_storage(url), study_name=name, direction=direction, load_if_exists=True
    )


@dataclass
class EndedTrial:
    trial_id: str
    outcome: Outcome
    config: dict[str, Any]
    last: dict[str, Any]
    directory: Path

    @property
    def state(self) -> TrialState:
        return STATES.get(self.outcome.kind, TrialState.FAIL)

    def key(self) -> str:
        """Changes whenever the row written from this trial would change."""
        return f"{self.outcome}:{self.last.get('training_iteration', 0)}"


def metric_history(trial_dir: Path, metric: str, last_iteration: int) -> dict[int, float]:
    """Per iteration up to the durable last one, the value reported."""
    return {
        int(row["training_iteration"]): float(row[metric])
        for row in result_rows(trial_dir)
        if metric in row and 0 < int(row["training_iteration"]) <= last_iteration
    }


def ended_trials(experiment_dir: Path) -> Iterator[EndedTrial]:
    """The trials Tune's latest synced snapshot records as ended, with their outcomes."""
    stops = scheduler_stops(experiment_dir) or {}
    for trial in snapshot_trials(experiment_dir):
        if trial.ended:
            ended = outcome(trial.status, trial.last_result, stops.get(trial.trial_id))
            yield EndedTrial(
                trial.trial_id, ended, trial.config, trial.last_result, trial.directory
            )


def contains(distribution: BaseDistribution, value: Any) -> bool:
    if isinstance(distribution, CategoricalDistribution):
        return value in distribution.choices
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return distribution.low <= value <= distribution.high


def frozen_trial(trial: EndedTrial, distributions: dict, metric: str) -> FrozenTrial:
    attrs: dict[str, Any] = {
        TUNE_ID: trial.trial_id,
        TUNE_STATE: trial.key(),
        "outcome": str(trial.outcome),
        "trial_dir": str(trial.directory),
    }
    if trial.outcome.kind == "diverged":
        attrs["diverged"] = True
    if trial.outcome.kind == "error":
        attrs["error"] = "the trial raised; see error.txt in its directory"
    params, kept = {}, {}
    for name, distribution in distributions.items():
        value = trial.config.get(name)
        if contains(distribution, value):
            params[name], kept[name] = value, distribution
        else:  # e.g. a published point outside the preset's range: keep it as an attribute
            attrs[f"param:{name}"] = value
    history = metric_history(trial.directory, metric, trial.outcome.at)
    return optuna.trial.create_trial(
        state=trial.state,
        value=trial.last.get(metric) if trial.state == TrialState.COMPLETE else None,
        params=params,
        distributions=kept,
        user_attrs=attrs,
        intermediate_values={k: v for k, v in history.items() if not math.isnan(v)},
    )


@dataclass
class StoreMirror:
    """Makes the study hold exactly the durably ended trials of an experiment."""

    store: str
    study_name: str
    experiment_dir: Path
    metric: str
    mode: str
    replay: Replay

    def frozen(self, trial: EndedTrial) -> FrozenTrial:
        return frozen_trial(trial, self.replay(trial.config), self.metric)

    def __getstate__(self) -> dict[str, Any]:
        # Tune pickles its callbacks into the experiment; the cache stays behind.
        return {k: v for k, v in self.__dict__.items() if k not in ("_study", "_stored")}

    def sync(self) -> int:
        """Write what is missing (or rebuild when a stored row went stale); rows written.
        What the study holds is read once and then kept in memory (this process is the
        store's one writer), so a sync costs the snapshot's size, not the store's."""
        study, stored = self.cached()
        ended = list(ended_trials(self.experiment_dir))
        wanted = {trial.trial_id: trial.key() for trial in ended}
        if any(wanted.get(trial_id) != key for trial_id, key in stored.items()):
            optuna.delete_study(study_name=self.study_name, storage=open_storage(self.store))
            study = open_study(self.store, self.study_name, self.mode)
            stored = {}
            self._study, self._stored = study, stored
        missing = [self.frozen(trial) for trial in ended if trial.trial_id not in stored]
        study.add_trials(missing)
        stored.update({trial.trial_id: trial.key() for trial in ended})
        return len(missing)

    def cached(self) -> tuple[optuna.Study, dict[str, str]]:
        """The study and, per Tune trial id, the state its row was written from."""
        if getattr(self, "_study", None) is None:
            self._study = open_study(self.store, self.study_name, self.mode)
            self._stored = {
                t.user_attrs.get(TUNE_ID): t.user_attrs.get(TUNE_STATE)
                for t in self._study.get_trials(deepcopy=False)
            }
        return self._study, self._stored
