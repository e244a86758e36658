"""Where a search's time goes, as ratios measured in one run on this machine:

- the share of a trial's wall time spent training and evaluating, against what Ray Tune,
  checkpointing, sample grids and reporting add (Tune's time_this_iter_s per iteration);
- the driver's study mirror and checkpoint pruning (seconds per call, and per trial);
- throughput (trained images per second of wall time) of 2 concurrent one-thread trials
  against 1 (goal: at least 1.8x on 2 cores);
- a checkpoint's size and write time.

    python bench/overhead.py [--trials 4] [--images 6000] [--iterations 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import optuna
import torch

from gantune.analysis.load import load_experiment
from gantune.search import preflight, tuner
from gantune.search.follow import SnapshotFollower
from gantune.search.plan import plan_of
from gantune.search.ray_start import init_ray
from gantune.search.retention import directory_size
from gantune.search.spec import load_spec
from gantune.trainables.experiment.files import result_rows, snapshot_trials, write_state
from gantune.trainables.trial import build_trainer, checkpoint_state, resolve

FOLLOW_SECONDS: list[float] = []


def timed_follower_run(self) -> None:
    started = time.perf_counter()
    original_run(self)
    FOLLOW_SECONDS.append(time.perf_counter() - started)


original_run = SnapshotFollower.run
SnapshotFollower.run = timed_follower_run


def search(root: Path, name: str, concurrent: int, args) -> tuple[float, Path]:
    overrides = {
        "name": name,
        "num_samples": args.trials,
        "max_concurrent_trials": concurrent,
        "scheduler.kind": "fifo",
        "scheduler.max_t": args.iterations,
        "images_per_iter": args.images,
        "eval_samples": 2000,
        "storage_path": str(root),
    }
    plan = plan_of(load_spec(study="fashion-gan-mini", overrides=overrides))
    preflight.check(plan)
    experiment = tuner.new_experiment(plan)
    started = time.perf_counter()
    tuner.run(experiment)
    return time.perf_counter() - started, experiment.directory


def checkpoint_cost(directory: Path) -> tuple[float, float]:
    config = {"net": "mlp", "latent_dim": 100, "loss": "ns", "images_per_iter": 64}
    resolved = resolve(config)
    trainer = build_trainer(resolved, torch.device("cpu"))
    trainer.train(64)
    times = []
    for index in range(5):
        started = time.perf_counter()
        write_state(directory / f"c{index}", checkpoint_state(trainer, resolved, 1))
        times.append(time.perf_counter() - started)
    return directory_size(directory / "c0") / 1e6, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=4)
    parser.add_argument("--images", type=int, default=6000)
    parser.add_argument("--iterations", type=int, default=3)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)  # as the CLI does
    init_ray(None)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        rates = {}
        for concurrent in (1, 2):
            FOLLOW_SECONDS.clear()
            wall, directory = search(root, f"overhead-{concurrent}", concurrent, args)
            frame = load_experiment(directory)
            rates[concurrent] = frame["images_seen"].groupby(frame["trial_id"]).max().sum() / wall
            if concurrent == 1:  # the shares, from trials that had the machine to themselves
                follows, alone_wall = list(FOLLOW_SECONDS), wall
                work = (frame["train_seconds"] + frame["eval_seconds"]).sum()
                trial_time = sum(
                    row["time_this_iter_s"]
                    for trial in snapshot_trials(directory)
                    for row in result_rows(trial.directory)
                )
        size, write = checkpoint_cost(root)
    print(f"{args.trials} MLP GAN trials x {args.iterations} iterations of {args.images} images")
    print(f"share of trial wall time training + evaluating: {work / trial_time:.3f}")
    rest = trial_time - work
    print(f"  (the rest: grids, checkpoints, reporting: {rest:.2f}s of {trial_time:.2f}s)")
    print(
        f"driver's study mirror + pruning: {sum(follows):.2f}s in {len(follows)} calls "
        f"({statistics.median(follows) * 1000:.0f} ms median), "
        f"{sum(follows) / alone_wall:.3f} of the search's wall time"
    )
    print(
        f"throughput, 1 trial at a time: {rates[1]:.0f} img/s; 2 at a time: {rates[2]:.0f} img/s; "
        f"ratio {rates[2] / rates[1]:.2f}x (goal 1.8x)"
    )
    print(f"checkpoint (MLP GAN, model + Adam state): {size:.1f} MB, written in {write:.3f}s")


if __name__ == "__main__":
    main()
