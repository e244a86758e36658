"""Replaying recorded learning curves through search methods: a tabular benchmark.

A FIFO experiment trained every configuration to the end and recorded its metric and its
cost (train + eval seconds) after every iteration. Replaying those curves, in many random
orders, through a scheduler on W simulated workers (each iteration costing its recorded
seconds) shows what the scheduler would have found for what compute, exactly and cheaply.

- `fifo`: random search, every trial trained to its end.
- `asha`: gantune's ASHA (Ray Tune's ASHAScheduler with gantune's diverged-trial and
  stop-recording rules, `search.scheduler.RecordingASHA`), the real class, driven outside
  a Tuner: asynchronous, decisions as results arrive.
- `sha`: synchronous successive halving: every trial of a rung finishes before the best
  1 / rf go on (a barrier per rung).
"""

from __future__ import annotations

import heapq
import math
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.figures import asha_rungs


@dataclass(frozen=True)
class Curve:
    trial_id: str
    values: np.ndarray  # the metric after each iteration (lower is better; inf: diverged)
    costs: np.ndarray  # seconds of each iteration
    variant: str = ""

    @property
    def length(self) -> int:
        return len(self.values)


@dataclass(frozen=True)
class Step:
    """One finished iteration of a replay."""

    time: float  # wall-clock seconds since the start (W workers)
    compute: float  # iteration-seconds spent by all workers so far
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


def curves_of(frame: pd.DataFrame) -> list[Curve]:
    """Every trial's curve from an analysis frame (one row per trial and iteration)."""
    metric, mode = frame["metric"].iloc[0], frame["mode"].iloc[0]
    sign = 1.0 if mode == "min" else -1.0
    curves = []
    for trial_id, trial in frame.sort_values("training_iteration").groupby("trial_id"):
        values = sign * trial[metric].astype(float).to_numpy()
        values = np.where(np.isnan(values), math.inf, values)
        costs = (trial["train_seconds"].fillna(0) + trial["eval_seconds"].fillna(0)).to_numpy()
        curves.append(
            Curve(str(trial_id), values, costs.astype(float), str(trial["variant"].iloc[0]))
        )
    return curves


# A decider sees (pool position, iteration, value) and says whether the trial goes on.
Decider = Callable[[int, int, float], bool]


class FifoDecider:
    def __call__(self, trial: int, iteration: int, value: float) -> bool:
        return True

    def complete(self, trial: int, iteration: int, value: float) -> None:
        return None


class AshaDecider:
    """gantune's ASHA, the real class, fed the replayed results."""

    def __init__(self, max_t: int, grace: int, rf: int, directory: Path) -> None:
        from search.scheduler import RecordingASHA, StopRecord

        self.scheduler = RecordingASHA(
            StopRecord(directory),
            time_attr="training_iteration",
            max_t=max_t,
            grace_period=grace,
            reduction_factor=rf,
        )
        self.scheduler.set_search_properties("value", "min")
        self.trials: dict[int, object] = {}
        self.max_t = max_t

    def trial(self, position: int):
        if position not in self.trials:
            from types import SimpleNamespace

            self.trials[position] = SimpleNamespace(
                trial_id=f"t{position}", config={"max_iterations": self.max_t}
            )
            self.scheduler.on_trial_add(None, self.trials[position])
        return self.trials[position]

    def result(self, iteration: int, value: float) -> dict:
        return {"training_iteration": iteration, "value": value, "diverged": math.isinf(value)}

    def __call__(self, position: int, iteration: int, value: float) -> bool:
        from ray.tune.schedulers import TrialScheduler

        decision = self.scheduler.on_trial_result(
            None, self.trial(position), self.result(iteration, value)
        )
        return decision == TrialScheduler.CONTINUE

    def complete(self, position: int, iteration: int, value: float) -> None:
        self.scheduler.on_trial_complete(None, self.trial(position), self.result(iteration, value))


def replay(curves: list[Curve], order: list[int], workers: int, decider, max_t: int) -> Replay:
    """Asynchronous replay: each free worker takes the next trial in `order` and runs it
    iteration by iteration while the decider says go on."""
    run, queue, compute = Replay(), list(order), 0.0
    events: list[tuple[float, int, int, int]] = []  # (finish time, sequence, position, iteration)
    sequence = 0

    def start(position: int, iteration: int, now: float) -> None:
        nonlocal sequence
        curve = curves[position]
        heapq.heappush(events, (now + curve.costs[iteration - 1], sequence, position, iteration))
        sequence += 1

    for _ in range(min(workers, len(queue))):
        start(queue.pop(0), 1, 0.0)
    while events:
        now, _, position, iteration = heapq.heappop(events)
        curve = curves[position]
        compute += curve.costs[iteration - 1]
        value = curve.values[iteration - 1]
        last = iteration >= min(curve.length, max_t) or math.isinf(value)
        go_on = decider(position, iteration, value)
        run.steps.append(Step(now, compute, position, iteration, value, iteration >= max_t))
        if go_on and not last:
            start(position, iteration + 1, now)
            continue
        decider.complete(position, iteration, value)  # as Tune does for every ended trial
        if not go_on and iteration < max_t and not math.isinf(value):
            run.stopped.add(position)  # the scheduler's decision, as its stop record has it
        if queue:
            start(queue.pop(0), 1, now)
    return run


def replay_sha(
    curves: list[Curve], order: list[int], workers: int, max_t: int, grace: int, rf: int
) -> Replay:
    """Synchronous successive halving: a rung's trials all reach it (W workers, each taking
    the next trial's segment as it frees up) before the best 1 / rf go on."""
    run, clock = Replay(), 0.0
    alive, done = list(order), 0
    for rung in asha_rungs(max_t, grace, rf):
        free = [clock] * workers
        finished: list[tuple[float, int]] = []
        for position in alive:
            curve = curves[position]
            worker = int(np.argmin(free))
            now, value = free[worker], math.inf
            for iteration in range(done + 1, min(rung, curve.length) + 1):
                now += curve.costs[iteration - 1]
                value = curve.values[iteration - 1]
                run.steps.append(Step(now, 0.0, position, iteration, value, iteration >= max_t))
                if math.isinf(value):
                    break
            free[worker] = now
            finished.append((value, position))
        clock = max(free)
        keep = max(1, len(alive) // rf) if rung < max_t else len(alive)
        ranked = sorted(finished)
        alive = [position for _, position in ranked[:keep]]
        run.stopped |= {position for _, position in ranked[keep:]}
        done = rung
    return with_compute_in_time_order(run, curves)


def with_compute_in_time_order(run: Replay, curves: list[Curve]) -> Replay:
    """Steps sorted by finish time, each with the compute spent up to it."""
    spent, steps = 0.0, []
    for step in sorted(run.steps, key=lambda s: s.time):
        spent += curves[step.trial].costs[step.iteration - 1]
        steps.append(Step(step.time, spent, step.trial, step.iteration, step.value, step.full))
    return Replay(steps, run.stopped)


def asha_decider(max_t: int, grace: int, rf: int, directory: Path | None = None) -> AshaDecider:
    """gantune's ASHA for a replay; its stop record goes to `directory` (a new temporary
    one by default)."""
    folder = directory or Path(tempfile.mkdtemp(prefix="gantune-replay-"))
    return AshaDecider(max_t, grace, rf, folder)
