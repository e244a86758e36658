"""Old checkpoints go only when no durable snapshot would restore from them."""

import json

from gantune.search.retention import CheckpointPruner
from gantune.trainables.experiment.files import restore_point


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


def test_ended_trials_outside_the_best_few_keep_only_what_inference_reads(tmp_path):
    import pytest
    import torch

    from gantune.trainables.experiment.files import read_state, write_state
    from tests.search.fabricate import trial, write_experiment

    trials = [
        trial("best", "TERMINATED", [3.0, 1.0]),
        trial("stopped", "TERMINATED", [9.0]),
        trial("running", "RUNNING", [8.0]),
        trial("failed", "ERROR", [7.0]),
    ]
    write_experiment(tmp_path, trials)
    state = {
        "iteration": 1,
        "config": {"family": "gan"},
        "meta": {"image_shape": [1, 28, 28]},
        "trainer": {"generator": {"w": torch.ones(4)}, "opt_g": {"m": torch.ones(1000)}},
        "rng": torch.get_rng_state(),
    }
    for name in ("best", "stopped", "running", "failed"):
        write_state(tmp_path / f"trial_{name}" / "checkpoint_000000", state)
    pruner = CheckpointPruner(tmp_path, metric="fid", inference_state=("generator",), keep_whole=1)
    pruner.prune()
    slim = read_state(tmp_path / "trial_stopped" / "checkpoint_000000")
    assert slim["slim"] and list(slim["trainer"]) == ["generator"] and "rng" not in slim
    assert torch.equal(slim["trainer"]["generator"]["w"], torch.ones(4))
    assert slim["meta"] == state["meta"] and slim["config"] == state["config"]
    for whole in ("best", "running", "failed"):  # best few, still running, resumable error
        kept = read_state(tmp_path / f"trial_{whole}" / "checkpoint_000000")
        assert "slim" not in kept and "opt_g" in kept["trainer"]
    pruner.prune()  # slimming twice is a no-op
    assert read_state(tmp_path / "trial_stopped" / "checkpoint_000000")["slim"]
    with pytest.raises(ValueError, match="cannot resume training"):
        from gantune.trainables.trial import run_local

        directory = tmp_path / "local"
        write_state(directory / "checkpoint_000001", slim | {"iteration": 1})
        run_local({"family": "gan", "net": "mlp", "width": 0.125, "max_iterations": 2}, directory)
