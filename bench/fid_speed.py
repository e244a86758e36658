"""FID of 10,000 generated 28x28 images with `fmnist-cnn`, on one CPU thread or a GPU.

Prints the seconds with the reference statistics cached (target on a CPU: under 3 s) and
the ratio against recomputing the reference from the 10k test images every time, both
measured in this run (median of --repeats).

    python bench/fid_speed.py [--repeats 5] [--device cpu|cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from gantune.trainables import data
from gantune.trainables.device import pick_device
from gantune.trainables.metrics import fid, reference_statistics
from gantune.trainables.metrics.fid import statistics as feature_statistics


def median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    args = parser.parse_args()
    torch.set_num_threads(1)
    device = pick_device(args.device)
    train, _ = data.load("fashion-mnist", "train")
    test, _ = data.load("fashion-mnist", "test")
    generated = train[
        torch.randperm(len(train), generator=torch.Generator().manual_seed(0))[:10000]
    ]
    reference_statistics(("fashion-mnist", "test"))  # warm: computed once, then cached
    fid(generated[:100], device=device)  # warm the backend (weights read once per process)

    def synchronized(run):
        def timed():
            run()
            if device.type == "cuda":
                torch.cuda.synchronize()

        return timed

    cached = median_seconds(synchronized(lambda: fid(generated, device=device)), args.repeats)
    recomputed = median_seconds(
        synchronized(
            lambda: feature_statistics(generated, "fmnist-cnn", device).distance(
                feature_statistics(test, "fmnist-cnn", device)
            )
        ),
        args.repeats,
    )
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"device {device} ({name}), threads {torch.get_num_threads()}, images {len(generated)}")
    print(f"FID with cached reference statistics: {cached:.3f} s (target < 3 s)")
    print(f"FID recomputing the reference:        {recomputed:.3f} s")
    print(f"speed-up from the cache: {recomputed / cached:.2f}x")


if __name__ == "__main__":
    main()
