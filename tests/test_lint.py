"""The code is formatted and linted (ruff, configured in pyproject.toml)."""

import subprocess
import sys

from tests.conftest import ROOT


def ruff(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *arguments], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_check_passes():
    done = ruff("check", ".")
    assert done.returncode == 0, done.stdout


def test_ruff_format_is_applied():
    done = ruff("format", "--check", ".")
    assert done.returncode == 0, done.stdout
