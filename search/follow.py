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
OVERHEAD = 0.05  # the follower may take this share of the driver's time, at most
Action = Callable[[], object]


class SnapshotFollower(tune.Callback):
    """Runs the actions at most every `every_s`, and less often when they take long: the
    wait is at least (1 - OVERHEAD) / OVERHEAD times their last duration, so a study of
    thousands of trials spends the same share of its driver on them as a small one (as
    Tune's own experiment-state saving adapts its period)."""

    def __init__(self, actions: list[Action], every_s: float = FOLLOW_EVERY_S) -> None:
        self.actions, self.every_s = actions, every_s
        self.last, self.took = 0.0, 0.0

    def run(self, strict: bool = False) -> None:
        """Run every action. While the study runs (not `strict`), an action that fails is
        said and tried again next time: following the snapshot must never end a study."""
        started = time.monotonic()
        for action in self.actions:
            try:
                action()
            except Exception as error:  # the store or a file, for now; the study goes on
                if strict:
                    raise
                name = getattr(action, "__qualname__", action)
                print(
                    f"note: {name} failed this time ({type(error).__name__}: {error}); "
                    "it runs again shortly",
                    flush=True,
                )
        self.last = time.monotonic()
        self.took = self.last - started

    def wait(self) -> float:
        return max(self.every_s, self.took * (1 - OVERHEAD) / OVERHEAD)

    def setup(self, **info: Any) -> None:
        self.run()  # e.g. creates the study before any trial ends

    def on_step_end(self, iteration: int, trials: list, **info: Any) -> None:
        if time.monotonic() - self.last >= self.wait():
            self.run()
