"""`gantune search --study NAME | --spec FILE | --resume DIR [overrides]`."""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

from search.commands import parse_options
from search.spec import ExperimentSpec, load_spec, spec_of_experiment, study_names
from trainables.experiment.files import SPEC_FILE, has_snapshot


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "search", help="run (or resume) a hyperparameter study on Ray Tune"
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


def plan(spec: ExperimentSpec) -> str:
    s = spec.scheduler
    strata = ", ".join(map(str, spec.strata_values())) if spec.stratify else "not stratified"
    return (
        f"study {spec.name}: {spec.num_samples} trials of {spec.family} ({spec.preset}; "
        f"{spec.stratify_by}: {strata}), {s.kind} max_t={s.max_t} "
        f"grace={s.grace_period} rf={s.reduction_factor}, sampler {spec.sampler.kind}, "
        f"{spec.max_concurrent_trials} at once, {spec.resources.cpu:g} CPU "
        f"{spec.resources.gpu:g} GPU per trial"
    )


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
    # Import Ray only once the spec is known good: bad input fails fast, before Ray starts.
    if args.resume:
        spec = resumed_spec(args.resume, args)
    else:
        spec = load_spec(study=args.study, path=args.spec, overrides=overrides(args))
    from search import preflight
    from search.optuna_store import check_reachable
    from search.schedules import warmup_warnings

    print(plan(spec), flush=True)
    for warning in warmup_warnings(spec):
        print(warning, flush=True)
    if spec.study_store:
        check_reachable(spec.study_store)
    preflight.check(spec)
    from search import leftovers, tuner

    if args.resume:
        ended = leftovers.end_leftovers(args.resume)
        if ended:
            print(f"ended the Ray processes a killed run left behind: {ended}", flush=True)
    from search.ray_start import start

    start(spec, args.address)
    if args.resume:
        experiment = tuner.Experiment(spec, args.resume.resolve())
    else:
        experiment = tuner.new_experiment(spec)
    print(f"experiment dir: {experiment.directory}\nstudy store: {experiment.store}", flush=True)
    processes = leftovers.record(experiment.directory)
    if processes:
        listed = ", ".join(f"{role} {pid}" for role, pid in processes.items())
        print(f"local Ray processes (PIDs): {listed}", flush=True)
    results = tuner.run(experiment, resume=bool(args.resume))
    report_best(results, spec, experiment.directory)
    if args.report:
        from search.commands.report import write

        write([experiment.directory], None)
    return 0


def report_best(results, spec: ExperimentSpec, directory: Path) -> None:
    from search.retention import directory_size

    finite = [
        r for r in results if r.metrics and math.isfinite(r.metrics.get(spec.metric, math.nan))
    ]
    errors = sum(r.error is not None for r in results)
    print(f"\n{len(results)} trials, {errors} errored")
    if finite:
        best = results.get_best_result(
            spec.metric, spec.mode, scope="last", filter_nan_and_inf=True
        )
        value, iteration = best.metrics[spec.metric], best.metrics["training_iteration"]
        print(f"best trial: {spec.metric} {value:.3f} at iteration {iteration}")
        shown = {k: v for k, v in best.config.items() if k not in ("dataset_options",)}
        print("  config: " + ", ".join(f"{k}={v}" for k, v in sorted(shown.items())))
        if best.checkpoint is not None:
            from trainables.families import FAMILIES

            print(f"  checkpoint: {best.checkpoint.path}")
            hint = FAMILIES.get(spec.family).hint.format(checkpoint=best.checkpoint.path)
            print(f"  use it: {hint}")
    print(f"results: {directory} ({directory_size(directory) / 1e6:.0f} MB on disk)")
    print(f"  gantune report {directory}    gantune dashboard {directory}")
