"""Where a trial reports to and restores from: Ray Tune inside a Tune trial, or a plain
directory (tests, benchmarks, `gantune train`). Both save checkpoints the same way: a
directory holding `state.pt`."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import torch

from gantune.trainables.data.cache import atomic_write
from gantune.trainables.experiment.files import (
    LINEAGE_FILE,
    RESULT_FILE,
    RESULTS_LOG,
    checkpoint_name,
    checkpoints,
    read_state,
    write_state,
)
from gantune.trainables.resume_point import (
    CONTINUES,
    REPLAYED,
    own_checkpoints,
    resume_point,
    taken_from_another_trial,
)


class TrialPaused(Exception):
    """A local trial stopped on request once an iteration was saved (as a kill would)."""


class Session(Protocol):
    def cpus(self) -> float: ...

    def trial_dir(self) -> Path: ...

    def restore(self) -> dict[str, Any] | None: ...

    def report(self, metrics: dict[str, Any], state: dict[str, Any] | None) -> None: ...


class TuneSession:
    """Inside a Ray Tune trial."""

    def __init__(self) -> None:
        self.lineage: tuple[str, ...] = ()  # the checkpoints this training was restored from
        self.continues: str | None = None  # another trial's checkpoint, until the next report

    def cpus(self) -> float:
        import ray

        return float(ray.get_runtime_context().get_assigned_resources().get("CPU", 1.0))

    def trial_dir(self) -> Path:
        from ray import tune

        return Path(tune.get_context().get_trial_dir())

    def restore(self) -> dict[str, Any] | None:
        from ray import tune

        from gantune.trainables.ray_internals import trial_storage

        storage = trial_storage()
        filesystem, folder = storage.storage_filesystem, storage.trial_fs_path
        own = own_checkpoints(filesystem, folder)
        if own:  # new checkpoints go after every folder there, never over one
            storage.current_checkpoint_index = max(storage.current_checkpoint_index, own[-1][0])
        restored = resume_point(tune.get_checkpoint(), own, filesystem, folder)
        if restored is None:
            return None
        self.lineage = restored.lineage
        self.continues = taken_from_another_trial(restored, folder)
        if restored.replay is not None:
            tune.report(restored.replay | {REPLAYED: True})
        return restored.state

    def report(self, metrics: dict[str, Any], state: dict[str, Any] | None) -> None:
        from ray import tune

        if self.continues is not None:
            metrics, self.continues = metrics | {CONTINUES: self.continues}, None
        if state is None:
            tune.report(metrics)
            return
        with tempfile.TemporaryDirectory(prefix="gantune-ckpt-") as scratch:
            write_state(Path(scratch), state)
            (Path(scratch) / RESULT_FILE).write_text(json.dumps(metrics, default=str) + "\n")
            (Path(scratch) / LINEAGE_FILE).write_text(json.dumps(list(self.lineage)) + "\n")
            tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(scratch))


class LocalSession:
    """A directory: results appended to `result.jsonl`, checkpoints in `checkpoint_NNNNNN/`.

    Each checkpoint holds its iteration's result too, and is renamed into place before
    that result is appended to the log; a restore rewrites the log to end with the
    restored iteration. So a kill at any point leaves no iteration logged twice and
    none missing."""

    def __init__(
        self,
        directory: str | Path,
        cpus: float | None = None,
        keep: int = 2,
        on_report: Callable[[dict[str, Any]], None] | None = None,
        pause_after: int | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.pause_after = pause_after  # stop once this iteration is saved, as a kill would
        self.on_report = on_report
        self.directory.mkdir(parents=True, exist_ok=True)
        self._cpus = cpus or torch.get_num_threads()
        self.keep = keep
        self.results: list[dict[str, Any]] = []

    def cpus(self) -> float:
        return self._cpus

    def trial_dir(self) -> Path:
        return self.directory

    def checkpoints(self) -> list[Path]:
        return checkpoints(self.directory)

    def restore(self) -> dict[str, Any] | None:
        found = self.checkpoints()
        if not found:
            return None
        state = read_state(found[-1])
        self.reconcile_log(found[-1], state["iteration"])
        return state

    def reconcile_log(self, checkpoint: Path, iteration: int) -> None:
        """The log as it was when `checkpoint` was written: iterations up to its own."""
        log = self.directory / RESULTS_LOG
        kept: dict[int, str] = {}
        if log.is_file():
            for line in log.read_text().splitlines():
                try:
                    row = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a kill
                if row.get("training_iteration", 0) <= iteration:
                    kept[row["training_iteration"]] = line
        saved = checkpoint / RESULT_FILE
        if iteration not in kept and saved.is_file():
            kept[iteration] = saved.read_text().strip()
        text = "".join(kept[k] + "\n" for k in sorted(kept))
        atomic_write(log, lambda tmp: tmp.write_text(text))

    def report(self, metrics: dict[str, Any], state: dict[str, Any] | None) -> None:
        self.results.append(dict(metrics))
        line = json.dumps(metrics, default=str)
        if state is not None:
            final = self.directory / checkpoint_name(metrics["training_iteration"])
            scratch = Path(tempfile.mkdtemp(dir=self.directory, prefix=".checkpoint-"))
            write_state(scratch, state)
            (scratch / RESULT_FILE).write_text(line + "\n")
            scratch.rename(final)  # atomic: a kill never leaves a half-written checkpoint
            for old in self.checkpoints()[: -self.keep]:
                shutil.rmtree(old)
        with open(self.directory / RESULTS_LOG, "a") as handle:
            handle.write(line + "\n")
        if self.on_report is not None:
            self.on_report(metrics)
        if state is not None and metrics["training_iteration"] == self.pause_after:
            raise TrialPaused(metrics["training_iteration"])
