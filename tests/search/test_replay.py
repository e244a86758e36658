"""The replay of recorded curves: its accounting on a case worked by hand, and its ASHA
making exactly the decisions Ray's ASHA made inside a real Tune run."""

import math

import numpy as np

from analysis.experiment import scheduler_stops
from analysis.load import load_experiment
from search.cli import main
from search.efficiency import compute_to, measure
from search.replay import Curve, FifoDecider, asha_decider, curves_of, replay, replay_sha
from tests.conftest import experiment_dir, write_spec
from tests.search.toy_family import SPEC


def curve(name, values, costs):
    return Curve(name, np.array(values, float), np.array(costs, float))


def test_two_workers_known_costs_known_curves_known_answer():
    curves = [curve("a", [5, 3], [1, 1]), curve("b", [4, 1], [2, 2]), curve("c", [6, 2], [1, 1])]
    run = replay(curves, [0, 1, 2], workers=2, decider=FifoDecider(), max_t=2)
    # a1 ends at t=1; b1 at t=2, then a2 (a done: 3); c starts, c1 at t=3; b2 at t=4 (1); c2 (2)
    assert [(s.trial, s.iteration) for s in run.steps] == [
        (0, 1),
        (1, 1),
        (0, 2),
        (2, 1),
        (1, 2),
        (2, 2),
    ]
    assert [s.time for s in run.steps] == [1, 2, 2, 3, 4, 4]
    compute, best = run.best_full()
    assert compute.tolist() == [1, 3, 4, 5, 7, 8]
    assert best.tolist() == [math.inf, math.inf, 3, 3, 1, 1]
    assert compute_to(run, 1.0) == 7 and compute_to(run, 0.5) == math.inf


def test_synchronous_halving_keeps_the_best_half_at_each_rung():
    curves = [curve(n, v, [1, 1, 1, 1]) for n, v in (("a", [4, 4, 4, 4]), ("b", [1, 1, 1, 1]),
              ("c", [3, 3, 0.5, 0.5]), ("d", [2, 2, 2, 2]))]  # fmt: skip
    run = replay_sha(curves, [0, 1, 2, 3], workers=2, max_t=4, grace=1, rf=2)
    assert run.stopped == {0, 2, 3}  # rung 1 keeps b and d; rung 2 keeps b
    assert run.best_full()[1][-1] == 1 and run.steps[-1].compute == 4 + 2 + 2


def test_replayed_asha_makes_the_decisions_ray_made_in_a_real_run(ray_address, tmp_path, capsys):
    spec = write_spec(
        tmp_path,
        **SPEC,
        name="replayed",
        num_samples=10,
        max_concurrent_trials=1,  # one at a time: the order of results is the trial order
        sampler={"kind": "random", "seed": 1},
        scheduler={"kind": "asha", "max_t": 4, "grace_period": 1, "reduction_factor": 2},
    )
    assert main(["search", "--spec", str(spec)]) == 0
    directory = experiment_dir(capsys.readouterr().out)
    real_stops = scheduler_stops(directory)
    assert real_stops, "the run stopped nothing: no decisions to compare"
    frame = load_experiment(directory)
    by_id = {c.trial_id: c for c in curves_of(frame)}
    started = frame.groupby("trial_id")["timestamp"].min()  # one trial at a time: run order
    curves = [by_id[trial_id] for trial_id in started.sort_values(kind="stable").index]
    run = replay(curves, list(range(len(curves))), 1, asha_decider(4, 1, 2), max_t=4)
    last = {s.trial: s.iteration for s in run.steps}
    replayed = {curves[p].trial_id: last[p] for p in run.stopped}
    assert replayed == real_stops


def test_measure_reports_each_method_on_the_same_orders():
    rng = np.random.default_rng(0)
    curves = [curve(f"t{i}", np.sort(rng.uniform(1, 10, 4))[::-1], [1, 1, 1, 1]) for i in range(12)]
    result = measure(curves, max_t=4, grace=1, rf=2, workers=2, orders=5)
    assert result.budget == 48
    fifo = result.to_match["random search (FIFO)"]
    assert (fifo <= result.budget).all() and (result.best_found["random search (FIFO)"] > 0).all()
    assert set(result.rung_correlation) == {1, 2}
