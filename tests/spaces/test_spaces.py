"""Spaces draw only: per-loss params appear only with their loss, presets hold the
published ranges, range overrides complete the preset's ranges, and the distributions a
config came from can be replayed."""

import optuna
import pytest

from gantune import spaces
from gantune.spaces.family import FAMILY_SPACES, get_family
from gantune.spaces.gan import PRESETS
from gantune.spaces.params import Choice, Fixed, Float, parse

GAN = get_family("gan")


def draw(preset, seed=0):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    return GAN.space(study.ask(), preset)


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_per_loss_params_only_where_they_apply(name):
    preset = PRESETS[name]
    for loss in preset.choices("loss"):
        config = draw(preset.fixing("loss", loss))
        assert config["loss"] == loss and "lr_g" not in config  # the GAN config copies lr_d
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
    assert PRESETS["lucic-wide"].constants == {"net": "infogan", "batch_size": 64, "latent_dim": 64}
    assert PRESETS["lucic-wide"].choices("loss") == (
        "mm", "ns", "lsgan", "wgan", "wgan-gp", "dragan", "began",
    )  # fmt: skip


def test_seed_defaults_points_lie_in_their_ranges():
    preset = PRESETS["seed-defaults"]
    assert {p["loss"] for p in preset.points} == set(preset.choices("loss"))
    for point in preset.points:
        for name, value in point.items():
            param = preset.params.get(name)
            if isinstance(param, Float):
                assert param.low <= value <= param.high, (name, value)
            elif isinstance(param, Choice):
                assert value in param.options, (name, value)


FAMILY_PRESETS = [
    (family, preset) for family, space in FAMILY_SPACES.items() for preset in space.presets
]


@pytest.mark.parametrize(("family", "preset"), FAMILY_PRESETS)
def test_the_stores_replay_records_what_optuna_recorded(family, preset):
    """Every family and preset: the study store's own recording trial, replaying a config
    through the space, finds the distributions Optuna recorded when it was drawn."""
    from gantune.search.plan import Strata
    from gantune.search.tuner import replay_distributions

    space, chosen = FAMILY_SPACES.get(family), FAMILY_SPACES.get(family).preset(preset)
    for seed in range(3):
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
        trial = study.ask()
        config = space.space(trial, chosen)
        replayed = replay_distributions(config, space.space, chosen, Strata("", ()))
        assert replayed == trial.distributions, (family, preset, seed)
        strata = Strata(space.stratify_by, chosen.choices(space.stratify_by))
        stratified = replay_distributions(config, space.space, chosen, strata)
        assert set(stratified) == set(trial.distributions) | {space.stratify_by}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([1e-3, 1e-4], "is reversed"),
        ({"low": 0, "high": 1, "log": True}, "low must be > 0"),
        ({"min": 1}, "unknown field(s) min; valid fields: low, high, log, choices"),
        ({"high": "fast"}, "lr_d.high must be a number, not 'fast'"),
    ],
)
def test_bad_ranges_name_the_problem(raw, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse("lr_d", raw, Float(1e-5, 1e-2, log=True))


def test_partial_ranges_complete_the_preset_range():
    base = Float(1e-5, 1e-2, log=True)
    assert parse("lr_d", {"high": 1e-3}, base) == Float(1e-5, 1e-3, log=True)
    assert parse("lr_d", [1e-4, 1e-3], base) == Float(1e-4, 1e-3, log=True)  # keeps log
    with pytest.raises(ValueError, match="the preset has no range to change"):
        parse("beta1", {"high": 0.9}, Fixed(0.5))


def test_every_family_descriptor_is_complete():
    assert {"gan", "classifier"} <= set(FAMILY_SPACES.names())
    for name, family in FAMILY_SPACES.items():
        assert family.mode in ("min", "max") and family.metric
        default = family.preset()
        assert default.name == family.default_preset
        for preset in family.presets.values():
            assert family.stratify_by in preset.params, (name, preset.name)
            assert preset.choices(family.stratify_by)
            config = draw_with(family, preset)
            assert family.stratify_by in config


def draw_with(family, preset):
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    return family.space(study.ask(), preset)


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="valid choices: cpu-mini, lucic-narrow, lucic-wide"):
        GAN.preset("wide")
    with pytest.raises(ValueError, match="unknown family 'nope'; valid choices: classifier"):
        spaces.get_family("nope")


@pytest.mark.parametrize(("grace", "factor"), [(0, 2), (1, 1), (-1, 3)])
def test_rungs_refuse_a_first_rung_or_factor_that_would_never_reach_max_t(grace, factor):
    from gantune.spaces.rungs import asha_rungs

    with pytest.raises(ValueError, match="grace_period >= 1 and reduction_factor >= 2"):
        asha_rungs(6, grace, factor)
