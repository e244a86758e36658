"""What a scheduler decided, and what it was told, kept where a resume finds them.

Tune pickles the scheduler into the experiment once, when the study starts
(`tuner.pkl`), and never again: on `--resume` it unpickles that first, empty scheduler.
Ray's ASHA then starts with empty rungs, and a scheduler that learns from finished
trials forgets them. So gantune's schedulers keep two files in the experiment:

- the stop record (`scheduler_stops.jsonl`): every early stop, as it was decided, which
  the progress lines, the study store (PRUNED) and the analysis read;
- the input log (`scheduler_inputs.jsonl`): every trial added, every result and every
  completion the scheduler was given (the few keys it reads). A scheduler's state is what
  these inputs made of it, so a resumed scheduler is told them again, in order, and
  stands where the killed one stood (`Remembering`).

A replay of recorded curves keeps both in memory instead (`MemoryRecord`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gantune.trainables.experiment.files import (
    SCHEDULER_INPUTS_FILE,
    STOPS_FILE,
    append_line,
    scheduler_stops,
)


class StopRecord:
    """The experiment's stop record and the scheduler's input log. Only the directory
    travels in a pickle; the rest is read back from the files."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.path = self.directory / STOPS_FILE
        self.inputs_path = self.directory / SCHEDULER_INPUTS_FILE
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch()
        self.stops: dict[str, int] = scheduler_stops(self.directory) or {}

    def __getstate__(self) -> dict[str, Any]:
        return {"directory": self.directory}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["directory"])

    def add(self, trial_id: str, iteration: int) -> None:
        self.stops[trial_id] = iteration
        append_line(self.path, {"trial_id": trial_id, "iteration": iteration}, sync=True)

    def get(self, trial_id: str) -> int | None:
        return self.stops.get(trial_id)

    def add_input(self, row: dict[str, Any]) -> None:
        append_line(self.inputs_path, row, sync=True)

    def inputs(self) -> list[dict[str, Any]]:
        if not self.inputs_path.is_file():
            return []
        rows = []
        for line in self.inputs_path.read_text().splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue  # a line cut short by a kill: Tune sends that result again
        return rows


class MemoryRecord:
    """Both kept in memory (replays make thousands of decisions)."""

    def __init__(self) -> None:
        self.stops: dict[str, int] = {}
        self.rows: list[dict[str, Any]] = []

    def add(self, trial_id: str, iteration: int) -> None:
        self.stops[trial_id] = iteration

    def get(self, trial_id: str) -> int | None:
        return self.stops.get(trial_id)

    def add_input(self, row: dict[str, Any]) -> None:
        self.rows.append(row)

    def inputs(self) -> list[dict[str, Any]]:
        return list(self.rows)


Record = StopRecord | MemoryRecord


def own_end(trial: Any, max_t: int) -> int:
    """The iteration a trial ends at by its own budget (its config's `max_iterations`):
    a stop there is its end, not an early stop."""
    return int(trial.config.get("max_iterations", max_t))


class Told:
    """A trial as a replayed input presents it: its id and its own end."""

    def __init__(self, trial_id: str, max_iterations: int | None) -> None:
        self.trial_id = trial_id
        self.config = {} if max_iterations is None else {"max_iterations": max_iterations}

    def __repr__(self) -> str:
        return self.trial_id


class Remembering:
    """A scheduler that logs its inputs and, unpickled on a resume, is told them again.

    A subclass (listing this class before Ray's scheduler class) calls `remember` at the
    top of each hook; a result is kept with the keys schedulers read: the iteration, the
    metric Tune set (`set_search_properties`), `diverged` and the iteration's seconds. Its
    stop records are not repeated while it is told the past (`telling`)."""

    record: Record
    telling = False
    metric_key = ""
    inputs_seen = 0  # how many of the record's inputs this object has taken in

    def set_search_properties(self, metric: str | None, mode: str | None, **spec: Any) -> bool:
        if metric:
            self.metric_key = metric
        accepted = super().set_search_properties(metric, mode, **spec)  # type: ignore[misc]
        self.catch_up()  # a resumed scheduler knows its metric now: tell it its past
        return accepted

    def remembered_keys(self) -> tuple[str, ...]:
        return ("training_iteration", self.metric_key, "diverged", "time_this_iter_s")

    def remember(self, event: str, trial: Any, result: dict | None = None) -> None:
        if self.telling:
            return
        self.catch_up()
        row: dict[str, Any] = {
            "event": event,
            "trial_id": trial.trial_id,
            "max_iterations": trial.config.get("max_iterations"),
        }
        if result is not None:
            row["result"] = {k: result[k] for k in self.remembered_keys() if k in result}
        self.record.add_input(row)
        self.inputs_seen += 1

    def stop_early(self, trial_id: str, iteration: int) -> None:
        if not self.telling:
            self.record.add(trial_id, iteration)

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled (Tune's `tuner.pkl` holds it as the study started): it will be told
        what the record holds that it had not taken in when it was pickled, once Tune has
        set its metric (`catch_up`)."""
        self.__dict__.update(state)
        self.untold = self.record.inputs()[self.inputs_seen :]

    def catch_up(self) -> None:
        untold, self.untold = getattr(self, "untold", []), []
        if untold:
            self.tell_again(untold)

    def tell_again(self, rows: list[dict[str, Any]]) -> None:
        """Every input the killed scheduler had, in order: its state is rebuilt."""
        trials: dict[str, Told] = {}
        self.telling = True
        try:
            for row in rows:
                trial = trials.setdefault(
                    row["trial_id"], Told(row["trial_id"], row.get("max_iterations"))
                )
                hooks = {
                    "add": lambda t, r: self.on_trial_add(None, t),
                    "result": lambda t, r: self.on_trial_result(None, t, r),
                    "complete": lambda t, r: self.on_trial_complete(None, t, r),
                    "remove": lambda t, r: self.on_trial_remove(None, t),
                }
                hooks[row["event"]](trial, row.get("result", {}))
                self.inputs_seen += 1
        finally:
            self.telling = False
