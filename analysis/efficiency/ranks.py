"""Average ranks of methods across pools at fixed budgets, with a Friedman test and the
Nemenyi critical difference (Demšar 2006), as the DEHB and ifBO papers compare methods.

A block is one replicate of one pool (the methods replayed the same task): in each block
the methods are ranked by their regret at the budget (1 = least; ties share the mean
rank), and a method's average rank is the mean over every block of every pool, each pool
weighing the same. Two methods whose average ranks differ by more than the critical
difference differ at the 5% level. Blocks of one pool share its settings, so this
difference is a lenient one; the per-pool tables say where a method wins or loses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from gantune.analysis.efficiency.measures import BUDGETS, Measurement

ALPHA = 0.05


@dataclass(frozen=True)
class Ranking:
    budget: float
    methods: list[str]
    average: np.ndarray  # per method
    friedman: float  # the statistic
    p_value: float
    critical_difference: float
    blocks: int

    def best(self) -> str:
        return self.methods[int(np.argmin(self.average))]

    def order(self) -> list[tuple[str, float]]:
        return sorted(zip(self.methods, self.average.tolist(), strict=True), key=lambda p: p[1])


def rank_blocks(results: list[Measurement], methods: list[str], budget_index: int) -> np.ndarray:
    """Blocks x methods ranks (1 = least regret)."""
    blocks = []
    for result in results:
        table = np.stack([result.at_budgets[m][:, budget_index] for m in methods], axis=1)
        blocks.append(stats.rankdata(table, axis=1))
    return np.concatenate(blocks)


def nemenyi(methods: int, blocks: int, alpha: float = ALPHA) -> float:
    q = stats.studentized_range.ppf(1 - alpha, methods, np.inf) / np.sqrt(2)
    return float(q * np.sqrt(methods * (methods + 1) / (6 * blocks)))


def rankings(results: list[Measurement], methods: list[str]) -> list[Ranking]:
    """One ranking per budget of `BUDGETS`, over every pool's replicates."""
    found = []
    for index, budget in enumerate(BUDGETS):
        ranks = rank_blocks(results, methods, index)
        columns = [ranks[:, k] for k in range(len(methods))]
        if len(methods) < 3:  # Friedman's test compares three or more
            statistic, p_value = float("nan"), float("nan")
        elif np.ptp(ranks, axis=1).any():
            statistic, p_value = stats.friedmanchisquare(*columns)
        else:  # every method tied in every block
            statistic, p_value = 0.0, 1.0
        found.append(
            Ranking(
                budget,
                methods,
                ranks.mean(axis=0),
                float(statistic),
                float(p_value),
                nemenyi(len(methods), len(ranks)),
                len(ranks),
            )
        )
    return found
