"""What `gantune search` prints while it runs: a line per result, and the table of all
trials whenever one ends. The parameters shown are the family's (its descriptor says
which); how a trial ended is `analysis.outcome`'s rule."""

from __future__ import annotations

import math
import time
from typing import Any

from ray import tune

from gantune.search.schedulers.asha import StopRecord
from gantune.trainables.experiment.outcome import outcome
from gantune.trainables.resume_point import REPLAYED

TABLE_UP_TO = 40  # studies this small get the whole table whenever a trial ends


def short_id(trial: Any) -> str:
    return trial.trial_id.split("_")[-1]


def counts(trials: list) -> str:
    """How many trials train now, wait paused (a pausing scheduler's), and have started."""
    statuses = [trial.status for trial in trials]
    paused = statuses.count("PAUSED")
    started = len(statuses) - statuses.count("PENDING")
    waiting = f"{paused} paused, " if paused else ""
    return f"{statuses.count('RUNNING')} running, {waiting}{started} started"


def describe(config: dict[str, Any], shown: tuple[str, ...]) -> str:
    parts = []
    for name in shown:
        if name in config:
            value = config[name]
            parts.append(f"{name}={value:.3g}" if isinstance(value, float) else f"{name}={value}")
    return " ".join(parts)


class ProgressPrinter(tune.Callback):
    def __init__(
        self, metric: str, mode: str, max_t: int, shown: tuple[str, ...], stops: StopRecord
    ) -> None:
        self.metric, self.mode, self.max_t, self.shown = metric, mode, max_t, shown
        self.stops = stops
        self.best: float | None = None
        self.started = time.monotonic()

    def stamp(self) -> str:
        seconds = int(time.monotonic() - self.started)
        return f"[{seconds // 60:02d}:{seconds % 60:02d}]"

    def better(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        return self.best is None or (value < self.best if self.mode == "min" else value > self.best)

    def status_of(self, trial: Any) -> str:
        ended = outcome(trial.status, trial.last_result or {}, self.stops.get(trial.trial_id))
        return str(ended)

    def on_trial_start(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        shown = describe(trial.config, self.shown)
        print(f"{self.stamp()} trial {short_id(trial)} starts: {shown}", flush=True)

    def on_trial_result(
        self, iteration: int, trials: list, trial: Any, result: dict, **info: Any
    ) -> None:
        if result.get(REPLAYED):
            step = result.get("training_iteration")
            print(
                f"{self.stamp()} trial {short_id(trial)} resumes from its own checkpoint "
                f"of iteration {step}",
                flush=True,
            )
            return
        value = result.get(self.metric, math.nan)
        if self.better(value):
            self.best = value
        best = f"{self.best:.2f}" if self.best is not None else "-"
        print(
            f"{self.stamp()} trial {short_id(trial)} iter {result.get('training_iteration')}/"
            f"{self.max_t} {self.metric} {value:.2f} (best {best}; {counts(trials)})",
            flush=True,
        )

    def on_trial_complete(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self.ended(trials, trial)

    def on_trial_error(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self.ended(trials, trial)

    def ended(self, trials: list, trial: Any) -> None:
        """The table of all trials while it is short; past that, one line (printing every
        trial at every end would cost a big study time and output quadratic in its size)."""
        if len(trials) <= TABLE_UP_TO:
            self.print_table(trials)
            return
        value = (trial.last_result or {}).get(self.metric)
        shown = f"{value:.2f}" if isinstance(value, float) else "-"
        print(
            f"{self.stamp()} trial {short_id(trial)} {self.status_of(trial)}: {self.metric} "
            f"{shown} ({counts(trials)})",
            flush=True,
        )

    def on_experiment_end(self, trials: list, **info: Any) -> None:
        self.print_table(trials)

    def print_table(self, trials: list) -> None:
        print(f"{self.stamp()} {'trial':>6}  {'status':<11} {self.metric:>9}  config", flush=True)
        for trial in trials:
            value = (trial.last_result or {}).get(self.metric)
            shown = f"{value:9.2f}" if isinstance(value, float) else f"{'-':>9}"
            line = describe(trial.config, self.shown)
            print(f"        {short_id(trial):>6}  {self.status_of(trial):<11} {shown}  {line}")
