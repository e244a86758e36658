"""`gantune generate CHECKPOINT --label Sandal -n 6 -o out.png`."""

from __future__ import annotations

import argparse

from trainables.generate import generate
from trainables.images import grid, save_png


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("generate", help="draw images from a trained GAN checkpoint")
    parser.add_argument(
        "checkpoint", help="a checkpoint dir (or a trial dir: its latest checkpoint)"
    )
    parser.add_argument("--label", help="class by name or number (label-conditional GANs)")
    parser.add_argument("-n", "--count", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--columns", type=int, default=None, help="grid columns (default: all in one row)"
    )
    parser.add_argument("-o", "--output", default="generated.png")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    images, caption = generate(args.checkpoint, args.label, args.count, args.seed)
    path = save_png(grid(images, args.columns or len(images)), args.output)
    print(f"{caption} -> {path}")
    return 0
