"""The `gantune` command groups, and how they read `key=value` options."""

from __future__ import annotations

import argparse
from typing import Any

from gantune.search.values import convert


def parse_options(pairs: list[str] | None) -> dict[str, Any]:
    """`key=value` pairs into a dict, each value read as YAML."""
    options: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"option {pair!r} is not of the form key=value")
        options[key] = convert(raw)
    return options


def add_option_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--option",
        "-O",
        action="append",
        metavar="KEY=VALUE",
        help="a dataset option (e.g. size=64, seed=1, root=~/flowers); repeatable",
    )
