"""The cluster recipe (`cluster.yaml`) run by Ray's real autoscaler on this machine.

Ray can fake a multi-node cluster locally: a head started with an autoscaling config whose
provider is `fake_multinode` (and `RAY_FAKE_CLUSTER=1`) has its autoscaler start and stop
worker nodes as local Ray processes. `fake_config` derives that config from
`cluster.yaml` itself (node types, their resources, worker limits, upscaling speed, idle
timeout), so the autoscaler decides as it would on the cloud. `FakeCluster` starts such a
head in a temp dir of its own and on a port of its own, and ends every process it started
by PID (never `ray stop --force`, which would end every Ray on the machine).

    python -m tests.support.fake_cluster [--idle-minutes 0.2]   # start one, print its address
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

FAKE_HEAD_TYPE = "ray.head.default"  # the head node type and id the fake provider knows
FAKE_HEAD_ID = "fffffffffffffffffffffffffffffffffffffffffffffffffff00000"
RECIPE = Path(__file__).resolve().parents[2] / "cluster.yaml"


def fake_config(
    recipe: Path = RECIPE, gcs_address: str = "", idle_minutes: float | None = None
) -> dict[str, Any]:
    """The autoscaling config of a fake cluster with `recipe`'s node types and limits."""
    real = yaml.safe_load(recipe.read_text())
    head_type = real["head_node_type"]
    types: dict[str, Any] = {}
    for name, node in real["available_node_types"].items():
        if name == head_type:
            continue
        types[name] = {
            "resources": dict(node.get("resources", {})),
            "node_config": {},
            "min_workers": int(node.get("min_workers", 0)),
            "max_workers": int(node.get("max_workers", real.get("max_workers", 0))),
        }
    head = real["available_node_types"][head_type]
    types[FAKE_HEAD_TYPE] = {
        "resources": dict(head.get("resources", {})),
        "node_config": {},
        "max_workers": 0,
    }
    # No SSH updaters: the fake provider starts its nodes itself, already set up
    provider: dict[str, Any] = {
        "type": "fake_multinode",
        "disable_launch_config_check": True,
        "disable_node_updaters": True,
        "use_node_id_as_ip": True,  # every fake node has this machine's IP
    }
    if gcs_address:
        provider["gcs_address"] = gcs_address
    return {
        "cluster_name": f"{real['cluster_name']}-fake",
        "max_workers": int(real.get("max_workers", 0)),
        "upscaling_speed": float(real.get("upscaling_speed", 1.0)),
        "idle_timeout_minutes": (
            idle_minutes if idle_minutes is not None else real.get("idle_timeout_minutes", 5)
        ),
        "provider": provider,
        "auth": {"ssh_user": "ubuntu"},
        "available_node_types": types,
        "head_node_type": FAKE_HEAD_TYPE,
        "file_mounts": {},
        "cluster_synced_files": [],
        "file_mounts_sync_continuously": False,
        "rsync_exclude": [],
        "rsync_filter": [],
        "initialization_commands": [],
        "setup_commands": [],
        "head_setup_commands": [],
        "worker_setup_commands": [],
        "head_start_ray_commands": [],
        "worker_start_ray_commands": [],
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def processes_under(directory: str) -> list[int]:
    """PIDs of processes whose command line names `directory` (our cluster's, only)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if directory in command and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found


class FakeCluster:
    """A fake autoscaling cluster: a head with `head_cpus` CPUs (and no GPU, as the
    recipe's head), worker nodes started and stopped by Ray's autoscaler."""

    def __init__(self, head_cpus: int = 1, idle_minutes: float = 0.2) -> None:
        self.directory = tempfile.mkdtemp(prefix="gantune-fake-")
        self.port = free_port()
        from gantune.trainables.ray_internals import node_ip_address

        self.address = f"{node_ip_address()}:{self.port}"
        self.config = fake_config(gcs_address=self.address, idle_minutes=idle_minutes)
        self.head_cpus = head_cpus

    def start(self) -> str:
        config = Path(self.directory) / "autoscaling.json"
        config.write_text(json.dumps(self.config))
        env = self.env() | {
            "RAY_FAKE_CLUSTER": "1",
            "AUTOSCALER_UPDATE_INTERVAL_S": "1",
            # the head must be the node the fake provider knows as its head
            "RAY_OVERRIDE_NODE_ID_FOR_TESTING": FAKE_HEAD_ID,
            "RAY_CLOUD_INSTANCE_ID": FAKE_HEAD_ID,
        }
        ray = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
        command = [
            ray, "start", "--head", f"--port={self.port}", f"--num-cpus={self.head_cpus}",
            "--num-gpus=0", f"--temp-dir={self.directory}", f"--autoscaling-config={config}",
            "--include-dashboard=false", "--disable-usage-stats",
        ]  # fmt: skip
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        return self.address

    def env(self) -> dict[str, str]:
        """The environment of this cluster's processes and of the drivers that join it: a
        throwaway local cluster, without Ray's token authentication (a token file left in
        ~/.ray by another local Ray would otherwise switch it on for the head only)."""
        return dict(os.environ) | {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}

    def nodes(self) -> list[dict]:
        """The alive nodes, as the GCS lists them (through a short-lived client process)."""
        script = (
            "import json, ray\n"
            f"ray.init(address={self.address!r}, log_to_driver=False)\n"
            "print(json.dumps([n['Resources'] for n in ray.nodes() if n['Alive']]))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
            env=self.env(),
        )  # fmt: skip
        return json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else []

    def gpu_workers(self) -> int:
        return sum(1 for resources in self.nodes() if resources.get("GPU", 0) > 0)

    def stop(self) -> list[int]:
        """End every process of this cluster by PID; the PIDs ended."""
        ended = []
        for _ in range(3):
            found = processes_under(self.directory)
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                    ended.append(pid)
                except OSError:
                    pass
            if not found:
                break
            time.sleep(1)
        shutil.rmtree(self.directory, ignore_errors=True)
        return ended


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--idle-minutes", type=float, default=0.2)
    args = parser.parse_args()
    cluster = FakeCluster(idle_minutes=args.idle_minutes)
    print(cluster.start())


if __name__ == "__main__":
    main()
