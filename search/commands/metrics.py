"""`gantune metrics train-features [NAME ...] | --dataset NAME [-O key=value]` and
`gantune metrics floor`."""

from __future__ import annotations

import argparse
import time

import torch

from gantune.search.commands import add_option_flag, parse_options
from gantune.trainables import data
from gantune.trainables.metrics import fid, real_floor, resolve_backend
from gantune.trainables.metrics.backends import BACKENDS, trained_dir
from gantune.trainables.metrics.feature_training import RECIPES, derived_recipe, train_features
from gantune.trainables.metrics.fid import derived_name


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "metrics",
        epilog="example:\n  gantune metrics floor",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="FID feature networks and reference values",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    train = actions.add_parser(
        "train-features",
        epilog="example:\n  gantune metrics train-features --dataset image-folder "
        "-O root=~/flowers -O size=64",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="train FID feature networks (fixed seed): the committed ones, or one for any "
        "labelled dataset (then that dataset's default backend)",
    )
    train.add_argument("names", nargs="*", help=f"default: all of {', '.join(RECIPES.names())}")
    train.add_argument(
        "--dataset", help=f"train one for this dataset: {', '.join(data.DATASETS.names())}"
    )
    add_option_flag(train)
    train.set_defaults(run=run_train)

    floor = actions.add_parser(
        "floor",
        epilog="example:\n  gantune metrics floor --dataset fashion-mnist",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="FID of real train vs test images, beside obviously bad samples",
    )
    floor.add_argument("--dataset", default="fashion-mnist")
    floor.add_argument("--backend", default=None, help=f"one of: {', '.join(BACKENDS.names())}")
    floor.add_argument("--count", type=int, default=10000)
    floor.add_argument(
        "--domain",
        type=int,
        choices=(0, 1),
        help="a two-domain dataset's domain (0: A, 1: B): that domain's real-vs-real floor, "
        "as a translation into it is scored",
    )
    add_option_flag(floor)
    floor.set_defaults(run=run_floor)


def report(name: str, record: dict) -> None:
    print(
        f"{name}: test accuracy {record['test_accuracy']:.4f}, "
        f"{record['train_seconds']:.0f}s, digest {record['digest'][:16]}"
    )


def run_train(args: argparse.Namespace) -> int:
    if args.dataset:
        if args.names:
            raise ValueError("name committed feature nets or give --dataset, not both")
        options = parse_options(args.option)
        name = derived_name(args.dataset, options)
        print(f"training {name} on {args.dataset} ...")
        record = train_features(
            name, trained_dir(), log=print, recipe=derived_recipe(args.dataset, options)
        )
        report(name, record)
        print(f"{name} is now the default FID backend of {args.dataset} with these options")
        count = min(10000, len(data.load(args.dataset, "test", **options)[0]))
        value = real_floor(args.dataset, name, count=count, options=options or None)
        print(f"real-vs-real floor ({count} train vs test images): {value:.3f}")
        return 0
    for name in args.names or RECIPES.names():
        print(f"training {name} ...")
        report(name, train_features(name, log=print))
    return 0


def run_floor(args: argparse.Namespace) -> int:
    options = parse_options(args.option)
    reference = (args.dataset, "test")
    started = time.perf_counter()
    floor = real_floor(
        args.dataset, args.backend, count=args.count, options=options or None, domain=args.domain
    )
    if args.domain is not None:  # the floor of one domain is what this command is for
        backend = resolve_backend(args.dataset, args.backend, options)
        print(
            f"real-vs-real FID of domain {args.domain} of {args.dataset} ({args.count} train "
            f"images vs that domain's test images, backend {backend}): {floor:.3f}"
        )
        return 0
    train, _ = data.load(args.dataset, "train", **options)
    generator = torch.Generator().manual_seed(0)
    noise = torch.randint(0, 256, (args.count, *train.shape[1:]), generator=generator)
    repeated = train[:1].expand(args.count, -1, -1, -1)
    rows = [
        ("real train vs test (floor)", floor),
        ("uniform noise", fid(noise.to(torch.uint8), reference, args.backend, options)),
        ("one train image repeated", fid(repeated.contiguous(), reference, args.backend, options)),
    ]
    backend = resolve_backend(args.dataset, args.backend, options)
    print(f"FID on {args.dataset} test ({args.count} samples, backend {backend}):")
    for name, value in rows:
        print(f"  {name:<28} {value:10.3f}")
    print(f"({time.perf_counter() - started:.1f}s)")
    return 0
