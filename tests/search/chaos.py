"""The chaos drill: a whole study on a Ray cluster of a head and two worker nodes on this
machine (`ray.cluster_utils.Cluster`, each worker with a logical GPU), while faults arrive
at random, one every 5-15 s (seeded) for the first 10 minutes:

- a worker node removed outright (a spot worker lost; its trials are preemptions, not
  failures) and a fresh one added back;
- a running trial's process SIGKILLed (by its PID, from the trial's own reports);
- once, mid-study, the driver SIGKILLed and the study resumed with `--resume`.

At the end it checks that nothing was lost: every trial ended once, with its full
iteration count or stopped by the scheduler at a recorded rung; no iteration is missing
or reported twice (on one line of training: PBT's exploit starts a new one) in the
driver's result log, in the study store, or in what Tune last
recorded; the store matches Tune; the best trial's checkpoint generates images.

    python -m tests.search.chaos --seed 1 [--scheduler pbt]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
GANTUNE = [sys.executable, "-m", "gantune.search.cli"]
TRIALS, MAX_T = 16, 4


@dataclass
class Drill:
    seed: int
    directory: Path
    scheduler: str = "asha"
    faults: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def spec(self) -> Path:
        scheduler = {"kind": self.scheduler, "max_t": MAX_T}
        if self.scheduler == "asha":
            scheduler |= {"grace_period": 1, "reduction_factor": 2}
        else:
            scheduler |= {"perturbation_interval": 1}
        values = {
            "name": "chaos",
            "family": "gan",
            "preset": "cpu-mini",
            "strata": ["ns", "lsgan", "wgan-gp", "hinge"],
            "scheduler": scheduler,
            "sampler": {"kind": "random", "seed": self.seed},
            "num_samples": TRIALS,
            "max_concurrent_trials": 4,
            "resources": {"cpu": 0.5, "gpu": 0.5},
            "max_failures": 6,  # a SIGKILLed trial process is a failure; node losses are not
            "images_per_iter": 3072,
            "eval_samples": 200,
            "fixed": {"width": 0.125, "batch_size": 32, "latent_dim": 16},
            "storage_path": str(self.directory / "results"),
        }
        path = self.directory / "chaos.yaml"
        path.write_text(yaml.safe_dump(values))
        return path


def trial_reports(results: Path) -> dict[Path, list[dict]]:
    found = {}
    for log in results.glob("chaos-*/trial_*/result.jsonl"):
        rows = []
        for line in log.read_text().splitlines():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                continue
        found[log.parent] = rows
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except OSError:
        return False


def running_trial_pid(results: Path, rng: random.Random) -> int | None:
    """A trial process that reported, is still alive, and has iterations left."""
    candidates = [
        rows[-1]["pid"]
        for rows in trial_reports(results).values()
        if rows and rows[-1].get("training_iteration", 0) < MAX_T and "pid" in rows[-1]
    ]
    candidates = [pid for pid in candidates if alive(pid)]
    return rng.choice(candidates) if candidates else None


def start_driver(drill: Drill, address: str, resume: Path | None, log: Path):
    source = ["--resume", str(resume)] if resume else ["--spec", str(drill.spec())]
    env = os.environ | {"PYTHONUNBUFFERED": "1"}
    with open(log, "a") as handle:
        return subprocess.Popen(
            [*GANTUNE, "search", *source, "--address", address],
            cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )  # fmt: skip


def run(drill: Drill, deadline_s: float = 1800, faults_for_s: float = 600) -> dict:
    """Faults for the first `faults_for_s` seconds (a slow machine would otherwise keep a
    study that restarts trials busy for ever), then the study is left to finish."""
    from ray.cluster_utils import Cluster

    rng = random.Random(drill.seed)
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "num_gpus": 0})
    workers = [cluster.add_node(num_cpus=1, num_gpus=1) for _ in range(2)]
    cluster.wait_for_nodes()
    results, log = drill.directory / "results", drill.directory / "driver.log"
    started = time.monotonic()
    driver = start_driver(drill, cluster.address, None, log)
    driver_killed = False
    try:
        while driver.poll() is None or not driver_killed:
            if time.monotonic() - started > deadline_s:
                drill.problems.append("the study did not end in time")
                break
            time.sleep(rng.uniform(5, 15))
            if driver.poll() is not None and driver_killed:
                break
            if driver.poll() is not None:  # ended before the driver fault: the study is done
                break
            if time.monotonic() - started > faults_for_s and driver_killed:
                continue  # the fault window is over: wait for the study to end
            experiment = next(results.glob("chaos-*"), None)
            reported = sum(len(r) for r in trial_reports(results).values())
            # The driver once, at the first fault past half the trials' first reports (a
            # fast study could otherwise end before chance picked it); else node or trial.
            due = not driver_killed and experiment is not None and reported >= TRIALS // 2
            kind = "driver" if due else rng.choice(["node", "trial"])
            if kind == "driver":
                driver.send_signal(signal.SIGKILL)
                driver.wait(timeout=60)
                driver_killed = True
                drill.faults.append(f"{time.monotonic() - started:.0f}s driver SIGKILLed")
                time.sleep(rng.uniform(1, 4))
                driver = start_driver(drill, cluster.address, experiment, log)
                drill.faults.append(f"{time.monotonic() - started:.0f}s study resumed")
            elif kind == "node" and workers:
                doomed = workers.pop(rng.randrange(len(workers)))
                cluster.remove_node(doomed, allow_graceful=False)
                workers.append(cluster.add_node(num_cpus=1, num_gpus=1))
                drill.faults.append(
                    f"{time.monotonic() - started:.0f}s worker node lost, one added"
                )
            else:
                pid = running_trial_pid(results, rng)
                if pid is not None:
                    os.kill(pid, signal.SIGKILL)
                    drill.faults.append(
                        f"{time.monotonic() - started:.0f}s trial process {pid} SIGKILLed"
                    )
        code = driver.wait(timeout=max(60, deadline_s - (time.monotonic() - started)))
        if code != 0:
            drill.problems.append(f"the driver exited with {code}")
    finally:
        if driver.poll() is None:
            driver.kill()
        cluster.shutdown()
    summary = check(drill, results)
    summary["wall_s"] = round(time.monotonic() - started)
    return summary


def repeats(rows) -> int:
    """Iterations logged twice on one line of training. A trial that took up another
    trial's checkpoint (PBT's exploit; its first report names it) starts a new line at
    the donor's iteration, so an iteration it reported before may come again there."""
    from gantune.trainables.resume_point import CONTINUES

    repeated, seen = 0, set()
    for row in rows:
        if row.get(CONTINUES):
            seen = {i for i in seen if i < row["training_iteration"]}
        repeated += row["training_iteration"] in seen
        seen.add(row["training_iteration"])
    return repeated


def check(drill: Drill, results: Path) -> dict:
    """What was lost (nothing, when the drill passes), in `drill.problems`."""
    import optuna
    from ray.tune import ExperimentAnalysis

    from gantune.trainables.experiment.files import result_rows, scheduler_stops

    directory = next(results.glob("chaos-*"))
    trials = ExperimentAnalysis(str(directory)).trials
    stops = scheduler_stops(directory) or {}
    if len(trials) != TRIALS or len({t.trial_id for t in trials}) != TRIALS:
        drill.problems.append(f"{len(trials)} trials, not {TRIALS}")
    repeated = missing = 0
    for trial in trials:
        if trial.status != "TERMINATED":
            drill.problems.append(f"trial {trial.trial_id} ended {trial.status}")
        log = (directory / f"trial_{trial.trial_id}" / "result.jsonl").read_text()
        repeated += repeats(json.loads(line) for line in log.splitlines() if line.strip())
        iterations = [
            row["training_iteration"] for row in result_rows(directory / f"trial_{trial.trial_id}")
        ]
        last = int(trial.last_result.get("training_iteration", 0))
        if drill.scheduler == "asha":
            gaps = sorted(set(range(1, last + 1)) - set(iterations))
            missing += len(gaps)
            if iterations and iterations[-1] != last:
                drill.problems.append(
                    f"trial {trial.trial_id}: log ends at {iterations[-1]}, Tune at {last}"
                )
            if last != MAX_T and stops.get(trial.trial_id) != last:
                drill.problems.append(f"trial {trial.trial_id} ended at {last} without a stop")
        elif last != MAX_T:
            drill.problems.append(f"PBT trial {trial.trial_id} ended at {last}")
    if repeated:
        drill.problems.append(f"{repeated} iterations logged twice")
    if missing:
        drill.problems.append(f"{missing} iterations missing")
    study = optuna.load_study(study_name="chaos", storage=f"sqlite:///{directory / 'study.db'}")
    stored = sorted(t.user_attrs["tune_trial_id"] for t in study.trials)
    if stored != sorted(t.trial_id for t in trials):
        drill.problems.append("the study store does not match Tune")
    for stored_trial in study.trials:
        values = sorted(stored_trial.intermediate_values)
        if drill.scheduler == "asha" and values != list(range(1, len(values) + 1)):
            drill.problems.append(
                f"store: trial {stored_trial.user_attrs['tune_trial_id']} values {values}"
            )
    best = min(
        (t for t in trials if t.last_result.get("fid") is not None),
        key=lambda t: t.last_result["fid"],
    )
    picture = drill.directory / "best.png"
    best_dir = directory / f"trial_{best.trial_id}"
    done = subprocess.run(
        [*GANTUNE, "generate", str(best_dir), "-n", "4", "-o", str(picture)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if done.returncode != 0 or not picture.is_file():
        drill.problems.append(f"generate failed: {done.stderr[-500:]}")
    kinds = {k: sum(k in f for f in drill.faults) for k in ("node lost", "trial process", "driver")}
    return {
        "seed": drill.seed,
        "scheduler": drill.scheduler,
        "trials": len(trials),
        "faults": kinds,
        "repeated": repeated,
        "missing": missing,
        "problems": list(drill.problems),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scheduler", default="asha", choices=("asha", "pbt"))
    parser.add_argument("--directory", type=Path, default=None)
    args = parser.parse_args()
    import tempfile

    directory = args.directory or Path(tempfile.mkdtemp(prefix="gantune-chaos-"))
    drill = Drill(args.seed, directory, args.scheduler)
    summary = run(drill)
    for fault in drill.faults:
        print(f"  fault: {fault}")
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
