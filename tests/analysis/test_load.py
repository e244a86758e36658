import json
import subprocess
import sys

from gantune.analysis.load import load_experiment, read_parquet, write_parquet
from tests.conftest import ROOT


def result_lines(directory) -> int:
    total = 0
    for path in directory.glob("*/result.json"):
        iterations = {
            json.loads(line)["training_iteration"] for line in path.read_text().splitlines() if line
        }
        total += len(iterations)
    return total


def test_one_row_per_trial_and_iteration(tiny_experiment):
    directory, _ = tiny_experiment
    frame = load_experiment(directory)
    assert len(frame) == result_lines(directory)
    assert frame.groupby("trial_id")["training_iteration"].apply(lambda s: s.is_unique).all()
    assert {"config.lr_d", "config.loss", "family", "variant", "early_stopped"} <= set(
        frame.columns
    )
    assert (frame["variant"] == frame["config.loss"]).all()  # the GAN family stratifies by loss
    for _, trial in frame.groupby("trial_id"):
        assert trial["best_so_far"].is_monotonic_decreasing  # FID: lower is better
    assert frame["early_stopped"].any() and (frame["status"] == "finished").any()


def test_parquet_round_trip_keeps_every_row(tiny_experiment, tmp_path):
    frame = load_experiment(tiny_experiment[0])
    path = write_parquet(frame, tmp_path / "results.parquet")
    again = read_parquet(path)
    assert len(again) == len(frame) and list(again.columns) == list(frame.columns)
    assert again["fid"].tolist() == frame["fid"].tolist()


def test_parquet_reads_without_ray(tiny_experiment, tmp_path):
    path = write_parquet(load_experiment(tiny_experiment[0]), tmp_path / "results.parquet")
    script = (
        "import sys; sys.modules['ray'] = None  # importing Ray would now fail\n"
        "from analysis.load import read_parquet\n"
        f"print(len(read_parquet({str(path)!r})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert int(done.stdout) == len(read_parquet(path))
