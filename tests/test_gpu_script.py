"""The GPU run of Lucic et al.'s protocol (bench/gpu_lucic.sh), dry-run on the CPU as
QUICK=1 (tiny nets, a few hundred images, one setting per loss) in its three steps, so
that it is known to work before any device time is spent on it: the settings drawn here,
the device step with Ray, Optuna and Plotly hidden and gantune not installed (as the
device machine has it), and the report made here from what came back."""

import json
import os
import subprocess

import pandas as pd
import pytest

from tests.conftest import ROOT

SCRIPT = str(ROOT / "bench" / "gpu_lucic.sh")
LOSSES = ["mm", "ns", "lsgan", "wgan", "wgan-gp", "dragan", "began"]


def bash(*args, env, timeout=900):
    as_a_user = {k: v for k, v in os.environ.items() if k != "GANTUNE_PLUGINS"}  # the toy's
    done = subprocess.run(["bash", SCRIPT, *args], env=as_a_user | {"QUICK": "1"} | env,
                          cwd=ROOT, capture_output=True, text=True, timeout=timeout)  # fmt: skip
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return done.stdout


@pytest.mark.slow
def test_the_gpu_script_runs_its_three_steps_as_a_dry_run(tmp_path):
    carry, out = tmp_path / "carry", tmp_path / "out"
    bash("--prepare", env={"CARRY": str(carry)})
    drawn = json.loads((carry / "plan" / "configs.json").read_text())
    assert [config["loss"] for config in drawn] == LOSSES  # the strata take turns

    device_like = str(ROOT / "tests" / "support" / "device_like")
    bash(env={"QUICK_CARRY": str(carry), "OUT": str(out), "PYTHONPATH": device_like})
    log = (out / "gpu_lucic.txt").read_text()
    assert "chosen:" in log and "wall time:" in log
    assert "the report: bash bench/gpu_lucic.sh --report" in log  # Plotly was hidden
    probe = json.loads((out / "probe.json").read_text())
    assert set(probe["by_concurrency"]) == {"1", "2"} and probe["chosen"] in (1, 2)
    pool = pd.read_parquet(out / "lucic-gpu.parquet")
    assert pool["trial_id"].nunique() == 7 and (pool.groupby("trial_id").size() == 2).all()
    assert sorted(pool["config.loss"].unique()) == sorted(LOSSES)
    record = json.loads((out / "lucic-gpu.json").read_text())
    assert record["noise"]["std"] >= 0 and record["max_t"] == 2

    bash("--report", str(out), env={})
    assert (out / "report.html").is_file() and (out / "results.parquet").is_file()
    assert "Spearman" in (out / "report.txt").read_text()
