"""Reliability drills on the real local Ray, with the test-only toy family (fast): an
errored trial re-run by `--resume`, trials that end by their own budget before max_t, and
a NaN storm. After each, the study store says exactly what Tune did."""

import math

import optuna
import pytest
from optuna.trial import TrialState
from ray.tune import ExperimentAnalysis

from gantune.analysis.load import load_experiment
from gantune.search.cli import main
from tests.conftest import experiment_dir, write_spec
from tests.support.toy_family import SPEC


def search(tmp_path, capsys, **values):
    spec = write_spec(tmp_path, **(SPEC | values))
    code = main(["search", "--spec", str(spec)])
    output = capsys.readouterr().out
    return code, experiment_dir(output), output


def study_of(directory, name):
    return optuna.load_study(study_name=name, storage=f"sqlite:///{directory / 'study.db'}")


def assert_store_matches_tune(directory, name):
    """One study trial per Tune trial, none running, the state each outcome implies."""
    tune_trials = {t.trial_id: t for t in ExperimentAnalysis(str(directory)).trials}
    stored = {t.user_attrs["tune_trial_id"]: t for t in study_of(directory, name).trials}
    assert set(stored) == set(tune_trials)
    frame = load_experiment(directory)
    status = frame.groupby("trial_id")["status"].last()
    expected = {
        "finished": TrialState.COMPLETE,
        "stopped": TrialState.PRUNED,
        "diverged": TrialState.FAIL,
        "error": TrialState.FAIL,
    }
    for trial_id, trial in stored.items():
        assert trial.state == expected[status[trial_id]], trial_id
        ran = int(tune_trials[trial_id].last_result["training_iteration"])
        assert sorted(trial.intermediate_values) == list(range(1, ran + 1))
    return stored


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_an_errored_trial_resumed_later_is_stored_as_it_ended(ray_address, tmp_path, capsys):
    marker = tmp_path / "failed-once"
    code, directory, _ = search(
        tmp_path,
        capsys,
        name="errored",
        num_samples=3,
        max_concurrent_trials=1,
        max_failures=0,
        scheduler={"kind": "fifo", "max_t": 3},
        fixed={"fail_marker": str(marker), "fail_after_images": 200},
    )
    assert code == 0 and marker.is_file()
    before = assert_store_matches_tune(directory, "errored")
    assert [t.state for t in before.values()].count(TrialState.FAIL) == 1
    assert main(["search", "--resume", str(directory)]) == 0
    after = assert_store_matches_tune(directory, "errored")
    assert all(t.state == TrialState.COMPLETE for t in after.values())  # no stale FAIL


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_trials_ending_by_their_own_budget_are_not_pruned(ray_address, tmp_path, capsys):
    code, directory, output = search(
        tmp_path,
        capsys,
        name="budget",
        num_samples=6,
        scheduler={"kind": "asha", "max_t": 4, "grace_period": 1, "reduction_factor": 2},
        fixed={"max_iterations": 3},
    )
    assert code == 0
    stored = assert_store_matches_tune(directory, "budget")
    complete = [t for t in stored.values() if t.state == TrialState.COMPLETE]
    assert complete and all(max(t.intermediate_values) == 3 for t in complete)
    assert "MB on disk" in output


@pytest.mark.slow
def test_a_nan_storm_completes_and_asha_still_cuts_the_rest(ray_address, tmp_path, capsys):
    code, directory, _ = search(
        tmp_path,
        capsys,
        name="storm",
        num_samples=16,
        max_concurrent_trials=1,  # one at a time: the rungs see results in a fixed order
        sampler={"kind": "random", "seed": 0},
        images_per_iter=1000,
        ranges={"step": {"low": 0.05, "high": 100.0, "log": True}, "noise": 0.01},
        scheduler={"kind": "asha", "max_t": 4, "grace_period": 1, "reduction_factor": 2},
    )
    assert code == 0
    stored = assert_store_matches_tune(directory, "storm")
    frame = load_experiment(directory)
    final = frame.sort_values("training_iteration").groupby("trial_id").tail(1)
    diverged = final[final["status"] == "diverged"]
    assert len(diverged) > len(final) / 2  # most configurations diverge
    for _, row in diverged.iterrows():  # stopped at the report where they diverged
        trial = frame[frame["trial_id"] == row["trial_id"]]
        assert math.isinf(row["error"]) and trial["error"].iloc[:-1].map(math.isfinite).all()
        assert stored[row["trial_id"]].user_attrs["diverged"] is True
    healthy = final[final["status"] != "diverged"]
    assert (healthy["status"] == "stopped").any()  # ASHA still cuts among the healthy
    assert set(healthy["stopped_at"].dropna()) <= {1, 2}  # at its rungs
    assert main(["report", str(directory), "--no-floor"]) == 0
    page = (directory / "report.html").read_text()
    assert f"Diverged and failed trials ({len(diverged)})" in page
