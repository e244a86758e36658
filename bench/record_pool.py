"""Turn recorded FIFO experiments into a search-efficiency pool in bench/data/.

    python bench/record_pool.py NAME EXPERIMENT_DIR [MORE_DIRS ...] [--noise-seeds 20]

writes `bench/data/NAME.parquet` (one row per trial and iteration of every experiment: a
pool recorded in parts, or with one experiment per training seed, is joined here) and
`bench/data/NAME.json`: where it came from, and the metric's noise: the standard
deviation of the final value of the pool's best trial evaluated again under
`--noise-seeds` evaluation seeds at the pool's own sample count (the evaluation noise a
"within delta" target allows for; the trained weights stay fixed).

The pools kept in bench/data/ were made so (each FIFO study first, with
`gantune search --study NAME`; `lucic-long` twice, the second time `-s seed=1 --name
lucic-long-seed1`); `lucic-gpu` by `bench/gpu_lucic.sh` on a GPU machine (its own
experiment layout, trained without Ray).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import time
from pathlib import Path
from typing import Any

import torch

from gantune.analysis.load import final_rows, load, read_parquet, write_parquet
from gantune.trainables.contract import TrialContext
from gantune.trainables.device import pick_device
from gantune.trainables.generate import load_checkpoint

DATA = Path(__file__).with_name("data")
KEEP = (
    "experiment", "trial_id", "training_iteration", "images_seen", "epoch", "diverged",
    "train_seconds", "eval_seconds", "setup_seconds", "time_total_s", "status", "max_t",
    "metric", "mode", "family", "stratify_by", "variant",
)  # fmt: skip


def evaluation_noise(trial_dir: Path, metric: str, seeds: int) -> dict:
    """The metric of one trained checkpoint under `seeds` evaluation seeds."""
    state, resolved = load_checkpoint(trial_dir)
    device, settings = pick_device(), resolved.settings
    values = []
    for seed in range(seeds):
        context = TrialContext(device, 1000 + seed, settings.budget_images, settings.precision)
        trainer = resolved.family.trainer(resolved.model, context)
        trainer.load_state_dict(state["trainer"])
        values.append(float(trainer.evaluate(settings.eval_samples)[metric]))
    return {
        "std": statistics.stdev(values),
        "mean": statistics.fmean(values),
        "values": values,
        "seeds": seeds,
        "eval_samples": settings.eval_samples,
        "trial_dir": str(trial_dir),
    }


def write_record(name: str, pool: Any, noise: dict, folder: Path = DATA) -> dict:
    """NAME.json: where the pool came from, its size, and its metric's noise."""
    record = {
        "name": name,
        "experiments": sorted(pool["experiment"].unique()),
        "trials": int(pool["trial_id"].nunique()),
        "max_t": int(pool["max_t"].iloc[0]),
        "metric": str(pool["metric"].iloc[0]),
        "noise": noise,
    }
    folder.joinpath(f"{name}.json").write_text(json.dumps(record, indent=2) + "\n")
    return record


def borrow_noise(name: str, source: str) -> None:
    """Write NAME.json for a kept Parquet whose experiments are gone, with SOURCE's noise."""
    pool = read_parquet(DATA / f"{name}.parquet")
    lender = json.loads(DATA.joinpath(f"{source}.json").read_text())
    if pool["metric"].iloc[0] != lender["metric"]:
        raise SystemExit(f"{source} measures {lender['metric']}, {name} {pool['metric'].iloc[0]}")
    record = write_record(
        name, pool, lender["noise"] | {"source": f"borrowed from {source}'s best trial"}
    )
    print(f"{name}.json: noise {record['noise']['std']:.2f} borrowed from {source}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name")
    parser.add_argument("experiments", nargs="*", type=Path)
    parser.add_argument("--noise-seeds", type=int, default=20)
    parser.add_argument("--noise-from", help="only write NAME.json, with this pool's noise")
    parser.add_argument("--out", type=Path, default=DATA, help="where NAME.parquet goes")
    parser.add_argument(
        "--full-only", action="store_true", help="leave out trials that did not reach max_t"
    )
    args = parser.parse_args()
    if args.noise_from:
        return borrow_noise(args.name, args.noise_from)
    if not args.experiments:
        parser.error("name the experiment directories to record (or --noise-from POOL)")
    torch.set_num_threads(1)
    frame = load(args.experiments)
    if frame["family"].nunique() > 1:
        raise SystemExit("a pool holds one family")
    keep = [c for c in frame.columns if c in KEEP or c.startswith("config.") or c == "metric"]
    metric = str(frame["metric"].iloc[0])
    keep += [metric] if metric not in keep else []
    pool = frame[keep]
    if args.full_only:  # a run cut short by its time limit: only whole curves make a pool
        reached = pool.groupby("trial_id")["training_iteration"].transform("max")
        short = pool.loc[reached < pool["max_t"], "trial_id"].unique()
        if len(short):
            print(f"left out {len(short)} trial(s) that did not reach max_t: {', '.join(short)}")
        pool = pool[reached >= pool["max_t"]]
    args.out.mkdir(parents=True, exist_ok=True)
    path = write_parquet(pool, args.out / f"{args.name}.parquet")
    final = final_rows(frame)
    values = final[metric].astype(float)
    best = final.loc[values[values.map(math.isfinite)].idxmin()]
    started = time.perf_counter()
    noise = evaluation_noise(Path(best["trial_dir"]), metric, args.noise_seeds)
    seconds = round(time.perf_counter() - started, 1)
    record = write_record(args.name, pool, noise | {"seconds": seconds}, args.out)
    print(f"{path}: {len(pool)} rows, {record['trials']} trials")
    print(f"{metric} over {args.noise_seeds} evaluation seeds of the best trial: "
          f"{noise['mean']:.2f} ± {noise['std']:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
