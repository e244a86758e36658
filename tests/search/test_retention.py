"""Old checkpoints go only when no durable snapshot would restore from them."""

import json

from analysis.tune_files import restore_point
from search.retention import CheckpointPruner


def write_experiment(directory, restore_from: str, count: int = 6) -> None:
    trial_dir = directory / "trial_a"
    for index in range(count):
        (trial_dir / f"checkpoint_{index:06d}").mkdir(parents=True)
    manager = {
        "checkpoints": [
            str(trial_dir / f"checkpoint_{i:06d}") for i in range(int(restore_from[-6:]) + 1)
        ]
    }
    trial = {"trial_id": "a", "status": "RUNNING", "relative_logdir": "trial_a", "config": {}}
    metadata = {"last_result": {}, "checkpoint_manager": manager}
    snapshot = {"trial_data": [[json.dumps(trial), json.dumps(metadata)]]}
    (directory / "experiment_state-2026-01-01_00-00-00.json").write_text(json.dumps(snapshot))


def test_keeps_the_newest_two_and_the_snapshots_restore_point(tmp_path):
    write_experiment(tmp_path, restore_from="checkpoint_000001")
    assert CheckpointPruner(tmp_path, keep=2).prune() == 3
    left = sorted(p.name for p in (tmp_path / "trial_a").glob("checkpoint_*"))
    assert left == ["checkpoint_000001", "checkpoint_000004", "checkpoint_000005"]


def test_restore_point_is_read_from_the_pickled_manager():
    pickled = {
        "_type": "CLOUDPICKLE_FALLBACK",
        "value": b"...path/checkpoint_000002...checkpoint_000003".hex(),
    }
    assert restore_point(pickled) == "checkpoint_000003"
    assert restore_point(None) is None


def test_an_ended_trial_keeps_one_checkpoint(tmp_path):
    from tests.search.fabricate import trial, write_experiment

    write_experiment(tmp_path, [trial("a", "TERMINATED", [3.0, 2.0, 1.0])])
    for index in range(3):
        (tmp_path / "trial_a" / f"checkpoint_{index:06d}").mkdir()
    assert CheckpointPruner(tmp_path).prune() == 2
    assert [p.name for p in (tmp_path / "trial_a").glob("checkpoint_*")] == ["checkpoint_000002"]
