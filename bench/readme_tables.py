"""The README's study tables, regenerated from the results kept in the repository.

Each study's per-iteration results (the `results.parquet` its report wrote) are kept in
bench/results/<study>.parquet; this prints, as Markdown, every README table made from
them, each compared at one budget (`analysis.budget`):

- `vae-latent-mini`: latent size against FID, ELBO and the conditional scores with their
  ceilings; the ELBO-FID rank agreement at that budget;
- `cyclegan-leather-denim-mini`: ResNet-6 against ResNet-9, and per direction the floor,
  the colour-transfer baseline, each depth's best trial, the real-vs-real floor and the
  oracle;
- `colorization-fashion-mini`: the objectives beside the floor, baseline and ceiling;
- `lucic-mini`, `lucic-long` (bench/data): best FID per loss beside Lucic et al.

    python bench/readme_tables.py [--study NAME]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from analysis.load import read_parquet

RESULTS = Path(__file__).with_name("results")
POOLS = Path(__file__).with_name("data")


def markdown(table: pd.DataFrame, digits: int = 3) -> str:
    def cell(value) -> str:
        if isinstance(value, float):
            return "-" if not math.isfinite(value) else f"{value:.{digits}g}"
        return str(value)

    header = [table.index.name or "", *map(str, table.columns)]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for index, row in table.iterrows():
        lines.append("| " + " | ".join([str(index), *(cell(v) for v in row)]) + " |")
    return "\n".join(lines)


def vae(frame: pd.DataFrame) -> str:
    from analysis.sections.vae import elbo_against_fid, latent_table

    table = latent_table(frame)
    rho, count, iteration = elbo_against_fid(frame)
    agreement = "-" if rho is None else f"{rho:.2f} over {count} trials at iteration {iteration}"
    return (
        f"compared at {table.attrs['budget'].describe()}\n\n{markdown(table)}\n\n"
        f"ELBO against FID, Spearman: {agreement}"
    )


def cyclegan(frame: pd.DataFrame) -> str:
    from analysis.sections.cyclegan import depth_table, reference_table

    table = depth_table(frame)
    parts = [f"compared at {table.attrs['budget'].describe()}", markdown(table.T)]
    for direction in ("a2b", "b2a"):
        parts += [f"{direction}:", markdown(reference_table(frame, direction))]
    return "\n\n".join(parts)


def colorization(frame: pd.DataFrame) -> str:
    from analysis.sections.colorization import objective_table

    table = objective_table(frame)
    return f"compared at {table.attrs['budget'].describe()}\n\n{markdown(table)}"


def lucic(frame: pd.DataFrame) -> str:
    from analysis.sections.gan_lucic import lucic_table

    result = lucic_table(frame, "fmnist-cnn")
    shown = result.table[["trials", "best", "top_mean", "published_mean", "published_std"]]
    lines = [f"compared at iteration {result.iteration}", markdown(shown)]
    return "\n\n".join(lines + result.describe_rankings())


TABLES = {
    "vae-latent-mini": (RESULTS, vae),
    "cyclegan-leather-denim-mini": (RESULTS, cyclegan),
    "colorization-fashion-mini": (RESULTS, colorization),
    "lucic-mini": (POOLS, lucic),
    "lucic-long": (POOLS, lucic),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--study", choices=sorted(TABLES))
    args = parser.parse_args()
    for name, (folder, render) in TABLES.items():
        if args.study and name != args.study:
            continue
        path = folder / f"{name}.parquet"
        if not path.is_file():
            print(f"## {name}\n\n(no results at {path})\n")
            continue
        print(f"## {name} ({path.relative_to(Path(__file__).parents[1])})\n")
        print(render(read_parquet(path)) + "\n")


if __name__ == "__main__":
    main()
