"""`gantune`: one argparse root; each command group lives in `search.commands.<name>`."""

from __future__ import annotations

import argparse
import importlib
import os
import sys

# Command modules, each exposing `register(subparsers)`; imported lazily so that
# `gantune data ...` does not pay for importing Ray.
COMMANDS = {
    "data": "search.commands.data",
    "metrics": "search.commands.metrics",
    "classifier": "search.commands.classifier",
    "train": "search.commands.train",
    "generate": "search.commands.generate",
    "translate": "search.commands.translate",
    "families": "search.commands.families",
    "search": "search.commands.search",
    "dashboard": "search.commands.dashboard",
    "report": "search.commands.report",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gantune", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        importlib.import_module(module).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # We checkpoint every iteration on purpose (resumable trials); Tune's warning about
    # frequent experiment snapshots is noise here.
    os.environ.setdefault("TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S", "0")
    args = build_parser().parse_args(argv)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        return int(args.run(args) or 0)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        print(f"gantune {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
