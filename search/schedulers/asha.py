"""What gantune adds to Ray's ASHA.

Three things Ray's ASHA does not do for us:
- It does not say why a trial ended. `RecordingASHA` writes every early stop (a STOP
  before the trial's own `max_iterations`) to the experiment's stop record, so the
  progress lines, the study store (PRUNED) and the analysis know what the scheduler
  decided instead of guessing from iteration counts.
- It ranks a diverged trial (metric = inf) as -inf and takes rung cutoffs with a
  percentile, so a rung holding [-inf, x] gets a cutoff of -inf (or NaN) and stops
  nothing. `RecordingASHA` stops a diverged trial at once, as the worst would be, and
  keeps it out of every rung, so it never lowers the bar for the others.
- It forgets its rungs on `--resume` (Tune restores the scheduler as it was pickled when
  the study started). `RecordingASHA` logs what it is told and is told it again
  (`records.Remembering`).
"""

from __future__ import annotations

from typing import Any

from ray.tune.schedulers import ASHAScheduler, TrialScheduler

from gantune.search.schedulers.records import (
    MemoryRecord,
    Record,
    Remembering,
    StopRecord,
    own_end,
)
from gantune.trainables.ray_internals import asha_settings, count_stop

__all__ = ["MemoryRecord", "Record", "RecordingASHA", "StopRecord"]


class RecordingASHA(Remembering, ASHAScheduler):
    def __init__(self, record: Record, **options: Any) -> None:
        super().__init__(**options)
        self.record = record

    def on_trial_add(self, tune_controller: Any, trial: Any) -> None:
        self.remember("add", trial)
        super().on_trial_add(tune_controller, trial)

    def on_trial_remove(self, tune_controller: Any, trial: Any) -> None:
        self.remember("remove", trial)
        super().on_trial_remove(tune_controller, trial)

    def on_trial_result(self, tune_controller: Any, trial: Any, result: dict) -> str:
        self.remember("result", trial, result)
        return self.decide(tune_controller, trial, result)

    def on_trial_complete(self, tune_controller: Any, trial: Any, result: dict) -> None:
        self.remember("complete", trial, result)
        self.complete(tune_controller, trial, result)

    def decide(self, tune_controller: Any, trial: Any, result: dict) -> str:
        """ASHA's decision on a result, diverged trials stopped, early stops recorded."""
        if result.get("diverged"):
            count_stop(self)
            return TrialScheduler.STOP
        action = super().on_trial_result(tune_controller, trial, result)
        time_attr, max_t, _, _ = asha_settings(self)
        iteration = result.get(time_attr, 0)
        if action == TrialScheduler.STOP and iteration < own_end(trial, max_t):
            self.stop_early(trial.trial_id, int(iteration))
        return action

    def complete(self, tune_controller: Any, trial: Any, result: dict) -> None:
        if result.get("diverged"):
            super().on_trial_remove(tune_controller, trial)  # forget it, record nothing
            return
        super().on_trial_complete(tune_controller, trial, result)
