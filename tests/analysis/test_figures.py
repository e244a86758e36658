import optuna
import pytest

from gantune.analysis import figures
from gantune.analysis.load import final_rows, load_experiment
from gantune.analysis.report import best_grids
from gantune.analysis.tables import param_importance
from gantune.spaces.rungs import asha_rungs


@pytest.fixture(scope="module")
def frame(tiny_experiment):
    return load_experiment(tiny_experiment[0])


def test_metric_curves_has_a_trace_per_trial_and_one_for_early_stops(frame):
    final = final_rows(frame)
    figure = figures.metric_curves(frame, "FID")
    assert len(figure.data) == len(final) + 1
    assert (
        figure.data[-1].name == "stopped by the scheduler"
        and len(figure.data[-1].x) == final["early_stopped"].sum()
    )


def test_distribution_and_rungs_have_a_trace_per_variant(frame):
    losses = frame["variant"].nunique()
    assert len(figures.metric_distribution(frame, "FID").data) == losses
    rungs = asha_rungs(4, 1, 2)
    assert rungs == [1, 2, 4]
    survival = figures.rung_survival(frame, rungs)
    assert len(survival.data) == losses
    assert sum(trace.y[0] for trace in survival.data) == frame["trial_id"].nunique()


def test_budget_curves_have_a_band_and_a_line_per_variant_and_panel(frame):
    figure = figures.budget_curves(frame, "FID", draws=50)
    assert len(figure.data) == 4 * frame["variant"].nunique()


def test_parallel_coordinates_and_importance(frame, tiny_experiment):
    parallel = figures.parallel_coordinates(frame)
    assert len(parallel.data) == 1
    labels = [d.label for d in parallel.data[0].dimensions]
    assert "loss" in labels and labels[-1] == "fid" and "lr_g" not in labels  # lr_g copies lr_d
    study = optuna.load_study(
        study_name="tiny", storage=f"sqlite:///{tiny_experiment[0] / 'study.db'}"
    )
    importance = param_importance(study.trials, "minimize")
    table = importance.table
    assert set(table["param"]) <= {"loss", "lr_d", "beta1"} and len(table) >= 2
    assert table["importance"].sum() == pytest.approx(1.0)
    assert importance.iteration >= 1 and importance.used >= 3  # half of 6 trials at least
    assert "at iteration" in importance.describe()
    assert len(figures.importance_bars(table, "at iteration 1").data) == 1


def test_sample_grids_of_the_best_trials(frame):
    grids = best_grids(frame, count=2)
    assert len(grids) == 2 and all(path.endswith(".png") for _, path in grids)
    figure = figures.sample_grids(grids)
    assert len(figure.data) == 2 and figure.data[0].source.startswith("data:image/png;base64,")
