"""Images per second of GAN training: our trial loop's step against a reference loop
written the usual way (torchvision dataset, DataLoader with per-sample transforms,
default Adam, G recomputed for its own step), same nets, same loss (NS), batch 64,
one thread, measured in the same run. Targets: >= 1.25x on the MLP net, >= 1.0x on
the InfoGAN-style net.

    python bench/gan_step.py [--images 6400] [--repeats 3] [--nets mlp,infogan]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

from trainables import data
from trainables.gan.config import GanConfig
from trainables.gan.trainer import GanTrainer
from trainables.nets.gan import Discriminator, build_generator
from trainables.trial_data import trial_data

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


def reference_loop(config: GanConfig, root: Path, images: int) -> float:
    """The usual way; returns images per second."""
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    dataset = datasets.FashionMNIST(str(root), train=True, download=False, transform=transform)
    loader = DataLoader(dataset, batch_size=BATCH, shuffle=True, drop_last=True, num_workers=0)
    torch.manual_seed(0)
    generator = build_generator(config.net, config.z_dim, 1, 28, config.width)
    discriminator = Discriminator(config.net, 1, 1, 28, config.width, config.d_batch_norm)
    opt_g = torch.optim.Adam(
        generator.parameters(), lr=config.lr_g, betas=(config.beta1, config.beta2)
    )
    opt_d = torch.optim.Adam(
        discriminator.parameters(), lr=config.lr_d, betas=(config.beta1, config.beta2)
    )
    ones, zeros = torch.ones(BATCH), torch.zeros(BATCH)
    seen, started = 0, time.perf_counter()
    while seen < images:
        for real, _ in loader:
            z = torch.randn(BATCH, config.z_dim)
            opt_d.zero_grad()
            d_real = discriminator(real).score
            d_fake = discriminator(generator(z).detach()).score
            loss_d = F.binary_cross_entropy_with_logits(
                d_real, ones
            ) + F.binary_cross_entropy_with_logits(d_fake, zeros)
            loss_d.backward()
            opt_d.step()
            opt_g.zero_grad()
            loss_g = F.binary_cross_entropy_with_logits(discriminator(generator(z)).score, ones)
            loss_g.backward()
            opt_g.step()
            seen += BATCH
            if seen >= images:
                break
    return seen / (time.perf_counter() - started)


def our_loop(config: GanConfig, images: int) -> float:
    torch.manual_seed(0)
    trainer = GanTrainer(
        config, trial_data("fashion-mnist", {}, torch.device("cpu")), torch.device("cpu"), 0
    )
    started = time.perf_counter()
    trainer.train(images)
    return trainer.images_seen / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--images", type=int, default=6400)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--nets", default="mlp,infogan")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_idx(root)
        print(
            f"threads 1, batch {BATCH}, NS loss, {args.images} images per measurement, "
            f"median of {args.repeats}"
        )
        for net in args.nets.split(","):
            config = GanConfig(
                net=net, loss="ns", batch_size=BATCH, z_dim=100 if net == "mlp" else 64
            )
            our_loop(config, BATCH * 4)  # warm-up (data in memory, kernels)
            reference_loop(config, root, BATCH * 4)
            ours, reference = [], []
            for _ in range(args.repeats):  # interleaved, so drift in machine load hits both
                ours.append(our_loop(config, args.images))
                reference.append(reference_loop(config, root, args.images))
            a, b = statistics.median(ours), statistics.median(reference)
            print(f"{net:8s} ours {a:8.0f} img/s   reference {b:8.0f} img/s   ratio {a / b:.2f}x")


if __name__ == "__main__":
    main()
