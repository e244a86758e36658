"""Curve stopping: a Ray Tune scheduler for noisy, non-monotone metrics (GAN FIDs).

Ray's ASHA compares one reported value with a rung's quantile and promotes the top
1 / rf. A GAN's FID is noisy and not monotone, and good settings often start slowly (on
the long Lucic pool, the best setting is at 406 after 12,000 images, where settings that
never learn sit at 411): ASHA cut the best setting in most trial orders. Curve stopping
judges a trial by where its curve is heading, and asks one more question:

- A trial's curve is its best value so far (one bad evaluation does not decide), and its
  predicted final value extrapolates that curve: a power law fitted to the last
  `window` iterations (log value against log iteration, never rising) carried to max_t.
  ASHA's own rung rule (Ray's class, through gantune's `RecordingASHA`: diverged trials
  stop and stay out of the rungs; early stops are recorded) ranks the predictions
  instead of the raw values: a slow starter that is improving fast is promoted.
- Could it still end within the metric's noise (`margin`) of the best trial that
  finished? Every finished trial says how much it improved from its best value at
  iteration t to its final value (a log ratio); a trial is stopped, at any iteration,
  when even a one-sided prediction bound on that improvement (a t bound over the
  finished trials' log ratios at level `confidence`, wide while few have finished) leaves
  it short. Until `min_finished` trials have finished, only the rung rule decides.

Its state (every trial's curve, the finished finals) pickles with the scheduler, so a
resumed experiment goes on deciding from what it had seen.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ray.tune.schedulers import TrialScheduler
from scipy import stats

from search.scheduler import Record, RecordingASHA
from trainables.ray_internals import asha_settings

_EPS = 1e-12


class CurveStopping(RecordingASHA):
    def __init__(
        self,
        record: Record,
        max_t: int,
        grace_period: int = 1,
        reduction_factor: int = 2,
        confidence: float = 0.9,
        margin: float = 0.0,
        min_finished: int = 2,
        window: int = 3,
        time_attr: str = "training_iteration",
    ) -> None:
        super().__init__(
            record,
            time_attr=time_attr,
            max_t=max_t,
            grace_period=grace_period,
            reduction_factor=reduction_factor,
        )
        self.curve_max_t = max_t
        self.curve_grace = grace_period
        self.confidence = confidence
        self.margin = margin
        self.min_finished = min_finished
        self.window = window
        self.best_so_far: dict[str, list[float]] = {}  # per trial, by iteration (signed)
        self.finished: dict[str, list[float]] = {}  # finished trials' curves

    # -- the model ---------------------------------------------------------------------
    def signed(self, result: dict) -> float:
        _, _, metric, mode = asha_settings(self)
        value = float(result[metric])
        return value if mode == "min" else -value

    def observe(self, trial_id: str, iteration: int, value: float) -> list[float]:
        curve = self.best_so_far.setdefault(trial_id, [])
        while len(curve) < iteration:  # results arrive one per iteration
            previous = curve[-1] if curve else math.inf
            curve.append(min(previous, value))
        return curve

    def hopeless(self, curve: list[float], iteration: int) -> bool:
        """The trial cannot plausibly end within `margin` of the best finished value."""
        if len(self.finished) < self.min_finished:
            return False
        finals = [c[-1] for c in self.finished.values()]
        incumbent = min(finals) + self.margin
        now = curve[iteration - 1]
        if not (math.isfinite(now) and math.isfinite(incumbent)):
            return False
        offset = 1.0 - min(0.0, min(finals), now)  # log ratios need positive values
        ratios = np.array(
            [
                math.log(c[-1] + offset) - math.log(c[iteration - 1] + offset)
                for c in self.finished.values()
            ]
        )
        count = len(ratios)
        spread = float(ratios.std(ddof=1)) if count > 1 else 0.0
        bound = stats.t.ppf(self.confidence, max(1, count - 1)) * spread * math.sqrt(1 + 1 / count)
        optimistic = math.log(now + offset) + float(ratios.mean()) - bound
        # a trial improving faster than the finished ones did has its own trend heard too
        own = self.predicted(curve[:iteration])
        if math.isfinite(own) and own + offset > 0:
            optimistic = min(optimistic, math.log(own + offset))
        return optimistic > math.log(max(incumbent + offset, _EPS))

    def predicted(self, curve: list[float]) -> float:
        """The final value the curve heads to: a power law through its last `window`
        points (in log-log), never rising, carried to max_t."""
        iteration = len(curve)
        now = curve[-1]
        if iteration < 2 or not math.isfinite(now) or now <= 0:
            return now
        steps = np.arange(1, iteration + 1, dtype=float)[-self.window :]
        values = np.log(np.maximum(np.array(curve[-self.window :]), _EPS))
        slope = min(0.0, float(np.polyfit(np.log(steps), values, 1)[0]))
        return math.exp(values[-1] + slope * (math.log(self.curve_max_t) - math.log(iteration)))

    def judged(self, result: dict, value: float) -> dict:
        """The result as the rung rule sees it: the predicted final value (signed back)."""
        _, _, metric, mode = asha_settings(self)
        return result | {metric: value if mode == "min" else -value}

    # -- Tune's hooks ------------------------------------------------------------------
    def on_trial_result(self, tune_controller: Any, trial: Any, result: dict) -> str:
        time_attr, _, metric, _ = asha_settings(self)
        if result.get("diverged") or metric not in result:
            return super().on_trial_result(tune_controller, trial, result)
        iteration = int(result[time_attr])
        curve = self.observe(trial.trial_id, iteration, self.signed(result))
        judged = self.judged(result, self.predicted(curve[:iteration]))
        action = super().on_trial_result(tune_controller, trial, judged)
        own_end = trial.config.get("max_iterations", self.curve_max_t)
        if (
            action == TrialScheduler.CONTINUE
            and self.curve_grace <= iteration < own_end
            and self.hopeless(curve, iteration)
        ):
            self.record.add(trial.trial_id, iteration)
            return TrialScheduler.STOP
        return action

    def on_trial_complete(self, tune_controller: Any, trial: Any, result: dict) -> None:
        time_attr, _, metric, _ = asha_settings(self)
        curve = self.best_so_far.get(trial.trial_id)
        if not curve or metric not in result or result.get("diverged"):
            super().on_trial_complete(tune_controller, trial, result)
            return
        ended = int(result.get(time_attr, 0))
        super().on_trial_complete(
            tune_controller, trial, self.judged(result, self.predicted(curve[:ended]))
        )
        if ended >= self.curve_max_t:
            final = self.signed(result)
            self.finished[trial.trial_id] = [*curve[: self.curve_max_t - 1], final]
