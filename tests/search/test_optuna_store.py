"""The study store opens SQLAlchemy URLs and Optuna journal files alike."""

import optuna

from gantune.search.study_store import open_study


def test_journal_file_store_round_trip(tmp_path):
    url = f"journal:{tmp_path / 'study.log'}"
    study = open_study(url, "journal", "min")
    distribution = optuna.distributions.FloatDistribution(1e-5, 1e-2, log=True)
    study.add_trial(
        optuna.trial.create_trial(
            params={"lr_d": 1e-3},
            distributions={"lr_d": distribution},
            value=42.0,
            intermediate_values={1: 50.0},
        )
    )
    again = open_study(url, "journal", "min")
    assert [t.value for t in again.trials] == [42.0]
    assert again.trials[0].intermediate_values == {1: 50.0}


def test_sqlite_store_is_created_on_open(tmp_path):
    open_study(f"sqlite:///{tmp_path / 'study.db'}", "s", "max")
    assert (tmp_path / "study.db").is_file()
    assert (
        optuna.load_study(
            study_name="s", storage=f"sqlite:///{tmp_path / 'study.db'}"
        ).direction.name
        == "MAXIMIZE"
    )


def mirror(directory, replay=lambda config: {}):
    from gantune.search.study_store import StoreMirror

    return StoreMirror(f"sqlite:///{directory / 'study.db'}", "s", directory, "fid", "min", replay)


def states(directory):
    study = optuna.load_study(study_name="s", storage=f"sqlite:///{directory / 'study.db'}")
    return {t.user_attrs["tune_trial_id"]: t for t in study.trials}


def test_an_errored_trial_rerun_by_resume_is_rewritten_with_its_new_end(tmp_path):
    from optuna.trial import TrialState

    from tests.search.fabricate import trial, write_experiment

    write_experiment(tmp_path, [trial("a", "ERROR", [50.0, 40.0]), trial("b", "RUNNING", [60.0])])
    assert mirror(tmp_path).sync() == 1
    assert states(tmp_path)["a"].state == TrialState.FAIL
    # `--resume` re-ran the errored trial: it is running again, then it finishes.
    write_experiment(tmp_path, [trial("a", "RUNNING", [50.0, 40.0]), trial("b", "RUNNING", [60.0])])
    mirror(tmp_path).sync()
    assert states(tmp_path) == {}  # nothing ended: nothing stale left behind
    write_experiment(
        tmp_path,
        [trial("a", "TERMINATED", [50.0, 40.0, 30.0]), trial("b", "TERMINATED", [60.0, 55.0])],
        stops={"b": 2},
    )
    mirror(tmp_path).sync()
    found = states(tmp_path)
    assert found["a"].state == TrialState.COMPLETE and found["a"].value == 30.0
    assert found["a"].intermediate_values == {1: 50.0, 2: 40.0, 3: 30.0}
    assert found["b"].state == TrialState.PRUNED and found["b"].user_attrs["outcome"] == "stopped@2"
    assert mirror(tmp_path).sync() == 0  # in step: nothing to write


def test_pruned_is_what_the_scheduler_decided_not_an_iteration_count(tmp_path):
    from optuna.trial import TrialState

    from tests.search.fabricate import trial, write_experiment

    # Both ended at iteration 2 (a `fixed: {max_iterations: 2}` under max_t 4): only the one
    # the scheduler stopped is PRUNED.
    write_experiment(
        tmp_path,
        [trial("a", "TERMINATED", [50.0, 40.0]), trial("b", "TERMINATED", [60.0, 70.0])],
        stops={"b": 2},
    )
    mirror(tmp_path).sync()
    found = states(tmp_path)
    assert found["a"].state == TrialState.COMPLETE and found["b"].state == TrialState.PRUNED


def test_diverged_trials_are_failed_with_their_history(tmp_path):
    from optuna.trial import TrialState

    from tests.search.fabricate import trial, write_experiment

    write_experiment(
        tmp_path, [trial("a", "TERMINATED", [50.0, float("inf")], diverged=True)], stops={}
    )
    mirror(tmp_path).sync()
    found = states(tmp_path)["a"]
    assert found.state == TrialState.FAIL and found.user_attrs["diverged"] is True
    assert found.intermediate_values[1] == 50.0
