"""Which checkpoint a restarted Ray Tune trial resumes from.

Tune learns of a function trial's checkpoint only after it has processed the result that
came with it, through a second call to the trial (`save`). The checkpoint itself is
already on the storage path by then. A node lost between the two leaves a checkpoint
Tune does not know about, and Tune restarts the trial from the one before it (or from
scratch): that iteration would be trained and reported a second time. So a restarted
trial looks in its own storage folder for a newer checkpoint and resumes from the newest
one that reads whole. It then replays that checkpoint's own report, marked with
`REPLAYED`, so the driver's log can keep it if the result never arrived and drop it if
it did (`search.results_log`)."""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trainables.session import RESULT_FILE, read_state

REPLAYED = "replayed_from_checkpoint"
CHECKPOINT_NAME = re.compile(r"^checkpoint_(\d+)$")
# What reading a checkpoint cut short by a lost node raises (torch's zip reader:
# RuntimeError; a half-written result line: ValueError).
UNREADABLE = (OSError, RuntimeError, EOFError, ValueError, KeyError)


@dataclass(frozen=True)
class Restored:
    state: dict[str, Any]
    replay: dict[str, Any] | None  # the checkpoint's own report, when Tune did not know it


def checkpoint_index(path: str) -> int | None:
    match = CHECKPOINT_NAME.match(posixpath.basename(path.rstrip("/")))
    return int(match.group(1)) if match else None


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


def read_checkpoint(checkpoint: Any) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A checkpoint's state and, where it holds one, the report it was saved with."""
    with checkpoint.as_directory() as directory:
        state = read_state(directory)
        saved = Path(directory) / RESULT_FILE
        report = json.loads(saved.read_text()) if saved.is_file() else None
    return state, report


def resume_point(
    offered: Any, own: list[tuple[int, str]], filesystem: Any, trial_path: str
) -> Restored | None:
    """The state to resume from: the newest readable checkpoint of this trial newer than
    the one Tune offers, else Tune's. A checkpoint from another trial's folder (PBT's
    exploit) is taken as given."""
    from ray import tune

    candidates = own
    if offered is not None:
        index = checkpoint_index(offered.path)
        in_own_folder = posixpath.dirname(offered.path.rstrip("/")) == trial_path.rstrip("/")
        newer_than = index if in_own_folder and index is not None else None
        candidates = [c for c in own if newer_than is not None and c[0] > newer_than]
    for _, path in reversed(candidates):
        try:
            state, report = read_checkpoint(tune.Checkpoint(path, filesystem=filesystem))
        except UNREADABLE:
            continue  # written only in part when its node was lost
        return Restored(state, report)
    if offered is None:
        return None
    return Restored(read_checkpoint(offered)[0], None)
