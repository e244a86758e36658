"""A restarted Tune trial resumes from its newest whole checkpoint, even one Tune never
registered (its node was lost first), and replays that checkpoint's report; a checkpoint
written only in part, or another trial's (PBT), is handled as such."""

import json

import pytest
from pyarrow import fs
from ray import tune

from gantune.trainables.experiment.files import RESULT_FILE, write_state
from gantune.trainables.resume_point import own_checkpoints, resume_point, taken_from_another_trial

LOCAL = fs.LocalFileSystem()


@pytest.fixture
def trial(tmp_path):
    folder = tmp_path / "trial_a"
    for index in range(2):
        checkpoint = write_state(folder / f"checkpoint_{index:06d}", {"iteration": index + 1})
        report = {"training_iteration": index + 1, "fid": 100.0 - index}
        (checkpoint / RESULT_FILE).write_text(json.dumps(report) + "\n")
    (folder / "checkpoint_tmp").mkdir()  # not one of Tune's checkpoint folders
    (folder / "result.jsonl").write_text("")
    return folder


def restore(folder, offered=None):
    own = own_checkpoints(LOCAL, str(folder))
    return resume_point(offered, own, LOCAL, str(folder))


def offer(path):
    return tune.Checkpoint(str(path), filesystem=LOCAL)


def test_only_numbered_checkpoint_folders_count(trial):
    assert [index for index, _ in own_checkpoints(LOCAL, str(trial))] == [0, 1]
    assert own_checkpoints(LOCAL, str(trial / "missing")) == []


def test_with_nothing_offered_the_newest_checkpoint_is_resumed_and_replayed(trial):
    restored = restore(trial)
    assert restored.state["iteration"] == 2
    assert restored.replay == {"training_iteration": 2, "fid": 99.0}


def test_a_newer_checkpoint_than_the_one_offered_wins(trial):
    restored = restore(trial, offer(trial / "checkpoint_000000"))
    assert restored.state["iteration"] == 2 and restored.replay["training_iteration"] == 2


def test_the_newest_checkpoint_offered_is_resumed_without_a_replay(trial):
    restored = restore(trial, offer(trial / "checkpoint_000001"))
    assert restored.state["iteration"] == 2 and restored.replay is None


def test_a_checkpoint_written_in_part_is_passed_over(trial):
    state = trial / "checkpoint_000001" / "state.pt"
    state.write_bytes(state.read_bytes()[: state.stat().st_size // 2])
    restored = restore(trial)
    assert restored.state["iteration"] == 1 and restored.replay["training_iteration"] == 1


def test_another_trials_checkpoint_is_taken_as_given(trial, tmp_path):
    donor = write_state(tmp_path / "trial_b" / "checkpoint_000000", {"iteration": 1})
    restored = restore(trial, offer(donor))
    assert restored.state["iteration"] == 1 and restored.replay is None
    assert taken_from_another_trial(restored, str(trial)) == str(donor)  # the next report says
    assert taken_from_another_trial(restore(trial), str(trial)) is None  # its own: nothing


def test_a_new_trial_has_nothing_to_resume(tmp_path):
    assert restore(tmp_path / "trial_new") is None


def test_after_an_exploit_the_trials_own_newer_checkpoint_of_that_line_wins(trial, tmp_path):
    """PBT gave the trial another trial's checkpoint; the trial trained on and saved its
    own checkpoint, which Tune never registered (its node was lost). Offered the donor's
    again, it resumes from its own checkpoint of that line, not from its older own ones
    (another line of training), nor from the donor's (which would repeat iterations)."""
    from gantune.trainables.experiment.files import LINEAGE_FILE

    donor = write_state(tmp_path / "trial_b" / "checkpoint_000004", {"iteration": 5})
    (donor / RESULT_FILE).write_text(json.dumps({"training_iteration": 5}) + "\n")
    assert restore(trial, offer(donor)).state["iteration"] == 5  # nothing of that line yet
    after = write_state(trial / "checkpoint_000002", {"iteration": 6})
    (after / RESULT_FILE).write_text(json.dumps({"training_iteration": 6, "fid": 50.0}) + "\n")
    (after / LINEAGE_FILE).write_text(json.dumps([str(donor)]) + "\n")
    restored = restore(trial, offer(donor))
    assert restored.state["iteration"] == 6 and restored.replay["fid"] == 50.0
    assert restored.lineage == (str(donor), str(after))  # what the next checkpoint records


def test_a_repeat_counts_unless_an_exploit_started_a_new_line():
    from gantune.trainables.resume_point import CONTINUES
    from tests.search.chaos import repeats

    def log(*steps):
        return [{"training_iteration": abs(s), CONTINUES: "donor" * (s < 0)} for s in steps]

    assert repeats(log(1, 2, 3)) == 0
    assert repeats(log(1, 2, 2, 3)) == 1  # an iteration trained twice on one line
    assert repeats(log(1, 2, -2, 3)) == 0  # exploited a donor at 1: its line goes on at 2
    assert repeats(log(1, 2, 3, -2, 3, 3)) == 1
