"""The report's statistics rules (`analysis.statistics`), each checked where a lead
sentence or table uses it: no rank correlation on fewer than five rows, a permutation p
beside every Spearman, fANOVA's trial count and its warning under twenty."""

import numpy as np
import pandas as pd
import pytest

from gantune.analysis.sections import ReportContext, gan, vae
from gantune.analysis.sections.gan_lucic import lucic_table
from gantune.analysis.statistics import fanova_note, rank_correlation
from gantune.analysis.tables import Importance


def gan_frame(losses: list[str]) -> pd.DataFrame:
    rows = []
    for number, loss in enumerate(losses):
        rows.append({"experiment": "e", "trial_id": f"t{number}", "family": "gan", "metric": "fid",
                     "mode": "min", "training_iteration": 1, "fid": 30.0 + number,
                     "status": "finished", "config.loss": loss, "variant": loss,
                     "images_seen": 100})  # fmt: skip
    return pd.DataFrame(rows)


def test_a_rank_correlation_needs_five_rows_and_carries_its_permutation_p():
    assert rank_correlation([1, 2, 3, 4], [1, 2, 3, 4]) is None
    found = rank_correlation([1, 2, 3, 4, 5], [1, 2, 3, 4, 5])
    assert found.rho == pytest.approx(1.0) and found.p_value == pytest.approx(2 / 120)  # 2 of 120


def test_the_gan_lead_says_too_few_losses_instead_of_a_three_row_spearman():
    context = ReportContext(gan_frame(["ns", "lsgan", "wgan-gp"]), [], [], with_floor=False)
    lead = gan.lead(context)
    assert "too few losses to compare orderings (3" in lead and "Spearman" not in lead
    assert lucic_table(context.frame, "fmnist-cnn").describe_rankings()[0].startswith("too few")


def test_the_gan_lead_quotes_the_permutation_p_beside_the_interval_on_seven_losses():
    losses = ["mm", "ns", "lsgan", "wgan", "wgan-gp", "dragan", "began"]
    lead = gan.lead(ReportContext(gan_frame(losses), [], [], with_floor=False))
    assert "Spearman rank correlation" in lead and "permutation p" in lead


def test_the_vae_lead_needs_five_trials_for_the_elbo_and_fid_orders():
    rows = [{"experiment": "e", "trial_id": f"t{k}", "family": "vae", "metric": "fid",
             "mode": "min", "training_iteration": 1, "fid": 100.0 + k, "test_elbo": -500.0 - k,
             "status": "finished", "config.latent_dim": [10, 20][k % 2], "variant": "x",
             "images_seen": 100} for k in range(4)]  # fmt: skip
    context = ReportContext(pd.DataFrame(rows), [], [])
    assert "too few trials to compare orderings (4" in vae.lead(context)


def test_fanova_states_its_trials_and_warns_under_twenty():
    assert "7 trials" in fanova_note(7) and "rough estimate" in fanova_note(7)
    assert "rough" not in fanova_note(20)
    table = pd.DataFrame({"param": ["lr"], "importance": [1.0]})
    assert "from 7 trials (fewer than 20" in Importance(table, 2, 7, 9).describe()
    assert np.isfinite(rank_correlation(np.arange(9.0), np.arange(9.0)[::-1]).p_value)
