"""Deleting trial checkpoints once no durable snapshot needs them.

Tune's own `num_to_keep` deletes a checkpoint as soon as a newer one registers, while the
latest synced snapshot may still name it as the trial's restore point: a hard kill of the
driver at that moment leaves a trial that cannot resume. So Tune keeps every checkpoint
and the driver prunes, following the latest synced snapshot:
- a trial it lists as ended keeps one checkpoint, its newest (what `gantune generate`,
  `translate` and the report use; an errored trial resumes from it);
- any other trial keeps its newest `keep` checkpoints and the one a resume would start from.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from analysis.tune_files import snapshot_trials


def directory_size(path: Path) -> int:
    """Bytes under `path` (files only)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass
class CheckpointPruner:
    experiment_dir: Path
    keep: int = 2

    def prune(self) -> int:
        removed = 0
        for trial in snapshot_trials(self.experiment_dir):
            checkpoints = sorted(trial.directory.glob("checkpoint_*"), key=lambda p: p.name)
            newest = checkpoints[-1:] if trial.ended else checkpoints[-self.keep :]
            protected = {p.name for p in newest} | {trial.restore_point}
            for checkpoint in checkpoints:
                if checkpoint.name not in protected:
                    shutil.rmtree(checkpoint, ignore_errors=True)
                    removed += 1
        return removed
