"""Bad specs fail with one clear message before Ray starts."""

import pytest
import ray

from search.cli import main
from search.spec import load_spec, study_names
from tests.conftest import write_spec


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"losses": ["ns", "nsgan"]}, "unknown GAN loss 'nsgan'; valid choices: began, dragan"),
        ({"ranges": {"lr_d": [1e-3, 1e-4]}}, "lr_d range [0.001, 0.0001] is reversed"),
        (
            {"resources": {"cpu": 1, "gpu": 1.5}},
            "resources.gpu = 1.5: a trial uses at most one GPU",
        ),
        ({"dataset": "deepfashion"}, "unknown dataset 'deepfashion'; valid choices: fashion-mnist"),
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
            "unknown sampler 'grid'; valid choices: tpe, random, cmaes",
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
        assert load_spec(study=name).name == name


def test_lucic_study_matches_the_paper_budget():
    spec = load_spec(study="lucic2018-fashion")
    assert spec.preset_object().losses == (
        "mm",
        "ns",
        "lsgan",
        "wgan",
        "wgan-gp",
        "dragan",
        "began",
    )
    assert spec.num_samples == 7 * 100
    steps = (
        spec.scheduler.max_t * spec.images_per_iter // spec.preset_object().constants["batch_size"]
    )
    assert steps == 15625 and spec.eval_samples == 10000


def test_overrides_reach_nested_keys():
    spec = load_spec(
        study="fashion-gan-mini", overrides={"scheduler.max_t": 3, "resources.gpu": 0.25}
    )
    assert spec.scheduler.max_t == 3 and spec.resources.gpu == 0.25
    assert spec.trial_constants()["max_iterations"] == 3


def test_unknown_study_lists_the_named_ones(capsys):
    assert main(["search", "--study", "lucic"]) == 2
    assert (
        "unknown study 'lucic'; valid choices: collection-defaults, fashion-gan-mini"
        in capsys.readouterr().err
    )
