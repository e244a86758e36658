"""Where experiments are written: `$GANTUNE_RESULTS`, else `~/gantune-results` (never the repo)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path


def results_root() -> Path:
    explicit = os.environ.get("GANTUNE_RESULTS")
    return Path(explicit).expanduser() if explicit else Path.home() / "gantune-results"


def timestamped(name: str) -> str:
    return f"{name}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
