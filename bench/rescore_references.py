"""Score a translation study's references again with the current scorer, into its
committed results: the do-nothing floor, the colour-transfer baseline, real target images
and the paired oracle depend only on the dataset, so they can be recomputed exactly
(the models' own scores need their trained generators, which are not kept).

    python bench/rescore_references.py bench/results/cyclegan-leather-denim-mini.parquet

Used when a score's definition changes: the palette distance became unbiased (it left
each item's zero distance to itself in the within-sample means, which added about
2 E|X - X'| / n; for two samples of one distribution, most of the old value)."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import torch

from gantune.trainables.metrics import resolve_backend
from gantune.trainables.translation.pairs import load_domains, renderings
from gantune.trainables.translation.scoring import Scorer, references

PREFIXES = ("floor_", "transfer_", "real_", "oracle_")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", type=Path)
    args = parser.parse_args()
    frame = pd.read_parquet(args.results)
    dataset = str(frame["config.dataset"].dropna().iloc[0])
    prefix = "config.dataset_options."
    options = {
        c.removeprefix(prefix): frame[c].dropna().iloc[0]
        for c in frame.columns
        if c.startswith(prefix) and frame[c].notna().any()
    }
    options = {k: int(v) if float(v).is_integer() else v for k, v in options.items()}
    count = int(frame["config.eval_samples"].dropna().iloc[0])
    device = torch.device("cpu")
    backend = resolve_backend(dataset, None, options)
    domains = load_domains(dataset, options, device)
    scorer = Scorer(dataset, options, backend, domains.test, device)
    found = references(scorer, count, renderings(dataset, options, domains, device))
    columns = [c for c in frame.columns if c.startswith(PREFIXES) and c in found]
    for column in sorted(c for c in columns if "palette" in c):
        print(f"{column}: {frame[column].dropna().iloc[0]:.6f} -> {found[column]:.6f}")
    for column in columns:
        frame[column] = frame[column].where(frame[column].isna(), found[column])
    frame.to_parquet(args.results, index=False)
    print(f"{args.results}: {len(columns)} reference columns scored again")


if __name__ == "__main__":
    main()
