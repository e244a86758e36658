"""How many GAN trials one GPU should run at once: N processes, each training the
InfoGAN-style net (NS loss, batch 64) of the Lucic et al. protocol for a fixed time,
started together; images/s per trial and in all, for each N asked for.

    python bench/gpu_probe.py --concurrency 4,8,12 --seconds 20 [--device cuda]
        [--width 1.0] [--json OUT]

Prints one line per N and the N with the most images/s in all (what `gpu_lucic.sh` runs
its study at)."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from pathlib import Path


def train_for(seconds: float, device: str, width: float, queue) -> None:
    import torch

    from gantune.trainables.trial import build_trainer, resolve

    torch.set_num_threads(1)
    config = {
        "family": "gan", "net": "infogan", "loss": "ns", "width": width, "batch_size": 64,
        "latent_dim": 62, "images_per_iter": 6400, "device": device,
    }  # fmt: skip
    resolved = resolve(config)
    trainer = build_trainer(resolved, torch.device(device))
    trainer.train(640)  # warm-up: kernels, allocations
    if device == "cuda":
        torch.cuda.synchronize()
    started, images = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        trainer.train(640)
        images += 640
    if device == "cuda":
        torch.cuda.synchronize()
    queue.put(images / (time.perf_counter() - started))


def probe(count: int, seconds: float, device: str, width: float) -> list[float]:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=train_for, args=(seconds, device, width, queue))
        for _ in range(count)
    ]
    for worker in workers:
        worker.start()
    rates = [queue.get(timeout=seconds * 10 + 300) for _ in workers]
    for worker in workers:
        worker.join()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", default="4,8,12")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--width", type=float, default=1.0)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    found = {}
    for count in (int(c) for c in args.concurrency.split(",")):
        rates = probe(count, args.seconds, args.device, args.width)
        found[count] = {"per_trial": rates, "total": sum(rates)}
        print(f"{count:3d} trials at once: {sum(rates):9.0f} images/s in all; per trial "
              f"{min(rates):.0f}-{max(rates):.0f} (median {sorted(rates)[len(rates) // 2]:.0f})",
              flush=True)  # fmt: skip
    best = max(found, key=lambda c: found[c]["total"])
    print(f"chosen: {best} trials at once ({found[best]['total']:.0f} images/s in all)")
    if args.json:
        args.json.write_text(json.dumps({"chosen": best, "by_concurrency": found}, indent=1))


if __name__ == "__main__":
    main()
