"""Spaces draw only: per-loss params appear only with their loss, presets hold the
published ranges, and the distributions a config came from can be replayed."""

import optuna
import pytest

import spaces
from spaces.params import Choice, Fixed, Float, parse
from spaces.presets import PRESETS

GAN_PRESETS = [name for name in PRESETS if PRESETS[name].losses]


def draw(preset, loss=None, seed=0):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    return spaces.get_space("gan")(study.ask(), preset, loss)


@pytest.mark.parametrize("name", GAN_PRESETS)
def test_per_loss_params_only_where_they_apply(name):
    preset = PRESETS[name]
    for loss in preset.losses:
        config = draw(preset, loss)
        assert config["loss"] == loss and config["lr_g"] == config["lr_d"]
        assert ("wgan_clip" in config) == (loss == "wgan")
        assert ("gp_lambda" in config) == (loss == "wgan-gp")
        assert ("dragan_lambda" in config) == (loss == "dragan")
        assert ("began_gamma" in config) == (loss == "began")


def test_lucic_ranges_are_the_published_ones():
    wide, narrow = PRESETS["lucic-wide"].params, PRESETS["lucic-narrow"].params
    assert wide["lr_d"] == Float(1e-5, 1e-2, log=True) and narrow["lr_d"] == Float(
        1e-4, 1e-3, log=True
    )
    assert wide["beta1"] == Float(0.0, 1.0) and narrow["beta1"] == Fixed(0.5)
    assert wide["n_disc"] == Choice((1, 5)) and narrow["n_disc"] == Fixed(1)
    assert wide["wgan_clip"] == Float(1e-3, 1.0, log=True) and narrow["wgan_clip"] == Float(
        1e-2, 1.0, log=True
    )
    assert wide["gp_lambda"] == Float(0.1, 100.0, log=True) and narrow["gp_lambda"] == Float(
        0.1, 10.0, log=True
    )
    assert wide["began_k_rate"] == Float(1e-4, 1e-2, log=True) and narrow["began_k_rate"] == Fixed(
        1e-3
    )
    assert narrow["began_gamma"] == Float(0.6, 0.9)
    assert PRESETS["lucic-wide"].constants == {"net": "infogan", "batch_size": 64, "z_dim": 64}


def test_seed_defaults_points_lie_in_their_ranges():
    preset = PRESETS["seed-defaults"]
    assert {p["loss"] for p in preset.points} == set(preset.losses)
    for point in preset.points:
        for name, value in point.items():
            param = preset.params.get(name)
            if isinstance(param, Float):
                assert param.low <= value <= param.high, (name, value)
            elif isinstance(param, Choice):
                assert value in param.values, (name, value)


def test_replayed_distributions_match_what_optuna_recorded():
    preset = PRESETS["lucic-wide"]
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=3))
    trial = study.ask()
    config = spaces.get_space("gan")(trial, preset)
    fixed = optuna.trial.FixedTrial(config)
    spaces.get_space("gan")(fixed, preset)
    assert fixed.distributions == trial.distributions


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1e-3, 1e-4], "is reversed"),
        ({"low": 0, "high": 1, "log": True}, "low must be > 0"),
        ({"min": 1}, "cannot read"),
    ],
)
def test_bad_ranges_name_the_problem(raw, message):
    with pytest.raises(ValueError, match=message):
        parse("lr_d", raw)


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="valid choices: classifier-basic, cpu-mini, lucic-narrow"):
        spaces.get_preset("wide")
    with pytest.raises(ValueError, match="valid choices: classifier, gan"):
        spaces.get_space("vae")
