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

STATE_FILE = "state.pt"


def read_state(directory: str | Path) -> dict[str, Any]:
    path = Path(directory)
    path = path if path.is_file() else path / STATE_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"no checkpoint at {directory} (expected a directory with {STATE_FILE})"
        )
    # Checkpoints are ours (trusted): they hold optimiser and RNG state, not only tensors.
    return torch.load(path, map_location="cpu", weights_only=False)


def write_state(directory: Path, state: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    torch.save(state, directory / STATE_FILE)
    return directory


class Session(Protocol):
    def cpus(self) -> float: ...

    def trial_dir(self) -> Path: ...

    def restore(self) -> dict[str, Any] | None: ...

    def report(self, metrics: dict[str, Any], state: dict[str, Any] | None) -> None: ...


class TuneSession:
    """Inside a Ray Tune trial."""

    def cpus(self) -> float:
        import ray

        return float(ray.get_runtime_context().get_assigned_resources().get("CPU", 1.0))

    def trial_dir(self) -> Path:
        from ray import tune

        return Path(tune.get_context().get_trial_dir())

    def restore(self) -> dict[str, Any] | None:
        from ray import tune

        checkpoint = tune.get_checkpoint()
        if checkpoint is None:
            return None
        with checkpoint.as_directory() as directory:
            return read_state(directory)

    def report(self, metrics: dict[str, Any], state: dict[str, Any] | None) -> None:
        from ray import tune

        if state is None:
            tune.report(metrics)
            return
        with tempfile.TemporaryDirectory(prefix="gantune-ckpt-") as scratch:
            write_state(Path(scratch), state)
            tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(scratch))


class LocalSession:
    """A directory: results appended to `result.jsonl`, checkpoints in `checkpoint_NNNNNN/`."""

    def __init__(
        self,
        directory: str | Path,
        cpus: float | None = None,
        keep: int = 2,
        on_report: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.directory = Path(directory)
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
        return sorted(self.directory.glob("checkpoint_*"))

    def restore(self) -> dict[str, Any] | None:
        found = self.checkpoints()
        return read_state(found[-1]) if found else None

    def report(self, metrics: dict[str, Any], state: dict[str, Any] | None) -> None:
        self.results.append(dict(metrics))
        with open(self.directory / "result.jsonl", "a") as handle:
            handle.write(json.dumps(metrics, default=str) + "\n")
        if self.on_report is not None:
            self.on_report(metrics)
        if state is not None:
            final = self.directory / f"checkpoint_{metrics['training_iteration']:06d}"
            scratch = Path(tempfile.mkdtemp(dir=self.directory, prefix=".checkpoint-"))
            write_state(scratch, state)
            scratch.rename(final)  # atomic: a kill never leaves a half-written checkpoint
            for old in self.checkpoints()[: -self.keep]:
                shutil.rmtree(old)
