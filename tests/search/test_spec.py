"""Bad specs fail with one clear message before Ray starts."""

import pytest
import ray

from gantune.search.cli import main
from gantune.search.plan import plan_of
from gantune.search.spec import load_spec, study_names
from gantune.spaces.params import Float
from tests.conftest import write_spec


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"strata": ["ns", "nsgan"]}, "unknown GAN loss 'nsgan'; valid choices: began, dragan"),
        ({"ranges": {"lr_d": [1e-3, 1e-4]}}, "ranges.lr_d range [0.001, 0.0001] is reversed"),
        ({"family": ""}, "the spec names no family; valid choices: classifier"),
        ({"family": "diffusion"}, "unknown family 'diffusion'; valid choices: classifier"),
        ({"preset": "wide"}, "unknown preset 'wide' for family 'gan'; valid choices: cpu-mini"),
        ({"ranges": {"lr_x": [1e-3, 1e-2]}}, "ranges name lr_x, which the gan space never draws"),
        ({"ranges": {"lr_d": {"hgh": 1e-3}}}, "unknown field(s) hgh; valid fields: low, high"),
        ({"strata": "ns"}, "strata must be list, not 'ns'"),
        (
            {"resources": {"cpu": 1, "gpu": 1.5}},
            "resources.gpu = 1.5: a trial uses at most one GPU",
        ),
        (
            {"dataset": "deepfashion"},
            "unknown dataset 'deepfashion'; valid choices: fashion-attributes, fashion-mnist",
        ),
        (
            {"dataset": "image-folder", "dataset_options": {"root": "/no/such/folder"}},
            "dataset 'image-folder' is not available: image folder /no/such/folder does not exist",
        ),
        (
            {"scheduler": {"kind": "asha", "max_t": 2, "grace_period": 3}},
            "grace_period must be in [1, max_t=2]",
        ),
        (
            {"sampler": {"kind": "grid"}},
            "unknown sampler 'grid'; valid choices: cmaes, random, tpe",
        ),
        ({"schedular": {"kind": "asha"}}, "unknown spec key(s) schedular; valid keys: name"),
        (
            {"fixed": {"net": "resnet"}},
            "unknown GAN net 'resnet'; valid choices: dcgan, infogan, mlp",
        ),
        ({"fixed": {"lr": 0.1}}, "unknown config key(s) lr; valid keys: family"),
    ],
)
def test_bad_spec_fails_with_one_clear_message(values, message, tmp_path, capsys, monkeypatch):
    def no_ray(*args, **kwargs):
        raise AssertionError("Ray was started for a bad spec")

    monkeypatch.setattr(ray, "init", no_ray)
    assert main(["search", "--spec", str(write_spec(tmp_path, **values))]) == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1, error
    assert not (tmp_path / "results").exists()  # no experiment, no trial


def test_named_studies_are_valid():
    assert {"fashion-gan-mini", "lucic2018-fashion"} <= set(study_names())
    for name in study_names():
        assert plan_of(load_spec(study=name)).name == name


def test_lucic_study_matches_the_paper_budget():
    plan = plan_of(load_spec(study="lucic2018-fashion"))
    assert plan.strata.values == ("mm", "ns", "lsgan", "wgan", "wgan-gp", "dragan", "began")
    assert plan.num_samples == 7 * 100
    per_trial = plan.scheduler.max_t * plan.constants["images_per_iter"]
    steps = per_trial // plan.preset.constants["batch_size"]
    assert steps == 15625 and plan.constants["eval_samples"] == 10000


def test_overrides_reach_nested_keys():
    spec = load_spec(
        study="fashion-gan-mini", overrides={"scheduler.max_t": 3, "resources.gpu": 0.25}
    )
    assert spec.scheduler.max_t == 3 and spec.resources.gpu == 0.25
    assert plan_of(spec).constants["max_iterations"] == 3


def test_range_overrides_from_the_command_line_are_read_as_yaml(tmp_path):
    from gantune.search.commands import parse_options

    whole = parse_options(["ranges.lr_d=[1e-4,1e-3]", "strata=[ns,hinge]"])
    plan = plan_of(load_spec(study="fashion-gan-mini", overrides=whole))
    assert plan.preset.params["lr_d"] == Float(1e-4, 1e-3, log=True)
    assert plan.strata.values == ("ns", "hinge")
    options = parse_options(["ranges.lr_d.high=1e-3"])
    high = plan_of(load_spec(study="fashion-gan-mini", overrides=options))
    base = plan.family.preset("cpu-mini").params["lr_d"]
    assert high.preset.params["lr_d"] == Float(base.low, 1e-3, log=True)


def test_bad_override_on_the_command_line_is_one_clear_error(capsys):
    assert main(["search", "--study", "fashion-gan-mini", "-s", "ranges.lr_d.high=fast"]) == 2
    assert "ranges.lr_d.high must be a number, not 'fast'" in capsys.readouterr().err


def test_specs_from_before_the_family_seam_still_read():
    from gantune.search.spec import from_mapping

    old = {
        "name": "old",
        "family": "gan",
        "space": "gan",
        "losses": ["ns"],
        "stratify_losses": True,
    }
    spec = from_mapping(old)
    assert spec.strata == ["ns"] and spec.stratify and spec.stratify_by == "loss"


def test_unknown_study_lists_the_named_ones(capsys):
    assert main(["search", "--study", "lucic"]) == 2
    error = capsys.readouterr().err
    assert "unknown study 'lucic'; valid choices: collection-defaults, " in error
    assert "fashion-gan-quick, lucic2018-fashion" in error


def test_reuse_actors_is_off_unless_asked_and_must_be_a_bool():
    from gantune.trainables.config import ConfigError

    assert load_spec(study="fashion-gan-quick").reuse_actors is False
    assert load_spec(study="fashion-gan-quick", overrides={"reuse_actors": True}).reuse_actors
    with pytest.raises(ConfigError, match="reuse_actors must be bool, not 'often'"):
        load_spec(study="fashion-gan-quick", overrides={"reuse_actors": "often"})
