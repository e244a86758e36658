"""Search efficiency measured so that a miss can never look like a win: anytime regret,
time to within delta with misses as never, ranks with the Friedman test, the oracle that
bounds every fixed-order method (on every committed pool), and pool files."""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gantune.analysis.efficiency.measures import BUDGETS, iqm, measure, normalised_regret
from gantune.analysis.efficiency.methods import METHODS, ORACLE, Method, Task
from gantune.analysis.efficiency.pools import Pool, pool_of, read_pool
from gantune.analysis.efficiency.ranks import nemenyi, rankings
from gantune.analysis.efficiency.replay import Curve, Replay, Step
from gantune.analysis.efficiency.report import record

POOLS = sorted((Path(__file__).resolve().parents[3] / "bench" / "data").glob("*.parquet"))


def never_the_best(task: Task) -> Replay:
    """Every setting to its first rung, then only the worst finished: it never trains the
    best, and its whole search is cheap."""
    from gantune.analysis.efficiency.replay import simulate_sync

    return simulate_sync(
        task.curves, task.order, task.workers, task.max_t, [1, task.max_t], lambda k, n: 1
    )


def worst_first(curves):
    """Ranked the wrong way round at the first rung, so the rule keeps the worst."""
    return [
        Curve(c.trial_id, np.concatenate([[-c.values[-1]], c.values[1:]]), c.costs, c.variant,
              c.setup, c.setting)
        for c in curves
    ]  # fmt: skip


@pytest.fixture
def synthetic():
    rng = np.random.default_rng(0)
    finals = rng.uniform(10, 100, 20)
    curves = [
        Curve(f"t{i}", np.linspace(200, final, 4), np.full(4, 1.0), setting=f"s{i}")
        for i, final in enumerate(finals)
    ]
    return Pool("synthetic", worst_first(curves), 4, noise=0.5)


def test_a_method_that_never_trains_the_best_never_outranks_one_that_does(synthetic, monkeypatch):
    monkeypatch.setitem(METHODS._entries, "never the best", Method(never_the_best, "test"))
    result = measure(synthetic, 1, replicates=20, methods=["random search", "never the best"])
    assert result.reached("never the best") == 0 and result.reached("random search") == 1
    assert result.median_to_delta("never the best") == math.inf  # a miss is never cheap
    assert np.median(result.total["never the best"]) < 0.5  # though its search was
    # at every budget, in every replicate, its regret is at least random search's
    assert (result.regret["never the best"] >= result.regret["random search"] - 1e-12).all()
    assert (result.at_budgets["never the best"][:, -1] > 0).all()
    for ranking in rankings([result], ["random search", "never the best"]):
        assert ranking.average[1] >= ranking.average[0]


def test_normalised_regret_is_one_before_anything_finished_and_zero_at_the_best():
    run = Replay([Step(1, 4.0, 0, 2, 7.0, True), Step(2, 8.0, 1, 2, 5.0, True)])
    shares = np.array([0.1, 0.4, 0.8, 1.0])
    found = normalised_regret(run, 10.0, shares, best=5.0, worst=9.0)
    assert found.tolist() == [1.0, 0.5, 0.0, 0.0]


def test_ranks_the_friedman_test_and_the_critical_difference():
    # Demšar 2006, table 5: q(0.05) for 4 methods is 2.569
    assert nemenyi(4, 10) == pytest.approx(2.569 * math.sqrt(4 * 5 / 60), rel=1e-3)
    pool = Pool("p", [Curve(f"t{i}", np.array([5.0 - i / 10, 4.0 - i / 10]), np.ones(2),
                            setting=str(i)) for i in range(6)], 2)  # fmt: skip
    result = measure(pool, 1, replicates=8, methods=["random search", "ASHA rf 2 grace 1"])
    found = rankings([result], ["random search", "ASHA rf 2 grace 1"])
    assert [r.budget for r in found] == list(BUDGETS)
    assert all(abs(r.average.sum() - 3.0) < 1e-9 for r in found)  # ranks 1 and 2 per block


@pytest.mark.parametrize("path", POOLS, ids=lambda p: p.stem)
def test_no_fixed_order_method_beats_the_oracle_in_any_order(path):
    pool = read_pool(path)
    fixed = [n for n, m in METHODS.items() if m.fixed_order and m.ranked]
    slow = {"median stopping", "curve stopping"}  # the slowest replays; W=1 only
    for workers in (1, 2):
        names = [n for n in fixed if workers == 1 or n not in slow] + [ORACLE]
        result = measure(pool, workers, replicates=4, methods=names, seed=7)
        bound = result.to_delta[ORACLE]
        assert np.isfinite(bound).all()
        for name in names:
            beaten = result.to_delta[name] < bound - 1e-9
            assert not beaten.any(), (pool.name, workers, name, result.to_delta[name], bound)


def test_a_pool_file_without_a_record_takes_its_noise_from_the_seeds(tmp_path):
    rows = []
    for setting, final in (("a", 1.0), ("b", 2.0)):
        for seed, shift in ((0, 0.0), (1, 0.2)):
            for iteration in (1, 2):
                rows.append({"trial_id": f"{setting}{seed}", "training_iteration": iteration,
                             "error": final + shift + (2 - iteration), "metric": "error",
                             "mode": "min", "max_t": 2, "train_seconds": 1.0,
                             "eval_seconds": 0.0, "variant": "", "config.x": setting,
                             "config.seed": seed})  # fmt: skip
    pd.DataFrame(rows).to_parquet(tmp_path / "mine.parquet")
    pool = read_pool(tmp_path / "mine.parquet")
    assert pool.settings == 2 and pool.seeds == 2
    assert pool.noise == pytest.approx(np.std([0.0, 0.2], ddof=1))
    (tmp_path / "mine.json").write_text(json.dumps({"noise": {"std": 0.05, "source": "said"}}))
    assert read_pool(tmp_path / "mine.parquet").noise == 0.05
    with pytest.raises(ValueError, match="no column max_t"):
        pool_of(pd.DataFrame(rows).drop(columns="max_t"), "broken")


def test_the_json_record_holds_misses_as_null_and_a_rank_per_method(synthetic, monkeypatch):
    monkeypatch.setitem(METHODS._entries, "never the best", Method(never_the_best, "test"))
    names = ["random search", "never the best"]
    result = measure(synthetic, 1, replicates=6, methods=names)
    stored = json.loads(json.dumps(record([result], rankings([result], names))))
    mine = stored["pools"]["synthetic"]["methods"]["never the best"]
    assert mine["to_delta"] == [None] * 6 and mine["within_delta"] == 0
    assert set(mine["regret_iqm"]) == {"1/16", "1/8", "1/4", "1/2", "1"}
    assert set(stored["ranks"]["1/4"]["average"]) == set(names)
    assert iqm(np.arange(8.0)) == pytest.approx(3.5)  # the mean of the middle half
