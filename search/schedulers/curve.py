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

Its state (every trial's curve, the finished finals) is what it was told; on `--resume`
it is told it again (`records.Remembering`), so a resumed experiment goes on deciding
from what it had seen. With `mode: max` the extrapolation runs the other way (a positive
metric such as an accuracy is carried up, not down).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from ray.tune.schedulers import TrialScheduler
from scipy import stats

from gantune.search.schedulers.asha import RecordingASHA
from gantune.search.schedulers.records import Record, own_end
from gantune.trainables.ray_internals import asha_settings

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
        """The final value the curve heads to (signed, as the curve): a power law through
        its last `window` points in log-log, never getting worse, carried to max_t. The
        law is fitted to the metric as reported, which must be positive: falling for
        mode min, rising for mode max."""
        iteration = len(curve)
        _, _, _, mode = asha_settings(self)
        sign = 1.0 if mode == "min" else -1.0
        now = sign * curve[-1]  # as reported
        if iteration < 2 or not math.isfinite(now) or now <= 0:
            return curve[-1]
        steps = np.arange(1, iteration + 1, dtype=float)[-self.window :]
        reported = sign * np.array(curve[-self.window :])
        values = np.log(np.maximum(reported, _EPS))
        fitted = float(np.polyfit(np.log(steps), values, 1)[0])
        slope = min(0.0, fitted) if mode == "min" else max(0.0, fitted)
        ahead = values[-1] + slope * (math.log(self.curve_max_t) - math.log(iteration))
        return sign * math.exp(ahead)

    def judged(self, result: dict, value: float) -> dict:
        """The result as the rung rule sees it: the predicted final value (signed back)."""
        _, _, metric, mode = asha_settings(self)
        return result | {metric: value if mode == "min" else -value}

    # -- Tune's hooks (through RecordingASHA, which logs what it is told) ---------------
    def decide(self, tune_controller: Any, trial: Any, result: dict) -> str:
        time_attr, _, metric, _ = asha_settings(self)
        if result.get("diverged") or metric not in result:
            return super().decide(tune_controller, trial, result)
        iteration = int(result[time_attr])
        curve = self.observe(trial.trial_id, iteration, self.signed(result))
        judged = self.judged(result, self.predicted(curve[:iteration]))
        action = super().decide(tune_controller, trial, judged)
        if (
            action == TrialScheduler.CONTINUE
            and self.curve_grace <= iteration < own_end(trial, self.curve_max_t)
            and self.hopeless(curve, iteration)
        ):
            self.stop_early(trial.trial_id, iteration)
            return TrialScheduler.STOP
        return action

    def complete(self, tune_controller: Any, trial: Any, result: dict) -> None:
        time_attr, _, metric, _ = asha_settings(self)
        curve = self.best_so_far.get(trial.trial_id)
        if not curve or metric not in result or result.get("diverged"):
            super().complete(tune_controller, trial, result)
            return
        ended = int(result.get(time_attr, 0))
        super().complete(tune_controller, trial, self.judged(result, self.predicted(curve[:ended])))
        if ended >= self.curve_max_t:
            final = self.signed(result)
            self.finished[trial.trial_id] = [*curve[: self.curve_max_t - 1], final]
