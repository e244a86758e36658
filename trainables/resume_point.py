"""Which checkpoint a restarted Ray Tune trial resumes from.

Tune learns of a function trial's checkpoint only after it has processed the result that
came with it, through a second call to the trial (`save`). The checkpoint itself is
already on the storage path by then. A node lost between the two leaves a checkpoint
Tune does not know about, and Tune restarts the trial from the one before it (or from
scratch): that iteration would be trained and reported a second time. So a restarted
trial looks in its own storage folder for a newer checkpoint and resumes from the newest
one that reads whole. It then replays that checkpoint's own report, marked with
`REPLAYED`, so the driver's log can keep it if the result never arrived and drop it if
it did (`search.results_log`).

PBT complicates this: after an exploit, Tune offers another trial's checkpoint (the
donor's), and the trial's own older checkpoints are another line of training. Every
checkpoint records its lineage (the checkpoints its training was restored from), so a
trial offered a donor's checkpoint resumes from its own newest checkpoint that descends
from that donor's, where there is one."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gantune.trainables.experiment.files import LINEAGE_FILE, RESULT_FILE, read_state

REPLAYED = "replayed_from_checkpoint"
# On the first report after a trial took up another trial's checkpoint (PBT's exploit):
# that checkpoint's path. Its iterations restart after the donor's, so an iteration the
# trial had already reported can follow, trained again on the donor's line.
CONTINUES = "continues_from_checkpoint"
CHECKPOINT_NAME = re.compile(r"^checkpoint_(\d+)$")
# What reading a checkpoint cut short by a lost node raises (torch's zip reader:
# RuntimeError; a half-written result line: ValueError).
UNREADABLE = (OSError, RuntimeError, EOFError, ValueError, KeyError)


@dataclass(frozen=True)
class Restored:
    state: dict[str, Any]
    replay: dict[str, Any] | None  # the checkpoint's own report, when Tune did not know it
    lineage: tuple[str, ...] = ()  # the restored checkpoint's lineage, and itself


def checkpoint_index(path: str) -> int | None:
    match = CHECKPOINT_NAME.match(posixpath.basename(path.rstrip("/")))
    return int(match.group(1)) if match else None


def in_folder(checkpoint_path: str, trial_path: str) -> bool:
    """Whether a checkpoint lies in this trial's own storage folder."""
    return posixpath.dirname(checkpoint_path.rstrip("/")) == trial_path.rstrip("/")


def own_checkpoints(filesystem: Any, trial_path: str) -> list[tuple[int, str]]:
    """The `checkpoint_NNNNNN` folders in a trial's storage folder, oldest first."""
    from pyarrow import fs

    infos = filesystem.get_file_info(fs.FileSelector(trial_path, allow_not_found=True))
    found = [
        (index, info.path)
        for info in infos
        if info.type == fs.FileType.Directory and (index := checkpoint_index(info.path)) is not None
    ]
    return sorted(found)


def read_checkpoint(checkpoint: Any) -> tuple[dict[str, Any], dict[str, Any] | None, tuple]:
    """A checkpoint's state, the report it was saved with (where it holds one), and its
    lineage with itself appended."""
    with checkpoint.as_directory() as directory:
        state = read_state(directory)
        saved = Path(directory) / RESULT_FILE
        report = json.loads(saved.read_text()) if saved.is_file() else None
    return state, report, (*lineage_of(checkpoint), checkpoint.path.rstrip("/"))


def lineage_of(checkpoint: Any) -> tuple[str, ...]:
    """The checkpoints a checkpoint's training was restored from, oldest first."""
    path = posixpath.join(checkpoint.path, LINEAGE_FILE)
    try:
        with checkpoint.filesystem.open_input_stream(path) as stream:
            return tuple(json.loads(stream.read().decode()))
    except (OSError, ValueError):
        return ()


def resume_point(
    offered: Any, own: list[tuple[int, str]], filesystem: Any, trial_path: str
) -> Restored | None:
    """The state to resume from: the newest readable checkpoint of this trial newer than
    the one Tune offers, else Tune's. When Tune offers another trial's checkpoint (PBT's
    exploit), the newest of this trial's own checkpoints that descend from it, else it."""
    from ray import tune

    candidates = own
    if offered is not None:
        index = checkpoint_index(offered.path)
        if in_folder(offered.path, trial_path):
            newer_than = index if index is not None else None
            candidates = [c for c in own if newer_than is not None and c[0] > newer_than]
        else:
            donor = offered.path.rstrip("/")
            candidates = [
                c for c in own if donor in lineage_of(tune.Checkpoint(c[1], filesystem=filesystem))
            ]
    for _, path in reversed(candidates):
        try:
            state, report, lineage = read_checkpoint(tune.Checkpoint(path, filesystem=filesystem))
        except UNREADABLE:
            continue  # written only in part when its node was lost
        return Restored(state, report, lineage)
    if offered is None:
        return None
    state, _, lineage = read_checkpoint(offered)
    return Restored(state, None, lineage)


def taken_from_another_trial(restored: Restored, trial_path: str) -> str | None:
    """The checkpoint restored, where it lies in another trial's folder."""
    source = restored.lineage[-1] if restored.lineage else None
    return source if source and not in_folder(source, trial_path) else None
