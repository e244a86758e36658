"""`gantune train --set key=value ...`: one trial on this machine, without Ray."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gantune.search.commands import parse_options
from gantune.search.results_root import results_root, timestamped
from gantune.trainables.trial import resolve, run_local

FIRST = ("training_iteration", "images_seen", "epoch")
HIDDEN = {"diverged", "train_seconds", "eval_seconds", "setup_seconds", "started_at"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train",
        epilog="example:\n  gantune train -s family=gan -s net=mlp -s loss=ns "
        "-s max_iterations=2 -o /tmp/ns-mlp",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run one trial locally (no Ray); resumes if the directory has a checkpoint",
    )
    parser.add_argument(
        "--set",
        "-s",
        action="append",
        metavar="KEY=VALUE",
        help="a config value, e.g. net=mlp loss=ns max_iterations=5 (see the trial config keys)",
    )
    parser.add_argument("-o", "--output", type=Path, help="trial directory (default: a new one)")
    parser.add_argument("--cpus", type=float, default=None, help="threads to use (default: all)")
    parser.set_defaults(run=run)


class Table:
    """Prints results as rows; the columns are those of the first result."""

    def __init__(self) -> None:
        self.columns: list[str] = []

    def __call__(self, result: dict[str, Any]) -> None:
        if not self.columns:
            rest = sorted(k for k in result if k not in FIRST and k not in HIDDEN)
            self.columns = [*FIRST, *rest]
            print("  ".join(f"{name[:12]:>12}" for name in self.columns), flush=True)
        cells = []
        for name in self.columns:
            value = result.get(name, "")
            cells.append(f"{value:>12.4g}" if isinstance(value, float) else f"{value!s:>12}")
        print("  ".join(cells), flush=True)


def run(args: argparse.Namespace) -> int:
    config = parse_options(args.set)
    resolve(config)  # bad keys and values fail here, before data is read
    directory = args.output or results_root() / timestamped("train")
    print(f"trial directory: {directory}")
    reported = run_local(config, directory, cpus=args.cpus, on_report=Table())
    if reported and reported[-1].get("diverged"):
        print("the trial diverged (a loss or the metric became non-finite)")
    return 0
