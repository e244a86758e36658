"""What gantune adds to Ray's ASHA (the schedulers a spec can name are in
`search.scheduler_kinds`).

Two things Ray's ASHA does not do for us:
- It does not say why a trial ended. `RecordingASHA` writes every early stop (a STOP
  before the trial's own `max_iterations`) to the experiment's stop record, so the
  progress lines, the study store (PRUNED) and the analysis know what the scheduler
  decided instead of guessing from iteration counts.
- It ranks a diverged trial (metric = inf) as -inf and takes rung cutoffs with a
  percentile, so a rung holding [-inf, x] gets a cutoff of -inf (or NaN) and stops
  nothing. `RecordingASHA` stops a diverged trial at once, as the worst would be, and
  keeps it out of every rung, so it never lowers the bar for the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ray.tune.schedulers import (
    ASHAScheduler,
    TrialScheduler,
)

from trainables.experiment.files import STOPS_FILE, append_line, scheduler_stops
from trainables.ray_internals import asha_settings, count_stop


class StopRecord:
    """Per trial, the iteration at which the scheduler stopped it early; appended to the
    experiment's stop record file as decisions are made (the last decision wins).

    Tune pickles the scheduler and the callbacks into the experiment (`tuner.pkl`) and
    unpickles them on `--resume`: only the directory travels, and the decisions are read
    back from the file."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / STOPS_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        self.stops: dict[str, int] = scheduler_stops(self.directory) or {}

    def __getstate__(self) -> dict[str, Any]:
        return {"directory": self.directory}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["directory"])

    def add(self, trial_id: str, iteration: int) -> None:
        self.stops[trial_id] = iteration
        append_line(self.path, {"trial_id": trial_id, "iteration": iteration}, sync=True)

    def get(self, trial_id: str) -> int | None:
        return self.stops.get(trial_id)


class MemoryRecord:
    """A stop record kept in memory (replays make thousands of decisions)."""

    def __init__(self) -> None:
        self.stops: dict[str, int] = {}

    def add(self, trial_id: str, iteration: int) -> None:
        self.stops[trial_id] = iteration

    def get(self, trial_id: str) -> int | None:
        return self.stops.get(trial_id)


Record = StopRecord | MemoryRecord


class RecordingASHA(ASHAScheduler):
    def __init__(self, record: Record, **options: Any) -> None:
        super().__init__(**options)
        self.record = record

    def on_trial_result(self, tune_controller: Any, trial: Any, result: dict) -> str:
        if result.get("diverged"):
            count_stop(self)
            return TrialScheduler.STOP
        action = super().on_trial_result(tune_controller, trial, result)
        time_attr, max_t, _, _ = asha_settings(self)
        iteration = result.get(time_attr, 0)
        own_end = trial.config.get("max_iterations", max_t)
        if action == TrialScheduler.STOP and iteration < own_end:
            self.record.add(trial.trial_id, int(iteration))
        return action

    def on_trial_complete(self, tune_controller: Any, trial: Any, result: dict) -> None:
        if result.get("diverged"):
            self.on_trial_remove(tune_controller, trial)  # forget it, record nothing
            return
        super().on_trial_complete(tune_controller, trial, result)
