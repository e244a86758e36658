"""The one door to Ray's internals: a version check, and node losses counted as
preemptions while a trial's own errors still count against max_failures."""

from types import SimpleNamespace

import pytest
from ray.exceptions import RayActorError, RayTaskError
from ray.tune.experiment.trial import Trial

from gantune.trainables import ray_internals


def failures_after(error) -> int:
    ray_internals.count_node_loss_as_preemption()
    trial = SimpleNamespace(run_metadata=SimpleNamespace(num_failures=0))
    Trial._handle_ray_actor_error(trial, error)
    return trial.run_metadata.num_failures


def test_an_actor_lost_with_its_node_is_a_preemption_not_a_failure():
    lost = RayActorError(error_msg="The actor died because its node has died. Node Id: ab")
    assert failures_after(lost) == 0
    crashed = RayActorError(error_msg="The actor is dead because its worker process has died.")
    assert failures_after(crashed) == 1  # a process that died by itself still counts
    ray_internals.count_node_loss_as_preemption()  # patching twice changes nothing
    assert failures_after(lost) == 0


def test_a_trials_own_error_still_counts():
    ray_internals.count_node_loss_as_preemption()
    trial = SimpleNamespace(run_metadata=SimpleNamespace(num_failures=0))
    error = RayTaskError("train", "Traceback ...", ValueError("bad"))
    Trial._handle_ray_task_error(trial, error)
    assert trial.run_metadata.num_failures == 1


def test_an_untested_ray_is_refused_with_both_versions(monkeypatch):
    ray_internals.check_ray()  # the installed one is tested
    monkeypatch.setattr(ray_internals, "ray_version", lambda: "3.1.0")
    with pytest.raises(ray_internals.UntestedRayError, match=r"tested with Ray 2\.60\.x.*3\.1\.0"):
        ray_internals.trial_storage()


def gcs(monkeypatch, answers):
    """A fake GCS: each poll returns the next (actor state, death cause, node alive)."""
    import ray
    from ray._private import state

    polls = iter(answers)
    current = {}

    def actor_table(actor_id):
        current["answer"] = next(polls, answers[-1])
        actor_state, cause, _ = current["answer"]
        return {"Address": {"NodeID": "n1"}, "State": actor_state, "DeathCause": cause}

    monkeypatch.setattr(state.state, "actor_table", actor_table)
    monkeypatch.setattr(ray, "nodes", lambda: [{"NodeID": "n1", "Alive": current["answer"][2]}])
    monkeypatch.setattr(ray_internals.time, "sleep", lambda s: None)


def unavailable():
    from ray.exceptions import ActorUnavailableError

    return ActorUnavailableError("RpcError: Socket closed rpc_code: 14", b"\x01" * 16)


def test_an_unavailable_actor_is_a_preemption_once_the_gcs_declares_its_node_dead(monkeypatch):
    # The driver hears "socket closed" before the GCS has failed the node's health checks.
    # Tune lets go of the actor meanwhile, which the GCS records as its death cause.
    released = ("DEAD", "The actor is dead because all references to the actor were removed", True)
    gcs(monkeypatch, [("ALIVE", "", True), released, released, ("DEAD", "", False)])
    assert ray_internals.is_node_loss(unavailable(), wait_s=60)


def test_an_actor_dead_on_a_live_node_is_a_failure(monkeypatch):
    gcs(monkeypatch, [("ALIVE", "", True), ("DEAD", "worker process has died", True)])
    assert not ray_internals.is_node_loss(unavailable(), wait_s=60)


def test_an_undecided_gcs_counts_as_a_failure(monkeypatch):
    gcs(monkeypatch, [("ALIVE", "", True)])
    assert not ray_internals.is_node_loss(unavailable(), wait_s=0)


def test_the_controller_never_waits_on_a_verdict(monkeypatch):
    """An error the GCS has not decided yet returns at once (retried as a preemption);
    results keep being handled while the verdict is pending; a process that died by itself
    on a live node counts as a failure once the GCS says so."""
    import threading
    import time

    decide = threading.Event()

    def actor_table(actor_id):
        if decide.is_set():
            return {"Address": {"NodeID": "n1"}, "State": "DEAD", "DeathCause": "worker died"}
        return {"Address": {"NodeID": "n1"}, "State": "ALIVE", "DeathCause": ""}

    import ray
    from ray._private import state

    monkeypatch.setattr(state.state, "actor_table", actor_table)
    monkeypatch.setattr(ray, "nodes", lambda: [{"NodeID": "n1", "Alive": True}])
    pause = time.sleep
    monkeypatch.setattr(ray_internals.time, "sleep", lambda s: pause(0.01))
    ray_internals.count_node_loss_as_preemption()
    trial = SimpleNamespace(run_metadata=SimpleNamespace(num_failures=0))
    started = time.perf_counter()
    Trial._handle_ray_actor_error(trial, unavailable())
    assert time.perf_counter() - started < 0.5  # it did not wait for the GCS
    assert trial.run_metadata.num_failures == 0 and trial.gantune_preemptions == 1
    handled = 0
    while handled < 200:  # the controller goes on with other trials' results meanwhile
        handled += 1
        pause(0.001)
    assert trial.run_metadata.num_failures == 0  # still pending, still not counted
    decide.set()
    deadline = time.monotonic() + 5
    while trial.run_metadata.num_failures == 0 and time.monotonic() < deadline:
        pause(0.01)
    assert trial.run_metadata.num_failures == 1 and trial.gantune_preemptions == 0
