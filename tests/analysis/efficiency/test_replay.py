"""The replay of recorded curves: its accounting on cases worked by hand (compute is busy
worker time, work in flight included), Ray's schedulers driven by it, a sampler choosing
the trials, and its ASHA making the decisions Ray's ASHA made inside real Tune runs, one
trial at a time and with three at once."""

import math

import numpy as np
import pytest
from ray.tune.schedulers import FIFOScheduler, HyperBandScheduler

from gantune.analysis.efficiency.methods import METHODS, Task
from gantune.analysis.efficiency.oracle import oracle, within
from gantune.analysis.efficiency.pools import curves_of
from gantune.analysis.efficiency.replay import METRIC, Curve, simulate, simulate_sync
from gantune.analysis.load import load_experiment
from gantune.search.cli import main
from gantune.search.schedulers.asha import MemoryRecord, RecordingASHA
from gantune.trainables.experiment.files import scheduler_stops
from tests.conftest import experiment_dir, write_spec
from tests.support.toy_family import SPEC


def curve(name, values, costs, setup=0.0, setting=""):
    return Curve(name, np.array(values, float), np.array(costs, float), "", setup, setting or name)


def fifo():
    scheduler = FIFOScheduler()
    scheduler.set_search_properties(METRIC, "min")
    return scheduler


def asha(max_t, grace=1, rf=2):
    scheduler = RecordingASHA(
        MemoryRecord(), time_attr="training_iteration", max_t=max_t, grace_period=grace,
        reduction_factor=rf,
    )  # fmt: skip
    scheduler.set_search_properties(METRIC, "min")
    return scheduler


def test_two_workers_known_costs_known_curves_known_answer():
    curves = [curve("a", [5, 3], [1, 1]), curve("b", [4, 1], [2, 2]), curve("c", [6, 2], [1, 1])]
    run = simulate(curves, [0, 1, 2], 2, fifo(), max_t=2)
    # a1 ends at t=1; b1 at t=2, then a2 (a done: 3); c starts, c1 at t=3; b2 at t=4 (1); c2 (2)
    assert [(s.trial, s.iteration) for s in run.steps] == [
        (0, 1), (1, 1), (0, 2), (2, 1), (1, 2), (2, 2),
    ]  # fmt: skip
    assert [s.time for s in run.steps] == [1, 2, 2, 3, 4, 4]
    compute, best = run.best_full()
    # busy worker time: at t=1, a's 1 s and b's first second in flight; at t=2, 3 done and
    # a2's second in flight; at t=3, 5 done and b2's first second; then all 8
    assert compute.tolist() == [2, 4, 4, 6, 8, 8]
    assert best.tolist() == [math.inf, math.inf, 3, 3, 1, 1]
    assert within(run, 1.0) == 8 and within(run, 0.5) == math.inf


def test_start_up_costs_are_charged_at_each_start():
    curves = [curve("a", [5, 3], [1, 1], setup=0.5), curve("b", [4, 1], [2, 2], setup=0.25)]
    run = simulate(curves, [0, 1], 1, fifo(), max_t=2)
    assert [s.compute for s in run.steps] == [1.5, 2.5, 4.75, 6.75]
    # the oracle knows b is the good one: a to its first result, then all of b
    assert within(oracle(curves, [0, 1], 1, 2, 0.0), 1.0) == 1.5 + 0.25 + 4


def test_synchronous_halving_keeps_the_best_half_at_each_rung():
    curves = [curve(n, v, [1, 1, 1, 1]) for n, v in (("a", [4, 4, 4, 4]), ("b", [1, 1, 1, 1]),
              ("c", [3, 3, 0.5, 0.5]), ("d", [2, 2, 2, 2]))]  # fmt: skip
    run = simulate_sync(curves, [0, 1, 2, 3], 2, 4, [1, 2, 4], lambda k, n: max(1, n // 2))
    assert run.stopped == {0, 2, 3}  # rung 1 keeps b and d; rung 2 keeps b
    assert run.best_full()[1][-1] == 1 and run.steps[-1].compute == 4 + 2 + 2


def test_synchronous_hyperband_pauses_and_resumes_paying_the_start_up_again():
    rng = np.random.default_rng(0)
    curves = [
        curve(f"t{i}", np.sort(rng.uniform(1, 10, 9))[::-1], np.ones(9), setup=0.5)
        for i in range(20)
    ]
    scheduler = HyperBandScheduler("training_iteration", max_t=9, reduction_factor=3)
    scheduler.set_search_properties(METRIC, "min")
    run = simulate(curves, list(range(20)), 2, scheduler, max_t=9)
    iterations = len(run.steps)  # each cost 1
    starts = run.total - iterations  # every start or resume added 0.5
    assert starts / 0.5 > 20  # paused trials paid their start-up again when resumed
    assert run.stopped and run.best_full()[1][-1] < math.inf


def test_every_registered_method_replays_a_pool_and_finds_something():
    rng = np.random.default_rng(1)
    curves = [curve(f"t{i}", np.sort(rng.uniform(1, 10, 8))[::-1], rng.uniform(1, 2, 8),
                    setup=0.3) for i in range(16)]  # fmt: skip
    for name, method in METHODS.items():
        for workers in (1, 4):
            run = method.run(Task(curves, list(range(16)), workers, 8, 0.5, seed=3))
            assert run.total > 0 and math.isfinite(run.best_full()[1][-1]), (name, workers)


def test_a_sampler_chooses_every_trial_once_and_a_fixed_order_is_kept():
    rng = np.random.default_rng(2)
    curves = [
        Curve(f"t{i}", np.sort(rng.uniform(1, 10, 4))[::-1], np.ones(4), config={"x": float(i)})
        for i in range(12)
    ]
    order = list(rng.permutation(12))
    fixed = METHODS.get("random search").run(Task(curves, order, 1, 4, 0.0, seed=0))
    assert [s.trial for s in fixed.steps if s.iteration == 1] == order
    sampled = METHODS.get("TPE + ASHA rf 2 grace 1").run(Task(curves, order, 2, 4, 0.0, seed=0))
    started = [s.trial for s in sampled.steps if s.iteration == 1]
    assert sorted(started) == list(range(12))  # each setting once, in an order of its own


def real_run(tmp_path, capsys, name, concurrent, preset, samples):
    spec = write_spec(
        tmp_path,
        **(SPEC | {"preset": preset}),
        name=name,
        num_samples=samples,
        max_concurrent_trials=concurrent,
        resources={"cpu": 0.5, "gpu": 0},
        sampler={"kind": "random", "seed": 1},
        scheduler={"kind": "asha", "max_t": 4, "grace_period": 1, "reduction_factor": 2},
    )
    assert main(["search", "--spec", str(spec)]) == 0
    directory = experiment_dir(capsys.readouterr().out)
    frame = load_experiment(directory)
    by_id = {c.trial_id: c for c in curves_of(frame)}
    started = frame.groupby("trial_id")["started_at"].min()  # recorded by the trial loop
    curves = [by_id[trial_id] for trial_id in started.sort_values(kind="stable").index]
    iterations = frame.groupby("trial_id")["training_iteration"].max()
    return directory, curves, iterations


@pytest.mark.slow
def test_replayed_asha_makes_the_decisions_ray_made_one_at_a_time(ray_address, tmp_path, capsys):
    directory, curves, _ = real_run(tmp_path, capsys, "replayed", 1, "toy-basic", 10)
    real_stops = scheduler_stops(directory)
    assert real_stops, "the run stopped nothing: no decisions to compare"
    run = simulate(curves, list(range(len(curves))), 1, asha(4), max_t=4)
    last = {s.trial: s.iteration for s in run.steps}
    assert {curves[p].trial_id: last[p] for p in run.stopped} == real_stops


@pytest.mark.slow
def test_replayed_asha_agrees_with_tune_on_three_workers(ray_address, tmp_path, capsys):
    """Three trials at once, each iteration taking a fixed time (0.9, 1.5 or 2.2 s): the
    replay, fed the recorded costs, gives the trials the iteration counts Tune gave them.
    Not every one: the replay starts the first three at the same instant, while Tune
    launches them a few tenths of a second apart, and where two trials' first reports
    are closer than that, the rung sees them in the other order (in one run here 2 of
    the 12 counts differed; in the others, none)."""
    _, curves, iterations = real_run(tmp_path, capsys, "replayed3", 3, "toy-timed", 12)
    run = simulate(curves, list(range(len(curves))), 3, asha(4), max_t=4)
    replayed = {curves[s.trial].trial_id: s.iteration for s in run.steps}  # the last one
    assert set(replayed) == set(iterations.index)
    differ = [t for t, count in iterations.items() if replayed[t] != count]
    assert len(differ) <= 2, (differ, replayed, iterations.to_dict())
    assert len(set(iterations)) > 1  # some trials were stopped early: decisions were made
