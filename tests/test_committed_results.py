"""The README's and docs' efficiency numbers are what the committed record prints: one
command regenerates them (`bench/search_efficiency.py --markdown`), so an edit by hand or
a rerun left unpasted fails here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "bench" / "results" / "search_efficiency.json"


def printed() -> str:
    command = [sys.executable, "bench/search_efficiency.py", "--markdown", str(RECORD)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_readme_headline_and_the_efficiency_tables_are_the_committed_record():
    output = printed()
    headline = output.split("README headline:")[1].split("docs/efficiency.md:")[0]
    assert "pause and thaw" in headline
    assert flat(headline) in flat((ROOT / "README.md").read_text())
    page = (ROOT / "docs" / "efficiency.md").read_text()
    tables = output.split("docs/efficiency.md:")[1]
    for block in tables.strip().split("\n\n"):
        assert block.strip() in page, f"docs/efficiency.md lacks:\n{block[:300]}"
