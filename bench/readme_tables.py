"""The README's study tables, regenerated from the results kept in the repository.

Each study's per-iteration results (the `results.parquet` its report wrote) are kept in
bench/results/<study>.parquet, and the search-efficiency pools in bench/data/; this
prints, as Markdown, every table the family of each makes of them (its report section's
`tables`: its variants compared at one budget, beside their floors, baselines and
ceilings, and the published numbers they stand beside).

    python bench/readme_tables.py [--study NAME]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gantune.analysis.load import read_parquet
from gantune.analysis.sections import contributed

HERE = Path(__file__).parent
FOLDERS = (HERE / "results", HERE / "data")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--study", help="one study (a file name without .parquet)")
    args = parser.parse_args()
    for folder in FOLDERS:
        for path in sorted(folder.glob("*.parquet")):
            if args.study and path.stem != args.study:
                continue
            frame = read_parquet(path)
            report = contributed(str(frame["family"].iloc[0]))
            if report is None or report.tables is None:
                continue
            print(f"## {path.stem} ({path.relative_to(HERE.parent)})\n")
            print(report.tables(frame) + "\n")


if __name__ == "__main__":
    main()
