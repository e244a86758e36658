"""Search efficiency on recorded pools, measured the way the field compares methods.

Every pool (bench/data/*.parquet: a FIFO study, every setting trained to its end, its
curves and per-iteration costs recorded; or any pool file given) is replayed through
every method of `gantune.analysis.efficiency.methods`, each through its real scheduler
class, on W simulated workers, over the same random orders for every method (one seed of
each setting per order). Printed per pool and W, all measured in this run:

- anytime regret: the interquartile mean over orders of the normalised regret of the best
  full-budget value found by compute c (a share of random search's whole budget), with a
  bootstrap 95% interval, at c = 1/16, 1/8, 1/4, 1/2, 1; and a figure;
- within delta (the pool's noise): the share of orders that got there, and the median
  compute to get there over all orders, a miss counting as never ("not reached");
- per W, across pools: every method's average rank at each budget, with the Friedman
  test and the Nemenyi critical difference;
- gantune's pause-and-thaw scheduler against the targets it was built for;
- the rank correlation of each rung with the final value; for GAN pools, the Lucic et al.
  ranking at the pool's one budget.

    python bench/search_efficiency.py [--pools NAME_OR_PATH,...] [--workers 1,2,8]
        [--replicates 50] [--json OUT] [-o search_efficiency.html]
    python bench/search_efficiency.py --markdown bench/results/search_efficiency.json

The second form prints docs/efficiency.md's tables from a stored record.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd

from gantune.analysis.efficiency.measures import measure
from gantune.analysis.efficiency.measures import rung_correlations as correlations_of
from gantune.analysis.efficiency.methods import METHODS, ORACLE, REFERENCE, THAW
from gantune.analysis.efficiency.pools import Pool, read_pool
from gantune.analysis.efficiency.ranks import rankings
from gantune.analysis.efficiency.report import (
    budget_label,
    format_ranks,
    format_summary,
    record,
    regret_figure,
    summary,
)

DATA = Path(__file__).with_name("data")
TARGET_REACH, TARGET_RATIO = 0.9, 0.5  # the thaw targets: within delta in 90%; half ASHA's
TARGET_BUDGET = 1 / 4
RANK_BUDGETS = (1 / 4, 1 / 2)
BASELINE_2X = "random search 2x"  # a reference line, not a method on these machines
TARGETS = (
    "within delta in 90% of orders; IQM regret at c=1/4 at most half of ASHA's; the best "
    "average rank at c=1/4 and 1/2"
)


def pool_paths(names: str | None) -> list[Path]:
    if not names:
        return sorted(DATA.glob("*.parquet"))
    return [Path(n) if n.endswith(".parquet") else DATA / f"{n}.parquet" for n in names.split(",")]


def describe(pool: Pool) -> str:
    costs = [c.full_cost(pool.max_t) for c in pool.curves]
    first = np.median([c.costs[0] for c in pool.curves]) / np.median(costs)
    return (
        f"{pool.name}: {pool.settings} settings x {pool.seeds} seed(s), max_t {pool.max_t}, "
        f"median trial {np.median(costs):.1f} s, first iteration {first:.3f} of a trial\n"
        f"delta (the noise): {pool.noise:.4g} ({pool.noise_source})"
    )


def targets(rec: dict) -> tuple[str, bool]:
    """Pause and thaw against its targets, per pool, from one W's stored record (what
    `--json` writes); and whether it met all of them."""
    met = True
    lines = [
        f"{'pool':22s} {'within delta':>13s} {'IQM regret c=1/4':>17s} {'ASHA':>7s} {'/ASHA':>7s}"
    ]
    label = budget_label(TARGET_BUDGET)
    for pool, found in rec["pools"].items():
        mine = found["methods"][THAW]["regret_iqm"][label][0]
        asha = found["methods"][REFERENCE]["regret_iqm"][label][0]
        reach = found["methods"][THAW]["within_delta"]
        ok = reach >= TARGET_REACH and mine <= TARGET_RATIO * asha + 1e-12
        met &= ok
        ratio = mine / asha if asha > 0 else (0.0 if mine == 0 else math.inf)
        lines.append(
            f"{pool:22s} {reach:>12.0%} {mine:>17.4f} {asha:>7.4f} {ratio:>6.2f}x"
            f"  {'met' if ok else 'MISSED'}"
        )
    for budget in RANK_BUDGETS:
        ranks = rec["ranks"][budget_label(budget)]
        order = sorted(ranks["average"].items(), key=lambda item: item[1])
        best_real = next(name for name, _ in order if name != BASELINE_2X)
        lines.append(
            f"average rank at c={budget_label(budget)}: {THAW} {ranks['average'][THAW]:.2f}; "
            f"best {order[0][0]} {order[0][1]:.2f}; best method on these machines {best_real}"
            f" (critical difference {ranks['critical_difference']:.2f})"
        )
        met &= best_real == THAW
    return "\n".join(lines), met


def headline(stored: dict) -> str:
    """The README's one-paragraph summary of a stored record: per W, where pause and thaw
    met its targets and where it missed them."""
    sentences = []
    label = budget_label(TARGET_BUDGET)
    for workers, rec in stored["by_workers"].items():
        pools, count = rec["pools"], workers.removeprefix("W=")
        reach = min(p["methods"][THAW]["within_delta"] for p in pools.values())
        ratios = {
            name: p["methods"][THAW]["regret_iqm"][label][0]
            / max(p["methods"][REFERENCE]["regret_iqm"][label][0], 1e-12)
            for name, p in pools.items()
        }
        halved = [n for n, r in ratios.items() if r <= TARGET_RATIO]
        missed = ", ".join(f"{n} {ratios[n]:.3g}x" for n in ratios if n not in halved)
        averages = {b: rec["ranks"][budget_label(b)]["average"] for b in RANK_BUDGETS}
        best = {
            b: min((n for n in a if n != BASELINE_2X), key=lambda n, a=a: a[n])
            for b, a in averages.items()
        }
        ranked = " and ".join(
            ("the best" if best[b] == THAW else f"behind {best[b]}'s")
            + f" at c = {budget_label(b)} ({averages[b][THAW]:.2f} against ASHA's "
            f"{averages[b][REFERENCE]:.2f})"
            for b in RANK_BUDGETS
        )
        sentences.append(
            f"With {count} worker{'' if count == '1' else 's'}, pause and thaw reaches within the "
            f"noise of the best in at least {reach:.0%} of orders on every pool; its average "
            f"rank among the methods on these machines is {ranked}; its IQM regret at c = "
            f"{label} is at most half of ASHA's on {len(halved)} of {len(ratios)} pools"
            + (f" (missed: {missed} of ASHA's)." if missed else ".")
        )
    every = all(targets(rec)[1] for rec in stored["by_workers"].values())
    verdict = (
        "It meets every target, so it could become the default."
        if every
        else "It does not meet every target on every pool, so ASHA stays the default."
    )
    return " ".join([*sentences, verdict])


def lucic_ranking(frame: pd.DataFrame) -> str:
    from gantune.analysis.sections.gan_lucic import lucic_table

    if frame["family"].iloc[0] != "gan" or "config.loss" not in frame:
        return ""
    table = lucic_table(frame, "fmnist-cnn")
    shown = table.table[["trials", "best", "top_mean", "published_mean"]]
    lines = [f"compared at iteration {table.iteration}"]
    lines.append(shown.to_string(float_format=lambda v: f"{v:.2f}"))
    return "\n".join(lines + table.describe_rankings())


def markdown(stored: dict) -> str:
    """docs/efficiency.md's tables, from a stored record (`--json`): per W, each method's
    IQM regret at c = 1/4 and its share within delta, per pool; then the average ranks."""
    parts = []
    for workers, rec in stored["by_workers"].items():
        pools = list(rec["pools"])
        names = list(next(iter(rec["pools"].values()))["methods"])
        parts.append(f"\n**{workers}**: IQM normalised regret at c = 1/4 [95% interval]; "
                     "the share of orders within delta\n")  # fmt: skip
        parts.append("| method | " + " | ".join(pools) + " |")
        parts.append("| --- " * (len(pools) + 1) + "|")
        for name in names:
            cells = []
            for pool in pools:
                m = rec["pools"][pool]["methods"][name]
                mid, low, high = m["regret_iqm"]["1/4"]
                cells.append(f"{mid:.3f} [{low:.3f}, {high:.3f}]; {m['within_delta']:.0%}")
            parts.append(f"| {name} | " + " | ".join(cells) + " |")
        ranks = rec["ranks"]
        parts.append(f"\n**{workers}**: average rank across the {len(pools)} pools (1 = least "
                     "regret; the oracle is a bound, not ranked)\n")  # fmt: skip
        parts.append("| method | " + " | ".join(f"c = {b}" for b in ranks) + " |")
        parts.append("| --- " * (len(ranks) + 1) + "|")
        order = sorted(ranks["1/4"]["average"], key=lambda n: ranks["1/4"]["average"][n])
        for name in order:
            cells = [f"{r['average'][name]:.2f}" for r in ranks.values()]
            parts.append(f"| {name} | " + " | ".join(cells) + " |")
        parts.append("| critical difference | " + " | ".join(
            f"{r['critical_difference']:.2f}" for r in ranks.values()) + " |")  # fmt: skip
        parts.append("| Friedman p | " + " | ".join(
            f"{r['p_value']:.1g}" for r in ranks.values()) + " |")  # fmt: skip
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pools", help="pool names in bench/data, or .parquet paths")
    parser.add_argument("--workers", default="1,2,8")
    parser.add_argument("--replicates", type=int, default=50)
    parser.add_argument("--json", type=Path, help="write the measurements here")
    parser.add_argument("-o", "--output", type=Path, default=Path("search_efficiency.html"))
    parser.add_argument("--markdown", type=Path, help="print the tables of a stored --json")
    parser.add_argument("--lucic", type=Path, help="only the Lucic ranking of a GAN pool file")
    args = parser.parse_args()
    if args.markdown:
        stored = json.loads(args.markdown.read_text())
        print(f"README headline:\n\n{headline(stored)}\n\ndocs/efficiency.md:\n")
        print(markdown(stored))
        for workers, rec in stored["by_workers"].items():
            print(f"\n**{workers}**: {THAW} against its targets ({TARGETS})\n")
            print("```text\n" + targets(rec)[0] + "\n```")
        return
    if args.lucic:
        print(lucic_ranking(pd.read_parquet(args.lucic)) or f"{args.lucic}: not a GAN pool")
        return
    pools = [read_pool(path) for path in pool_paths(args.pools)]
    frames = {
        pool.name: pd.read_parquet(path)
        for pool, path in zip(pools, pool_paths(args.pools), strict=True)
    }
    for pool in pools:
        print(f"\n=== {describe(pool)}")
        found = correlations_of(pool.curves, pool.max_t)
        print("Spearman of a rung's value with the final value: "
              + ", ".join(f"iteration {r}: {rho:.2f}" for r, rho in found.items()))  # fmt: skip
        ranking = lucic_ranking(frames[pool.name])
        if ranking:
            print(f"the Lucic et al. ranking at this budget:\n{ranking}")
    stored, figures, all_met = {"by_workers": {}}, [], True
    for workers in (int(w) for w in args.workers.split(",")):
        results = []
        for pool in pools:
            started = time.perf_counter()
            result = measure(pool, workers, args.replicates, seed=1)
            results.append(result)
            print(f"\n{pool.name}, W={workers}, {args.replicates} orders "
                  f"({time.perf_counter() - started:.0f} s): IQM normalised regret "
                  "[95% interval] at compute c (share of random search's budget)")  # fmt: skip
            print(format_summary(summary(result)))
            figures.append(regret_figure(result))
        ranked = [m for m in results[0].methods if METHODS.get(m).ranked]
        ranks = rankings(results, ranked)
        print(f"\nW={workers}: average ranks across {len(pools)} pools (oracle not ranked)")
        print(format_ranks(ranks))
        stored["by_workers"][f"W={workers}"] = record(results, ranks)
        text, met = targets(stored["by_workers"][f"W={workers}"])
        all_met &= met
        print(f"\nW={workers}: {THAW} against its targets ({TARGETS}):\n{text}")
    print(f"\n{THAW}: {'every target met' if all_met else 'not every target met'}; "
          f"the oracle ({ORACLE}) bounds the fixed-order methods only")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(stored, indent=1) + "\n")
        print(f"record: {args.json}")
    html = "".join(
        f.to_html(full_html=False, include_plotlyjs=i == 0) for i, f in enumerate(figures)
    )
    args.output.write_text(f"<!DOCTYPE html><html><body>{html}</body></html>")
    print(f"figures: {args.output}")


if __name__ == "__main__":
    main()
