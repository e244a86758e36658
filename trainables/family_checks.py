"""The family contract, as checks a user can run on their own family
(`gantune check-family MODULE`) and the contract tests run on every registered one.

Each check returns whether the family keeps one promise, and if not, why, in plain
words:
- a few tiny iterations report the family's metric, finite;
- a checkpoint restored in a new process continues bit for bit like an uninterrupted run;
- a bad config value is refused before any data is read, naming its key;
- after a restore under PBT-mutated values, the optimizers take the mutated values;
- schedules are set in images: the first iterations do not depend on the trial's budget.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
import tempfile
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
import torch

from gantune.spaces.family import FAMILY_SPACES
from gantune.trainables.config import ConfigError
from gantune.trainables.contract import Trainer, apply_config
from gantune.trainables.experiment.files import RESULTS_LOG, checkpoints, read_state
from gantune.trainables.families import FAMILIES
from gantune.trainables.trial import build_trainer, resolve, run_local

NOISY = {"train_seconds", "eval_seconds", "images_per_second", "setup_seconds", "started_at"}


@dataclass(frozen=True)
class Check:
    promise: str
    kept: bool
    detail: str = ""


class Broken(AssertionError):
    """A promise not kept; the message says how."""


def tiny_config(name: str, seed: int = 7) -> dict[str, Any]:
    """The family's default preset, first stratum, drawn at random; then its tiny values."""
    family = FAMILY_SPACES.get(name)
    preset = family.preset()
    if family.stratify_by:
        preset = preset.fixing(family.stratify_by, preset.choices(family.stratify_by)[0])
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1)).ask()
    return family.space(trial, preset) | family.tiny | {"family": name, "seed": seed}


def differences(a: Any, b: Any, where: str = "state") -> list[str]:
    """Where two saved states differ (tensors bit for bit)."""
    if isinstance(a, torch.Tensor):
        same = isinstance(b, torch.Tensor) and a.shape == b.shape and torch.equal(a, b)
        return [] if same else [where]
    if isinstance(a, dict):
        if not isinstance(b, dict) or set(a) != set(b):
            return [f"{where} (keys {sorted(map(str, a))} against {sorted(map(str, b or {}))})"]
        return [d for key in a for d in differences(a[key], b[key], f"{where}.{key}")]
    if isinstance(a, list | tuple):
        if not isinstance(b, list | tuple) or len(a) != len(b):
            return [where]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{where}[{i}]")
        ]
    return [] if a == b else [where]


def reports_the_metric(config: dict[str, Any], folder: Path) -> None:
    metric = FAMILY_SPACES.get(config["family"]).metric
    reported = run_local(config | {"max_iterations": 2}, folder, cpus=1)
    if [r["training_iteration"] for r in reported] != [1, 2]:
        raise Broken(f"two iterations reported {[r['training_iteration'] for r in reported]}")
    for result in reported:
        if metric not in result or not math.isfinite(result[metric]) or result["diverged"]:
            raise Broken(f"iteration {result['training_iteration']} reported {metric} = "
                         f"{result.get(metric)!r}; it must be finite")  # fmt: skip
        if not result["images_seen"] > 0:
            raise Broken("images_seen stayed 0: train(images) must count what it trained on")
    trainer = build_trainer(resolve(config), torch.device("cpu"))
    if not isinstance(trainer, Trainer):
        raise Broken("the trainer lacks methods of trainables.contract.Trainer")


def run_in_new_process(config: dict[str, Any], directory: Path) -> None:
    """The trial resumed in a fresh Python process (its family's module imported there)."""
    module = sys.modules[FAMILIES.get(config["family"]).trainer.__module__]
    source = getattr(module, "__file__", None)
    script = (
        "import importlib.util, json, sys\n"
        "name, source = sys.argv[3], sys.argv[4]\n"
        "if source:\n"
        "    spec = importlib.util.spec_from_file_location(name, source)\n"
        "    module = importlib.util.module_from_spec(spec); sys.modules[name] = module\n"
        "    spec.loader.exec_module(module)\n"
        "from gantune.trainables.trial import run_local\n"
        "run_local(json.loads(sys.argv[1]), sys.argv[2], cpus=1)\n"
    )
    load_own = source and not module.__name__.startswith("gantune.")
    environment = os.environ | {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(config), str(directory), module.__name__,
         source if load_own else ""],
        env=environment, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode:
        raise Broken(f"the resumed process failed:\n{done.stderr[-2000:]}")


def resumes_bit_for_bit(config: dict[str, Any], folder: Path) -> None:
    config = config | {"max_iterations": 3}
    interrupted, straight = folder / "interrupted", folder / "straight"
    run_local(config, interrupted, cpus=1, pause_after=2)  # as if killed after iteration 2
    run_in_new_process(config, interrupted)
    run_local(config, straight, cpus=1)
    resumed, uninterrupted = (read_state(checkpoints(d)[-1]) for d in (interrupted, straight))
    found = differences(resumed["trainer"], uninterrupted["trainer"], "trainer")
    if found:
        raise Broken(
            "after a restore in a new process, iteration 3 differs from an uninterrupted run "
            f"in {', '.join(found[:5])}: {unsaved(config) or 'the checkpoint misses some state'}"
            " (an optimizer's moments, a random generator's?) or the trainer draws from an "
            "unsaved source"
        )
    logs = [
        [json.loads(line) for line in (d / RESULTS_LOG).read_text().splitlines()]
        for d in (interrupted, straight)
    ]
    for ours, theirs in zip(*logs, strict=True):
        a = {k: v for k, v in ours.items() if k not in NOISY}
        b = {k: v for k, v in theirs.items() if k not in NOISY}
        if a != b:
            changed = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
            raise Broken(f"iteration {a.get('training_iteration')} reported other {changed} "
                         "after the restore than without it")  # fmt: skip


def unsaved(config: dict[str, Any]) -> str:
    """What a one-file family's trainer holds but its checkpoint leaves out."""
    trainer = build_trainer(resolve(config), torch.device("cpu"))
    held = getattr(trainer, "held", None)
    missing = sorted(set(held()) - set(trainer.state_dict())) if callable(held) else []
    return (
        f"the checkpoint leaves out {', '.join(missing)}, which the trainer holds"
        if missing
        else ""
    )


def numeric_fields(name: str) -> list[str]:
    config_type = FAMILIES.get(name).config_type
    hints = typing.get_type_hints(config_type)
    numbers = (int, float, int | None, float | None)
    return [f.name for f in dataclasses.fields(config_type) if hints[f.name] in numbers]


def refuses_bad_values(config: dict[str, Any], folder: Path) -> None:
    fields = numeric_fields(config["family"])
    if not fields:
        raise Broken("the config has no numeric keys to check")
    for key in fields:
        try:
            resolve(config | {key: "not-a-number"})
        except ConfigError as error:
            if key not in str(error):
                raise Broken(
                    f"{key} = 'not-a-number' was refused without naming {key}: {error}"
                ) from None
        else:
            raise Broken(f"{key} = 'not-a-number' was accepted")
    try:
        resolve(config | {"no_such_key": 1})
    except ConfigError:
        return
    raise Broken("an unknown config key was accepted")


def takes_mutated_values(config: dict[str, Any], folder: Path) -> None:
    """PBT restores a checkpoint under mutated values: the optimizers must take them."""
    config = config | {"max_iterations": 1}
    run_local(config, folder, cpus=1)
    state = read_state(checkpoints(folder)[-1])
    defaults = resolve(config).model
    mutated = dict(config)
    for key in FAMILY_SPACES.get(config["family"]).pbt_mutable:
        value = config.get(key, getattr(defaults, key, None))
        if isinstance(value, float):
            mutated[key] = value * 1.7
            try:
                resolve(mutated)
            except ConfigError:  # past its range: move the other way
                mutated[key] = value / 1.7
    resolved = resolve(mutated)
    torch.manual_seed(0)
    restored = build_trainer(resolved, torch.device("cpu"))
    restored.load_state_dict(state["trainer"])
    fresh = build_trainer(resolved, torch.device("cpu"))
    apply_config(restored)
    for ours_setting, theirs_setting in zip(
        restored.config_settings(), fresh.config_settings(), strict=True
    ):
        ours, theirs = (
            ours_setting.optimizer.param_groups[0],
            theirs_setting.optimizer.param_groups[0],
        )
        for key in theirs_setting.values:
            if key == "lr" and theirs_setting.schedule is not None:
                same = ours_setting.schedule.base_lrs == theirs_setting.schedule.base_lrs
            else:
                same = ours[key] == theirs[key] or (
                    isinstance(theirs[key], float) and math.isclose(ours[key], theirs[key])
                )
            if not same:
                raise Broken(f"after a restore under mutated values, {key} stayed "
                             f"{ours[key]!r} instead of {theirs[key]!r}")  # fmt: skip


def schedules_in_images(config: dict[str, Any], folder: Path) -> None:
    """The first iterations must not depend on the trial's whole budget: a schedule set as
    a share of it would judge trials at a rung at different points of their schedules."""
    short, long = folder / "short", folder / "long"
    first = run_local(config | {"max_iterations": 1}, short, cpus=1)[0]
    again = run_local(config | {"max_iterations": 4}, long, cpus=1, pause_after=1)[0]
    a, b = (read_state(checkpoints(d)[0])["trainer"] for d in (short, long))
    found = differences(a, b, "trainer")
    changed = sorted(k for k in first if k not in NOISY and first[k] != again.get(k))
    if found or changed:
        raise Broken(
            "the first iteration differs between a trial of 1 and one of 4 iterations ("
            f"{', '.join((changed + found)[:5])}): a schedule is set as a share of the "
            "budget; set it in images (self.images_seen) instead"
        )


CHECKS: dict[str, Callable[[dict[str, Any], Path], None]] = {
    "a few tiny iterations report the metric": reports_the_metric,
    "a restore in a new process continues bit for bit": resumes_bit_for_bit,
    "a bad value is refused by name": refuses_bad_values,
    "a PBT restore takes the mutated value": takes_mutated_values,
    "schedules are set in images": schedules_in_images,
}


def check_family(name: str, overrides: dict[str, Any] | None = None) -> list[Check]:
    """Every promise, each on its own fresh folder, on the family's tiny config (with
    `overrides`: a data folder, say)."""
    config = tiny_config(name) | (overrides or {})
    found = []
    for promise, check in CHECKS.items():
        with tempfile.TemporaryDirectory() as folder:
            try:
                check(config, Path(folder))
            except Broken as error:
                found.append(Check(promise, False, str(error)))
            except Exception as error:  # a crash breaks the promise too; say which
                found.append(Check(promise, False, f"{type(error).__name__}: {error}"))
            else:
                found.append(Check(promise, True))
    return found
