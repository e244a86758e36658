"""The held-out test share of a folder without its own test split.

Each file is placed by a hash of its name (so always the same ones, whatever else is in
the folder): a file is held out when its hash falls below `test_share`. Names are
NFC-normalised first, so a name written two ways (macOS writes NFD, Linux keeps what it
is given) is placed the same way. The choice is then corrected, value by value (a class,
or a value of an attribute column):
- training never loses a value's last item: where every item of a value fell below the
  share, the one with the highest hash goes back to training (a class of one image keeps
  it for training);
- every value with at least two items has one held out: the one with the lowest hash,
  where holding it out keeps each of its values in training.
"""

from __future__ import annotations

import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence


def nfc(name: str) -> str:
    """The name in Unicode's composed form (NFC), as every rule here reads names."""
    return unicodedata.normalize("NFC", name)


def rank(name: str) -> float:
    """A stable number in [0, 1) for a file name (NFC)."""
    return (zlib.crc32(nfc(name).encode()) % 10000) / 10000


def held_out(name: str, share: float) -> bool:
    return rank(name) < share


def members_of(grouping: Sequence[str]) -> dict[str, list[int]]:
    members: dict[str, list[int]] = defaultdict(list)
    for i, value in enumerate(grouping):
        members[value].append(i)
    return members


def holdout(names: Sequence[str], groups: Sequence[Sequence[str]], share: float) -> set[int]:
    """Positions held out for testing. `groups[k][i]` is item i's value of grouping k (its
    class, or one attribute column); each value keeps at least one item in training, and
    each value with two items or more gets one held out where that keeps all of the
    item's values in training."""
    if share <= 0:
        return set()
    order = {i: (rank(name), nfc(name)) for i, name in enumerate(names)}
    chosen = {i for i, name in enumerate(names) if held_out(name, share)}
    for grouping in groups:
        for positions in members_of(grouping).values():
            if all(i in chosen for i in positions):
                chosen.discard(max(positions, key=order.__getitem__))
    in_training = [Counter(v for i, v in enumerate(g) if i not in chosen) for g in groups]
    for grouping in groups:
        members = members_of(grouping)
        for value in sorted(members, key=str):
            positions = members[value]
            if len(positions) < 2 or any(i in chosen for i in positions):
                continue
            for candidate in sorted(positions, key=order.__getitem__):
                values = [g[candidate] for g in groups]
                if all(count[v] >= 2 for count, v in zip(in_training, values, strict=True)):
                    chosen.add(candidate)
                    for count, v in zip(in_training, values, strict=True):
                        count[v] -= 1
                    break
    return chosen


def too_small(count: int, share: float, split: str, where: str) -> str:
    """The message for a folder that could hold out nothing."""
    return (
        f"no {split} images found in {where}: it has {count} image(s), and with test_share "
        f"{share} none could be held out (every class has a single image); add images, a "
        "test folder, or raise test_share"
    )
