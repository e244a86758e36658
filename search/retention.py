"""Deleting old trial checkpoints only once no durable snapshot needs them.

Tune's own `num_to_keep` deletes a checkpoint as soon as a newer one registers, while the
latest synced snapshot may still name it as the trial's restore point: a hard kill of the
driver at that moment leaves a trial that cannot resume. So Tune keeps every checkpoint
and the driver prunes: per trial, the newest `keep` checkpoints and the one the latest
synced snapshot would restore from survive.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from search.tune_files import snapshot_trials


@dataclass
class CheckpointPruner:
    experiment_dir: Path
    keep: int = 2

    def prune(self) -> int:
        removed = 0
        for trial in snapshot_trials(self.experiment_dir):
            checkpoints = sorted(trial.directory.glob("checkpoint_*"), key=lambda p: p.name)
            protected = {p.name for p in checkpoints[-self.keep :]} | {trial.restore_point}
            for checkpoint in checkpoints:
                if checkpoint.name not in protected:
                    shutil.rmtree(checkpoint, ignore_errors=True)
                    removed += 1
        return removed
