"""gantune's result log holds each iteration once: a restarted trial's replay of its
checkpoint's report is kept only if the driver never had that report."""

import json
from dataclasses import dataclass
from pathlib import Path

from gantune.search.results_log import ResultLog
from gantune.trainables.experiment.files import RESULTS_LOG
from gantune.trainables.resume_point import REPLAYED


@dataclass
class Trial:
    path: str
    trial_id: str = "a"


def logged(folder: Path) -> list[tuple[int, bool]]:
    rows = [json.loads(line) for line in (folder / RESULTS_LOG).read_text().splitlines()]
    return [(row["training_iteration"], REPLAYED in row) for row in rows]


def send(log: ResultLog, trial: Trial, step: int, replayed: bool = False) -> None:
    result = {"training_iteration": step, "fid": 10.0 * step}
    log.on_trial_result(0, [trial], trial, result | ({REPLAYED: True} if replayed else {}))


def test_a_replay_of_a_logged_iteration_is_not_logged_again(tmp_path):
    trial, log = Trial(str(tmp_path)), ResultLog()
    send(log, trial, 1)
    send(log, trial, 1, replayed=True)
    send(log, trial, 2)
    assert logged(tmp_path) == [(1, False), (2, False)]


def test_a_replay_of_a_report_that_never_arrived_is_logged_once_unmarked(tmp_path):
    trial, log = Trial(str(tmp_path)), ResultLog()
    send(log, trial, 1)
    send(log, trial, 2, replayed=True)  # its node was lost before the result arrived
    send(log, trial, 2, replayed=True)
    assert logged(tmp_path) == [(1, False), (2, False)]


def test_a_resumed_driver_reads_what_the_killed_one_logged(tmp_path):
    trial = Trial(str(tmp_path))
    send(ResultLog(), trial, 1)
    send(ResultLog(), trial, 1, replayed=True)
    assert logged(tmp_path) == [(1, False)]
