"""The contract every registered family keeps, checked the same way for each (a family
registered later is picked up here without editing this file): a few tiny iterations
report the family's metric, finite; a checkpoint restored in a new process continues
bit for bit like an uninterrupted run on the CPU; a bad config value is refused before
any data is read, naming the key."""

import dataclasses
import json
import math
import subprocess
import sys
import typing

import optuna
import pytest
import torch

from gantune.spaces.family import FAMILY_SPACES
from gantune.trainables.config import ConfigError
from gantune.trainables.contract import Trainer
from gantune.trainables.experiment.files import read_state
from gantune.trainables.families import FAMILIES, load_families
from gantune.trainables.trial import build_trainer, resolve, run_local
from tests.conftest import ROOT

load_families()
NAMES = FAMILY_SPACES.names()


def tiny_config(name: str) -> dict:
    """The family's default preset, first stratum, drawn at random; then its tiny values."""
    family = FAMILY_SPACES.get(name)
    preset = family.preset()
    preset = preset.fixing(family.stratify_key, preset.choices(family.stratify_key)[0])
    trial = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=1)).ask()
    return family.space(trial, preset) | family.tiny | {"family": name, "seed": 7}


def run_in_new_process(config: dict, directory, pause_after: int | None = None) -> None:
    module = FAMILIES.get(config["family"]).config_type.__module__  # plugins register there
    script = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "from trainables.trial import run_local\n"
        "pause = None if sys.argv[3] == 'none' else int(sys.argv[3])\n"
        "run_local(json.loads(sys.argv[1]), sys.argv[2], cpus=1, pause_after=pause)\n"
    )
    pause = "none" if pause_after is None else str(pause_after)
    subprocess.run(
        [sys.executable, "-c", script, json.dumps(config), str(directory), pause],
        cwd=ROOT,
        check=True,
    )


def assert_same(a, b, where: str = "state") -> None:
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and torch.equal(a, b), where
    elif isinstance(a, dict):
        assert set(a) == set(b), where
        for key in a:
            assert_same(a[key], b[key], f"{where}.{key}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{index}]")
    else:
        assert a == b, where


def test_both_layers_register_the_same_families():
    assert set(FAMILIES.names()) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_few_iterations_report_the_metric(name, tmp_path):
    metric = FAMILY_SPACES.get(name).metric
    reported = run_local(tiny_config(name) | {"max_iterations": 2}, tmp_path, cpus=1)
    assert [r["training_iteration"] for r in reported] == [1, 2]
    for result in reported:
        assert math.isfinite(result[metric]) and result["diverged"] is False
        assert result["images_seen"] > 0 and result["epoch"] > 0
    trainer = build_trainer(resolve(tiny_config(name)), torch.device("cpu"))
    assert isinstance(trainer, Trainer)  # the typed contract, structurally
    assert isinstance(trainer.meta(), dict)


@pytest.mark.parametrize("name", NAMES)
def test_restore_in_a_new_process_is_bit_exact(name, tmp_path):
    config = tiny_config(name) | {"max_iterations": 3}
    interrupted, straight = tmp_path / "interrupted", tmp_path / "straight"
    run_local(config, interrupted, cpus=1, pause_after=2)  # as if killed after iteration 2
    assert not (interrupted / "checkpoint_000003").exists()
    run_in_new_process(config, interrupted)  # resumes at iteration 2, in a new process
    run_local(config, straight, cpus=1)
    resumed, uninterrupted = (read_state(d / "checkpoint_000003") for d in (interrupted, straight))
    assert_same(resumed["trainer"], uninterrupted["trainer"], "trainer")
    assert torch.equal(resumed["rng"], uninterrupted["rng"])
    lines = [json.loads(line) for line in (interrupted / "result.jsonl").read_text().splitlines()]
    again = [json.loads(line) for line in (straight / "result.jsonl").read_text().splitlines()]
    assert [r["training_iteration"] for r in lines] == [1, 2, 3]  # none twice, none missing
    noisy = {"train_seconds", "eval_seconds", "images_per_second", "setup_seconds", "started_at"}
    for ours, theirs in zip(lines, again, strict=True):
        assert {k: v for k, v in ours.items() if k not in noisy} == {
            k: v for k, v in theirs.items() if k not in noisy
        }


def numeric_fields(name: str) -> list[str]:
    config_type = FAMILIES.get(name).config_type
    hints = typing.get_type_hints(config_type)
    return [
        field.name
        for field in dataclasses.fields(config_type)
        if hints[field.name] in (int, float, int | None, float | None)
    ]


@pytest.mark.parametrize("name", NAMES)
def test_bad_values_are_refused_naming_the_key(name):
    fields = numeric_fields(name)
    assert fields, f"family {name} has no numeric config keys to check"
    for key in fields:
        with pytest.raises(ConfigError, match=rf"\b{key}\b"):
            resolve(tiny_config(name) | {key: "not-a-number"})
    with pytest.raises(ConfigError, match="unknown config key"):
        resolve(tiny_config(name) | {"no_such_key": 1})


@pytest.mark.parametrize("name", NAMES)
def test_after_a_restore_the_config_wins_over_the_checkpoints_settings(tmp_path, name):
    """PBT restores a checkpoint under mutated values: every family's optimizers must take
    them (one rule, `trainables.contract.apply_config`, applied by the trial loop)."""
    from gantune.trainables.contract import apply_config
    from gantune.trainables.experiment.files import checkpoints

    config = tiny_config(name) | {"max_iterations": 1}
    run_local(config, tmp_path, cpus=1)
    state = read_state(checkpoints(tmp_path)[-1])
    defaults = resolve(config).model
    mutated = dict(config)
    for key in FAMILY_SPACES.get(name).pbt_mutable:
        value = config.get(key, getattr(defaults, key, None))
        if isinstance(value, float):
            mutated[key] = value * 1.7
    resolved = resolve(mutated)
    torch.manual_seed(0)
    restored = build_trainer(resolved, torch.device("cpu"))
    restored.load_state_dict(state["trainer"])
    fresh = build_trainer(resolved, torch.device("cpu"))  # built from the mutated config
    pairs = list(zip(restored.config_settings(), fresh.config_settings(), strict=True))
    differed = any(
        r.optimizer.param_groups[0].get("lr") != f.optimizer.param_groups[0].get("lr")
        for r, f in pairs
    )
    apply_config(restored)
    for r, f in pairs:
        ours, theirs = r.optimizer.param_groups[0], f.optimizer.param_groups[0]
        for key in f.values:
            if key == "lr" and f.schedule is not None:
                assert r.schedule.base_lrs == f.schedule.base_lrs
            else:
                assert ours[key] == pytest.approx(theirs[key]), (name, key)
    if pairs and any("lr" in key for key in FAMILY_SPACES.get(name).pbt_mutable):
        assert differed, "the mutation changed nothing: the check would pass without the rule"
