import pytest
from PIL import Image

from gantune.search.cli import main
from gantune.trainables.trial import run_local

TINY = {
    "family": "gan",
    "net": "mlp",
    "width": 0.125,
    "batch_size": 16,
    "latent_dim": 8,
    "images_per_iter": 32,
    "max_iterations": 1,
    "eval_samples": 20,
}


@pytest.fixture(scope="module")
def cgan_trial(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cgan")
    run_local(TINY | {"conditioning": "cgan"}, directory, cpus=1)
    return directory


def test_generate_a_chosen_class_by_name(cgan_trial, tmp_path, capsys):
    out = tmp_path / "sandals.png"
    assert (
        main(
            [
                "generate",
                str(cgan_trial / "checkpoint_000001"),
                "--label",
                "Sandal",
                "-n",
                "6",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert "6 x Sandal" in capsys.readouterr().out
    with Image.open(out) as picture:
        assert picture.size == (6 * 30 + 2, 32)  # one row of six 28px images, 2px padding


def test_generate_by_number_from_a_trial_dir(cgan_trial, tmp_path, capsys):
    assert (
        main(
            ["generate", str(cgan_trial), "--label", "1", "-n", "2", "-o", str(tmp_path / "t.png")]
        )
        == 0
    )
    assert "2 x Trouser" in capsys.readouterr().out


def test_unknown_label_lists_the_classes(cgan_trial, capsys):
    assert main(["generate", str(cgan_trial), "--label", "Hat"]) == 2
    assert "unknown label 'Hat'; valid choices: 0 T-shirt/top, 1 Trouser" in capsys.readouterr().err


def test_label_for_an_unconditional_model_is_refused(tmp_path, capsys):
    run_local(TINY, tmp_path / "plain", cpus=1)
    assert main(["generate", str(tmp_path / "plain"), "--label", "Sandal"]) == 2
    assert "not label-conditional" in capsys.readouterr().err


def test_train_command_runs_a_trial(tmp_path, capsys):
    args = [
        "train",
        "-o",
        str(tmp_path / "t"),
        "-s",
        "family=gan",
        "-s",
        "net=mlp",
        "-s",
        "width=0.125",
        "-s",
        "images_per_iter=32",
    ]
    args += ["-s", "max_iterations=2", "-s", "eval_samples=20", "-s", "batch_size=16"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert (
        "trial directory" in out
        and len([line for line in out.splitlines() if line.strip().startswith("2 ")]) == 1
    )


def test_train_command_rejects_bad_config(capsys):
    assert main(["train", "-s", "family=gan", "-s", "loss=nsgan"]) == 2
    assert "unknown GAN loss 'nsgan'" in capsys.readouterr().err


def test_train_without_a_family_names_the_choices(capsys):
    assert main(["train", "-s", "loss=ns"]) == 2
    assert "names no family (family=...); valid choices: classifier, " in (capsys.readouterr().err)


def test_a_stopped_trials_slim_checkpoint_still_generates(cgan_trial, tmp_path, capsys):
    """What the checkpoint pruner leaves a stopped trial (the family's inference state
    alone: no discriminator, no Adam states, no RNG) is enough for `generate`."""
    import shutil

    from gantune.trainables.experiment.files import STATE_FILE, read_state, slim_state
    from gantune.trainables.families import FAMILIES

    slim = tmp_path / "trial" / "checkpoint_000001"
    shutil.copytree(cgan_trial / "checkpoint_000001", slim)
    whole = (slim / STATE_FILE).stat().st_size
    assert slim_state(slim, FAMILIES.get("gan").inference_state) > 0
    assert (slim / STATE_FILE).stat().st_size < whole / 2
    assert set(read_state(slim)["trainer"]) == set(FAMILIES.get("gan").inference_state)
    out = tmp_path / "boots.png"
    assert main(["generate", str(slim), "--label", "Ankle boot", "-n", "3", "-o", str(out)]) == 0
    assert "3 x Ankle boot" in capsys.readouterr().out and out.is_file()
