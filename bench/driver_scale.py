"""What the search driver spends per reported result as a study grows (100, 300, 1,000
trials), in one run.

Trials of the test-only toy family take milliseconds, so the driver is what is measured:
Tune's controller, its experiment-state saving, and gantune's callbacks (the result log,
progress lines, the snapshot follower that keeps the study store and prunes checkpoints).
Per size: the driver process's CPU seconds per result, and the share of it in each of
gantune's callbacks and in Tune's experiment-state saving; at the end the study store is
checked against Tune (one study trial per Tune trial, none left out).

    python bench/driver_scale.py [--sizes 100,300,1000] [--iterations 3]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the toy family lives in tests/

SPENT: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(owner: type, name: str, label: str) -> None:
    """Accumulate the CPU seconds spent in owner.name under `label`."""
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.process_time()
        CALLS[label] += 1
        try:
            return original(*args, **kwargs)
        finally:
            SPENT[label] += time.process_time() - started

    setattr(owner, name, wrapper)


def instrument() -> None:
    from ray.tune.execution.tune_controller import TuneController

    from gantune.search.follow import SnapshotFollower
    from gantune.search.progress import ProgressPrinter
    from gantune.search.results_log import ResultLog

    timed(ResultLog, "on_trial_result", "result log")
    for hook in ("on_trial_result", "on_trial_start", "on_trial_complete", "on_trial_error"):
        timed(ProgressPrinter, hook, "progress lines")
    timed(SnapshotFollower, "run", "snapshot follower (store + pruning)")
    timed(TuneController, "checkpoint", "Tune's experiment-state saving")


def spec(trials: int, iterations: int, directory: Path) -> Path:
    values = {
        "name": f"scale-{trials}",
        "family": "toy",
        "preset": "toy-basic",
        "plugins": ["tests.support.toy_family"],
        "images_per_iter": 100,
        "eval_samples": 10,
        "num_samples": trials,
        "max_concurrent_trials": 2,
        "scheduler": {"kind": "asha", "max_t": iterations, "grace_period": 1},
        "sampler": {"kind": "random", "seed": 0},
        "storage_path": str(directory),
        "resources": {"cpu": 1, "gpu": 0},
        "reuse_actors": True,  # a process per trial would cost seconds per trial
    }
    path = directory / f"scale-{trials}.yaml"
    path.write_text(yaml.safe_dump(values))
    return path


def store_is_exact(directory: Path, trials: int) -> bool:
    import optuna
    from ray.tune import ExperimentAnalysis

    experiment = next(directory.glob("scale-*-*"))
    tune_ids = {t.trial_id for t in ExperimentAnalysis(str(experiment)).trials}
    study = optuna.load_study(
        study_name=experiment.name.rsplit("-", 2)[0],
        storage=f"sqlite:///{experiment / 'study.db'}",
    )
    stored = [t.user_attrs["tune_trial_id"] for t in study.trials]
    return len(tune_ids) == trials and sorted(stored) == sorted(tune_ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100,300,1000")
    parser.add_argument("--iterations", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ["GANTUNE_PLUGINS"] = "tests.support.toy_family"
    from gantune.search.cli import main as gantune

    instrument()
    rows = []
    sizes = [int(s) for s in args.sizes.split(",")]
    # A first small study, not reported: Ray's start and first imports are not per result.
    for index, trials in enumerate([10, *sizes]):
        SPENT.clear()
        CALLS.clear()
        with tempfile.TemporaryDirectory(prefix="gantune-scale-") as scratch:
            directory = Path(scratch)
            path = spec(trials, args.iterations, directory)
            wall, cpu = time.perf_counter(), time.process_time()
            with contextlib.redirect_stdout(io.StringIO()):
                code = gantune(["search", "--spec", str(path)])
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            exact = code == 0 and store_is_exact(directory, trials)
        results = CALLS["result log"]
        if index == 0:
            print(f"warm-up: {trials} trials, {wall:.0f} s (not counted)", flush=True)
            continue
        rows.append((trials, results, wall, cpu, dict(SPENT), exact))
        print(
            f"{trials} trials, {results} results: {wall:.0f} s wall, driver CPU {cpu:.1f} s, "
            f"study store exact: {exact}",
            flush=True,
        )
    base = rows[0][3] / rows[0][1]
    print(f"\n{'trials':>7} {'results':>8} {'driver CPU ms/result':>21} {'x smallest':>11}")
    for trials, results, _, cpu, spent, _ in rows:
        per = cpu / results
        print(f"{trials:>7} {results:>8} {1000 * per:>21.2f} {per / base:>10.2f}x")
        for label, seconds in sorted(spent.items()):
            print(f"{'':>30} {label}: {1000 * seconds / results:.2f} ms/result")
    print("\n(goal: at most 1.5x per result from the smallest study to the largest)")


if __name__ == "__main__":
    main()
