"""The one-call GPU run of Lucic et al.'s protocol (bench/gpu_lucic.sh), dry-run on the
CPU as QUICK=1 (tiny nets, a few hundred images, one setting per loss), so that the script
is known to work before any device time is spent on it."""

import json
import os
import subprocess

import pandas as pd
import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_the_gpu_script_runs_end_to_end_as_a_dry_run(tmp_path):
    env = os.environ | {"QUICK": "1", "OUT": str(tmp_path)}
    done = subprocess.run(["bash", str(ROOT / "bench" / "gpu_lucic.sh")], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=900)  # fmt: skip
    log = (tmp_path / "gpu_lucic.txt").read_text() if (tmp_path / "gpu_lucic.txt").is_file() else ""
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    probe = json.loads((tmp_path / "probe.json").read_text())
    assert set(probe["by_concurrency"]) == {"1", "2"} and probe["chosen"] in (1, 2)
    assert "chosen:" in log and "wall time:" in log
    pool = pd.read_parquet(tmp_path / "lucic-gpu.parquet")
    assert pool["trial_id"].nunique() == 7 and (pool.groupby("trial_id").size() == 2).all()
    assert sorted(pool["config.loss"].unique()) == sorted(
        ["mm", "ns", "lsgan", "wgan", "wgan-gp", "dragan", "began"]
    )
    record = json.loads((tmp_path / "lucic-gpu.json").read_text())
    assert record["noise"]["std"] >= 0 and record["max_t"] == 2
    assert (tmp_path / "report.html").is_file() and (tmp_path / "results.parquet").is_file()
    assert "Spearman" in log
