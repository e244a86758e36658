"""The window a lost node can hit: Tune has logged a trial's result but not yet asked the
trial for the checkpoint that came with it. The trial's process is killed right there
(by PID, from a driver callback); the restarted trial resumes from that checkpoint
anyway, replays its report, and the log holds each iteration once."""

import json
import os
import signal
import time

import pytest
from ray import tune

from gantune.search.results_log import ResultLog
from gantune.spaces.family import get_family
from gantune.trainables.experiment.files import RESULTS_LOG
from gantune.trainables.resume_point import REPLAYED
from gantune.trainables.trial import trainable


def wait_until_gone(pid: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"trial process {pid} still alive")


class KillAfterFirstResult(tune.Callback):
    """Runs after ResultLog wrote the result, before Tune schedules the trial's save."""

    def __init__(self) -> None:
        self.results: list[dict] = []

    def on_trial_result(self, iteration, trials, trial, result, **info) -> None:
        self.results.append(dict(result))
        if len(self.results) == 1:
            os.kill(result["pid"], signal.SIGKILL)
            wait_until_gone(result["pid"])


@pytest.mark.slow  # an end-to-end run; the slow suite keeps it
def test_a_trial_killed_before_tune_registered_its_checkpoint_resumes_from_it(
    ray_address, tmp_path
):
    watcher = KillAfterFirstResult()
    config = get_family("gan").tiny | {"family": "gan", "max_iterations": 2}
    tuner = tune.Tuner(
        trainable,
        param_space=config,
        tune_config=tune.TuneConfig(num_samples=1, metric="fid", mode="min"),
        run_config=tune.RunConfig(
            name="restart",
            storage_path=str(tmp_path),
            callbacks=[ResultLog(), watcher],
            failure_config=tune.FailureConfig(max_failures=1),
            checkpoint_config=tune.CheckpointConfig(num_to_keep=None),
            verbose=0,
        ),
    )
    results = tuner.fit()
    assert not results.errors
    [log] = (tmp_path / "restart").glob(f"*/{RESULTS_LOG}")
    rows = [json.loads(line) for line in log.read_text().splitlines()]
    assert [row["training_iteration"] for row in rows] == [1, 2]
    replays = [r for r in watcher.results if r.get(REPLAYED)]
    assert [r["training_iteration"] for r in replays] == [1]  # resumed, not retrained
    assert replays[0]["fid"] == rows[0]["fid"]
    assert replays[0]["pid"] != watcher.results[0]["pid"]  # from the restarted process
