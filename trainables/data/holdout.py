"""The held-out test share of a folder without its own test split.

Each file is placed by a hash of its name (so always the same ones, whatever else is in
the folder): a file is held out when its hash falls below `test_share`. Small folders
would then often hold out nothing of a class, so the choice is completed:
- every class (every value of an attribute column) with at least two images has at least
  one held out: the one with the lowest hash, if holding it out keeps each of its values
  in training;
- a class with one image keeps it for training.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence


def rank(name: str) -> float:
    """A stable number in [0, 1) for a file name."""
    return (zlib.crc32(name.encode()) % 10000) / 10000


def held_out(name: str, share: float) -> bool:
    return rank(name) < share


def holdout(names: Sequence[str], groups: Sequence[Sequence[str]], share: float) -> set[int]:
    """Positions held out for testing. `groups[k][i]` is item i's value of grouping k (its
    class, or one attribute column); each value with two items or more gets one held out
    where that keeps all of the item's values in training."""
    if share <= 0:
        return set()
    chosen = {i for i, name in enumerate(names) if held_out(name, share)}
    in_training = [Counter(v for i, v in enumerate(g) if i not in chosen) for g in groups]
    for grouping in groups:
        members: dict[str, list[int]] = defaultdict(list)
        for i, value in enumerate(grouping):
            members[value].append(i)
        for value in sorted(members, key=str):
            positions = members[value]
            if len(positions) < 2 or any(i in chosen for i in positions):
                continue
            for candidate in sorted(positions, key=lambda i: (rank(names[i]), names[i])):
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
