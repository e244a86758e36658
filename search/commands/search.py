"""`gantune search --study NAME | --spec FILE | --resume DIR [overrides]`."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from gantune.search.commands import parse_options
from gantune.search.plan import Plan, plan_of
from gantune.search.spec import ExperimentSpec, load_spec, spec_of_experiment, study_names
from gantune.trainables.experiment.files import SPEC_FILE, has_snapshot


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search",
        epilog="example:\n  gantune search --study fashion-gan-quick --report",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help="run (or resume) a hyperparameter study on Ray Tune",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--study", help=f"a named study: {', '.join(study_names())}")
    source.add_argument("--spec", type=Path, help="a spec YAML file")
    source.add_argument(
        "--resume", type=Path, metavar="DIR", help="resume an interrupted experiment"
    )
    parser.add_argument(
        "--set",
        "-s",
        action="append",
        metavar="KEY=VALUE",
        help="override a spec key, value read as YAML (scheduler.max_t=6, "
        "ranges.lr_d=[1e-4,1e-3], ranges.lr_d.high=1e-3, strata=[ns,hinge])",
    )
    parser.add_argument("--name", help="experiment and study name")
    parser.add_argument("--num-samples", type=int)
    parser.add_argument("--cpus-per-trial", type=float)
    parser.add_argument("--gpus-per-trial", type=float)
    parser.add_argument("--max-concurrent", type=int)
    parser.add_argument("--storage-path", help="where experiments go (default: ~/gantune-results)")
    parser.add_argument(
        "--study-store",
        help="Optuna storage URL, or journal:<file> (default: SQLite in the experiment)",
    )
    parser.add_argument(
        "--address", help="a running Ray cluster (e.g. auto); default: start a local Ray"
    )
    parser.add_argument("--report", action="store_true", help="write the HTML report at the end")
    parser.set_defaults(run=run)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    values = parse_options(args.set)
    flags = {
        "name": args.name,
        "num_samples": args.num_samples,
        "resources.cpu": args.cpus_per_trial,
        "resources.gpu": args.gpus_per_trial,
        "max_concurrent_trials": args.max_concurrent,
        "storage_path": args.storage_path,
        "study_store": args.study_store,
    }
    return values | {key: value for key, value in flags.items() if value is not None}


def resumed_spec(directory: Path, args: argparse.Namespace) -> ExperimentSpec:
    if not (directory / SPEC_FILE).is_file():
        raise ValueError(
            f"{directory} is not a gantune experiment (no spec.yaml); nothing to resume"
        )
    if not has_snapshot(directory):
        raise ValueError(
            f"{directory} has no Tune state to resume (stopped before its first "
            "snapshot?); start the study again"
        )
    if overrides(args):
        raise ValueError(
            "--resume takes no overrides: the experiment keeps the spec it started with "
            f"({directory / 'spec.yaml'}); start a new study to change it"
        )
    return spec_of_experiment(directory)


def run(args: argparse.Namespace) -> int:
    # Import Ray only once the plan is known good: bad input fails fast, before Ray starts.
    if args.resume:
        spec = resumed_spec(args.resume, args)
    else:
        spec = load_spec(study=args.study, path=args.spec, overrides=overrides(args))
    plan = plan_of(spec)
    from gantune.search import preflight
    from gantune.search.schedulers.warmups import warmup_warnings
    from gantune.search.study_store import check_reachable

    print(plan.describe(), flush=True)
    for warning in warmup_warnings(plan):
        print(warning, flush=True)
    if plan.study_store:
        check_reachable(plan.study_store)
    preflight.check(plan)
    from gantune.search import leftovers, tuner

    if args.resume:
        ended = leftovers.end_leftovers(args.resume)
        if ended:
            print(f"ended the Ray processes a killed run left behind: {ended}", flush=True)
    from gantune.search.ray_start import start

    start(plan.resources, args.address)
    if args.resume:
        experiment = tuner.Experiment(plan, args.resume.resolve())
    else:
        experiment = tuner.new_experiment(plan)
    print(f"experiment dir: {experiment.directory}\nstudy store: {experiment.store}", flush=True)
    processes = leftovers.record(experiment.directory)
    if processes:
        listed = ", ".join(f"{role} {pid}" for role, pid in processes.items())
        print(f"local Ray processes (PIDs): {listed}", flush=True)
    results = tuner.run(experiment, resume=bool(args.resume))
    report_best(results, plan, experiment.directory)
    if args.report:
        from gantune.search.commands.report import write

        write([experiment.directory], None)
    return 0


def report_best(results, plan: Plan, directory: Path) -> None:
    from gantune.search.retention import directory_size

    metric = plan.metric
    finite = [r for r in results if r.metrics and math.isfinite(r.metrics.get(metric, math.nan))]
    errors = sum(r.error is not None for r in results)
    print(f"\n{len(results)} trials, {errors} errored")
    if finite:
        best = results.get_best_result(metric, plan.mode, scope="last", filter_nan_and_inf=True)
        value, iteration = best.metrics[metric], best.metrics["training_iteration"]
        print(f"best trial: {metric} {value:.3f} at iteration {iteration}")
        shown = {k: v for k, v in best.config.items() if k not in ("dataset_options",)}
        print("  config: " + ", ".join(f"{k}={v}" for k, v in sorted(shown.items())))
        if best.checkpoint is not None:
            from gantune.trainables.families import FAMILIES

            print(f"  checkpoint: {best.checkpoint.path}")
            hint = FAMILIES.get(plan.family.name).hint.format(checkpoint=best.checkpoint.path)
            print(f"  use it: {hint}")
    print(f"results: {directory} ({directory_size(directory) / 1e6:.0f} MB on disk)")
    print(f"  gantune report {directory}    gantune dashboard {directory}")
