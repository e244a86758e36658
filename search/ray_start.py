"""Ray for a search: a local instance (as many CPUs as the machine, our environment passed
to the workers) or a running cluster, and the spec's resources checked against it before
anything is written (for a local Ray, before it starts)."""

from __future__ import annotations

import math
import os

import ray

from gantune.search.spec import ResourcesSpec
from gantune.trainables.ray_internals import autoscaling


def gantune_env() -> dict[str, str]:
    """Our environment variables, passed to workers (on a cluster they do not inherit ours)."""
    return {k: v for k, v in os.environ.items() if k.startswith(("GANTUNE_", "RAY_USAGE_STATS"))}


def init_ray(address: str | None) -> None:
    if ray.is_initialized():
        return
    runtime_env = {"env_vars": gantune_env()}
    if address:
        ray.init(address=address, runtime_env=runtime_env, log_to_driver=False)
    else:
        # "local": a Ray of our own even when another one runs on this machine (ray.init
        # would join the one `ray start` or a test cluster recorded in /tmp/ray).
        ray.init(
            address="local", num_cpus=os.cpu_count(), runtime_env=runtime_env, log_to_driver=False
        )


def check_resources(resources: ResourcesSpec, per_node: list[dict[str, float]], where: str) -> None:
    """A trial must fit on one node, or Tune would wait for ever."""
    for name, asked in (("CPU", resources.cpu), ("GPU", resources.gpu)):
        largest = max((resources.get(name, 0.0) for resources in per_node), default=0.0)
        if asked > 0 and largest + 1e-9 < asked:
            have = f"{largest:g}" if largest else "no"
            raise ValueError(
                f"resources.{name.lower()} = {asked:g} per trial, but {where} has {have} "
                f"{name}; ask for at most {math.floor(largest * 4) / 4:g}"
            )


def local_resources() -> dict[str, float]:
    """What a local Ray started by `init_ray` will have."""
    import torch

    return {"CPU": float(os.cpu_count() or 1), "GPU": float(torch.cuda.device_count())}


def start(resources: ResourcesSpec, address: str | None) -> None:
    """Ray up, and a trial's resources checked against it, before anything is written
    (for a local Ray, before it starts)."""
    if address is None and not ray.is_initialized():
        check_resources(resources, [local_resources()], "this machine")
    init_ray(address)
    alive = [node.get("Resources", {}) for node in ray.nodes() if node.get("Alive")]
    try:
        check_resources(resources, alive, "the largest node of the Ray cluster")
    except ValueError as error:
        if not autoscaling():
            raise
        print(f"note: {error}; the cluster's autoscaler will have to add such a node", flush=True)
