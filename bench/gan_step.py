"""Images per second of GAN training: gantune's step against the loop PyTorch's own DCGAN
example writes (torchvision dataset, DataLoader with per-sample transforms, default
Adam, the D step's fakes reused for G's step), same nets, same loss (NS), batch 64,
measured in the same run, interleaved. The ratio measures only what gantune adds; one
ablation line per optimisation (ours with that one turned off) measures each gain:

- fused Adam (one kernel for all parameters)
- no weight gradients for D in G's step
- one D pass over real and fake together (nets without batch norm in D)

    python bench/gan_step.py [--device cpu|cuda] [--threads 1] [--images 6400]
                             [--repeats 3] [--nets mlp,infogan] [--bf16]

`--bf16` adds our step with bf16 autocast and channels-last against fp32.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from gantune.trainables import data
from gantune.trainables.contract import TrialContext
from gantune.trainables.device import pick_device
from gantune.trainables.gan.config import GanConfig
from gantune.trainables.gan.trainer import GanTrainer
from gantune.trainables.nets.gan import Discriminator, build_generator

BATCH = 64


def write_idx(root: Path) -> None:
    """Fashion-MNIST as the raw IDX files torchvision's FashionMNIST reads from disk."""
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for split, prefix in (("train", "train"), ("test", "t10k")):
        images, labels = data.load("fashion-mnist", split)
        count = len(images)
        header = (2051).to_bytes(4, "big") + count.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(header + images.numpy().tobytes())
        label_header = (2049).to_bytes(4, "big") + count.to_bytes(4, "big")
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(
            label_header + labels.numpy().astype(np.uint8).tobytes()
        )


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def reference_loop(config: GanConfig, root: Path, images: int, device: torch.device) -> float:
    """The PyTorch DCGAN example's loop; returns images per second."""
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    dataset = datasets.FashionMNIST(str(root), train=True, download=False, transform=transform)
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, drop_last=True, num_workers=0)
    torch.manual_seed(0)
    net_g = build_generator(config.net, config.latent_dim, 1, 28, config.width).to(device)
    net_d = Discriminator(config.net, 1, 1, 28, config.width, config.d_batch_norm).to(device)
    betas = (config.beta1, config.beta2)
    opt_g = torch.optim.Adam(net_g.parameters(), lr=config.lr_g, betas=betas)
    opt_d = torch.optim.Adam(net_d.parameters(), lr=config.lr_d, betas=betas)
    ones = torch.ones(BATCH, device=device)
    zeros = torch.zeros(BATCH, device=device)
    synchronize(device)
    seen, started = 0, time.perf_counter()
    while seen < images:
        for real, _ in loader:
            real = real.to(device)
            net_d.zero_grad()
            loss_real = F.binary_cross_entropy_with_logits(net_d(real).score, ones)
            loss_real.backward()
            fake = net_g(torch.randn(BATCH, config.latent_dim, device=device))
            loss_fake = F.binary_cross_entropy_with_logits(net_d(fake.detach()).score, zeros)
            loss_fake.backward()
            opt_d.step()
            net_g.zero_grad()
            loss_g = F.binary_cross_entropy_with_logits(net_d(fake).score, ones)
            loss_g.backward()
            opt_g.step()
            seen += BATCH
            if seen >= images:
                break
    synchronize(device)
    return seen / (time.perf_counter() - started)


def unfused(trainer: GanTrainer) -> None:
    config = trainer.config
    betas = (config.beta1, config.beta2)
    trainer.opt_g = torch.optim.Adam(trainer.generator.parameters(), lr=config.lr_g, betas=betas)
    trainer.opt_d = torch.optim.Adam(
        trainer.discriminator.parameters(), lr=config.lr_d, betas=betas
    )


ABLATIONS: dict[str, Callable[[GanTrainer], None]] = {
    "ours": lambda trainer: None,
    "ours without fused Adam": unfused,
    "ours with D weight gradients in G's step": lambda t: setattr(t, "freeze_d_in_g", False),
    "ours with separate real and fake D passes": lambda t: setattr(t, "joint_batches", False),
}


def our_loop(
    config: GanConfig,
    images: int,
    device: torch.device,
    change: Callable[[GanTrainer], None],
    precision: str = "fp32",
) -> float:
    torch.manual_seed(0)
    trainer = GanTrainer(config, TrialContext(device, 0, images, precision))
    change(trainer)
    synchronize(device)
    started = time.perf_counter()
    trainer.train(images)
    synchronize(device)
    return trainer.images_seen / (time.perf_counter() - started)


def measure(runs: dict[str, Callable[[int], float]], images: int, repeats: int) -> dict:
    for run in runs.values():
        run(BATCH * 4)  # warm-up (data on the device, kernels, allocator)
    samples: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):  # interleaved, so drift in machine load hits all alike
        for name, run in runs.items():
            samples[name].append(run(images))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--images", type=int, default=6400)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--nets", default="mlp,infogan")
    parser.add_argument("--bf16", action="store_true", help="also bf16 autocast + channels-last")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = pick_device(args.device)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_idx(root)
        print(
            f"device {device} ({name}), threads {args.threads}, batch {BATCH}, NS loss, "
            f"{args.images} images per measurement, median of {args.repeats}"
        )
        for net in args.nets.split(","):
            config = GanConfig(
                net=net, loss="ns", batch_size=BATCH, latent_dim=100 if net == "mlp" else 64
            )
            runs: dict[str, Callable[[int], float]] = {
                "reference (PyTorch DCGAN example loop)": lambda n, c=config: reference_loop(
                    c, root, n, device
                )
            }
            for label, change in ABLATIONS.items():
                runs[label] = lambda n, c=config, ch=change: our_loop(c, n, device, ch)
            if args.bf16:
                runs["ours, bf16 autocast + channels-last"] = lambda n, c=config: our_loop(
                    c, n, device, lambda t: None, "bf16"
                )
            rates = measure(runs, args.images, args.repeats)
            reference, ours = rates[next(iter(runs))], rates["ours"]
            print(f"\n{net}:")
            for label, rate in rates.items():
                against = f"{rate / reference:5.2f}x reference"
                gain = "" if label == "ours" else f"   ours / this {ours / rate:5.2f}x"
                print(f"  {label:<44} {rate:9.0f} img/s  {against}{gain}")


if __name__ == "__main__":
    main()
