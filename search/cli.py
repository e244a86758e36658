"""`gantune`: one argparse root. The generic command groups live in
`search.commands.<name>`; a family (or what families share) adds its own verbs in
`trainables/<package>/commands.py`, found by its place."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import pkgutil
import sys
import textwrap
import traceback

ABOUT = (
    "gantune searches the hyperparameters of generative models of fashion images (GANs, "
    "CycleGANs, VAEs, colorizers, and your own): Ray Tune runs the trials, ASHA or "
    "gantune's schedulers stop the weak ones early on FID, Optuna proposes settings and "
    "keeps every study, and a report puts the results beside the published numbers."
)

# Command modules, each exposing `register(subparsers)`; imported lazily so that
# `gantune data ...` does not pay for importing Ray.
COMMANDS = {
    "data": "gantune.search.commands.data",
    "metrics": "gantune.search.commands.metrics",
    "train": "gantune.search.commands.train",
    "generate": "gantune.search.commands.generate",
    "families": "gantune.search.commands.families",
    "search": "gantune.search.commands.search",
    "dashboard": "gantune.search.commands.dashboard",
    "report": "gantune.search.commands.report",
    "check-family": "gantune.search.commands.check_family",
}


def contributed_commands() -> list[str]:
    """Every `trainables/<package>/commands.py`: a family's own verbs, or those its kind
    shares (translation)."""
    from gantune import trainables

    found = []
    for package in pkgutil.iter_modules(trainables.__path__):
        name = f"gantune.trainables.{package.name}.commands"
        if package.ispkg and importlib.util.find_spec(name):
            found.append(name)
    return found


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gantune",
        description=textwrap.fill(ABOUT, 88),
        epilog="example:\n  gantune search --study fashion-gan-quick --report\n"
        "documentation: README.md and docs/ in the repository",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in [*COMMANDS.values(), *contributed_commands()]:
        importlib.import_module(module).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    # We checkpoint every iteration on purpose (resumable trials); Tune's warning about
    # frequent experiment snapshots is noise here.
    os.environ.setdefault("TUNE_WARN_EXCESSIVE_EXPERIMENT_CHECKPOINT_SYNC_THRESHOLD_S", "0")
    # Tune's default loggers include TensorBoard's, and its banner suggests `tensorboard`,
    # which gantune does not install: the Tuner adds the JSON and CSV loggers itself.
    os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "family_options", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        return int(args.run(args) or 0)
    except (ValueError, FileNotFoundError, RuntimeError) as error:
        if os.environ.get("GANTUNE_TRACEBACK"):  # where an error came from, when asked
            traceback.print_exc()
        print(f"gantune {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
