"""A tiny search with curve stopping (`scheduler: {kind: curve}`) on the real local Ray:
it stops trials, records each stop, and the study store says what Tune did; and a spec
whose first rung falls inside a warm-up is warned about before anything starts."""

from optuna.trial import TrialState

from analysis.load import load_experiment
from search.cli import main
from search.schedules import warmup_warnings
from search.spec import from_mapping
from tests.conftest import experiment_dir, write_spec
from tests.search.test_reliability import assert_store_matches_tune
from tests.search.toy_family import SPEC
from trainables.experiment.files import scheduler_stops


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
    warned = warmup_warnings(from_mapping(base | {"scheduler": {"kind": "asha", "max_t": 4}}))
    assert len(warned) == 1 and "kl_warmup_images can be up to 15,000 images" in warned[0]
    assert "first compares trials at iteration 1 (6,000 images)" in warned[0]
    later = {"kind": "asha", "max_t": 8, "grace_period": 3}  # 18,000 images: after it
    assert warmup_warnings(from_mapping(base | {"scheduler": later})) == []
    assert warmup_warnings(from_mapping(base | {"scheduler": {"kind": "fifo"}})) == []
