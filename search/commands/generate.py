"""`gantune generate CHECKPOINT [--label Sandal | --attr key=value ...] -n 6 -o out.png`."""

from __future__ import annotations

import argparse

from trainables.generate import GenerateRequest, generate
from trainables.images import grid, save_png


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("generate", help="draw images from a trained checkpoint")
    parser.add_argument(
        "checkpoint", help="a checkpoint dir (or a trial dir: its latest checkpoint)"
    )
    parser.add_argument("--label", help="class by name or number (class-conditional models)")
    parser.add_argument(
        "--attr",
        action="append",
        metavar="NAME=VALUE",
        help="an attribute value (attribute-conditional models); repeatable",
    )
    parser.add_argument("-n", "--count", type=int, default=6)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--columns", type=int, default=None, help="grid columns (default: all in one row)"
    )
    parser.add_argument("-o", "--output", default="generated.png")
    parser.set_defaults(run=run)


def attributes(pairs: list[str] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise ValueError(f"--attr {pair!r} is not of the form name=value")
        found[name.strip()] = value.strip()
    return found


def run(args: argparse.Namespace) -> int:
    request = GenerateRequest(args.count, args.seed, args.label, attributes(args.attr))
    images, caption = generate(args.checkpoint, request)
    path = save_png(grid(images, args.columns or len(images)), args.output)
    print(f"{caption} -> {path}")
    return 0
