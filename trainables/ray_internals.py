"""Every use gantune makes of Ray's private or developer APIs, behind one door.

Each function checks the installed Ray against the versions these uses were tested with
and fails with a message naming both, rather than misbehaving on another release:

- `trial_storage`: the running trial's storage (its own checkpoint folders, and the index
  the next checkpoint gets): `ray.train._internal.session.get_storage` (developer API);
- `local_node`: the Ray node this driver started (its processes, to end them by PID after
  a hard kill): `ray._private.worker._global_node`;
- `node_ip_address`: the address a node started here gets (the fake autoscaling
  cluster's head): `ray._private.services`;
- `asha_settings`, `count_stop`: an ASHA scheduler's time attribute, max_t, metric and
  mode, and its stop counter (private attributes of `AsyncHyperBandScheduler`);
- `is_node_loss`, `count_node_loss_as_preemption`: Ray 2.60 does not count an actor error
  against a trial's `max_failures` when the node was preempted, but it knows a preemption
  only when the autoscaler drained the node first; a spot worker that vanishes (or a node
  removed outright) counts as a failure. This patches `Trial._handle_ray_actor_error` so
  that an actor whose node died is a preemption too (asking the GCS's actor and node
  tables, `ray._private.state`); a trial that errors by itself still counts and stops
  after `max_failures`. Where the GCS has not decided yet, the trial is retried at once
  and the verdict is awaited in a thread, so Tune's controller never waits on it.
- `autoscaling`: whether the connected cluster runs Ray's autoscaler (the status its
  monitor publishes in the GCS's internal key-value store);
- the experiment snapshot's file format (`trainables.experiment.files`) is a Tune
  internal too: it reads through `check_ray`.
"""

from __future__ import annotations

import functools
import importlib.metadata
import threading
import time
from typing import Any

TESTED = ("2.60.",)  # Ray releases these uses were checked against
NODE_DIED = "because its node has died"  # GCS: "The actor died because its node has died."
# Tune lets go of a failed trial's actor at once; the GCS then records that as its death
# cause, which says nothing of why it failed.
OUT_OF_SCOPE = "all references to the actor were removed"
# The GCS declares a node dead after several failed health checks (about 15 s by default).
NODE_DEATH_WAIT_S = 60.0


class UntestedRayError(RuntimeError):
    """The installed Ray is one these internals were not tested with."""


@functools.cache
def ray_version() -> str:
    return importlib.metadata.version("ray")


def check_ray(use: str = "Ray internals") -> None:
    version = ray_version()
    if not version.startswith(TESTED):
        tested = ", ".join(t.rstrip(".") + ".x" for t in TESTED)
        raise UntestedRayError(
            f"gantune's use of {use} was tested with Ray {tested}, but Ray {version} is "
            f"installed; install a tested release (pip install 'ray[tune]>=2.60,<2.61')"
        )


def trial_storage() -> Any:
    check_ray("ray.train._internal.session.get_storage")
    from ray.train._internal.session import get_storage

    return get_storage()


def local_node() -> Any:
    check_ray("ray._private.worker._global_node")
    import ray

    return getattr(ray._private.worker, "_global_node", None)


def node_ip_address() -> str:
    """The address Ray would give a node started on this machine."""
    check_ray("ray._private.services.get_node_ip_address")
    from ray._private.services import get_node_ip_address

    return get_node_ip_address()


def asha_settings(scheduler: Any) -> tuple[str, int, str | None, str | None]:
    """(time attribute, max_t, metric, mode) of an ASHA scheduler."""
    check_ray("AsyncHyperBandScheduler's private attributes")
    return scheduler._time_attr, scheduler._max_t, scheduler._metric, scheduler._mode


def count_stop(scheduler: Any) -> None:
    check_ray("AsyncHyperBandScheduler's private attributes")
    scheduler._num_stopped += 1


def autoscaling() -> bool:
    """Whether the connected cluster runs Ray's autoscaler (its monitor publishes a status
    in the GCS's internal key-value store)."""
    check_ray("ray.experimental.internal_kv and the autoscaler's status key")
    from ray._private import ray_constants
    from ray.experimental.internal_kv import _internal_kv_get

    return bool(_internal_kv_get(ray_constants.DEBUG_AUTOSCALING_STATUS))


def node_verdict(error: Any) -> bool | None:
    """One look at the GCS: True if the actor's node is dead (a loss), False if the actor
    died of its own cause on a live node (its process died: a failure) or there is no
    evidence of a node loss, None while undecided (the caller often hears of it first,
    "actor unavailable: socket closed", while the GCS is still health-checking the node)."""
    if getattr(error, "preempted", False) or NODE_DIED in str(error):
        return True
    actor_id = getattr(error, "actor_id", None)
    if not actor_id or getattr(error, "actor_init_failed", False):
        return False
    import ray
    from ray._private.state import state

    try:
        actor = state.actor_table(actor_id)
        node_id = actor.get("Address", {}).get("NodeID")
        alive = {node["NodeID"]: node["Alive"] for node in ray.nodes()}
    except Exception:  # the GCS unreachable: no evidence of a node loss
        return False
    if node_id and alive.get(node_id) is False:
        return True
    cause = str(actor.get("DeathCause", ""))
    if actor.get("State") == "DEAD" and OUT_OF_SCOPE not in cause:
        return NODE_DIED in cause  # else its process died on a live node
    return None


def is_node_loss(error: Any, wait_s: float = NODE_DEATH_WAIT_S) -> bool:
    """Whether an actor error is the loss of its node, asking the GCS until it decides;
    undecided after `wait_s` counts as a failure."""
    deadline = time.monotonic() + wait_s
    while True:
        verdict = node_verdict(error)
        if verdict is not None:
            return verdict
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def settle_later(trial: Any, error: Any) -> None:
    """The background half of an undecided actor error: the trial was retried as a
    preemption; if the GCS decides it was the trial's own failure, it counts after all."""
    if not is_node_loss(error):
        trial.gantune_preemptions = getattr(trial, "gantune_preemptions", 1) - 1
        trial.run_metadata.num_failures += 1


def count_node_loss_as_preemption() -> None:
    """Make Tune count an actor lost with its node as a preemption (once per process),
    without holding up Tune's controller: an error the GCS has not decided yet is retried
    as a preemption at once, and counted as a failure later if it turns out to be one
    (decided in a thread of its own; no result, checkpoint or scheduling waits for it)."""
    check_ray("Trial._handle_ray_actor_error and ray._private.state (the actor table)")
    from ray.tune.experiment.trial import Trial

    if getattr(Trial._handle_ray_actor_error, "gantune", False):
        return
    original = Trial._handle_ray_actor_error

    def handle(self: Any, exc: Any) -> None:
        verdict = node_verdict(exc)
        if verdict is False:
            original(self, exc)
            return
        self.gantune_preemptions = getattr(self, "gantune_preemptions", 0) + 1
        if verdict is None:  # a preemption for now; the GCS decides in the background
            threading.Thread(target=settle_later, args=(self, exc), daemon=True).start()

    handle.gantune = True  # type: ignore[attr-defined]
    Trial._handle_ray_actor_error = handle
