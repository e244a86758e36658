"""A family defined only in the tests: a config, a trainer and a space with presets, and
nothing else anywhere. It walks a point x towards a target by gradient steps; its metric
is the distance left; it is stratified by the shape of the valley.

`conftest.py` names this module in $GANTUNE_PLUGINS, so the family contract tests run it
too; `test_toy_family.py` searches it end to end through a spec's `plugins` key."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from gantune.spaces.family import FamilySpace, register
from gantune.spaces.params import Choice, Float, Suggests
from gantune.spaces.presets import Preset
from gantune.trainables.config import check_choice, check_range
from gantune.trainables.contract import TrialContext
from gantune.trainables.families import FAMILIES, Family

VALLEYS = {"flat": 0.2, "steep": 2.0}  # curvature of (x - target)^2


@dataclass(frozen=True)
class ToyConfig:
    valley: str = "flat"
    step: float = 0.05
    target: float = 3.0
    noise: float = 0.01  # gradient noise, from the trainer's own generator
    # A planned, passing failure (reliability drills): once this many images are trained,
    # raise, unless the marker file exists; the failure creates it.
    fail_marker: str = ""
    fail_after_images: int = 0
    seconds_per_iter: float = 0.0  # a fixed duration per iteration (replay agreement checks)

    def __post_init__(self) -> None:
        check_choice("valley", self.valley, list(VALLEYS))
        check_range("step", self.step, low=1e-9)
        check_range("noise", self.noise, low=0.0)


class ToyTrainer:
    def __init__(self, config: ToyConfig, context: TrialContext) -> None:
        self.config, self.curvature = config, VALLEYS[config.valley]
        self.x = torch.zeros(())
        self.generator = torch.Generator().manual_seed(context.seed)
        self.images_seen = 0

    @property
    def epoch(self) -> float:
        return self.images_seen / 1000

    def train(self, images: int) -> dict[str, float]:
        marker = Path(self.config.fail_marker) if self.config.fail_marker else None
        if marker and self.images_seen >= self.config.fail_after_images and not marker.exists():
            marker.write_text("failed once\n")
            raise RuntimeError("a planned failure of the toy family")
        if self.config.seconds_per_iter:
            time.sleep(self.config.seconds_per_iter)
        for _ in range(max(1, images // 10)):
            noise = self.config.noise * torch.randn((), generator=self.generator)
            self.x = self.x - self.config.step * (2 * self.curvature * (self.x - 3.0) + noise)
        self.images_seen += images
        return {"loss": float(self.curvature * (self.x - self.config.target) ** 2)}

    def evaluate(self, samples: int) -> dict[str, float]:
        return {"error": float(abs(self.x - self.config.target))}

    def grid(self, columns: int) -> torch.Tensor:
        level = int(255 * min(1.0, float(abs(self.x)) / self.config.target))
        return torch.full((columns, 1, 8, 8), level, dtype=torch.uint8)

    def meta(self) -> dict[str, Any]:
        return {}

    def state_dict(self) -> dict[str, Any]:
        return {"x": self.x, "generator": self.generator.get_state(), "seen": self.images_seen}

    def config_settings(self) -> list:
        return []  # no optimizer: the step size is read from the config at every step

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.x, self.images_seen = state["x"], state["seen"]
        self.generator.set_state(state["generator"])


def space(trial: Suggests, preset: Preset) -> dict[str, Any]:
    config = dict(preset.constants)
    for name in ("valley", "step", "noise", "seconds_per_iter"):
        if name in preset.params:
            config[name] = preset.params[name].draw(trial, name)
    return config


FAMILIES.register("toy", Family(ToyConfig, ToyTrainer))
register(
    FamilySpace(
        name="toy",
        summary="a test-only family: gradient steps down a valley",
        space=space,
        presets={
            "toy-basic": Preset(
                "toy-basic",
                {
                    "valley": Choice(tuple(VALLEYS)),
                    "step": Float(1e-3, 0.2, log=True),
                    "noise": Float(0.0, 0.1),
                },
                summary="the step size matters",
            ),
            "toy-timed": Preset(
                "toy-timed",
                {
                    "valley": Choice(tuple(VALLEYS)),
                    "step": Float(1e-3, 0.2, log=True),
                    "noise": Float(0.0, 0.1),
                    "seconds_per_iter": Choice((0.9, 1.5, 2.2)),
                },
                summary="each trial's iterations take a fixed time",
            ),
        },
        default_preset="toy-basic",
        stratify_by="valley",
        metric="error",
        mode="min",
        pbt_mutable=("step",),
        shown=("valley", "step"),
        tiny={"images_per_iter": 100},
    )
)

# Spec values that search the toy family with the test helper `write_spec`.
SPEC = {
    "family": "toy",
    "preset": "toy-basic",
    "strata": [],
    "plugins": ["tests.support.toy_family"],
    "images_per_iter": 100,
    "eval_samples": 10,
    "fixed": {},
}
