"""Choosing the next setting from what has been seen: Optuna's TPE, restricted to a pool.

A recorded pool holds a finite set of settings, so a sampler may only propose one of
them. `PoolTPE` asks Optuna's TPE (public ask/tell API) for a point in the pool's space
and takes the nearest setting not tried yet; the asked trial is closed as FAIL (TPE
ignores failed trials) and the setting that was really run is added to the study when it
ends, with its value at every iteration it reached: COMPLETE when it reached the end,
PRUNED when the scheduler stopped it (TPE ranks pruned trials by how far they got, then
by their last value). With ASHA stopping, this is BOHB's idea with Optuna's TPE.

The pool's space is read from its settings: a numeric parameter with more than two
values is a float range (log-scaled where every value is positive and they span a factor
of 20 or more), anything else a categorical choice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution
from optuna.trial import TrialState, create_trial

from gantune.analysis.efficiency.replay import Curve


def numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in values)


def space_of(curves: list[Curve]) -> dict[str, BaseDistribution]:
    """The distributions the pool's settings were drawn from, as far as they show."""
    names = sorted({name for curve in curves for name in curve.config})
    space: dict[str, BaseDistribution] = {}
    for name in names:
        values = [curve.config[name] for curve in curves if name in curve.config]
        distinct = sorted({str(v) for v in values})
        if len(distinct) < 2:
            continue  # a constant: nothing to choose
        if numeric(values) and len(distinct) > 2:
            low, high = float(min(values)), float(max(values))
            log = low > 0 and high / low >= 20
            space[name] = FloatDistribution(low, high, log=log)
        else:
            space[name] = CategoricalDistribution(distinct)
    return space


class PoolTPE:
    """A `replay.Sampler` over the pool's settings, driven by Optuna's TPE."""

    def __init__(self, curves: list[Curve], seed: int, startup: int = 10) -> None:
        self.curves = curves
        self.space = space_of(curves)
        sampler = optuna.samplers.TPESampler(
            seed=seed, n_startup_trials=startup, multivariate=True, constant_liar=True
        )
        optuna.logging.set_verbosity(optuna.logging.WARNING)
        self.study = optuna.create_study(sampler=sampler)
        self.untried = set(range(len(curves)))
        self.seen: dict[int, dict[int, float]] = {}
        self.rng = np.random.default_rng(seed)

    def params(self, position: int) -> dict[str, Any]:
        """The setting's values of the space's parameters (those it has: spaces are
        conditional)."""
        config = self.curves[position].config
        return {
            name: float(config[name]) if isinstance(d, FloatDistribution) else str(config[name])
            for name, d in self.space.items()
            if name in config
        }

    def distance(self, point: dict[str, Any], position: int) -> float:
        mine, total = self.params(position), 0.0
        for name, distribution in self.space.items():
            if name not in mine:
                total += 1.0
            elif isinstance(distribution, FloatDistribution):
                scale = math.log if distribution.log else float
                low, high = scale(distribution.low), scale(distribution.high)
                span = (high - low) or 1.0
                total += ((scale(point[name]) - scale(mine[name])) / span) ** 2
            else:
                total += float(point[name] != mine[name])
        return total

    def next(self) -> int | None:
        if not self.untried:
            return None
        if not self.space:  # nothing to learn from: an arbitrary untried setting
            position = int(self.rng.choice(sorted(self.untried)))
        else:
            asked = self.study.ask(self.space)
            point = asked.params
            self.study.tell(asked, state=TrialState.FAIL)  # the pool's nearest runs instead
            position = min(sorted(self.untried), key=lambda p: self.distance(point, p))
        self.untried.discard(position)
        self.seen[position] = {}
        return position

    def observe(self, position: int, iteration: int, value: float) -> None:
        self.seen[position][iteration] = value if math.isfinite(value) else 1e300

    def ended(self, position: int, pruned: bool) -> None:
        values = self.seen.get(position, {})
        if not values:
            return
        last = values[max(values)]
        params = self.params(position)
        self.study.add_trial(
            create_trial(
                params=params,
                distributions={name: self.space[name] for name in params},
                value=None if pruned else last,
                intermediate_values=values,
                state=TrialState.PRUNED if pruned else TrialState.COMPLETE,
            )
        )
