"""`gantune`: one argparse root; each command group lives in `search.commands.<name>`."""

from __future__ import annotations

import argparse
import importlib
import sys

# Command modules, each exposing `register(subparsers)`; imported lazily so that
# `gantune data ...` does not pay for importing Ray.
COMMANDS = {
    "data": "search.commands.data",
    "metrics": "search.commands.metrics",
    "classifier": "search.commands.classifier",
    "train": "search.commands.train",
    "generate": "search.commands.generate",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gantune", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"gantune {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
