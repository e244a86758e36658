"""A tiny search with curve stopping (`scheduler: {kind: curve}`) on the real local Ray:
it stops trials, records each stop, and the study store says what Tune did; and a spec
whose first rung falls inside a warm-up is warned about before anything starts."""

import pytest
from optuna.trial import TrialState

from gantune.analysis.load import load_experiment
from gantune.search.cli import main
from gantune.search.plan import plan_of
from gantune.search.schedulers.warmups import warmup_warnings
from gantune.search.spec import from_mapping
from gantune.trainables.experiment.files import scheduler_stops
from tests.conftest import experiment_dir, write_spec
from tests.search.test_reliability import assert_store_matches_tune
from tests.support.toy_family import SPEC


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_a_search_with_curve_stopping_stops_and_records(ray_address, tmp_path, capsys):
    spec = write_spec(
        tmp_path, **SPEC, name="curve", num_samples=10, max_concurrent_trials=2,
        sampler={"kind": "random", "seed": 3},
        scheduler={"kind": "curve", "max_t": 6, "grace_period": 1, "confidence": 0.9},
    )  # fmt: skip
    assert main(["search", "--spec", str(spec)]) == 0
    directory = experiment_dir(capsys.readouterr().out)
    stops = scheduler_stops(directory)
    assert stops, "curve stopping stopped nothing"
    frame = load_experiment(directory)
    for trial_id, at in stops.items():
        assert frame[frame["trial_id"] == trial_id]["training_iteration"].max() == at
    stored = assert_store_matches_tune(directory, "curve")
    assert sum(t.state == TrialState.PRUNED for t in stored.values()) == len(stops)


def test_a_first_rung_inside_a_warm_up_is_warned_about():
    base = {"family": "vae", "preset": "cpu-mini", "images_per_iter": 6000}
    warned = warmup_warnings(
        plan_of(from_mapping(base | {"scheduler": {"kind": "asha", "max_t": 4}}))
    )
    assert len(warned) == 1 and "kl_warmup_images can be up to 15,000 images" in warned[0]
    assert "first compares trials at iteration 1 (6,000 images)" in warned[0]
    later = {"kind": "asha", "max_t": 8, "grace_period": 3}  # 18,000 images: after it
    assert warmup_warnings(plan_of(from_mapping(base | {"scheduler": later}))) == []
    assert warmup_warnings(plan_of(from_mapping(base | {"scheduler": {"kind": "fifo"}}))) == []


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_a_search_with_pause_and_thaw_pauses_resumes_and_ends(ray_address, tmp_path, capsys):
    """Trials below a rung's cut are paused (Tune keeps their checkpoints) and taken up
    again from them when nothing else runs; every trial ends, and a resumed one continues
    its own iterations (never one logged twice, none missing)."""
    spec = write_spec(
        tmp_path, **SPEC, name="thaw", num_samples=4, max_concurrent_trials=2,
        sampler={"kind": "random", "seed": 5},
        scheduler={"kind": "thaw", "max_t": 4, "drop": 0.9},
    )  # fmt: skip
    assert main(["search", "--spec", str(spec)]) == 0
    output = capsys.readouterr().out
    directory = experiment_dir(output)
    assert "thaw max_t=4 grace_period=2 reduction_factor=2 drop=0.9" in output
    starts = [line.split()[2] for line in output.splitlines() if " starts: " in line]
    resumed = {trial for trial in starts if starts.count(trial) > 1}
    assert resumed, "no trial was paused and taken up again"
    frame = load_experiment(directory)
    iterations = frame.groupby("trial_id")["training_iteration"].agg(["max", "count", "nunique"])
    assert (iterations["count"] == iterations["nunique"]).all()  # none logged twice
    assert (iterations["count"] == iterations["max"]).all()  # none missing
    assert (iterations["max"] == 4).all()  # drop 0.9: every paused trial was finished
    assert_store_matches_tune(directory, "thaw")
    # its saved spec keeps grace_period 0 (the kind's default): the report once looped on it
    assert main(["report", str(directory)]) == 0
    assert '"x":["2","4"]' in (directory / "report.html").read_text()
