"""The one trial loop, for every family (docs/architecture.md, docs/families/gan.md).

    config dict -> validated settings + family config -> threads, device -> the family's
    trainer (it loads its data, once per process) -> restore -> per iteration: train
    `images_per_iter` images, evaluate, save a picture, report metrics with a checkpoint.

A non-finite loss or metric reports the family's worst metric value (FID = inf) with
`diverged = True` and ends the trial; NaN is never reported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from gantune.spaces.family import FamilySpace, get_family
from gantune.trainables.config import (
    ConfigError,
    check_choice,
    check_range,
    field_names,
    from_dict,
    upgraded,
)
from gantune.trainables.contract import PRECISIONS, Trainer, TrialContext, apply_config
from gantune.trainables.device import pick_device, set_threads
from gantune.trainables.experiment.files import SLIM, grid_path, write_config
from gantune.trainables.families import FAMILIES, Family, load_families
from gantune.trainables.images import grid, save_png
from gantune.trainables.session import LocalSession, Session, TrialPaused, TuneSession

STATE_FORMAT = 2


@dataclass(frozen=True)
class TrialSettings:
    family: str = ""  # required: `gantune families` lists them
    images_per_iter: int = 6400  # one iteration (ASHA's time unit) trains on this many images
    max_iterations: int = 10
    seed: int = 0
    device: str = "auto"
    precision: str = "fp32"  # or bf16: autocast (and channels-last) where a family supports it
    eval_samples: int = 10000  # generated samples per evaluation (Lucic et al.: 10k)
    grid_columns: int = 10

    def __post_init__(self) -> None:
        FAMILIES.get(self.family)
        check_choice("precision", self.precision, list(PRECISIONS))
        for name in ("images_per_iter", "max_iterations", "eval_samples", "grid_columns"):
            check_range(name, getattr(self, name), low=1)
        if self.eval_samples < 2:
            raise ConfigError("eval_samples must be at least 2 (a covariance needs two samples)")

    @property
    def budget_images(self) -> int:
        return self.images_per_iter * self.max_iterations


@dataclass(frozen=True)
class ResolvedConfig:
    settings: TrialSettings
    family: Family
    describe: FamilySpace  # the family's metric and mode
    model: Any  # the family's frozen config

    def as_dict(self) -> dict[str, Any]:
        return asdict(self.settings) | asdict(self.model)


def resolve(config: dict[str, Any]) -> ResolvedConfig:
    """Split a flat config into trial settings and the family's config; validate both."""
    load_families()
    config = upgraded(config)
    name = config.get("family")
    if not name:
        raise ConfigError(
            f"the config names no family (family=...); valid choices: {', '.join(FAMILIES.names())}"
        )
    family = FAMILIES.get(name)
    settings_keys, model_keys = field_names(TrialSettings), field_names(family.config_type)
    unknown = sorted(set(config) - set(settings_keys) - set(model_keys))
    if unknown:
        raise ConfigError(
            f"unknown config key(s) {', '.join(unknown)}; valid keys: "
            f"{', '.join(settings_keys + model_keys)}"
        )
    settings = from_dict(
        TrialSettings, {k: v for k, v in config.items() if k in settings_keys}, "trial"
    )
    model = from_dict(
        family.config_type, {k: v for k, v in config.items() if k in model_keys}, "model"
    )
    return ResolvedConfig(settings, family, get_family(name), model)


def finite_or_inf(value: float) -> float:
    """NaN never leaves a trial: it becomes inf (ASHA and Optuna can rank inf, not NaN)."""
    return float("inf") if math.isnan(value) else value


def all_finite(values: dict[str, float]) -> bool:
    return all(math.isfinite(v) for v in values.values())


def build_trainer(resolved: ResolvedConfig, device: torch.device) -> Trainer:
    settings = resolved.settings
    context = TrialContext(device, settings.seed, settings.budget_images, settings.precision)
    return resolved.family.trainer(resolved.model, context)


def run(config: dict[str, Any], session: Session) -> list[dict[str, Any]]:
    """Run one trial to its end (or until the scheduler stops it); return what it reported."""
    entered, entered_at = time.perf_counter(), time.time()
    resolved = resolve(config)
    settings, metric = resolved.settings, resolved.describe.metric
    set_threads(session.cpus())
    device = pick_device(settings.device)
    torch.manual_seed(settings.seed)
    trainer = build_trainer(resolved, device)
    iteration = 0
    state = session.restore()
    if state is not None:
        if state.get(SLIM):
            raise ValueError(
                "this checkpoint keeps only the weights generate and translate read (its "
                "trial ended outside the best few); it cannot resume training"
            )
        trainer.load_state_dict(state["trainer"])
        apply_config(trainer)  # the config wins over the checkpoint's settings
        torch.set_rng_state(state["rng"])
        if state.get("cuda_rng") is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["cuda_rng"])
        iteration = state["iteration"]
    trial_dir = session.trial_dir()
    write_config(trial_dir, resolved.as_dict())
    reported = []
    # What this process spent before its first iteration (data, nets, restore): a search's
    # cost model charges it to every trial start and restart.
    setup_seconds: float | None = time.perf_counter() - entered
    while iteration < settings.max_iterations:
        seen_before, started = trainer.images_seen, time.perf_counter()
        losses = {
            name: finite_or_inf(value)
            for name, value in trainer.train(settings.images_per_iter).items()
        }
        train_seconds = time.perf_counter() - started
        iteration += 1
        base = {
            "training_iteration": iteration,
            "images_seen": trainer.images_seen,
            "epoch": trainer.epoch,
            **losses,
        }
        if not all_finite(losses):
            reported.append(diverged(base, resolved.describe, session))
            return reported
        started = time.perf_counter()
        with separate_randomness():
            evaluated = trainer.evaluate(settings.eval_samples)
            metrics = {k: finite_or_inf(v) for k, v in evaluated.items()}
            if math.isfinite(metrics[metric]):
                save_grid(trainer, trial_dir, iteration, settings.grid_columns)
        if not math.isfinite(metrics[metric]):
            reported.append(diverged(base | metrics, resolved.describe, session))
            return reported
        result = (
            base
            | metrics
            | {
                "diverged": False,
                "train_seconds": train_seconds,
                "eval_seconds": time.perf_counter() - started,
                "images_per_second": (trainer.images_seen - seen_before) / train_seconds,
            }
        )
        if setup_seconds is not None:  # and when this process began (its launch, by difference)
            result |= {"setup_seconds": setup_seconds, "started_at": entered_at}
            setup_seconds = None
        reported.append(result)
        session.report(result, checkpoint_state(trainer, resolved, iteration))
    return reported


def separate_randomness() -> AbstractContextManager[Any]:
    """Evaluation runs on a copy of the global RNG state, so whatever it draws (a feature
    net built on first use, say) never changes what training draws next: a trial restored
    in a new process continues exactly as an uninterrupted one."""
    return torch.random.fork_rng(devices=list(range(torch.cuda.device_count())))


def diverged(metrics: dict[str, Any], describe: FamilySpace, session: Session) -> dict[str, Any]:
    """Report the worst value and end; the last good checkpoint stays the trial's latest."""
    result = metrics | {describe.metric: describe.worst, "diverged": True}
    session.report(result, None)
    return result


def checkpoint_state(trainer: Trainer, resolved: ResolvedConfig, iteration: int) -> dict[str, Any]:
    return {
        "format": STATE_FORMAT,
        "iteration": iteration,
        "config": resolved.as_dict(),
        "meta": trainer.meta(),
        "trainer": trainer.state_dict(),
        "rng": torch.get_rng_state(),
        "cuda_rng": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None,
    }


def save_grid(trainer: Trainer, trial_dir: Path, iteration: int, columns: int) -> None:
    images = trainer.grid(columns)
    if images is not None:
        save_png(grid(images, columns), grid_path(trial_dir, iteration))


def trainable(config: dict[str, Any]) -> None:
    """The function Ray Tune runs for each trial."""
    run(config, TuneSession())


def run_local(
    config: dict[str, Any],
    directory: str | Path,
    cpus: float | None = None,
    on_report: Callable[[dict[str, Any]], None] | None = None,
    pause_after: int | None = None,
) -> list[dict[str, Any]]:
    """Run a trial without Ray, into `directory` (resuming from its latest checkpoint);
    `pause_after`: stop once that iteration is checkpointed, as if killed there."""
    session = LocalSession(directory, cpus=cpus, on_report=on_report, pause_after=pause_after)
    try:
        return run(config, session)
    except TrialPaused:
        return session.results
