"""The processes of a local Ray that `gantune search` started, recorded in the experiment
by PID, so that after the driver was killed hard (its Ray outlives it) `--resume` can end
exactly those, and a user can see which they are. Never by name: other Ray instances on
the machine are not ours to stop."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from pathlib import Path

from gantune.trainables.experiment.files import PROCESSES_FILE


def start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (Linux /proc); None if it is gone
    or a zombie (dead, waiting for a parent to reap it)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])  # field 22 of stat; two fields precede the ")"


def parent_of(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def descendants(roots: set[int]) -> set[int]:
    """Every living process below `roots` (Ray's workers hang below the raylet)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parent = parent_of(int(entry.name))
            if parent is not None:
                parents[int(entry.name)] = parent
    found, frontier = set(), set(roots)
    while frontier:
        children = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= children
        frontier = children
    return found


def local_ray_processes() -> dict[str, int]:
    """The processes of the Ray this driver started, by role: {raylet: pid, ...}."""
    from gantune.trainables.ray_internals import local_node

    node = local_node()
    if node is None or not node.head:
        return {}  # we joined a cluster; its processes are not ours
    return {
        role: info.process.pid
        for role, infos in node.all_processes.items()
        for info in infos[:1]
        if info.process is not None
    }


def record(directory: Path) -> dict[str, int]:
    """Write the driver's local Ray processes, the agents the raylet started among them,
    with their start times, into the experiment. Ray ends most of them with the driver;
    the raylet's agents outlive a SIGKILL of the driver."""
    processes = local_ray_processes()
    if processes:
        below = descendants(set(processes.values())) - set(processes.values())
        roles = processes | {f"child {pid}": pid for pid in sorted(below)}
        rows = [{"role": role, "pid": pid, "start": start_time(pid)} for role, pid in roles.items()]
        (directory / PROCESSES_FILE).write_text(
            json.dumps({"driver": os.getpid(), "processes": rows})
        )
    return processes


def end_leftovers(directory: Path, grace_s: float = 10.0) -> list[int]:
    """End the recorded Ray processes that still run (same PID and start time, so never a
    stranger that reused a PID) and everything below them; return the PIDs ended."""
    path = directory / PROCESSES_FILE
    if not path.is_file():
        return []
    recorded = json.loads(path.read_text())
    if start_time(recorded["driver"]) is not None:
        return []  # the driver lives (another resume?): leave its Ray alone
    alive = {
        row["pid"]
        for row in recorded["processes"]
        if row["start"] is not None and start_time(row["pid"]) == row["start"]
    }
    if not alive:
        return []
    targets = alive | descendants(alive)
    signal_all(targets, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and any(start_time(pid) for pid in targets):
        time.sleep(0.2)
    signal_all({pid for pid in targets if start_time(pid) is not None}, signal.SIGKILL)
    return sorted(targets)


def signal_all(pids: set[int], number: signal.Signals) -> None:
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, number)
