"""Replaying recorded learning curves through search methods: a tabular benchmark.

A FIFO experiment trained every setting to the end and recorded its metric and its cost
(seconds) after every iteration, and what each trial spent before its first iteration.
Replaying those curves through a scheduler on W simulated workers (each iteration costing
its recorded seconds) shows what the scheduler would have found for what compute, exactly
and cheaply.

- `simulate`: any Ray Tune `TrialScheduler`, the real class, driven by a small event loop
  that plays Tune's controller. Trials come from a fixed order (all added at the start, as
  Tune adds a random search's trials) or from a sampler that picks the next setting from
  what it has seen (added one at a time, as Tune asks a search algorithm when a worker is
  free). Results arrive in time order, CONTINUE / PAUSE / STOP are obeyed,
  `choose_trial_to_run` picks what a free worker runs, and `stop_trial` ends paused
  trials (synchronous HyperBand does). A trial's start-up cost is charged at its start and
  again whenever a paused trial is resumed (it restores from its checkpoint).
- `simulate_sync`: synchronous rungs with a barrier: every live trial reaches a rung
  before the best go on (successive halving; "train every setting one rung, finish the
  top k").

Compute is busy worker time: at any moment, the seconds every worker has spent so far,
the unfinished iteration in flight included (a worker training counts, whether or not
its result ever arrives).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

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
    config: dict[str, Any] = field(default_factory=dict, compare=False)  # without the seed

    @property
    def length(self) -> int:
        return len(self.values)

    def final(self, max_t: int) -> float:
        return float(self.values[max_t - 1]) if self.length >= max_t else math.inf

    def full_cost(self, max_t: int) -> float:
        """What training it to the end costs: its start-up and every iteration."""
        return self.setup + float(self.costs[:max_t].sum())


@dataclass(frozen=True)
class Step:
    """One finished iteration of a replay."""

    time: float  # wall-clock seconds since the start (W workers)
    compute: float  # busy worker-seconds so far (start-up costs and work in flight included)
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


class Sampler(Protocol):
    """Chooses the next setting to try from what it has seen (a search algorithm)."""

    def next(self) -> int | None:
        """A pool position not tried yet; None when there is none."""

    def observe(self, position: int, iteration: int, value: float) -> None: ...

    def ended(self, position: int, pruned: bool) -> None: ...


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

    def add(self, position: int, max_t: int) -> SimTrial:
        trial = SimTrial(position, max_t)
        self.trials.append(trial)
        self.scheduler.on_trial_add(self, trial)
        return trial

    def stop_trial(self, trial: SimTrial) -> None:
        if trial.status in (Trial.TERMINATED, Trial.ERROR):
            return
        if trial.status in (Trial.PENDING, Trial.PAUSED):
            self.scheduler.on_trial_remove(self, trial)
        else:
            self.scheduler.on_trial_complete(self, trial, trial.last_result)
            self.cancelled.add(trial.position)
        trial.status = Trial.TERMINATED


class Meter:
    """Busy worker-seconds: finished work plus the part of each running job done so far."""

    def __init__(self) -> None:
        self.finished = 0.0
        self.running = 0
        self.started = 0.0  # the sum of the running jobs' start times

    def start(self, now: float) -> None:
        self.running += 1
        self.started += now

    def finish(self, start: float, cost: float) -> None:
        self.running -= 1
        self.started -= start
        self.finished += cost

    def at(self, now: float) -> float:
        return self.finished + self.running * now - self.started


def result_of(iteration: int, value: float, seconds: float) -> dict[str, Any]:
    """What Tune's result would say: the iteration, the metric, and the seconds the
    iteration took (`time_this_iter_s`)."""
    return {
        "training_iteration": iteration,
        METRIC: value,
        "diverged": math.isinf(value),
        "time_this_iter_s": seconds,
    }


def simulate(
    curves: list[Curve],
    order: list[int] | None,
    workers: int,
    scheduler: TrialScheduler,
    max_t: int,
    sampler: Sampler | None = None,
) -> Replay:
    """Asynchronous replay of `scheduler` (a fresh instance, metric `value`, mode min), its
    trials in `order`, or chosen one at a time by `sampler`."""
    controller, meter = Controller(scheduler), Meter()
    run, sequence, free = Replay(), 0, workers
    events: list[tuple[float, int, SimTrial, float]] = []  # (finish, sequence, trial, cost)

    def start(trial: SimTrial, now: float) -> None:
        nonlocal sequence, free
        curve = curves[trial.position]
        cost = curve.costs[trial.done] + (curve.setup if trial.restart else 0.0)
        trial.status, trial.restart = Trial.RUNNING, False
        heapq.heappush(events, (now + cost, sequence, trial, cost))
        meter.start(now)
        sequence += 1
        free -= 1

    def fill(now: float) -> None:
        while free > 0:
            trial = scheduler.choose_trial_to_run(controller)
            if trial is None and sampler is not None:
                position = sampler.next()
                if position is not None:
                    trial = controller.add(position, max_t)
            if trial is None:
                return
            start(trial, now)

    def end(trial: SimTrial, pruned: bool) -> None:
        controller.stop_trial(trial)  # as Tune ends every trial (on_trial_complete)
        if sampler is not None:
            sampler.ended(trial.position, pruned)

    for position in order or []:  # as Tune adds a random search's trials: all pending at once
        controller.add(position, max_t)
    fill(0.0)
    while events:
        now, _, trial, cost = heapq.heappop(events)
        meter.finish(now - cost, cost)
        free += 1
        if trial.position in controller.cancelled:  # stopped while it ran: its work is lost
            fill(now)
            continue
        curve = curves[trial.position]
        trial.done += 1
        value = curve.values[trial.done - 1]
        trial.last_result = result_of(trial.done, value, float(curve.costs[trial.done - 1]))
        if sampler is not None:
            sampler.observe(trial.position, trial.done, value)
        decision = scheduler.on_trial_result(controller, trial, trial.last_result)
        full = trial.done >= max_t
        run.steps.append(Step(now, meter.at(now), trial.position, trial.done, value, full))
        last = trial.done >= min(curve.length, max_t) or math.isinf(value)
        if trial.status != Trial.RUNNING:  # the scheduler stopped it through the controller
            decision = TrialScheduler.STOP
        if decision == TrialScheduler.CONTINUE and not last:
            start(trial, now)
            continue
        if decision == TrialScheduler.PAUSE and not last:
            trial.status, trial.restart = Trial.PAUSED, True
        else:
            early = decision == TrialScheduler.STOP and trial.done < max_t
            if early and math.isfinite(value):
                run.stopped.add(trial.position)  # the scheduler's decision
            end(trial, pruned=early)
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
    rung must be `max_t`. A trial resumed after a barrier pays its start-up cost again.
    Workers wait idle at a barrier: that time is not compute."""
    jobs: list[tuple[float, float, Step]] = []  # (start, cost, the step it ends with)
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
                value = curve.values[iteration - 1]
                step = Step(now + cost, 0.0, position, iteration, value, iteration >= max_t)
                jobs.append((now, cost, step))
                now, setup = now + cost, 0.0
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
    starts = np.array([start for start, _, _ in jobs])
    ends = np.array([start + cost for start, cost, _ in jobs])
    steps = []
    for _, _, step in sorted(jobs, key=lambda job: job[2].time):
        busy = float(np.clip(np.minimum(ends, step.time) - starts, 0.0, None).sum())
        steps.append(Step(step.time, busy, step.trial, step.iteration, step.value, step.full))
    return Replay(steps, stopped)
