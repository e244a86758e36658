"""Kill a running search hard (SIGKILL of the driver, through the real CLI, with the local
Ray it started), resume it, and find every trial finished once, none lost, the study store
consistent, and the Ray processes the killed driver left behind ended by their PIDs."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState
from ray.tune import ExperimentAnalysis

from gantune.analysis.load import load_experiment
from gantune.search.leftovers import start_time
from tests.conftest import ROOT, write_spec

GANTUNE = [sys.executable, "-m", "gantune.search.cli"]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def results_so_far(log: Path) -> int:
    """Results the driver has printed: real time (the experiment dir is synced with a lag)."""
    return sum(" iter " in line for line in log.read_text().splitlines())


def interrupt(driver: subprocess.Popen, tmp_path: Path) -> None:
    """SIGKILL the driver (by its PID) once it has Tune state and a few results."""
    results = tmp_path / "results"
    try:
        wait_for(lambda: list(results.glob("resume-*/experiment_state-*.json")), 120, "Tune state")
        wait_for(lambda: results_so_far(tmp_path / "first.log") >= 3, 180, "three results")
    finally:
        driver.send_signal(signal.SIGKILL)  # a hard kill: no chance to save anything
        driver.wait(timeout=30)


def recorded_pids(directory: Path) -> list[int]:
    from gantune.trainables.experiment.files import PROCESSES_FILE

    path = directory / PROCESSES_FILE
    return [row["pid"] for row in json.loads(path.read_text())["processes"]]


@pytest.mark.slow
def test_resume_after_the_driver_is_killed(tmp_path):
    spec = write_spec(
        tmp_path,
        name="resume",
        num_samples=5,
        max_concurrent_trials=2,
        scheduler={"kind": "asha", "max_t": 3, "grace_period": 1, "reduction_factor": 2},
        images_per_iter=6144,
    )
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    with open(tmp_path / "first.log", "w") as log:
        driver = subprocess.Popen(
            [*GANTUNE, "search", "--spec", str(spec)],  # its own local Ray
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        interrupt(driver, tmp_path)
    directory = next((tmp_path / "results").glob("resume-*"))
    assert driver.returncode == -signal.SIGKILL
    finished_before = {
        t.trial_id for t in ExperimentAnalysis(str(directory)).trials if t.status == "TERMINATED"
    }
    assert len(finished_before) < 5, "the search ended before it could be interrupted"
    left_behind = [pid for pid in recorded_pids(directory) if start_time(pid) is not None]
    assert left_behind, "a SIGKILLed driver leaves its local Ray running"

    resumed = subprocess.run(
        [*GANTUNE, "search", "--resume", str(directory)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = resumed.stdout[-3000:] + resumed.stderr[-3000:]  # shown if an assertion fails
    assert resumed.returncode == 0, output
    assert "ended the Ray processes a killed run left behind" in resumed.stdout, output
    assert all(start_time(pid) is None for pid in left_behind), output

    trials = ExperimentAnalysis(str(directory)).trials
    ids = [t.trial_id for t in trials]
    assert len(ids) == len(set(ids)) == 5, output  # none lost, none doubled
    assert all(t.status == "TERMINATED" for t in trials), output
    study = optuna.load_study(study_name="resume", storage=f"sqlite:///{directory / 'study.db'}")
    stored = [t.user_attrs["tune_trial_id"] for t in study.trials]
    assert sorted(stored) == sorted(ids), output  # one study trial per Tune trial
    assert all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in study.trials)
    for trial in study.trials:
        tune_trial = next(t for t in trials if t.trial_id == trial.user_attrs["tune_trial_id"])
        ran = tune_trial.last_result["training_iteration"]
        assert sorted(trial.intermediate_values) == list(range(1, ran + 1))
    # The analysis sees the same trials (a killed run can leave orphan trial dirs behind).
    assert set(load_experiment(directory)["trial_id"]) <= set(ids)
