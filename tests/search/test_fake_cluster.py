"""The cluster recipe run by Ray's autoscaler on this machine: a fake cluster derived from
cluster.yaml, a study asking 0.5 GPU per trial started on its CPU-only head, GPU workers
started from zero by the autoscaler, trials placed on them, and the workers gone again
once idle; every process of the fake cluster ended by PID."""

import subprocess
import sys
import time

import pytest
import yaml

from tests.conftest import ROOT, write_spec
from tests.support.fake_cluster import (
    FAKE_HEAD_TYPE,
    RECIPE,
    FakeCluster,
    fake_config,
    processes_under,
)


def test_the_fake_cluster_has_the_recipes_node_types_and_limits():
    recipe = yaml.safe_load(RECIPE.read_text())
    config = fake_config(gcs_address="127.0.0.1:1", idle_minutes=0.1)
    worker = recipe["available_node_types"]["worker.gpu"]
    fake = config["available_node_types"]["worker.gpu"]
    assert fake["resources"] == worker["resources"] == {"CPU": 4, "GPU": 1}
    assert (fake["min_workers"], fake["max_workers"]) == (0, worker["max_workers"])
    assert config["max_workers"] == recipe["max_workers"]
    assert config["upscaling_speed"] == recipe["upscaling_speed"]
    assert config["head_node_type"] == FAKE_HEAD_TYPE and config["idle_timeout_minutes"] == 0.1
    assert config["provider"]["type"] == "fake_multinode"
    assert fake_config()["idle_timeout_minutes"] == recipe["idle_timeout_minutes"]


@pytest.mark.slow
def test_the_autoscaler_starts_gpu_workers_for_a_study_and_stops_them_when_idle(tmp_path):
    spec = write_spec(
        tmp_path, name="autoscaled", num_samples=4, max_concurrent_trials=4,
        resources={"cpu": 1, "gpu": 0.5}, images_per_iter=1024,
        scheduler={"kind": "asha", "max_t": 2, "grace_period": 1, "reduction_factor": 2},
    )  # fmt: skip
    cluster = FakeCluster(head_cpus=1, idle_minutes=0.1)
    seen, started = [], time.monotonic()
    try:
        cluster.start()
        assert cluster.gpu_workers() == 0  # the recipe starts with no worker
        driver = subprocess.Popen(
            [sys.executable, "-m", "gantune.search.cli", "search", "--spec", str(spec), "--address",
             cluster.address], cwd=ROOT, env=cluster.env(), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        while driver.poll() is None and time.monotonic() - started < 600:
            seen.append((round(time.monotonic() - started), cluster.gpu_workers()))
            time.sleep(2)
        output = driver.communicate(timeout=60)[0]
        ended = time.monotonic() - started
        assert driver.returncode == 0 and "4 trials, 0 errored" in output, output[-3000:]
        while cluster.gpu_workers() > 0 and time.monotonic() - started < ended + 180:
            time.sleep(2)
        idle = time.monotonic() - started
        assert cluster.gpu_workers() == 0, "the idle workers were not scaled back"
    finally:
        directory = cluster.directory
        cluster.stop()
    assert not processes_under(directory)  # every process of the fake cluster ended
    first = next(t for t, count in seen if count > 0)
    print(f"first GPU worker at {first}s, study ended at {ended:.0f}s, workers gone at "
          f"{idle:.0f}s; workers seen: {seen}")  # fmt: skip
    assert max(count for _, count in seen) >= 1  # trials asking for GPU ran on workers
