"""Search efficiency on recorded learning curves (a tabular benchmark), and the Lucic et
al. ranking, from the `lucic-mini` study's results (bench/data/lucic-mini.parquet).

Replays every trial's recorded FID curve and iteration costs through random search (FIFO),
gantune's ASHA (the real scheduler class) and synchronous successive halving, on W
simulated workers over many random trial orders, and prints (all measured in this run):

- the compute ASHA (and SHA) need to reach the best final FID random search reaches with
  its whole budget, as a share of that budget (goal: ASHA at most 1/4);
- ASHA's wall time to finish the study's best configuration against that configuration's
  own training time (an oracle that trains only it), and how often ASHA stopped it;
- the rank correlation of each rung's FID with the final FID;
- per loss: the best FID and the mean of the best 3, beside Lucic et al.'s Fashion-MNIST
  column, with the Spearman correlation of the two orders and a bootstrap interval.

    python bench/search_efficiency.py [--data PARQUET] [--workers 2,8] [--orders 50]
                                      [-o search_efficiency.html]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from analysis.load import read_parquet
from analysis.sections.gan import lucic_table
from search.efficiency import anytime_figure, measure, rung_figure, summary_rows
from search.replay import curves_of

DATA = Path(__file__).with_name("data") / "lucic-mini.parquet"
LUCIC_STEPS = 15_625  # their training steps per setting on Fashion-MNIST (Lucic et al. 2018)


def differences(frame: pd.DataFrame) -> str:
    """How this run's protocol differs from Lucic et al.'s, read from the run itself."""
    last = frame.sort_values("training_iteration").groupby("trial_id").last()
    steps = int((last["images_seen"] / last["config.batch_size"]).median())
    width = float(last["config.width"].median()) if "config.width" in last else 1.0
    per_loss = int(last.groupby("variant").size().median())
    return (
        "What differs from Lucic et al.'s protocol: InfoGAN-style nets at "
        f"{width:g} of their width, {steps:,} discriminator batches "
        f"({float(last['epoch'].median()):.1f} epochs) instead of {LUCIC_STEPS:,} steps, "
        f"{per_loss} random settings per loss instead of 100 (and no 50-seed re-runs of the "
        f"best), {int(last['config.eval_samples'].median()):,} evaluation samples instead of "
        "10,000, and our fmnist-cnn features instead of Inception. The comparison can show "
        "whether the losses that learn fastest early under these ranges are the ones Lucic "
        "et al. found best at convergence; it cannot confirm or refute their values or their "
        "claim that, given enough budget, no loss wins consistently."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--workers", default="2,8")
    parser.add_argument("--orders", type=int, default=50)
    parser.add_argument("-o", "--output", type=Path, default=Path("search_efficiency.html"))
    args = parser.parse_args()
    frame = read_parquet(args.data)
    max_t = int(frame["max_t"].iloc[0])
    curves = curves_of(frame)
    print(f"{len(curves)} trials of {args.data.name}, max_t {max_t}, ASHA grace 1 rf 2")
    figures = []
    for workers in (int(w) for w in args.workers.split(",")):
        started = time.perf_counter()
        result = measure(curves, max_t, 1, 2, workers, args.orders)
        print(
            f"\n{workers} workers, {args.orders} random orders "
            f"({time.perf_counter() - started:.1f}s to replay):"
        )
        for what, value in summary_rows(result):
            print(f"  {what}: {value}")
        figures.append(anytime_figure(result, "FID"))
    figures.append(rung_figure(result))
    table = lucic_table(frame, "fmnist-cnn")
    print("\nper loss (FID, fmnist-cnn features) beside Lucic et al. 2018, Fashion-MNIST:")
    shown = table.table[["trials", "best", "top_mean", "published_mean", "published_std"]]
    print(shown.to_string(float_format=lambda v: f"{v:.2f}"))
    interval = ""
    if table.interval:
        low, high = table.interval
        interval = f" (95% bootstrap interval over trials: {low:.2f} to {high:.2f})"
    print(f"Spearman of our order and theirs: {table.spearman:.2f}{interval}")
    print(f"\n{differences(frame)}")
    html = "".join(
        f.to_html(full_html=False, include_plotlyjs=i == 0) for i, f in enumerate(figures)
    )
    args.output.write_text(f"<!DOCTYPE html><html><body>{html}</body></html>")
    print(f"\nfigures: {args.output}")


if __name__ == "__main__":
    main()
