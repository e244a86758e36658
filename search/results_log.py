"""gantune's own log of every trial's results, written by the driver as results arrive.

Tune's `result.json` can lose lines: when a trial restarts from a checkpoint (a lost node,
a retry), Tune copies the trial's files back from the storage path, which the driver
syncs only now and then, over the newer local ones. This log is appended straight into
each trial's directory on the storage path and never rewritten; readers take the last
report of each iteration (`analysis.experiment.result_rows`).

A restarted trial replays the report of the checkpoint it resumed from
(`trainables.resume_point`); the log keeps that replay only if the iteration is not in it
yet, so each iteration is logged once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ray import tune

from gantune.trainables.experiment.files import RESULTS_LOG, append_line, result_rows
from gantune.trainables.resume_point import REPLAYED


class ResultLog(tune.Callback):
    def __init__(self) -> None:
        self.logged: dict[str, set[int]] = {}  # per trial: the iterations in its log

    def on_trial_result(
        self, iteration: int, trials: list, trial: Any, result: dict, **info: Any
    ) -> None:
        directory = Path(trial.path)
        if trial.trial_id not in self.logged:  # read once, so a resumed driver knows too
            rows = result_rows(directory)
            self.logged[trial.trial_id] = {int(row["training_iteration"]) for row in rows}
        logged, step = self.logged[trial.trial_id], int(result.get("training_iteration", 0))
        if result.get(REPLAYED) and step in logged:
            return  # the driver had this report before the trial's restart
        directory.mkdir(parents=True, exist_ok=True)
        row = {key: value for key, value in result.items() if key != REPLAYED}
        append_line(directory / RESULTS_LOG, row)
        logged.add(step)
