"""What the data layer tells a user about their data: each message once per process (a
trial loads its training and test splits, and the vocabulary again; a message repeated
three times reads as three problems), on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterable

LISTED = 10  # names a message lists before "and N more"
_said: set[str] = set()


def say(notes: Iterable[str], where: str = "") -> None:
    for note in notes:
        text = f"{where}{note}"
        if text not in _said:
            _said.add(text)
            print(text, file=sys.stderr)


def listing(names: list[str]) -> str:
    """The first names, quoted, and how many more."""
    shown = ", ".join(repr(name) for name in names[:LISTED])
    more = len(names) - LISTED
    return shown + (f", and {more} more" if more > 0 else "")
