"""The rules a report's statistics follow, in one place.

- A rank correlation is quoted only on at least `MIN_ROWS` rows: with three rows, one
  random order in six agrees perfectly, and no bootstrap over trials can show that. Below
  it, the report says there are too few to compare orderings.
- Every Spearman value comes with its two-sided permutation p-value (every ordering up to
  8 rows, else 20,000 random ones) beside whatever interval is shown.
- fANOVA importance states how many trials it rests on, and warns under `MIN_FANOVA`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_ROWS = 5
MIN_FANOVA = 20


@dataclass(frozen=True)
class RankCorrelation:
    rho: float
    p_value: float
    rows: int

    def describe(self, what: str) -> str:
        return (
            f"Spearman {what}: {self.rho:.2f} (permutation p {self.p_value:.3f}; {self.rows} rows)"
        )


def permutation_p(ours: np.ndarray, theirs: np.ndarray, draws: int = 20000) -> float:
    """Two-sided: the share of orderings of our values whose Spearman with theirs is at
    least as far from zero as ours (Spearman: Pearson's r of the ranks, ties averaged)."""
    ours, theirs = stats.rankdata(ours), stats.rankdata(theirs)
    if np.ptp(ours) == 0 or np.ptp(theirs) == 0:
        return 1.0  # no order to compare
    a = (ours - ours.mean()) / ours.std()
    b = (theirs - theirs.mean()) / theirs.std()
    if len(a) <= 8:
        orders = np.array(list(itertools.permutations(range(len(a)))))
    else:
        orders = np.random.default_rng(0).permuted(np.tile(np.arange(len(a)), (draws, 1)), axis=1)
    found = np.abs((a[orders] * b).mean(axis=1))
    return float(np.mean(found >= abs((a * b).mean()) - 1e-12))


def rank_correlation(ours, theirs) -> RankCorrelation | None:
    """Spearman with its permutation p; None on fewer than MIN_ROWS rows (or no order)."""
    ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
    if len(ours) < MIN_ROWS:
        return None
    rho = stats.spearmanr(ours, theirs).statistic
    if not math.isfinite(rho):
        return None
    return RankCorrelation(float(rho), permutation_p(ours, theirs), len(ours))


def too_few(rows: int, what: str) -> str:
    return f"too few {what} to compare orderings ({rows}; a rank correlation needs {MIN_ROWS})"


def fanova_note(trials: int) -> str:
    """How many trials an importance estimate rests on, and a warning under MIN_FANOVA."""
    note = f"from {trials} trials"
    if trials < MIN_FANOVA:
        note += f" (fewer than {MIN_FANOVA}: a rough estimate, read it as a hint)"
    return note
