"""The samplers a spec can name (`sampler.kind`): Optuna samplers that propose each new
trial's config, seeded. One registry, read by the spec's validation and the Tuner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gantune.spaces.registry import Registry

SAMPLERS: Registry[Callable[[int], Any]] = Registry("sampler")


def tpe(seed: int) -> Any:
    import optuna

    return optuna.samplers.TPESampler(seed=seed)


def random(seed: int) -> Any:
    import optuna

    return optuna.samplers.RandomSampler(seed=seed)


def cmaes(seed: int) -> Any:
    import optuna

    return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)


SAMPLERS.register("tpe", tpe)
SAMPLERS.register("random", random)
SAMPLERS.register("cmaes", cmaes)
