"""Deleting trial checkpoints once no durable snapshot needs them.

Tune's own `num_to_keep` deletes a checkpoint as soon as a newer one registers, while the
latest synced snapshot may still name it as the trial's restore point: a hard kill of the
driver at that moment leaves a trial that cannot resume. So Tune keeps every checkpoint
and the driver prunes, following the latest synced snapshot:
- a trial it lists as ended keeps one checkpoint, its newest (what `gantune generate`,
  `translate` and the report use; an errored trial resumes from it); a trial that finished
  or was stopped outside the best `keep_whole` keeps only the weights generate and
  translate read (the family's `inference_state`): a 35 MB MLP-GAN checkpoint (both nets
  and both Adam states) becomes its 6 MB generator;
- any other trial keeps its newest `keep` checkpoints and the one a resume would start from.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from gantune.trainables.experiment.files import SnapshotTrial, slim_state, snapshot_trials


def directory_size(path: Path) -> int:
    """Bytes under `path` (files only)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


@dataclass
class CheckpointPruner:
    experiment_dir: Path
    keep: int = 2
    metric: str = ""
    mode: str = "min"
    inference_state: tuple[str, ...] = ()  # the family's; empty: never slim
    keep_whole: int = 2  # ended trials with the best values keep resumable checkpoints

    def __post_init__(self) -> None:
        self.seen: dict[str, tuple] = {}  # per trial, what it looked like when last pruned

    def prune(self) -> int:
        removed = 0
        trials = snapshot_trials(self.experiment_dir)
        whole = self.best_ended(trials)
        for trial in trials:
            looks = (
                trial.status,
                trial.last_result.get("training_iteration"),
                trial.restore_point,
                trial.trial_id in whole,
            )
            if self.seen.get(trial.trial_id) == looks:
                continue  # unchanged since it was last pruned: nothing new on disk to cut
            self.seen[trial.trial_id] = looks
            checkpoints = sorted(trial.directory.glob("checkpoint_*"), key=lambda p: p.name)
            newest = checkpoints[-1:] if trial.ended else checkpoints[-self.keep :]
            protected = {p.name for p in newest} | {trial.restore_point}
            for checkpoint in checkpoints:
                if checkpoint.name not in protected:
                    shutil.rmtree(checkpoint, ignore_errors=True)
                    removed += 1
            slimmed = trial.status == "TERMINATED" and trial.trial_id not in whole
            if slimmed and newest and self.inference_state:
                slim_state(newest[-1], self.inference_state)
        return removed

    def best_ended(self, trials: list[SnapshotTrial]) -> set[str]:
        """The trials that finished (or were stopped) with the best values."""
        sign = 1.0 if self.mode == "min" else -1.0
        scored = []
        for trial in trials:
            value = trial.last_result.get(self.metric) if self.metric else None
            if trial.status == "TERMINATED" and isinstance(value, int | float):
                scored.append((sign * float(value), trial.trial_id))
        scored = [(v, t) for v, t in scored if v == v]  # no NaN
        return {trial_id for _, trial_id in sorted(scored)[: self.keep_whole]}
