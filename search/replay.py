"""Replaying recorded learning curves through search methods: a tabular benchmark.

A FIFO experiment trained every configuration to the end and recorded its metric and its
cost (train + eval seconds) after every iteration, and what each trial spent before its
first iteration. Replaying those curves, in many random orders, through a scheduler on W
simulated workers (each iteration costing its recorded seconds) shows what the scheduler
would have found for what compute, exactly and cheaply.

- `simulate`: any Ray Tune `TrialScheduler`, the real class, driven by a small event loop
  that plays Tune's controller: every trial is added, in the order given, at the start
  (as Tune adds a random search's trials: up to 200 pending), results arrive in time
  order, CONTINUE / PAUSE / STOP are obeyed, `choose_trial_to_run` picks what a free
  worker runs, and `stop_trial` ends paused
  trials (synchronous HyperBand does). A trial's start-up cost is charged at its start
  and again whenever a paused trial is resumed (it restores from its checkpoint).
- `simulate_sync`: synchronous rungs with a barrier: every live trial reaches a rung
  before the best go on (successive halving; "train every setting one rung, finish the
  top k").
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from ray.tune.experiment import Trial
from ray.tune.schedulers import TrialScheduler

METRIC = "value"  # what the replay reports to schedulers; lower is better


@dataclass(frozen=True)
class Curve:
    trial_id: str
    values: np.ndarray  # the metric after each iteration (lower is better; inf: diverged)
    costs: np.ndarray  # seconds of each iteration
    variant: str = ""
    setup: float = 0.0  # seconds from a free worker to this trial's first iteration
    setting: str = ""  # trials of one setting (other seeds) share it

    @property
    def length(self) -> int:
        return len(self.values)

    def final(self, max_t: int) -> float:
        return float(self.values[max_t - 1]) if self.length >= max_t else math.inf


@dataclass(frozen=True)
class Step:
    """One finished iteration of a replay."""

    time: float  # wall-clock seconds since the start (W workers)
    compute: float  # seconds spent by all workers so far (start-up costs included)
    trial: int  # position in the pool
    iteration: int
    value: float
    full: bool  # the trial has reached the full budget (max_t)


@dataclass
class Replay:
    steps: list[Step] = field(default_factory=list)
    stopped: set[int] = field(default_factory=set)  # pool positions stopped early

    def best_full(self) -> tuple[np.ndarray, np.ndarray]:
        """Compute spent and the best full-budget value found by then, after each step."""
        compute = np.array([s.compute for s in self.steps])
        values = np.array([s.value if s.full else math.inf for s in self.steps])
        return compute, np.minimum.accumulate(values) if len(values) else values

    @property
    def total(self) -> float:
        """The compute of the whole search."""
        return self.steps[-1].compute if self.steps else 0.0


class SimTrial:
    """What a scheduler sees of a Tune trial."""

    def __init__(self, position: int, max_t: int) -> None:
        self.position = position
        self.trial_id = f"t{position}"
        self.config = {"max_iterations": max_t}
        self.status = Trial.PENDING
        self.is_saving = False
        self.done = 0  # iterations finished
        self.last_result: dict[str, Any] = {}
        self.restart = True  # the next iteration starts a process (start-up cost)

    def __repr__(self) -> str:
        return self.trial_id


class Controller:
    """The part of Tune's controller that schedulers call."""

    def __init__(self, scheduler: TrialScheduler) -> None:
        self.scheduler = scheduler
        self.trials: list[SimTrial] = []
        self.cancelled: set[int] = set()  # running trials stopped by another's result

    def get_trials(self) -> list[SimTrial]:
        return self.trials

    def get_live_trials(self) -> set[SimTrial]:
        return {t for t in self.trials if t.status not in (Trial.TERMINATED, Trial.ERROR)}

    def stop_trial(self, trial: SimTrial) -> None:
        if trial.status in (Trial.TERMINATED, Trial.ERROR):
            return
        if trial.status in (Trial.PENDING, Trial.PAUSED):
            self.scheduler.on_trial_remove(self, trial)
        else:
            self.scheduler.on_trial_complete(self, trial, trial.last_result)
            self.cancelled.add(trial.position)
        trial.status = Trial.TERMINATED


def result_of(iteration: int, value: float) -> dict[str, Any]:
    return {"training_iteration": iteration, METRIC: value, "diverged": math.isinf(value)}


def simulate(
    curves: list[Curve], order: list[int], workers: int, scheduler: TrialScheduler, max_t: int
) -> Replay:
    """Asynchronous replay of `scheduler` (a fresh instance, metric `value`, mode min)."""
    controller = Controller(scheduler)
    run, compute, sequence = Replay(), 0.0, 0
    events: list[tuple[float, int, SimTrial, float]] = []  # (finish, sequence, trial, cost)
    free = workers

    def start(trial: SimTrial, now: float) -> None:
        nonlocal sequence, free
        curve = curves[trial.position]
        cost = curve.costs[trial.done] + (curve.setup if trial.restart else 0.0)
        trial.status, trial.restart = Trial.RUNNING, False
        heapq.heappush(events, (now + cost, sequence, trial, cost))
        sequence += 1
        free -= 1

    def fill(now: float) -> None:
        while free > 0:
            trial = scheduler.choose_trial_to_run(controller)
            if trial is None:
                return
            start(trial, now)

    for position in order:  # as Tune adds a random search's trials: all pending at once
        added = SimTrial(position, max_t)
        controller.trials.append(added)
        scheduler.on_trial_add(controller, added)
    fill(0.0)
    while events:
        now, _, trial, cost = heapq.heappop(events)
        compute += cost
        if trial.position in controller.cancelled:  # stopped while it ran: its work is lost
            free += 1
            fill(now)
            continue
        curve = curves[trial.position]
        trial.done += 1
        value = curve.values[trial.done - 1]
        trial.last_result = result_of(trial.done, value)
        decision = scheduler.on_trial_result(controller, trial, trial.last_result)
        run.steps.append(Step(now, compute, trial.position, trial.done, value, trial.done >= max_t))
        last = trial.done >= min(curve.length, max_t) or math.isinf(value)
        if trial.status != Trial.RUNNING:  # the scheduler stopped it through the controller
            decision = TrialScheduler.STOP
        if decision == TrialScheduler.CONTINUE and not last:
            free += 1
            start(trial, now)
            continue
        free += 1
        if decision == TrialScheduler.PAUSE and not last:
            trial.status, trial.restart = Trial.PAUSED, True
        else:
            controller.stop_trial(trial)  # as Tune ends every trial (on_trial_complete)
            if decision == TrialScheduler.STOP and trial.done < max_t and math.isfinite(value):
                run.stopped.add(trial.position)  # the scheduler's decision
        fill(now)
    waiting = [t for t in controller.trials if t.status in (Trial.PENDING, Trial.PAUSED)]
    if waiting:  # Tune would wait for ever too: a replay must not hide it
        raise RuntimeError(f"the scheduler left {len(waiting)} trials waiting: {waiting[:5]}")
    return run


def simulate_sync(
    curves: list[Curve],
    order: list[int],
    workers: int,
    max_t: int,
    rungs: list[int],
    keep: Callable[[int, int], int],
) -> Replay:
    """Synchronous rungs: every live trial reaches `rungs[k]` (W workers, each taking the
    next trial's segment as it frees up) before the best `keep(k, live)` go on; the last
    rung must be `max_t`. A trial resumed after a barrier pays its start-up cost again."""
    finished_steps: list[tuple[Step, float]] = []  # each with its own cost
    stopped: set[int] = set()
    clock, alive, done = 0.0, list(order), 0
    for index, rung in enumerate(rungs):
        free = [clock] * workers
        reached: list[tuple[float, int]] = []
        for position in alive:
            curve = curves[position]
            worker = int(np.argmin(free))
            now, value, setup = free[worker], math.inf, curve.setup
            for iteration in range(done + 1, min(rung, curve.length) + 1):
                cost = curve.costs[iteration - 1] + setup
                now, value, setup = now + cost, curve.values[iteration - 1], 0.0
                step = Step(now, 0.0, position, iteration, value, iteration >= max_t)
                finished_steps.append((step, cost))
                if math.isinf(value):
                    break
            free[worker] = now
            reached.append((value, position))
        clock = max(free)
        count = keep(index, len(alive)) if rung < max_t else len(alive)
        ranked = sorted(reached)
        alive = [position for value, position in ranked[:count] if math.isfinite(value)]
        stopped |= {position for value, position in ranked[count:] if math.isfinite(value)}
        done = rung
    spent, steps = 0.0, []
    for step, cost in sorted(finished_steps, key=lambda pair: pair[0].time):
        spent += cost
        steps.append(Step(step.time, spent, step.trial, step.iteration, step.value, step.full))
    return Replay(steps, stopped)
