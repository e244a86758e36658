"""The replay of recorded curves: its accounting on cases worked by hand, Ray's schedulers
driven by it, and its ASHA making the decisions Ray's ASHA made inside real Tune runs, one
trial at a time and with three at once."""

import math

import numpy as np
import pytest
from ray.tune.schedulers import FIFOScheduler, HyperBandScheduler

from analysis.load import load_experiment
from search.cli import main
from search.curves import curves_of
from search.efficiency import compute_to, limit_compute, measure, resampled
from search.methods import METHODS
from search.replay import METRIC, Curve, simulate, simulate_sync
from search.scheduler import MemoryRecord, RecordingASHA
from tests.conftest import experiment_dir, write_spec
from tests.search.toy_family import SPEC
from trainables.experiment.files import scheduler_stops


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
    assert compute.tolist() == [1, 3, 4, 5, 7, 8]
    assert best.tolist() == [math.inf, math.inf, 3, 3, 1, 1]
    assert compute_to(run, 1.0) == 7 and compute_to(run, 0.5) == math.inf


def test_start_up_costs_are_charged_at_each_start():
    curves = [curve("a", [5, 3], [1, 1], setup=0.5), curve("b", [4, 1], [2, 2], setup=0.25)]
    run = simulate(curves, [0, 1], 1, fifo(), max_t=2)
    assert [s.compute for s in run.steps] == [1.5, 2.5, 4.75, 6.75]
    assert limit_compute(curves, [0, 1], 2, 1.0) == 1.5 + 0.25 + 4  # a's first rung, all of b


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
            run = method.run(curves, list(range(16)), workers, 8, 0.5)
            assert run.total > 0 and math.isfinite(run.best_full()[1][-1]), (name, workers)


def test_measure_compares_each_method_with_random_search_in_the_same_order():
    rng = np.random.default_rng(0)
    curves = [curve(f"t{i}", np.sort(rng.uniform(1, 10, 4))[::-1], [1, 1, 1, 1]) for i in range(12)]
    from search.efficiency import Pool

    result = measure(Pool("p", curves, 4), 2, replicates=5, methods=["ASHA rf 2 grace 1"])
    assert (result.to_match["random search"] <= 48).all() and result.matched["random search"].all()
    ratio = result.ratio("ASHA rf 2 grace 1")
    assert np.allclose(
        ratio, result.to_match["ASHA rf 2 grace 1"] / result.to_match["random search"]
    )
    assert (result.limit_ratio() <= 1).all()  # nothing beats the oracle


def test_resampled_pools_draw_settings_and_one_seed_each():
    curves = [curve(f"{s}-{seed}", [1], [1], setting=s) for s in "abc" for seed in range(2)]
    pool = resampled(curves, np.random.default_rng(0))
    assert len(pool) == 3 and len({c.trial_id for c in pool}) == 3


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
