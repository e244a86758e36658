"""`gantune report DIR [DIR ...] -o report.html`: one self-contained HTML report."""

from __future__ import annotations

import argparse
from pathlib import Path

from gantune.trainables.experiment.files import REPORT_FILE


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        epilog="example:\n  gantune report ~/gantune-results/fashion-gan-quick-20261204-104238",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="write the HTML report (and results.parquet)",
    )
    parser.add_argument("experiments", nargs="+", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="default: <first experiment>/report.html")
    parser.add_argument("--no-floor", action="store_true", help="skip the real-vs-real FID floor")
    parser.add_argument(
        "--replay",
        action="store_true",
        help="for a FIFO experiment: replay its curves through other search methods (slow)",
    )
    parser.set_defaults(run=run)


def write(
    experiments: list[Path], output: Path | None, with_floor: bool = True, replay: bool = False
) -> Path:
    from gantune.analysis.report import write_report

    extra = None
    if replay:
        from gantune.analysis.efficiency.report import sections as extra
    target = output or experiments[0] / REPORT_FILE
    path = write_report(experiments, target, with_floor, extra=extra)
    print(f"report: {path}\nresults: {path.with_name('results.parquet')}")
    return path


def run(args: argparse.Namespace) -> int:
    write(args.experiments, args.output, not args.no_floor, args.replay)
    return 0
