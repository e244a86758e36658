"""Search efficiency on recorded pools, as hyperparameter-search papers measure it.

Every pool in bench/data/ (a FIFO study: every setting trained to its end, its curves and
per-iteration costs recorded; `bench/record_pool.py`) is replayed through every method of
`search.methods` (random search at 1x and 2x, ASHA with reduction factors 2-4 and grace
periods 1 and 2, asynchronous and synchronous Hyperband, median stopping, synchronous
successive halving, one rung then the top k, gantune's curve stopping), each through its
real scheduler class, on W simulated workers, over random trial orders of the pool as
recorded and over resampled pools (settings drawn with replacement, one seed each).
Printed per pool and W, all measured in this run:

- each method's compute-to-match (share of random search's whole budget: median,
  10-90%, share of replicates matched), the per-replicate ratio to random search's own
  compute-to-match (exact target, and within the metric's evaluation noise), the
  compute of its whole search, and its distance from the limit;
- the limit: a scheduler that knew only which setting is best;
- the rank correlation of each rung's value with the final value;
- for GAN pools, the Lucic et al. ranking at the pool's one budget.

    python bench/search_efficiency.py [--pools lucic-mini,lucic-long,vae-long]
        [--workers 1,2,8,32] [--replicates 50] [-o search_efficiency.html]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from analysis.load import read_parquet
from search.efficiency import measure, pool_of, rung_correlations, summary_table
from search.efficiency_report import format_table, regret_figure
from search.methods import REFERENCE

DATA = Path(__file__).with_name("data")
CURVE = "curve stopping"


def noise_of(name: str) -> tuple[float, str]:
    record_path = DATA / f"{name}.json"
    if not record_path.is_file():
        return 0.0, "unknown (no record): within-delta equals exact"
    record = json.loads(record_path.read_text())
    noise = record["noise"]
    source = noise.get("source", f"best trial under {noise['seeds']} evaluation seeds")
    return float(noise["std"]), f"{noise['std']:.2f} ({source}, {noise['eval_samples']} samples)"


def describe(pool) -> str:
    costs = [c.costs[: pool.max_t].sum() + c.setup for c in pool.curves]
    first = np.median([c.costs[0] for c in pool.curves]) / np.median(costs)
    return (
        f"{pool.name}: {pool.settings} settings x {pool.seeds} seed(s), max_t {pool.max_t}, "
        f"median trial {np.median(costs):.0f} s, first iteration {first:.3f} of a trial, "
        f"start-up {np.median([c.setup for c in pool.curves]):.1f} s"
    )


def targets_line(pool, results: dict[int, dict]) -> str:
    """The closing check of the curve scheduler against ASHA and the limit."""
    lines = []
    for workers, (recorded, _) in results.items():
        table = summary_table(recorded)
        if CURVE not in table.index:
            continue
        curve, asha = table.loc[CURVE], table.loc[REFERENCE]
        lines.append(
            f"  W={workers}: curve/ASHA compute-to-match {curve['to match (share)'] / asha['to match (share)']:.2f}x "  # noqa: E501
            f"(target <= 0.7), curve / limit {curve['over the limit']:.2f}x (target <= 1.5), "
            f"best found {curve['matched']:.0%} vs ASHA {asha['matched']:.0%}"
        )
    return "\n".join(lines)


def lucic_ranking(frame) -> str:
    from analysis.sections.gan_lucic import lucic_table

    if frame["family"].iloc[0] != "gan" or "config.loss" not in frame:
        return ""
    table = lucic_table(frame, "fmnist-cnn")
    shown = table.table[["trials", "best", "top_mean", "published_mean"]]
    lines = [f"compared at iteration {table.iteration}"]
    lines.append(shown.to_string(float_format=lambda v: f"{v:.2f}"))
    return "\n".join(lines + table.describe_rankings())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pools", default="lucic-mini,lucic-long,vae-long")
    parser.add_argument("--workers", default="1,2,8,32")
    parser.add_argument("--replicates", type=int, default=50)
    parser.add_argument("-o", "--output", type=Path, default=Path("search_efficiency.html"))
    args = parser.parse_args()
    figures = []
    for name in args.pools.split(","):
        path = DATA / f"{name}.parquet"
        if not path.is_file():
            print(f"\n{name}: no pool at {path}; skipped")
            continue
        frame = read_parquet(path)
        noise, noise_text = noise_of(name)
        pool = pool_of(frame, name, noise)
        print(f"\n=== {describe(pool)}\nevaluation noise (delta): {noise_text}")
        correlations = rung_correlations(pool.curves, pool.max_t)
        print(
            "Spearman of the value at a rung with the final value: "
            + ", ".join(f"iteration {r}: {rho:.2f}" for r, rho in correlations.items())
        )
        results = {}
        for workers in (int(w) for w in args.workers.split(",")):
            started = time.perf_counter()
            recorded = measure(pool, workers, args.replicates, bootstrap=False, seed=1)
            resampled = measure(pool, workers, args.replicates, bootstrap=True, seed=2)
            results[workers] = (recorded, resampled)
            seconds = time.perf_counter() - started
            kinds = (
                (recorded, "orders of the pool as recorded"),
                (resampled, "resampled pools (settings with replacement)"),
            )
            for result, what in kinds:
                print(f"\n{name}, W={workers}, {result.replicates} {what} ({seconds:.0f}s):")
                print(format_table(summary_table(result)))
            figures.append(regret_figure(resampled, pool.label))
        print(f"\n{name}: curve stopping against the targets (orders of the recorded pool):")
        print(targets_line(pool, results))
        ranking = lucic_ranking(frame)
        if ranking:
            print(f"\n{name}: the Lucic et al. ranking at this budget:\n{ranking}")
    html = "".join(
        f.to_html(full_html=False, include_plotlyjs=i == 0) for i, f in enumerate(figures)
    )
    args.output.write_text(f"<!DOCTYPE html><html><body>{html}</body></html>")
    print(f"\nfigures: {args.output}")


if __name__ == "__main__":
    main()
