"""One way to read values, for spec files and the command line alike: YAML, except that
`1e-3` is a number (YAML 1.1 reads it as a string and wants `1.0e-3`), so a spec file and
`-s ranges.lr_d.high=1e-3` read the same text the same way."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class ValueLoader(yaml.SafeLoader):
    """YAML's safe loader, with `1e-3` read as a float."""


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


def read_yaml_file(path: Path) -> Any:
    """A YAML file read with the same rules (an empty file is an empty mapping)."""
    try:
        return yaml.load(path.read_text(), Loader=ValueLoader) or {}
    except yaml.YAMLError as error:
        raise ValueError(f"{path} is not valid YAML: {error}") from None
