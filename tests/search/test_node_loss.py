"""Drill: a worker node is lost while trials run on it (slow: its own Ray cluster of a
head and two worker nodes on this machine, each worker with a logical GPU). Every trial
still ends, finished or stopped by ASHA, restored from its last checkpoint, although the
study allows no retries for failures (a lost node is a preemption); no iteration is
reported twice; the study store matches Tune."""

import json
import os
import subprocess
import sys
import time

import optuna
import pytest
from optuna.trial import TrialState
from ray.tune import ExperimentAnalysis

from gantune.search.leftovers import parent_of
from gantune.trainables.experiment.files import scheduler_stops
from tests.conftest import ROOT, write_spec

GANTUNE = [sys.executable, "-m", "gantune.search.cli"]


def results_seen(log) -> int:
    return sum(" iter " in line for line in log.read_text().splitlines())


def node_running_a_trial(results, workers):
    """A worker node that hosts a trial still running: a live trial process whose parent
    is that node's raylet (trial PIDs come from the results so far)."""
    raylets = {node.all_processes["raylet"][0].process.pid: node for node in workers}
    for path in results.glob("nodeloss-*/trial_*/result.jsonl"):
        lines = [json.loads(line) for line in path.read_text().splitlines() if line]
        if lines and lines[-1]["training_iteration"] < 3:
            parent = parent_of(lines[-1]["pid"])
            if parent in raylets:
                return raylets[parent]
    return None


@pytest.mark.slow
def test_losing_a_worker_node_loses_nothing(tmp_path):
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "num_gpus": 0})
    workers = [cluster.add_node(num_cpus=1, num_gpus=1) for _ in range(2)]
    cluster.wait_for_nodes()
    spec = write_spec(
        tmp_path,
        name="nodeloss",
        num_samples=6,
        max_concurrent_trials=4,
        resources={"cpu": 0.5, "gpu": 0.5},
        # A lost node is a preemption, not a failure: with no retries allowed for
        # failures, its trials must still be retried (stock Ray 2.60 would end them).
        max_failures=0,
        scheduler={"kind": "asha", "max_t": 3, "grace_period": 1, "reduction_factor": 2},
        images_per_iter=4096,
    )
    log = tmp_path / "driver.log"
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    try:
        with open(log, "w") as handle:
            driver = subprocess.Popen(
                [*GANTUNE, "search", "--spec", str(spec), "--address", cluster.address],
                cwd=ROOT,
                env=env,
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
            deadline, doomed = time.monotonic() + 240, None
            while doomed is None and time.monotonic() < deadline:
                time.sleep(0.2)
                doomed = node_running_a_trial(tmp_path / "results", workers)
            assert doomed is not None, log.read_text()[-3000:]
            cluster.remove_node(doomed, allow_graceful=False)  # its trials die mid-run
            removed_at = results_seen(log)
            assert driver.wait(timeout=600) == 0, log.read_text()[-3000:]
    finally:
        cluster.shutdown()
    output = log.read_text()
    assert removed_at < 6 * 3, "the study ended before the node was removed"
    directory = next((tmp_path / "results").glob("nodeloss-*"))
    trials = ExperimentAnalysis(str(directory)).trials
    stops = scheduler_stops(directory)
    assert len(trials) == 6 and all(t.status == "TERMINATED" for t in trials), output[-3000:]
    for trial in trials:
        trial_dir = directory / f"trial_{trial.trial_id}"
        lines = (trial_dir / "result.jsonl").read_text().splitlines()
        iterations = [json.loads(line)["training_iteration"] for line in lines if line]
        assert iterations == list(range(1, len(iterations) + 1)), (trial.trial_id, iterations)
        last = iterations[-1]
        assert last == 3 or stops.get(trial.trial_id) == last, (trial.trial_id, last)
    assert "Trial task failed" in output, "no trial was running on the lost node"
    restored = [line for line in output.splitlines() if "errored after" in line]
    assert restored and "6 trials, 0 errored" in output  # retried from checkpoints, all ended
    study = optuna.load_study(study_name="nodeloss", storage=f"sqlite:///{directory / 'study.db'}")
    assert sorted(t.user_attrs["tune_trial_id"] for t in study.trials) == sorted(
        t.trial_id for t in trials
    )
    assert all(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in study.trials)
