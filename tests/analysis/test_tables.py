import math

import numpy as np
import pandas as pd
import pytest

from gantune.analysis.load import load_experiment
from gantune.analysis.sections.gan_lucic import LUCIC_GANS, lucic_column, lucic_table
from gantune.analysis.tables import common_budget, family_summary, variant_table


def synthetic_frame(rows):
    """A frame shaped like load_experiment's: one final row per trial."""
    records = []
    for index, (loss, fid, lr, seed) in enumerate(rows):
        records.append(
            {
                "experiment": "e", "trial_id": f"t{index}", "training_iteration": 4, "fid": fid,
                "images_seen": 1000, "status": "finished", "early_stopped": False, "metric": "fid",
                "mode": "min", "family": "gan", "variant": loss, "stratify_by": "loss",
                "config.loss": loss,
                "config.lr_d": lr, "config.seed": seed,
            }
        )  # fmt: skip
    return pd.DataFrame(records)


def hand_spearman(ours, theirs):
    """1 - 6 sum d^2 / (n (n^2 - 1)), for orderings without ties."""
    n = len(ours)
    rank = lambda values: {v: i for i, v in enumerate(sorted(values))}  # noqa: E731
    ours_rank, theirs_rank = rank(ours), rank(theirs)
    d2 = sum((ours_rank[a] - theirs_rank[b]) ** 2 for a, b in zip(ours, theirs, strict=True))
    return 1 - 6 * d2 / (n * (n**2 - 1))


def test_one_row_per_loss_and_spearman_by_hand():
    frame = synthetic_frame(
        [
            ("ns", 50.0, 1e-3, 0),
            ("ns", 40.0, 2e-3, 0),
            ("wgan", 35.0, 1e-4, 0),
            ("mm", 60.0, 1e-3, 0),
            ("began", 45.0, 1e-3, 0),
            ("lsgan", 55.0, 1e-3, 0),
        ]
    )
    result = lucic_table(frame, "fmnist-cnn")
    losses = ("ns", "wgan", "mm", "began", "lsgan")
    assert sorted(result.table.index) == sorted(losses)
    assert result.table.loc["ns", "best"] == 40.0 and result.table.loc["ns", "trials"] == 2
    ours = [result.table.loc[loss, "best"] for loss in losses]
    published = [LUCIC_GANS[loss][1][0] for loss in losses]
    assert result.spearman == pytest.approx(hand_spearman(ours, published))
    assert result.common == 5 and result.backend == "fmnist-cnn"
    four = lucic_table(frame[frame["config.loss"] != "lsgan"], "fmnist-cnn")
    assert four.spearman is None and four.rankings == {}  # too few losses to compare


def test_seed_reruns_give_mean_and_std_of_the_best_setting():
    frame = synthetic_frame(
        [("ns", 40.0, 1e-3, 0), ("ns", 44.0, 1e-3, 1), ("ns", 42.0, 1e-3, 2), ("ns", 90.0, 5e-3, 0)]
    )
    row = lucic_table(frame, "fmnist-cnn").table.loc["ns"]
    assert row["seeds"] == 3 and row["seeds_mean"] == pytest.approx(42.0)
    assert row["seeds_std"] == pytest.approx(np.std([40.0, 44.0, 42.0], ddof=1))


def test_table_of_a_real_experiment(tiny_experiment):
    frame = load_experiment(tiny_experiment[0])
    result = lucic_table(frame, "fmnist-cnn")
    assert set(result.table.index) == set(frame["config.loss"])  # one row per loss
    # compared at one budget: the highest iteration every loss reached
    reached = frame.groupby("config.loss")["training_iteration"].max()
    assert result.iteration == reached.min()
    at_budget = frame[frame["training_iteration"] == result.iteration]
    for loss, group in at_budget.groupby("config.loss"):
        assert result.table.loc[loss, "best"] == pytest.approx(group["fid"].min())
        assert result.table.loc[loss, "published_mean"] == lucic_column().loc[loss, "mean"]
    assert result.spearman is None  # three losses: too few to compare orderings
    assert result.describe_rankings()[0].startswith("too few losses to compare orderings (3")


def test_variant_table_orders_variants_best_first(tiny_experiment):
    frame = load_experiment(tiny_experiment[0])
    table = variant_table(frame)
    assert set(table.index) == set(frame["variant"]) == {"ns", "lsgan", "wgan-gp"}
    assert table["best at budget"].is_monotonic_increasing  # FID: lower is better
    budget = table.attrs["budget"]
    assert budget.iteration == min(budget.reached.values())
    assert table["trials"].sum() == frame["trial_id"].nunique()


def test_common_budget_is_the_highest_iteration_half_the_trials_reached():
    histories = [{1: 5.0, 2: 4.0, 3: 3.0, 4: 2.0}, {1: 6.0, 2: 5.0}, {1: 7.0, 2: 6.0}, {1: 8.0}]
    assert common_budget(histories) == 2  # 3 of 4 trials reached 2, one reached 4
    assert common_budget([{1: 1.0}, {1: 2.0}]) is None  # fewer than three trials
    assert common_budget([{1: float("inf")}, {1: 1.0}, {1: 2.0}, {1: 3.0}]) == 1


def test_family_summary_counts(tiny_experiment):
    summary = family_summary(load_experiment(tiny_experiment[0]))
    row = summary.loc["gan"]
    assert (
        row["trials"] == 6
        and row["finished"] + row["stopped_early"] + row["diverged"] + row["errors"] == 6
    )
    assert math.isfinite(row["best_fid"])
