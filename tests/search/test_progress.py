"""The progress line counts what a user needs: trials training now, trials a pausing
scheduler holds, and trials started (pending ones not yet)."""

from __future__ import annotations

from types import SimpleNamespace

from gantune.search.progress import counts


def trials(*statuses: str) -> list[SimpleNamespace]:
    return [SimpleNamespace(status=status) for status in statuses]


def test_paused_trials_are_not_counted_as_running():
    found = counts(
        trials("RUNNING", "RUNNING", "PAUSED", "PAUSED", "PAUSED", "TERMINATED", "PENDING")
    )
    assert found == "2 running, 3 paused, 6 started"


def test_without_a_pausing_scheduler_the_line_names_no_paused_trials():
    assert counts(trials("RUNNING", "TERMINATED", "ERROR")) == "1 running, 3 started"
