"""What `gantune search` prints while it runs: a line per result, and the table of all
trials whenever one ends."""

from __future__ import annotations

import math
import time
from typing import Any

from ray import tune

SHOWN_PARAMS = ("loss", "net", "lr_d", "beta1", "n_disc")


def short_id(trial: Any) -> str:
    return trial.trial_id.split("_")[-1]


def describe(config: dict[str, Any]) -> str:
    parts = []
    for name in SHOWN_PARAMS:
        if name in config:
            value = config[name]
            parts.append(f"{name}={value:.3g}" if isinstance(value, float) else f"{name}={value}")
    return " ".join(parts)


def status_of(trial: Any, max_t: int) -> str:
    last = trial.last_result or {}
    iteration = last.get("training_iteration", 0)
    if trial.status == "ERROR":
        return "error"
    if last.get("diverged"):
        return "diverged"
    if trial.status == "TERMINATED":
        return "finished" if iteration >= max_t else f"stopped@{iteration}"
    return trial.status.lower()


class ProgressPrinter(tune.Callback):
    def __init__(self, metric: str, mode: str, max_t: int) -> None:
        self.metric, self.mode, self.max_t = metric, mode, max_t
        self.best: float | None = None
        self.started = time.monotonic()

    def stamp(self) -> str:
        seconds = int(time.monotonic() - self.started)
        return f"[{seconds // 60:02d}:{seconds % 60:02d}]"

    def better(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        return self.best is None or (value < self.best if self.mode == "min" else value > self.best)

    def on_trial_start(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        print(
            f"{self.stamp()} trial {short_id(trial)} starts: {describe(trial.config)}", flush=True
        )

    def on_trial_result(
        self, iteration: int, trials: list, trial: Any, result: dict, **info: Any
    ) -> None:
        value = result.get(self.metric, math.nan)
        if self.better(value):
            self.best = value
        best = f"{self.best:.2f}" if self.best is not None else "-"
        running = sum(t.status == "RUNNING" for t in trials)
        print(
            f"{self.stamp()} trial {short_id(trial)} iter {result.get('training_iteration')}/"
            f"{self.max_t} {self.metric} {value:.2f} (best {best}; {running} running, "
            f"{len(trials)} started)",
            flush=True,
        )

    def on_trial_complete(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self.print_table(trials)

    def on_trial_error(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self.print_table(trials)

    def on_experiment_end(self, trials: list, **info: Any) -> None:
        self.print_table(trials)

    def print_table(self, trials: list) -> None:
        print(f"{self.stamp()} {'trial':>6}  {'status':<11} {self.metric:>9}  config", flush=True)
        for trial in trials:
            value = (trial.last_result or {}).get(self.metric)
            shown = f"{value:9.2f}" if isinstance(value, float) else f"{'-':>9}"
            status = status_of(trial, self.max_t)
            print(f"        {short_id(trial):>6}  {status:<11} {shown}  {describe(trial.config)}")
