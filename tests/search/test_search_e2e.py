"""End to end on a real local Ray: ASHA stops trials, the SQLite study mirrors them, the
best checkpoint generates images, fractional GPUs pack four trials at once."""

import re

import optuna
import pytest
from optuna.trial import TrialState
from ray.tune import ExperimentAnalysis

from gantune.search.cli import main
from tests.conftest import experiment_dir, write_spec


def load_study(directory):
    return optuna.load_study(study_name="tiny", storage=f"sqlite:///{directory / 'study.db'}")


def test_asha_stops_weak_trials_early(tiny_experiment):
    directory, _ = tiny_experiment
    trials = ExperimentAnalysis(str(directory)).trials
    assert len(trials) == 6 and all(t.status == "TERMINATED" for t in trials)
    iterations = [t.last_result["training_iteration"] for t in trials]
    assert min(iterations) < 4 and max(iterations) == 4
    for trial in trials:  # pruned safely at the end: the newest two at most
        assert 1 <= len(list((directory / f"trial_{trial.trial_id}").glob("checkpoint_*"))) <= 2


def test_study_store_mirrors_every_trial(tiny_experiment):
    directory, _ = tiny_experiment
    study = load_study(directory)
    tune_trials = {t.trial_id: t for t in ExperimentAnalysis(str(directory)).trials}
    assert len(study.trials) == 6
    assert {t.user_attrs["tune_trial_id"] for t in study.trials} == set(tune_trials)
    for trial in study.trials:
        tune_trial = tune_trials[trial.user_attrs["tune_trial_id"]]
        ran = tune_trial.last_result["training_iteration"]
        assert sorted(trial.intermediate_values) == list(range(1, ran + 1))
        expected = TrialState.PRUNED if ran < 4 else TrialState.COMPLETE
        assert trial.state == expected
        assert trial.params["loss"] == tune_trial.config["loss"]
        assert trial.params["lr_d"] == tune_trial.config["lr_d"]
    assert {t.params["loss"] for t in study.trials} == {"ns", "lsgan", "wgan-gp"}  # stratified


def test_best_checkpoint_generates_images(tiny_experiment, tmp_path, capsys):
    _, output = tiny_experiment
    checkpoint = re.search(r"checkpoint: (\S+)", output).group(1)
    assert main(["generate", checkpoint, "-n", "4", "-o", str(tmp_path / "best.png")]) == 0
    assert (tmp_path / "best.png").is_file() and "4 samples" in capsys.readouterr().out


def test_progress_and_summary_are_printed(tiny_experiment):
    _, output = tiny_experiment
    assert re.search(r"trial \w+ iter 1/4 fid [\d.]+", output)
    assert "best trial: fid" in output and "gantune report" in output


@pytest.mark.slow
def test_quarter_gpu_trials_run_four_at_once(ray_address, tmp_path, capsys):
    # 6 trials of half a CPU and a quarter GPU on 4 CPUs and 1 (logical) GPU: the GPU
    # is the limit, so at most and at least four run together.
    spec = write_spec(
        tmp_path,
        name="gpu",
        num_samples=6,
        max_concurrent_trials=6,
        resources={"cpu": 0.5, "gpu": 0.25},
        scheduler={"kind": "fifo", "max_t": 2},
        images_per_iter=2048,
    )
    assert main(["search", "--spec", str(spec)]) == 0
    output = capsys.readouterr().out
    running = [int(n) for n in re.findall(r"; (\d+) running", output)]
    assert max(running) == 4
    trials = ExperimentAnalysis(str(experiment_dir(output))).trials
    assert len(trials) == 6 and all(t.status == "TERMINATED" for t in trials)


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_pbt_runs_without_a_search_algorithm_and_mirrors_its_trials(ray_address, tmp_path, capsys):
    spec = write_spec(
        tmp_path,
        name="pbt",
        strata=["ns"],
        num_samples=3,
        scheduler={"kind": "pbt", "max_t": 2, "perturbation_interval": 1},
        images_per_iter=256,
    )
    assert main(["search", "--spec", str(spec)]) == 0
    directory = experiment_dir(capsys.readouterr().out)
    study = optuna.load_study(study_name="pbt", storage=f"sqlite:///{directory / 'study.db'}")
    assert len(study.trials) == 3 and all(t.state == TrialState.COMPLETE for t in study.trials)
