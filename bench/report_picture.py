"""The README's picture of a report: an experiment's report drawn by headless Chromium,
cropped to its top (the lead sentence, the family's table, the first figures).

    python bench/report_picture.py EXPERIMENT_DIR [-o docs/report.png] [--height 1700]

Writes the report first if the experiment has none (`gantune report`)."""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--hide-scrollbars",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=Path("docs/report.png"))
    parser.add_argument("--height", type=int, default=1700)
    args = parser.parse_args()
    report = args.experiment / "report.html"
    if not report.is_file():
        from gantune.search.commands.report import write

        write([args.experiment], None)
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise SystemExit("headless Chromium is needed: run .ci/setup (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        shot = Path(folder) / "full.png"
        subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={folder}/profile", "--window-size=1280,4000",
             "--virtual-time-budget=20000", f"--screenshot={shot}", report.resolve().as_uri()],
            check=True, capture_output=True,
        )  # fmt: skip
        picture = Image.open(shot).convert("RGB")
        top = picture.crop((0, 0, picture.width, min(args.height, picture.height)))
        top.thumbnail((1000, 1400))
        args.output.parent.mkdir(parents=True, exist_ok=True)
        top.save(args.output, optimize=True)
    print(f"{args.output}: {top.width} x {top.height}")


if __name__ == "__main__":
    main()
