"""Schedules a scheduler can judge: the rank correlation of each rung's FID with the final
FID on a small FIFO VAE pool, trained twice in one run:

- old: the KL warm-up is a share (a quarter) of the trial's whole budget, as before
  gantune set schedules in images: with max_t iterations it ends at max_t / 4, so at the
  first rungs a warmed-up trial sits at a fraction of its beta;
- new: the same warm-up set in images, ending inside the first rung (half of it).

Every setting is drawn from the VAE's cpu-mini space (half of them with a warm-up, as the
preset's choice has it) and trained the same way, same seed, both ways; settings without
a warm-up train identically. Printed: per rung, Spearman of the FID there with the final
FID, old and new, and the share of ASHA's rung-1 decisions (keep the better half) that
agree with the final order.

    python bench/schedule_alignment.py [--settings 12] [--max-t 8] [--images 4000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time

import numpy as np
import optuna
from scipy import stats

from gantune.spaces import get_family
from gantune.spaces.rungs import asha_rungs

EVAL_SAMPLES = 2000


def settings(count: int) -> list[dict]:
    space = get_family("vae")
    preset = space.preset("cpu-mini")
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    drawn = []
    for k in range(count):
        config = space.space(study.ask(), preset)
        config["kl_warmup_images"] = 1 if k % 2 else 0  # half with a warm-up, set below
        drawn.append(config)
    return drawn


def curve(job: tuple[dict, int]) -> list[float]:
    import torch

    from gantune.trainables.trial import run_local

    config, threads = job
    torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory() as directory:
        reports = run_local(config, directory, cpus=threads)
    return [r["fid"] for r in reports]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--settings", type=int, default=12)
    parser.add_argument("--max-t", type=int, default=8)
    parser.add_argument("--images", type=int, default=4000)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    budget = args.max_t * args.images
    warmups = {"old": budget // 4, "new": args.images // 2}
    base = {
        "family": "vae", "dataset": "fashion-mnist", "images_per_iter": args.images,
        "max_iterations": args.max_t, "eval_samples": EVAL_SAMPLES, "seed": 0,
    }  # fmt: skip
    jobs, keys = [], []
    for k, drawn in enumerate(settings(args.settings)):
        for schedule, images in warmups.items():
            config = base | drawn | {"kl_warmup_images": images * drawn["kl_warmup_images"]}
            jobs.append((config, 1))
            keys.append((schedule, k))
    started = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.processes) as pool:
        curves = dict(zip(keys, pool.map(curve, jobs), strict=True))
    print(
        f"{args.settings} VAE settings (cpu-mini, Fashion-MNIST), {args.max_t} iterations of "
        f"{args.images:,} images, FID of {EVAL_SAMPLES:,} samples; warm-up (half the settings): "
        f"old {warmups['old']:,} images (a quarter of the budget), new {warmups['new']:,} "
        f"(inside the first rung); {time.perf_counter() - started:.0f} s"
    )
    print(f"{'rung':>6} {'Spearman old':>13} {'Spearman new':>13}")
    for rung in asha_rungs(args.max_t, 1, 2)[:-1]:
        found = []
        for schedule in warmups:
            rows = [curves[(schedule, k)] for k in range(args.settings)]
            at = np.array([row[rung - 1] for row in rows])
            final = np.array([row[-1] for row in rows])
            found.append(stats.spearmanr(at, final).statistic)
        print(f"{rung:>6} {found[0]:>13.2f} {found[1]:>13.2f}")
    for schedule in warmups:
        rows = [curves[(schedule, k)] for k in range(args.settings)]
        first = np.argsort([row[0] for row in rows])[: args.settings // 2]
        final = np.argsort([row[-1] for row in rows])[: args.settings // 2]
        agree = len(set(first) & set(final)) / (args.settings // 2)
        print(f"{schedule}: rung-1 top half that is also the final top half: {agree:.0%}")


if __name__ == "__main__":
    main()
