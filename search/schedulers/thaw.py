"""Pause and thaw: ASHA's rung rule, but a trial below the cut is paused, not stopped, and
paused trials are taken up again, the most promising for their cost first.

ASHA stops a trial for good when it falls below a rung's cut. On noisy curves that start
slowly (a GAN's FID; a learner that needs data), the setting that would have won is often
below the cut at the first rungs, and ASHA never trains it. This scheduler keeps ASHA's
breadth-first pass and its promotions, and differs in three ways:

- below the cut, a trial in the better `drop` share of its rung is paused (Tune keeps its
  checkpoint); the worse ones stop for good, so the search still ends;
- once every new trial has started and nothing runs, the paused trial with the best
  promise for its cost is taken up again: its rank at its rung (the share of the rung
  ahead of it, plus 0.1) times the seconds it still needs, estimated from its own
  iterations so far (their last duration, growing as they have grown). It runs to its
  next rung and is judged there like any other;
- it resumes one paused trial at a time, and only while nothing else runs, so the
  promoted trials finish first: compute goes to the trials most likely to matter (the
  other workers wait; a cloud autoscaler gives them back).

It also limits how many trials run at once itself (`max_running`): Tune's
`max_concurrent_trials` would count paused trials as running and starve the breadth
pass. Like gantune's ASHA it records every early stop and, on `--resume`, is told what it
had seen (`records.Remembering`). How it compares with ASHA and the other methods:
`bench/search_efficiency.py` and docs/efficiency.md.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ray.tune.experiment import Trial
from ray.tune.schedulers import FIFOScheduler, TrialScheduler

from gantune.search.schedulers.records import Record, Remembering, own_end
from gantune.spaces.rungs import asha_rungs

TIME_ATTR = "training_iteration"
PRIORITY_FLOOR = 0.1  # even the rung's best paused trial pays for its cost
MAX_GROWTH = 4.0  # an iteration's seconds grow at most this much per iteration


class Thaw(Remembering, FIFOScheduler):
    def __init__(
        self,
        record: Record,
        max_t: int,
        grace_period: int = 2,
        reduction_factor: int = 2,
        drop: float = 0.75,
        max_running: int | None = None,
    ) -> None:
        super().__init__()
        self.record = record
        self.max_t, self.rf, self.drop = max_t, reduction_factor, drop
        self.max_running = max_running
        self.rungs = [r for r in asha_rungs(max_t, grace_period, reduction_factor) if r < max_t]
        self.at_rung: dict[int, dict[str, float]] = {rung: {} for rung in self.rungs}
        self.best: dict[str, float] = {}  # per trial, its best value so far (signed)
        self.seconds: dict[str, list[float]] = {}  # per trial, each iteration's seconds
        self.priority: dict[str, tuple[float, int]] = {}  # per paused trial
        self.mode = "min"

    def set_search_properties(self, metric: str | None, mode: str | None, **spec: Any) -> bool:
        if mode:
            self.mode = mode
        return super().set_search_properties(metric, mode, **spec)

    # -- what it decides -----------------------------------------------------------------
    def on_trial_add(self, tune_controller: Any, trial: Any) -> None:
        self.remember("add", trial)

    def on_trial_result(self, tune_controller: Any, trial: Any, result: dict) -> str:
        self.remember("result", trial, result)
        iteration = int(result[TIME_ATTR])
        if result.get("diverged"):  # it ends as diverged, not as an early stop
            return TrialScheduler.STOP
        value = float(result[self.metric_key]) * (1.0 if self.mode == "min" else -1.0)
        best = min(value, self.best.get(trial.trial_id, math.inf))
        self.best[trial.trial_id] = best
        self.seconds.setdefault(trial.trial_id, []).append(
            float(result.get("time_this_iter_s", 1.0))
        )
        end = own_end(trial, self.max_t)
        if iteration >= end or iteration not in self.at_rung:
            return TrialScheduler.CONTINUE
        rung = self.at_rung[iteration]
        rung[trial.trial_id] = best
        ranked = sorted(rung.values())
        keep = max(1, len(ranked) // self.rf)
        if best <= ranked[keep - 1]:
            return TrialScheduler.CONTINUE
        share_ahead = sum(v < best for v in ranked) / len(ranked)
        if share_ahead > self.drop:
            self.stop_early(trial.trial_id, iteration)
            return TrialScheduler.STOP
        cost = self.remaining_seconds(trial.trial_id, iteration, end)
        self.priority[trial.trial_id] = ((share_ahead + PRIORITY_FLOOR) * cost, -iteration)
        return TrialScheduler.PAUSE

    def on_trial_complete(self, tune_controller: Any, trial: Any, result: dict) -> None:
        self.remember("complete", trial, result)
        self.priority.pop(trial.trial_id, None)

    def on_trial_remove(self, tune_controller: Any, trial: Any) -> None:
        self.remember("remove", trial)
        self.priority.pop(trial.trial_id, None)

    def remaining_seconds(self, trial_id: str, iteration: int, own_end: int) -> float:
        """The seconds a trial still needs: its last iteration's, growing per iteration
        as its recent iterations grew (by their geometric mean ratio)."""
        seconds = np.maximum(np.array(self.seconds[trial_id]), 1e-9)
        growth = 1.0
        if len(seconds) >= 3:
            ratios = (
                seconds[-3:] / seconds[-4:-1] if len(seconds) >= 4 else (seconds[1:] / seconds[:-1])
            )
            growth = float(np.clip(np.exp(np.log(ratios).mean()), 1.0, MAX_GROWTH))
        ahead = np.arange(1, max(own_end - iteration, 0) + 1)
        return float((seconds[-1] * growth**ahead).sum())

    # -- what it runs next ---------------------------------------------------------------
    def choose_trial_to_run(self, tune_controller: Any) -> Any:
        trials = tune_controller.get_trials()
        running = sum(t.status == Trial.RUNNING for t in trials)
        if self.max_running is not None and running >= self.max_running:
            return None
        for trial in trials:
            if trial.status == Trial.PENDING:
                return trial
        paused = [t for t in trials if t.status == Trial.PAUSED]
        if not paused or running:
            return None
        return min(paused, key=lambda t: self.priority.get(t.trial_id, (0.0, 0)))

    def debug_string(self) -> str:
        return f"Pause and thaw: rungs {self.rungs}, {len(self.priority)} paused"
