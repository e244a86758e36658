"""What gantune's ASHA adds to Ray's: diverged trials never weaken a rung's cutoff, and
every early stop is recorded (so PRUNED is never guessed from iteration counts)."""

from dataclasses import dataclass, field

import pytest
from ray.tune.schedulers import ASHAScheduler, TrialScheduler

from search.scheduler import RecordingASHA, StopRecord

OPTIONS = {"time_attr": "training_iteration", "max_t": 4, "grace_period": 1, "reduction_factor": 2}


@dataclass
class FakeTrial:
    trial_id: str
    config: dict = field(default_factory=lambda: {"max_iterations": 4})


def drive(scheduler, results):
    """Feed (trial, iteration, fid, diverged) in order; the decision for each."""
    scheduler.set_search_properties("fid", "min")
    trials, decisions = {}, []
    for trial_id, iteration, fid, diverged in results:
        if trial_id not in trials:
            trials[trial_id] = FakeTrial(trial_id)
            scheduler.on_trial_add(None, trials[trial_id])
        result = {"training_iteration": iteration, "fid": fid, "diverged": diverged}
        decisions.append(scheduler.on_trial_result(None, trials[trial_id], result))
    return decisions


# A diverged trial reaches rung 1 first (fid = inf), then a good one, then a worse one.
RUNG = [("a", 1, float("inf"), True), ("b", 1, 10.0, False), ("c", 1, 20.0, False)]


def test_rays_asha_lets_a_diverged_trial_switch_the_cutoff_off():
    # The defect, shown on Ray's class: the rung holds [-inf, -10]; its cutoff is -inf
    # (or NaN) and c, worse than b, is not stopped.
    decisions = drive(ASHAScheduler(**OPTIONS), RUNG)
    assert decisions[2] == TrialScheduler.CONTINUE


def test_a_diverged_trial_is_stopped_and_never_weakens_the_cutoff(tmp_path):
    decisions = drive(RecordingASHA(StopRecord(tmp_path), **OPTIONS), RUNG)
    assert decisions[0] == TrialScheduler.STOP  # the diverged trial ends at once
    assert decisions[2] == TrialScheduler.STOP  # c is cut as if a had never been there
    clean = drive(RecordingASHA(StopRecord(tmp_path / "clean"), **OPTIONS), RUNG[1:])
    assert clean == decisions[1:]  # the same decisions without the diverged trial


def test_stops_before_a_trials_own_end_are_recorded(tmp_path):
    record = StopRecord(tmp_path)
    scheduler = RecordingASHA(record, **OPTIONS)
    results = [("b", 1, 10.0, False), ("c", 1, 20.0, False)]
    results += [("b", 2, 9.0, False), ("b", 3, 8.0, False), ("b", 4, 7.0, False)]
    drive(scheduler, results)
    assert record.stops == {"c": 1}  # b's STOP at max_t is its own end, not a stop
    assert StopRecord(tmp_path).stops == {"c": 1}  # the file says the same


@pytest.mark.parametrize("max_iterations", [2, 3])
def test_a_trial_ending_before_max_t_by_its_own_budget_is_not_a_stop(tmp_path, max_iterations):
    record = StopRecord(tmp_path)
    scheduler = RecordingASHA(record, **OPTIONS)
    scheduler.set_search_properties("fid", "min")
    trial = FakeTrial("a", {"max_iterations": max_iterations})
    scheduler.on_trial_add(None, trial)
    for iteration in range(1, max_iterations + 1):
        result = {"training_iteration": iteration, "fid": 10.0 - iteration, "diverged": False}
        scheduler.on_trial_result(None, trial, result)
    assert record.stops == {}


def test_the_record_survives_pickling_as_a_resume_unpickles_it(tmp_path):
    import pickle

    record = StopRecord(tmp_path)
    again = pickle.loads(pickle.dumps(record))
    record.add("x", 2)
    assert pickle.loads(pickle.dumps(record)).stops == {"x": 2} and again.path == record.path
