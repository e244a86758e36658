"""`gantune data fetch [NAME]` and `gantune data show NAME -o grid.png`."""

from __future__ import annotations

import argparse

import torch

from gantune.search.commands import add_option_flag, parse_options
from gantune.trainables import data
from gantune.trainables.images import labelled_rows, save_png


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "data",
        epilog="example:\n  gantune data fetch fashion-mnist",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="obtain, cache and look at datasets",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    fetch = actions.add_parser(
        "fetch",
        epilog="example:\n  gantune data fetch leather-denim",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="obtain and cache a dataset (default: all)",
    )
    fetch.add_argument("name", nargs="?", help=f"one of: {', '.join(data.DATASETS.names())}")
    add_option_flag(fetch)
    fetch.set_defaults(run=run_fetch)

    show = actions.add_parser(
        "show",
        epilog="example:\n  gantune data show leather-denim -o leather-denim.png",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="write a PNG grid of samples per class or domain",
    )
    show.add_argument("name", help=f"one of: {', '.join(data.DATASETS.names())}")
    show.add_argument("-o", "--output", default="grid.png")
    show.add_argument("--split", default="train")
    show.add_argument("--per-row", type=int, default=10, help="samples per class or domain")
    show.add_argument("--seed", type=int, default=0, help="which samples are drawn")
    add_option_flag(show)
    show.set_defaults(run=run_show)


def run_fetch(args: argparse.Namespace) -> int:
    options = parse_options(args.option)
    names = [args.name] if args.name else [n for n, d in data.DATASETS.items() if d.fetch]
    for name in names:
        dataset = data.check_options(name, options) if args.name else data.DATASETS.get(name)
        if dataset.fetch is None:
            raise ValueError(
                f"dataset {name!r} is read from your folder; there is nothing to fetch"
            )
        print(f"{name}: {dataset.fetch(**(options if args.name else {}))}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    options = parse_options(args.option)
    images, labels = data.load(args.name, split=args.split, **options)
    group_ids, names = data.groups(args.name, labels, **options)
    generator = torch.Generator().manual_seed(args.seed)
    rows = []
    for index, name in enumerate(names):
        members = torch.nonzero(group_ids == index).flatten()
        chosen = members[torch.randperm(len(members), generator=generator)[: args.per_row]]
        if len(chosen):
            rows.append((name, images[chosen]))
    path = save_png(labelled_rows(rows, args.per_row, scale=3), args.output)
    print(
        f"{args.name} ({args.split}): {len(images)} images, {images.shape[1]}x"
        f"{images.shape[2]}x{images.shape[3]}, {len(names)} groups -> {path}"
    )
    return 0
