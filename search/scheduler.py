"""The schedulers a spec can name, and what gantune adds to ASHA.

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

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ray import tune
from ray.tune.schedulers import (
    ASHAScheduler,
    FIFOScheduler,
    PopulationBasedTraining,
    TrialScheduler,
)

from analysis.experiment import STOPS_FILE, scheduler_stops
from spaces.params import Choice, Float


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
        with open(self.path, "a") as handle:
            handle.write(json.dumps({"trial_id": trial_id, "iteration": iteration}) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def get(self, trial_id: str) -> int | None:
        return self.stops.get(trial_id)


class RecordingASHA(ASHAScheduler):
    def __init__(self, record: StopRecord, **options: Any) -> None:
        super().__init__(**options)
        self.record = record

    def on_trial_result(self, tune_controller: Any, trial: Any, result: dict) -> str:
        if result.get("diverged"):
            self._num_stopped += 1
            return TrialScheduler.STOP
        action = super().on_trial_result(tune_controller, trial, result)
        iteration = result.get(self._time_attr, 0)
        own_end = trial.config.get("max_iterations", self._max_t)
        if action == TrialScheduler.STOP and iteration < own_end:
            self.record.add(trial.trial_id, int(iteration))
        return action

    def on_trial_complete(self, tune_controller: Any, trial: Any, result: dict) -> None:
        if result.get("diverged"):
            self.on_trial_remove(tune_controller, trial)  # forget it, record nothing
            return
        super().on_trial_complete(tune_controller, trial, result)


def tune_domain(param: Any) -> Any:
    """A preset param as a Tune sampling domain (PBT samples and mutates without Optuna)."""
    if isinstance(param, Float):
        return (tune.loguniform if param.log else tune.uniform)(param.low, param.high)
    if isinstance(param, Choice):
        return tune.choice(list(param.options))
    return param.value


def asha(spec: Any, record: StopRecord) -> TrialScheduler:
    s = spec.scheduler  # metric and mode come from TuneConfig
    return RecordingASHA(
        record,
        time_attr="training_iteration",
        max_t=s.max_t,
        grace_period=s.grace_period,
        reduction_factor=s.reduction_factor,
    )


def pbt(spec: Any, record: StopRecord) -> TrialScheduler:
    """Perturbs the family's mutable parameters that the preset ranges; weak trials restart
    from strong ones' checkpoints. PBT stops nothing early."""
    params = spec.preset_object().params
    mutations = {
        name: tune_domain(params[name])
        for name in spec.describe().pbt_mutable
        if isinstance(params.get(name), Float)
    }
    return PopulationBasedTraining(
        time_attr="training_iteration",
        perturbation_interval=spec.scheduler.perturbation_interval,
        hyperparam_mutations=mutations,
    )


SCHEDULERS: dict[str, Callable[[Any, StopRecord], TrialScheduler]] = {
    "asha": asha,
    "fifo": lambda spec, record: FIFOScheduler(),
    "pbt": pbt,
}
