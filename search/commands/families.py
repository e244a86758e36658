"""`gantune families`: every registered family with its presets, metric and stratify key."""

from __future__ import annotations

import argparse

from gantune.spaces.family import FAMILY_SPACES
from gantune.trainables.families import load_families


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "families",
        epilog="example:\n  gantune families",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="list the model families with their presets, metric and strata",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    load_families()
    for name, family in FAMILY_SPACES.items():
        print(f"{name}: {family.summary}")
        print(f"  metric: {family.metric} ({family.mode})   stratified by: {family.stratify_by}")
        for preset_name, preset in sorted(family.presets.items()):
            default = " (default)" if preset_name == family.default_preset else ""
            print(f"  preset {preset_name}{default}: {preset.summary}")
    return 0
