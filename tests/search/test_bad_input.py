"""The bad-input catalogue, tried as a user would through the CLI: each mistake gets one
clear message that names the problem (and the valid choices where there is a list), and
nothing is started (Ray) or written (no experiment). README.md's table lists these."""

import subprocess
import sys

import pytest
import ray
import torch
import yaml
from PIL import Image

from gantune.search.cli import main
from gantune.search.spec import load_spec, write_spec
from gantune.trainables.trial import run_local
from tests.conftest import ROOT
from tests.conftest import write_spec as write_spec_file


@pytest.fixture
def no_ray(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("Ray was started for bad input")

    monkeypatch.setattr(ray, "init", refuse)


def broken_folder(root):
    (root / "shirts").mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(root / "shirts" / "good.png")
    (root / "shirts" / "broken.jpg").write_bytes(b"not an image")
    return root


SPEC_CASES = {
    "unknown family": ({"family": "diffusion"}, "unknown family 'diffusion'; valid choices:"),
    "unknown loss": (
        {"strata": ["ns", "nsgan"]},
        "unknown GAN loss 'nsgan'; valid choices: began, dragan",
    ),
    "unknown preset": (
        {"preset": "wide"},
        "unknown preset 'wide' for family 'gan'; valid choices: cpu-mini",
    ),
    "unknown sampler": (
        {"sampler": {"kind": "grid"}},
        "unknown sampler 'grid'; valid choices: cmaes, random, tpe",
    ),
    "unknown scheduler key": (
        {"scheduler": {"kind": "asha", "maxt": 4}},
        "unknown scheduler key(s) maxt; valid keys: kind, max_t",
    ),
    "reversed range": ({"ranges": {"lr_d": [1e-3, 1e-4]}}, "range [0.001, 0.0001] is reversed"),
    "non-positive log range": (
        {"ranges": {"lr_d": {"low": 0, "high": 1e-3, "log": True}}},
        "is log-scaled, so low must be > 0",
    ),
    "GPU fraction above 1": (
        {"resources": {"cpu": 1, "gpu": 1.5}},
        "resources.gpu = 1.5: a trial uses at most one GPU",
    ),
    "missing dataset folder": (
        {"dataset": "image-folder", "dataset_options": {"root": "/no/such/folder"}},
        "image folder /no/such/folder does not exist",
    ),
    "unknown spec key": ({"schedular": {"kind": "asha"}}, "unknown spec key(s) schedular"),
    "wrong type in the spec": ({"num_samples": "many"}, "num_samples must be int, not 'many'"),
    "bad config value": ({"fixed": {"lr_d": -1}}, "lr_d = -1.0 is outside [1e-12, inf]"),
    "journal store in a missing folder": (
        {"study_store": "journal:/no/such/folder/study.log"},
        "the folder /no/such/folder does not exist",
    ),
    "unreachable study store": (
        {"study_store": "postgresql://gantune@127.0.0.1:9/gantune"},
        "study store postgresql://gantune@127.0.0.1:9/gantune cannot be opened",
    ),
}


def refused(args, capsys) -> str:
    assert main(args) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 or "problem(s)" in error, error
    return error


@pytest.mark.parametrize("case", SPEC_CASES)
def test_a_bad_spec_is_refused_before_anything_starts(case, tmp_path, capsys, no_ray):
    values, message = SPEC_CASES[case]
    error = refused(["search", "--spec", str(write_spec_file(tmp_path, **values))], capsys)
    assert message in error, error
    assert not (tmp_path / "results").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_more_gpu_per_trial_than_this_machine_has(tmp_path):
    # Through the real CLI in a new process: this test session's own Ray has a logical GPU.
    spec = write_spec_file(tmp_path)
    command = [sys.executable, "-m", "gantune.search.cli", "search", "--spec", str(spec)]
    done = subprocess.run(
        [*command, "--gpus-per-trial", "0.5"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "resources.gpu = 0.5 per trial, but this machine has no GPU" in done.stderr
    assert "Started a local Ray instance" not in done.stdout + done.stderr
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda root: root.mkdir() or root, "has no class sub-folders"),
        (broken_folder, "broken.jpg: cannot read the image"),
    ],
    ids=["empty dataset folder", "corrupt image"],
)
def test_a_bad_dataset_folder_is_refused(make, message, tmp_path, capsys, no_ray):
    root = make(tmp_path / "mine")
    options = {"root": str(root), "size": 28, "test_share": 0}
    spec = write_spec_file(
        tmp_path,
        dataset="image-folder",
        dataset_options=options,
        fixed={"fid_backend": "fmnist-cnn"},
    )
    error = refused(["search", "--spec", str(spec)], capsys)
    assert message in error and not (tmp_path / "results").exists()


def test_resume_of_a_folder_that_is_not_an_experiment(tmp_path, capsys, no_ray):
    error = refused(["search", "--resume", str(tmp_path)], capsys)
    assert "is not a gantune experiment (no spec.yaml); nothing to resume" in error


def fake_experiment(tmp_path):
    spec = load_spec(path=write_spec_file(tmp_path))
    directory = tmp_path / "experiment"
    write_spec(spec.to_dict(), directory)
    (directory / "experiment_state-2026-01-01_00-00-00.json").write_text('{"trial_data": []}')
    return directory


def test_resume_with_a_changed_spec_is_refused(tmp_path, capsys, no_ray):
    directory = fake_experiment(tmp_path)
    error = refused(["search", "--resume", str(directory), "-s", "num_samples=20"], capsys)
    assert "--resume takes no overrides" in error
    edited = yaml.safe_load((directory / "spec.yaml").read_text()) | {"num_samples": 20}
    (directory / "spec.yaml").write_text(yaml.safe_dump(edited))
    error = refused(["search", "--resume", str(directory)], capsys)
    assert "spec.yaml was changed after the experiment started" in error
    assert sorted(p.name for p in directory.iterdir()) == [
        "experiment_state-2026-01-01_00-00-00.json", "spec.sha256", "spec.yaml",
    ]  # fmt: skip


def test_generate_on_a_checkpoint_of_the_wrong_family(tmp_path, capsys):
    config = {"family": "classifier", "net": "dense", "images_per_iter": 256, "max_iterations": 1}
    run_local(config, tmp_path, cpus=1)
    error = refused(["generate", str(tmp_path)], capsys)
    assert "holds a classifier model, which does not generate" in error
