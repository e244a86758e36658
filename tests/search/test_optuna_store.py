"""The study store opens SQLAlchemy URLs and Optuna journal files alike."""

import optuna

from search.optuna_store import open_study


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
