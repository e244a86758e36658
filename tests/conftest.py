"""Session-wide test setup: data from ../shared/data, a private cache dir."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
if "GANTUNE_FASHION_MNIST" not in os.environ and (SHARED_DATA / "fashion_mnist.npz").is_file():
    os.environ["GANTUNE_FASHION_MNIST"] = str(SHARED_DATA / "fashion_mnist.npz")
if "GANTUNE_FASHION_MNIST_LABELS" not in os.environ and SHARED_DATA.is_dir():
    os.environ["GANTUNE_FASHION_MNIST_LABELS"] = str(SHARED_DATA)


@pytest.fixture(scope="session", autouse=True)
def data_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir for the session unless the caller chose one (CI shares one across runs)."""
    if "GANTUNE_DATA" not in os.environ:
        os.environ["GANTUNE_DATA"] = str(tmp_path_factory.mktemp("gantune-cache"))
    return Path(os.environ["GANTUNE_DATA"])
