"""How a trial ended: the one rule behind the progress lines, the study store's states and
the analysis's `status` column.

    error       Tune recorded an exception
    diverged    a loss or the metric became non-finite (the trial reported its worst value)
    stopped@N   the scheduler stopped it at iteration N, before its own end
    finished    it ran to its own end (max_iterations)
    running...  not ended yet (Tune's status, lower-cased)
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Outcome(NamedTuple):
    kind: str  # finished, stopped, diverged, error, or Tune's live status
    at: int  # the iteration it ended (or has reached)

    def __str__(self) -> str:
        return f"stopped@{self.at}" if self.kind == "stopped" else self.kind

    @property
    def ended(self) -> bool:
        return self.kind in ("finished", "stopped", "diverged", "error")


def outcome(
    status: str, last: dict[str, Any], stopped_at: int | None, legacy_max_t: int | None = None
) -> Outcome:
    """`status`: Tune's (TERMINATED, ERROR, RUNNING...; "" when unknown); `last`: the last
    result; `stopped_at`: the scheduler's recorded stop for this trial, if any.
    `legacy_max_t` is for experiments from before stops were recorded: there, ending
    before max_t is read as a stop."""
    at = int(last.get("training_iteration", 0))
    if status == "ERROR":
        return Outcome("error", at)
    if last.get("diverged"):
        return Outcome("diverged", at)
    if status not in ("TERMINATED", ""):
        return Outcome(status.lower(), at)
    if stopped_at is not None and stopped_at == at:
        return Outcome("stopped", at)
    if legacy_max_t is not None and at < legacy_max_t:
        return Outcome("stopped", at)
    return Outcome("finished", at)
