"""Attribute vocabularies: fixed by the training split, used for every other split.

A product table's attribute columns (report 003's `articleType`, `baseColour`) are
long-tailed and have empty cells; a held-out share rarely holds every value. So:

- The training split fixes each column's values (the dataset's own order where it has
  one, else sorted). The vocabulary travels with checkpoints and feature weights, and
  every other split is encoded with it.
- Empty cells are reported (rows per column) and handled by an explicit choice:
  `missing=unknown` (the default) gives them their own value, "unknown";
  `missing=skip` leaves those rows out of conditioning (their code is -1).
- `top_values=k` keeps a column's k most frequent training values and groups the rest as
  "other", saying how many values and rows were grouped.
- A value seen only outside training is named with its count and left out of conditional
  scores (code -1), or refused with `unseen=refuse`.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

UNKNOWN, OTHER, NO_VALUE = "unknown", "other", -1
MISSING = ("unknown", "skip")
UNSEEN = ("skip", "refuse")


class VocabularyError(ValueError):
    """A split holds values its training vocabulary refuses."""


def cells(column: pd.Series) -> pd.Series:
    """A column as strings, empty cells (NaN, None, blanks) as None."""

    def cell(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        text = str(value).strip()
        return text or None

    return pd.Series([cell(v) for v in column], index=column.index, dtype=object)


def check_choices(missing: str, unseen: str, top_values: int) -> None:
    if missing not in MISSING:
        raise ValueError(f"unknown missing {missing!r}; valid choices: {', '.join(MISSING)}")
    if unseen not in UNSEEN:
        raise ValueError(f"unknown unseen {unseen!r}; valid choices: {', '.join(UNSEEN)}")
    if top_values < 0:
        raise ValueError(f"top_values must be 0 (keep all) or more, not {top_values}")


@dataclass(frozen=True)
class Vocabulary:
    columns: tuple[str, ...]
    values: tuple[tuple[str, ...], ...]  # per column, in code order
    grouped: tuple[tuple[str, ...], ...] = ()  # per column, training values folded into OTHER
    missing: str = "unknown"

    @classmethod
    def of_training(
        cls,
        table: pd.DataFrame,
        columns: tuple[str, ...],
        fixed: dict[str, tuple[str, ...]] | None = None,
        missing: str = "unknown",
        top_values: int = 0,
    ) -> tuple[Vocabulary, list[str]]:
        """The vocabulary of a training table, and what it did, in words."""
        notes, values, grouped = [], [], []
        for column in columns:
            found = cells(table[column])
            empty = int(found.isna().sum())
            counts = Counter(v for v in found if v is not None)
            order = list((fixed or {}).get(column) or sorted(counts))
            folded: list[str] = []
            if top_values and len(counts) > top_values:
                kept = {v for v, _ in counts.most_common(top_values)}
                folded = sorted(v for v in counts if v not in kept)
                rows = sum(counts[v] for v in folded)
                order = [v for v in order if v in kept] + [OTHER]
                notes.append(
                    f"{column}: kept the {top_values} most frequent of {len(counts)} values; "
                    f"{len(folded)} values ({rows} rows) grouped as {OTHER!r}"
                )
            if empty:
                action = (
                    f"they get the value {UNKNOWN!r}"
                    if missing == "unknown"
                    else "left out of conditioning"
                )
                notes.append(f"{column}: {empty} rows have no value (missing={missing}: {action})")
                if missing == "unknown" and UNKNOWN not in order:
                    order.append(UNKNOWN)
            values.append(tuple(order))
            grouped.append(tuple(folded))
        return cls(tuple(columns), tuple(values), tuple(grouped), missing), notes

    def encode(
        self, table: pd.DataFrame, split: str = "test", unseen: str = "skip"
    ) -> tuple[np.ndarray, list[str]]:
        """N x columns codes (-1: no value to condition on), and what was done, in words.
        A value training never saw is grouped as "other" where the column groups its
        tail (`top_values`), else left out (-1) or refused (`unseen=refuse`)."""
        codes, notes = [], []
        grouped = self.grouped or ((),) * len(self.columns)
        for column, values, folded in zip(self.columns, self.values, grouped, strict=True):
            index = {value: code for code, value in enumerate(values)}
            folded_set, strangers = set(folded), Counter()
            column_codes = []
            for value in cells(table[column]):
                if value is None and self.missing == "skip":
                    column_codes.append(NO_VALUE)
                    continue
                value = UNKNOWN if value is None else value
                value = OTHER if value in folded_set else value
                if value not in index:
                    strangers[value] += 1
                    value = OTHER if OTHER in index else None
                column_codes.append(NO_VALUE if value is None else index[value])
            if strangers:
                listed = ", ".join(f"{v!r} ({n})" for v, n in strangers.most_common())
                message = f"{split} split: {column} value(s) never seen in training: {listed}"
                if OTHER in index:
                    notes.append(f"{message}; grouped as {OTHER!r}")
                elif unseen == "refuse":
                    raise VocabularyError(
                        f"{message}; pass unseen=skip to leave them out of conditional scores"
                    )
                else:
                    notes.append(f"{message}; left out of conditional scores")
            codes.append(np.asarray(column_codes, dtype=np.int64))
        stacked = np.stack(codes, axis=1) if codes else np.zeros((len(table), 0), np.int64)
        return stacked, notes

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "values": [list(v) for v in self.values],
            "grouped": [list(g) for g in self.grouped],
            "missing": self.missing,
        }

    @classmethod
    def from_dict(cls, saved: dict[str, Any]) -> Vocabulary:
        return cls(
            tuple(saved["columns"]),
            tuple(tuple(v) for v in saved["values"]),
            tuple(tuple(g) for g in saved.get("grouped", ())),
            saved.get("missing", "unknown"),
        )
