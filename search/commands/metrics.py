"""`gantune metrics train-features [NAME ...]` and `gantune metrics floor`."""

from __future__ import annotations

import argparse
import time

import torch

from trainables import data
from trainables.metrics import fid, real_floor, resolve_backend
from trainables.metrics.backends import BACKENDS
from trainables.metrics.feature_training import RECIPES, train_features


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("metrics", help="FID feature networks and reference values")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    train = actions.add_parser(
        "train-features", help="train FID feature networks (fixed seed) into the package"
    )
    train.add_argument("names", nargs="*", help=f"default: all of {', '.join(RECIPES.names())}")
    train.set_defaults(run=run_train)

    floor = actions.add_parser(
        "floor", help="FID of real train vs test images, beside obviously bad samples"
    )
    floor.add_argument("--dataset", default="fashion-mnist")
    floor.add_argument("--backend", default=None, help=f"one of: {', '.join(BACKENDS.names())}")
    floor.add_argument("--count", type=int, default=10000)
    floor.set_defaults(run=run_floor)


def run_train(args: argparse.Namespace) -> int:
    for name in args.names or RECIPES.names():
        print(f"training {name} ...")
        record = train_features(name, log=print)
        print(
            f"{name}: test accuracy {record['test_accuracy']:.4f}, "
            f"{record['train_seconds']:.0f}s, digest {record['digest'][:16]}"
        )
    return 0


def run_floor(args: argparse.Namespace) -> int:
    reference = (args.dataset, "test")
    started = time.perf_counter()
    floor = real_floor(args.dataset, args.backend, count=args.count)
    train, _ = data.load(args.dataset, "train")
    generator = torch.Generator().manual_seed(0)
    noise = torch.randint(0, 256, (args.count, *train.shape[1:]), generator=generator)
    repeated = train[:1].expand(args.count, -1, -1, -1)
    rows = [
        ("real train vs test (floor)", floor),
        ("uniform noise", fid(noise.to(torch.uint8), reference, args.backend)),
        ("one train image repeated", fid(repeated.contiguous(), reference, args.backend)),
    ]
    backend = resolve_backend(args.dataset, args.backend)
    print(f"FID on {args.dataset} test ({args.count} samples, backend {backend}):")
    for name, value in rows:
        print(f"  {name:<28} {value:10.3f}")
    print(f"({time.perf_counter() - started:.1f}s)")
    return 0
