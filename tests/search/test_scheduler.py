"""What gantune's schedulers add to Ray's ASHA: diverged trials never weaken a rung's
cutoff, and every early stop is recorded (so PRUNED is never guessed from iteration
counts). Both gantune schedulers (ASHA and curve stopping) pass the same checks; curve
stopping's own rules are checked after them."""

from dataclasses import dataclass, field

import numpy as np
import pytest
from ray.tune.schedulers import ASHAScheduler, TrialScheduler

from gantune.search.schedulers.asha import MemoryRecord, RecordingASHA, StopRecord
from gantune.search.schedulers.curve import CurveStopping
from gantune.search.schedulers.thaw import Thaw

OPTIONS = {"time_attr": "training_iteration", "max_t": 4, "grace_period": 1, "reduction_factor": 2}
SCHEDULERS = {
    "asha": lambda record: RecordingASHA(record, **OPTIONS),
    "curve": lambda record: CurveStopping(record, max_t=4, grace_period=1, reduction_factor=2),
}


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


@pytest.mark.parametrize("kind", SCHEDULERS)
def test_a_diverged_trial_is_stopped_and_never_weakens_the_cutoff(tmp_path, kind):
    decisions = drive(SCHEDULERS[kind](StopRecord(tmp_path)), RUNG)
    assert decisions[0] == TrialScheduler.STOP  # the diverged trial ends at once
    assert decisions[2] == TrialScheduler.STOP  # c is cut as if a had never been there
    clean = drive(SCHEDULERS[kind](StopRecord(tmp_path / "clean")), RUNG[1:])
    assert clean == decisions[1:]  # the same decisions without the diverged trial


@pytest.mark.parametrize("kind", SCHEDULERS)
def test_stops_before_a_trials_own_end_are_recorded(tmp_path, kind):
    record = StopRecord(tmp_path)
    scheduler = SCHEDULERS[kind](record)
    results = [("b", 1, 10.0, False), ("c", 1, 20.0, False)]
    results += [("b", 2, 9.0, False), ("b", 3, 8.0, False), ("b", 4, 7.0, False)]
    drive(scheduler, results)
    assert record.stops == {"c": 1}  # b's STOP at max_t is its own end, not a stop
    assert StopRecord(tmp_path).stops == {"c": 1}  # the file says the same


@pytest.mark.parametrize("kind", SCHEDULERS)
@pytest.mark.parametrize("max_iterations", [2, 3])
def test_a_trial_ending_before_max_t_by_its_own_budget_is_not_a_stop(
    tmp_path, max_iterations, kind
):
    record = StopRecord(tmp_path)
    scheduler = SCHEDULERS[kind](record)
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


def curve_stopping(**options) -> CurveStopping:
    scheduler = CurveStopping(MemoryRecord(), max_t=8, **options)
    scheduler.set_search_properties("fid", "min")
    return scheduler


def feed(scheduler, trial_id, values, max_iterations=8):
    trial = FakeTrial(trial_id, {"max_iterations": max_iterations})
    scheduler.on_trial_add(None, trial)
    decision = TrialScheduler.CONTINUE
    for iteration, value in enumerate(values, start=1):
        result = {"training_iteration": iteration, "fid": value, "diverged": False}
        decision = scheduler.on_trial_result(None, trial, result)
        if decision == TrialScheduler.STOP and iteration < 8:
            return decision, iteration
    scheduler.on_trial_complete(None, trial, result)
    return decision, len(values)


def test_a_slow_starter_improving_fast_is_promoted_where_asha_cuts_it():
    """Rung 2 holds a trial at 200 that stopped improving; a slow starter at 300, falling
    fast, heads lower: ASHA ranks the raw values and cuts it, curve stopping goes on."""
    stalled, starter = [210.0, 200.0], [400.0, 300.0]
    asha = RecordingASHA(MemoryRecord(), **(OPTIONS | {"max_t": 8, "grace_period": 2}))
    asha.set_search_properties("fid", "min")
    curve = curve_stopping(grace_period=2)
    for scheduler, expected in ((asha, TrialScheduler.STOP), (curve, TrialScheduler.CONTINUE)):
        feed(scheduler, "stalled", stalled)
        decision, _ = feed(scheduler, "starter", starter)
        assert decision == expected


def descending(start: float) -> list[float]:
    return [start - 7 * k for k in range(8)]


def test_a_trial_that_cannot_reach_the_finished_best_is_stopped_at_once():
    scheduler = curve_stopping(min_finished=2, confidence=0.9, margin=2.0)
    for start in (108.0, 104.0, 100.0):  # each better than the one before: all finish
        feed(scheduler, f"from {start}", descending(start))
    assert len(scheduler.finished) == 3
    decision, at = feed(scheduler, "hopeless", [400.0] * 8)
    assert decision == TrialScheduler.STOP and at == 1  # at 400 it cannot get near 51
    _, at = feed(scheduler, "close", descending(101.0))
    assert at == 8  # one worse than the best all along: within the margin, never stopped
    assert "close" not in scheduler.record.stops and scheduler.record.stops["hopeless"] == 1


def test_curve_stopping_survives_pickling_with_what_it_learned():
    import pickle

    scheduler = curve_stopping()
    feed(scheduler, "a", descending(100.0))
    again = pickle.loads(pickle.dumps(scheduler))
    assert again.finished == scheduler.finished and again.best_so_far == scheduler.best_so_far


def test_curve_stopping_extrapolates_a_rising_metric_with_mode_max():
    scheduler = CurveStopping(MemoryRecord(), max_t=8, grace_period=2)
    scheduler.set_search_properties("accuracy", "max")
    rising = [-0.5, -0.6, -0.7]  # signed: lower is better
    assert scheduler.predicted(rising) < -0.7  # carried up, beyond the last value
    assert scheduler.predicted([-0.7, -0.7, -0.7]) == pytest.approx(-0.7)
    # the mirror of the min-mode case: a slow starter rising fast beats a stalled trial
    for trial_id, values in (("stalled", [0.79, 0.80]), ("starter", [0.60, 0.75])):
        trial = FakeTrial(trial_id, {"max_iterations": 8})
        scheduler.on_trial_add(None, trial)
        for iteration, value in enumerate(values, start=1):
            result = {"training_iteration": iteration, "accuracy": value, "diverged": False}
            decision = scheduler.on_trial_result(None, trial, result)
    assert decision == TrialScheduler.CONTINUE


def curve_results() -> list[tuple[str, int, float]]:
    """Eight trials of eight iterations, two at a time, the later ones judged against the
    finished: (trial, iteration, fid) in the order a driver would see them."""
    rng = np.random.default_rng(4)
    curves = {f"t{k}": np.sort(rng.uniform(20, 200, 8))[::-1] for k in range(8)}
    rows = []
    for pair in range(0, 8, 2):
        for iteration in range(1, 9):
            for trial_id in (f"t{pair}", f"t{pair + 1}"):
                rows.append((trial_id, iteration, float(curves[trial_id][iteration - 1])))
    return rows


def play(scheduler, rows, ended: set[str]) -> list[tuple[str, int, str]]:
    """Each result to the scheduler (a trial it stopped gets no more); the decisions."""
    decisions = []
    for trial_id, iteration, fid in rows:
        if trial_id in ended:
            continue
        trial = FakeTrial(trial_id, {"max_iterations": 8})
        if iteration == 1:
            scheduler.on_trial_add(None, trial)
        result = {"training_iteration": iteration, "fid": fid, "diverged": False}
        decision = scheduler.on_trial_result(None, trial, result)
        decisions.append((trial_id, iteration, decision))
        if decision == TrialScheduler.STOP or iteration == 8:
            scheduler.on_trial_complete(None, trial, result)
            ended.add(trial_id)
    return decisions


@pytest.mark.parametrize("kind", ["asha", "curve"])
def test_a_resumed_scheduler_decides_as_the_uninterrupted_one(tmp_path, kind):
    """Tune pickles the scheduler when the study starts and unpickles that on --resume; a
    resumed scheduler is told what the killed one had seen, and decides the same."""
    import pickle

    build = {
        "asha": lambda record: RecordingASHA(record, **(OPTIONS | {"max_t": 8})),
        "curve": lambda record: CurveStopping(record, max_t=8, min_finished=2, margin=1.0),
    }[kind]
    rows = curve_results()
    half = len(rows) // 2
    whole = build(StopRecord(tmp_path / "whole"))
    whole.set_search_properties("fid", "min")
    ended: set[str] = set()
    expected = play(whole, rows, ended)
    started = pickle.dumps(build(StopRecord(tmp_path / "study")))  # tuner.pkl
    killed = pickle.loads(started)
    killed.set_search_properties("fid", "min")
    ended_resumed: set[str] = set()
    before = play(killed, rows[:half], ended_resumed)
    resumed = pickle.loads(started)  # --resume
    resumed.set_search_properties("fid", "min")
    after = play(resumed, rows[half:], ended_resumed)
    assert before + after == expected
    assert StopRecord(tmp_path / "study").stops == whole.record.stops
    # without being told its past, the scheduler decides otherwise (Ray's own resume)
    forgetful = build(StopRecord(tmp_path / "forgetful"))
    forgetful.set_search_properties("fid", "min")
    assert play(forgetful, rows[half:], set(before_ended(before))) != after


def before_ended(decisions) -> set[str]:
    return {t for t, i, d in decisions if d == TrialScheduler.STOP or i == 8}


def thaw(**options) -> Thaw:
    scheduler = Thaw(MemoryRecord(), max_t=8, **options)
    scheduler.set_search_properties("fid", "min")
    return scheduler


def test_thaw_pauses_below_the_cut_and_stops_below_the_drop():
    scheduler = thaw(grace_period=1, reduction_factor=2, drop=0.5)
    decisions = {}
    for trial_id, fid in (("a", 10.0), ("b", 20.0), ("c", 30.0), ("d", 40.0)):
        trial = FakeTrial(trial_id, {"max_iterations": 8})
        scheduler.on_trial_add(None, trial)
        result = {"training_iteration": 1, "fid": fid, "diverged": False, "time_this_iter_s": 1}
        decisions[trial_id] = scheduler.on_trial_result(None, trial, result)
    # a leads; b is behind half its rung (paused: not more than drop 0.5); c is behind 2
    # of 3 and d 3 of 4 (stopped)
    assert decisions["a"] == TrialScheduler.CONTINUE and decisions["b"] == TrialScheduler.PAUSE
    assert decisions["c"] == decisions["d"] == TrialScheduler.STOP
    assert scheduler.record.stops == {"c": 1, "d": 1}
    paused = thaw(grace_period=1, drop=0.9)
    for trial_id, fid in (("a", 10.0), ("b", 20.0), ("c", 30.0)):
        trial = FakeTrial(trial_id, {"max_iterations": 8})
        result = {"training_iteration": 1, "fid": fid, "diverged": False, "time_this_iter_s": 1}
        last = paused.on_trial_result(None, trial, result)
    assert last == TrialScheduler.PAUSE and not paused.record.stops


@dataclass
class Listed:
    trial_id: str
    status: str


class Controller:
    def __init__(self, trials):
        self.trials = trials

    def get_trials(self):
        return self.trials


def test_thaw_runs_new_trials_first_then_the_most_promising_paused_when_nothing_runs():
    from ray.tune.experiment import Trial

    scheduler = thaw(grace_period=1, max_running=2)
    scheduler.priority = {"cheap": (0.2, -1), "costly": (5.0, -1)}
    trials = [Listed("costly", Trial.PAUSED), Listed("cheap", Trial.PAUSED)]
    pending = Listed("new", Trial.PENDING)
    assert scheduler.choose_trial_to_run(Controller([*trials, pending])) is pending
    running = Listed("busy", Trial.RUNNING)
    assert scheduler.choose_trial_to_run(Controller([*trials, running])) is None
    assert scheduler.choose_trial_to_run(Controller(trials)).trial_id == "cheap"
    full = [Listed("x", Trial.RUNNING), Listed("y", Trial.RUNNING), pending]
    assert scheduler.choose_trial_to_run(Controller(full)) is None  # max_running
