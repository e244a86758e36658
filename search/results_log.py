"""gantune's own log of every trial's results, written by the driver as results arrive.

Tune's `result.json` can lose lines: when a trial restarts from a checkpoint (a lost node,
a retry), Tune copies the trial's files back from the storage path, which the driver
syncs only now and then, over the newer local ones. This log is appended straight into
each trial's directory on the storage path and never rewritten; readers take the last
report of each iteration (`analysis.experiment.result_rows`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ray import tune

from trainables.session import RESULTS_LOG


class ResultLog(tune.Callback):
    def on_trial_result(
        self, iteration: int, trials: list, trial: Any, result: dict, **info: Any
    ) -> None:
        directory = Path(trial.path)
        directory.mkdir(parents=True, exist_ok=True)
        with open(directory / RESULTS_LOG, "a") as handle:
            handle.write(json.dumps(result, default=str) + "\n")
