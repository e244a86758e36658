"""A FIFO study run without Ray: settings drawn here, trained there by N processes that
share one GPU. The device machine has PyTorch, pandas and pyarrow but neither Ray nor
Optuna, and Ray's wheel alone is over the 64 MiB that may travel to it; so the settings
are drawn beforehand, the way `gantune search` draws them, and travel as a file.

    python bench/gpu_trials.py draw DIR --study lucic2018-fashion --count 210 [-s K=V ...]
    python bench/gpu_trials.py run DIR --count 14 --at-once 8 --seconds 400 [--device cuda]

`draw` writes DIR/spec.yaml (the spec as the search records it) and DIR/configs.json (the
settings in the search's order: the strata take turns, so the first 7k hold k per loss).
`run` trains the first --count of them, --at-once at a time, each to max_t (FIFO), into
DIR/trial_NNNN/ (gantune's own result log and checkpoints); when --seconds run out it
ends what still runs, says which, and a pool made with `record_pool.py --full-only` leaves
them out. Every row gets its trial_id and config, as Tune's would, so `gantune report`
and `record_pool.py` read DIR as an experiment."""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import queue
import time
from pathlib import Path
from typing import Any

CONFIGS = "configs.json"


def draw(directory: Path, study: str, count: int, sets: list[str]) -> None:
    import optuna

    from gantune.search.commands import parse_options
    from gantune.search.plan import plan_of
    from gantune.search.spec import load_spec, write_spec
    from gantune.search.tuner import draw_config

    plan = plan_of(load_spec(study=study, overrides=parse_options(sets) | {"num_samples": count}))
    sampler = optuna.samplers.RandomSampler(seed=plan.sampler.seed)
    drawn = optuna.create_study(sampler=sampler)
    configs = [
        draw_config(drawn.ask(), plan.family.space, plan.preset, plan.constants, plan.strata)
        for _ in range(count)
    ]
    write_spec(plan.spec_record, directory)
    (directory / CONFIGS).write_text(json.dumps(configs, indent=1, default=str))
    print(f"{directory}: {count} settings of {plan.describe()}")


def trial_id(number: int) -> str:
    return f"{number:04d}"


def train(jobs: Any, directory: Path, device: str) -> None:
    """A worker: takes settings off the queue until it is empty."""
    import torch

    from gantune.trainables.trial import run_local

    torch.set_num_threads(1)
    while True:
        try:
            number, config = jobs.get(timeout=5)  # all were queued before any started
        except queue.Empty:
            return
        run_local(config | {"device": device}, directory / f"trial_{trial_id(number)}", cpus=1)


def label_rows(trial_dir: Path, number: int, config: dict[str, Any]) -> int:
    """Each logged row with its trial_id and config (what Tune adds); the rows kept."""
    from gantune.trainables.experiment.files import RESULTS_LOG, write_config

    log = trial_dir / RESULTS_LOG
    if not log.is_file():
        return 0
    rows = []
    for line in log.read_text().splitlines():
        with contextlib.suppress(json.JSONDecodeError):  # a line cut short by the deadline
            rows.append(json.loads(line) | {"trial_id": trial_id(number), "config": config})
    log.write_text("".join(json.dumps(row, default=str) + "\n" for row in rows))
    write_config(trial_dir, config)
    return len(rows)


def run(
    directory: Path, count: int, at_once: int, seconds: float, device: str, first: int = 0
) -> int:
    """Trains settings first .. first + count - 1 (a later call adds to the same study)."""
    configs = json.loads((directory / CONFIGS).read_text())[first : first + count]
    max_t = int(configs[0]["max_iterations"])
    context = multiprocessing.get_context("spawn")
    jobs = context.Queue()
    for number, config in enumerate(configs, start=first):
        jobs.put((number, config))
    started = time.perf_counter()
    workers = [
        context.Process(target=train, args=(jobs, directory, device))
        for _ in range(min(at_once, len(configs)))
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=max(0.0, seconds - (time.perf_counter() - started)))
    cut = [w for w in workers if w.is_alive()]
    for worker in cut:
        worker.terminate()
        worker.join()
    finished, partial = [], []
    for number, config in enumerate(configs, start=first):
        rows = label_rows(directory / f"trial_{trial_id(number)}", number, config)
        (finished if rows >= max_t else partial if rows else []).append(trial_id(number))
    wall = time.perf_counter() - started
    print(f"{len(finished)} of {len(configs)} trials reached max_t={max_t} in {wall:.0f} s "
          f"({at_once} at once on {device})")  # fmt: skip
    if partial or cut:
        print(f"the time ran out: {len(partial)} trial(s) cut short ({', '.join(partial)}), "
              f"{len(configs) - len(finished) - len(partial)} never started")  # fmt: skip
    return 0 if finished else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    drawing = commands.add_parser("draw")
    drawing.add_argument("directory", type=Path)
    drawing.add_argument("--study", required=True)
    drawing.add_argument("--count", type=int, required=True)
    drawing.add_argument("--set", "-s", action="append", default=[], metavar="KEY=VALUE")
    running = commands.add_parser("run")
    running.add_argument("directory", type=Path)
    running.add_argument("--count", type=int, required=True)
    running.add_argument("--at-once", type=int, required=True)
    running.add_argument("--seconds", type=float, required=True)
    running.add_argument("--device", default="auto")
    running.add_argument("--first", type=int, default=0, help="the first setting to train")
    args = parser.parse_args()
    if args.command == "draw":
        draw(args.directory, args.study, args.count, args.set)
        return 0
    return run(args.directory, args.count, args.at_once, args.seconds, args.device, args.first)


if __name__ == "__main__":
    raise SystemExit(main())
