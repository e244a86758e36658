"""Acting on Tune's synced snapshots while an experiment runs.

The study store and checkpoint pruning both follow the latest synced snapshot (see
`analysis.tune_files`); one throttled callback runs them together, and the driver runs them
once more after `fit()`, when the final snapshot is synced.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ray import tune

FOLLOW_EVERY_S = 5.0
Action = Callable[[], object]


class SnapshotFollower(tune.Callback):
    def __init__(self, actions: list[Action], every_s: float = FOLLOW_EVERY_S) -> None:
        self.actions, self.every_s = actions, every_s
        self.last = 0.0

    def run(self) -> None:
        self.last = time.monotonic()
        for action in self.actions:
            action()

    def setup(self, **info: Any) -> None:
        self.run()  # e.g. creates the study before any trial ends

    def on_step_end(self, iteration: int, trials: list, **info: Any) -> None:
        if time.monotonic() - self.last >= self.every_s:
            self.run()
