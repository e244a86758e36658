"""A local trial survives a kill at any point of a report: no iteration logged twice, none
missing; and a checkpoint that would run code when loaded is refused."""

import json
import pickle

import pytest

from gantune.search.cli import main
from gantune.spaces.family import get_family
from gantune.trainables.experiment.files import RESULTS_LOG, read_state
from gantune.trainables.trial import run_local

TINY = get_family("gan").tiny | {"family": "gan", "max_iterations": 3}


def logged(directory) -> list[int]:
    lines = (directory / RESULTS_LOG).read_text().splitlines()
    return [json.loads(line)["training_iteration"] for line in lines]


def test_a_line_logged_before_its_checkpoint_is_not_logged_twice(tmp_path):
    run_local(TINY, tmp_path, cpus=1, pause_after=2)
    # A kill after iteration 3's line was written, before its checkpoint was renamed in
    # (the order of writes before this fix): the log says 3, the checkpoints end at 2.
    lines = (tmp_path / RESULTS_LOG).read_text()
    third = json.loads(lines.splitlines()[-1]) | {"training_iteration": 3}
    (tmp_path / RESULTS_LOG).write_text(lines + json.dumps(third) + "\n")
    run_local(TINY, tmp_path, cpus=1)
    assert logged(tmp_path) == [1, 2, 3]


def test_a_checkpoint_saved_before_its_line_is_logged_fills_the_gap(tmp_path):
    run_local(TINY, tmp_path, cpus=1, pause_after=2)
    # A kill after iteration 2's checkpoint was renamed in, before its line was appended.
    lines = (tmp_path / RESULTS_LOG).read_text().splitlines()
    (tmp_path / RESULTS_LOG).write_text(lines[0] + "\n")
    run_local(TINY, tmp_path, cpus=1)
    assert logged(tmp_path) == [1, 2, 3]


class Payload:
    def __reduce__(self):
        return (print, ("this ran when the checkpoint was loaded",))


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path, capsys):
    run_local(TINY | {"max_iterations": 1}, tmp_path, cpus=1)
    state = tmp_path / "checkpoint_000001" / "state.pt"
    with open(state, "wb") as handle:
        pickle.dump({"trainer": Payload()}, handle)
    with pytest.raises(ValueError, match="refusing to load it"):
        read_state(state.parent)
    assert main(["generate", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert "refusing to load it" in captured.err and "this ran" not in captured.out
