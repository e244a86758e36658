"""The `gantune` command groups, and how they read `key=value` options."""

from __future__ import annotations

import argparse
import re
from typing import Any

import yaml


class ValueLoader(yaml.SafeLoader):
    """YAML 1.1 reads `1e-3` as a string (it wants `1.0e-3`); here it is a float."""


ValueLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def convert(raw: str) -> Any:
    """A command-line value read as YAML: 3, 1e-3, true, [1e-4, 1e-3], {low: 1}, text."""
    try:
        return yaml.load(raw, Loader=ValueLoader)
    except yaml.YAMLError as error:
        raise ValueError(f"cannot read {raw!r} as a value: {str(error).splitlines()[0]}") from None


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
