"""The experiment spec: a named study (YAML) plus command-line overrides, frozen and
validated before Ray starts. Unknown keys and impossible values are errors that name the
key and the valid choices."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna
import yaml

import spaces
from search.storage import results_root
from spaces.params import Float
from trainables import data
from trainables.config import ConfigError, from_dict
from trainables.families import FAMILIES
from trainables.gan.losses import LOSSES
from trainables.trial import resolve

STUDIES_DIR = Path(__file__).with_name("studies")
SCHEDULER_KINDS = ("asha", "fifo", "pbt")
SAMPLER_KINDS = ("tpe", "random", "cmaes")


@dataclass(frozen=True)
class SchedulerSpec:
    kind: str = "asha"
    max_t: int = 4  # iterations a trial may run (ASHA's max_t; every trial's max_iterations)
    grace_period: int = 1
    reduction_factor: int = 2
    perturbation_interval: int = 2  # pbt only


@dataclass(frozen=True)
class SamplerSpec:
    kind: str = "tpe"
    seed: int = 0


@dataclass(frozen=True)
class ResourcesSpec:
    cpu: float = 1.0
    gpu: float = 0.0


NESTED = {"scheduler": SchedulerSpec, "sampler": SamplerSpec, "resources": ResourcesSpec}


@dataclass(frozen=True)
class ExperimentSpec:
    name: str = "experiment"
    description: str = ""
    family: str = "gan"
    space: str = "gan"
    preset: str = "cpu-mini"
    losses: list[str] = field(default_factory=list)  # subset of the preset's losses
    stratify_losses: bool = True  # losses take turns (equal samples each), as in Lucic et al.
    ranges: dict[str, Any] = field(default_factory=dict)  # overrides of the preset's ranges
    dataset: str = "fashion-mnist"
    dataset_options: dict[str, Any] = field(default_factory=dict)
    metric: str = ""  # default: the family's metric
    mode: str = ""  # default: the family's mode
    scheduler: SchedulerSpec = field(default_factory=SchedulerSpec)
    sampler: SamplerSpec = field(default_factory=SamplerSpec)
    num_samples: int = 8
    max_concurrent_trials: int = 2
    resources: ResourcesSpec = field(default_factory=ResourcesSpec)
    images_per_iter: int = 12800
    eval_samples: int = 10000
    seed: int = 0
    fixed: dict[str, Any] = field(default_factory=dict)  # config constants for every trial
    storage_path: str = ""  # default: $GANTUNE_RESULTS or ~/gantune-results
    study_store: str = ""  # default: SQLite file in the experiment dir
    max_failures: int = 2  # retries of a failed trial, from its last checkpoint

    def __post_init__(self) -> None:
        family = FAMILIES.get(self.family)
        if not self.metric:
            object.__setattr__(self, "metric", family.metric)
        if not self.mode:
            object.__setattr__(self, "mode", family.mode)
        validate(self)

    # -- derived ----------------------------------------------------------------------
    def preset_object(self) -> spaces.Preset:
        return spaces.get_preset(self.preset).with_overrides(self.ranges, self.losses or None)

    def trial_constants(self) -> dict[str, Any]:
        """Config values every trial gets besides what the space draws."""
        constants = {
            "family": self.family,
            "dataset": self.dataset,
            "dataset_options": dict(self.dataset_options),
            "images_per_iter": self.images_per_iter,
            "max_iterations": self.scheduler.max_t,
            "eval_samples": self.eval_samples,
            "seed": self.seed,
        }
        return constants | dict(self.fixed)

    def storage_root(self) -> Path:
        return Path(self.storage_path).expanduser() if self.storage_path else results_root()

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def validate(spec: ExperimentSpec) -> None:
    check(spec.mode in ("min", "max"), f"mode must be min or max, not {spec.mode!r}")
    check(
        spec.space in spaces.SPACES,
        f"unknown space {spec.space!r}; valid choices: {', '.join(spaces.SPACES)}",
    )
    spaces.get_preset(spec.preset)
    if spec.family == "gan":
        for loss in spec.losses:
            check(
                loss in LOSSES,
                f"unknown GAN loss {loss!r}; valid choices: {', '.join(LOSSES.names())}",
            )
    preset = spec.preset_object()
    preset.check()
    check(
        spec.dataset in data.DATASETS,
        f"unknown dataset {spec.dataset!r}; valid choices: {', '.join(data.DATASETS.names())}",
    )
    data.check_options(spec.dataset, spec.dataset_options)
    sched = spec.scheduler
    check(
        sched.kind in SCHEDULER_KINDS,
        f"unknown scheduler {sched.kind!r}; valid choices: {', '.join(SCHEDULER_KINDS)}",
    )
    check(sched.max_t >= 1, f"scheduler.max_t must be at least 1, not {sched.max_t}")
    check(
        1 <= sched.grace_period <= sched.max_t,
        f"scheduler.grace_period must be in [1, max_t={sched.max_t}], not {sched.grace_period}",
    )
    check(
        sched.reduction_factor >= 2,
        f"scheduler.reduction_factor must be at least 2, not {sched.reduction_factor}",
    )
    check(
        spec.sampler.kind in SAMPLER_KINDS,
        f"unknown sampler {spec.sampler.kind!r}; valid choices: {', '.join(SAMPLER_KINDS)}",
    )
    check(spec.num_samples >= 1, f"num_samples must be at least 1, not {spec.num_samples}")
    check(
        spec.max_concurrent_trials >= 1,
        f"max_concurrent_trials must be at least 1, not {spec.max_concurrent_trials}",
    )
    check(spec.resources.cpu > 0, f"resources.cpu must be above 0, not {spec.resources.cpu}")
    check(
        0 <= spec.resources.gpu <= 1,
        f"resources.gpu = {spec.resources.gpu}: a trial uses at most one GPU "
        "(use a fraction such as 0.25 to share one)",
    )
    if sched.kind == "pbt":
        lr = preset.params.get("lr_d")
        check(
            isinstance(lr, Float), "scheduler pbt mutates lr_d: the preset must give lr_d a range"
        )
    check(spec.max_failures >= 0, f"max_failures must be at least 0, not {spec.max_failures}")
    for config in sample_configs(spec, preset):
        resolve(config)  # the trial's own validation: unknown keys, bad values


def sample_configs(spec: ExperimentSpec, preset: spaces.Preset) -> list[dict[str, Any]]:
    """One config per loss (or one), drawn from the space as a trial would get it."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    space = spaces.get_space(spec.space)
    losses = list(preset.losses) if spec.family == "gan" else [None]
    return [space(study.ask(), preset, loss) | spec.trial_constants() for loss in losses]


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Apply dotted overrides (`scheduler.max_t: 6`) to a nested dict."""
    merged = {key: dict(value) if isinstance(value, dict) else value for key, value in base.items()}
    for dotted, value in overrides.items():
        head, _, rest = dotted.partition(".")
        if rest:
            section = merged.setdefault(head, {})
            if not isinstance(section, dict):
                raise ConfigError(f"{head} is not a section; cannot set {dotted}")
            section[rest] = value
        else:
            merged[head] = value
    return merged


def from_mapping(raw: dict[str, Any]) -> ExperimentSpec:
    values = dict(raw)
    for key, kind in NESTED.items():
        if key in values:
            section = values[key]
            if not isinstance(section, dict):
                raise ConfigError(f"{key} must be a mapping, not {section!r}")
            values[key] = from_dict(kind, section, key)
    return from_dict(ExperimentSpec, values, "spec")


def study_names() -> list[str]:
    return sorted(path.stem for path in STUDIES_DIR.glob("*.yaml"))


def read_yaml(path: Path) -> dict[str, Any]:
    loaded = yaml.safe_load(path.read_text()) or {}
    if not isinstance(loaded, dict):
        raise ConfigError(f"{path} must hold a mapping of spec keys")
    return loaded


def load_spec(
    study: str | None = None,
    path: str | Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> ExperimentSpec:
    """A named study or a YAML file, with overrides; validated."""
    if study and path:
        raise ConfigError("give a named study or a spec file, not both")
    raw: dict[str, Any] = {}
    if study:
        file = STUDIES_DIR / f"{study}.yaml"
        if not file.is_file():
            raise ConfigError(f"unknown study {study!r}; valid choices: {', '.join(study_names())}")
        raw = read_yaml(file)
        raw.setdefault("name", study)
    elif path:
        raw = read_yaml(Path(path))
    return from_mapping(merge(raw, overrides or {}))


def write_spec(spec: ExperimentSpec, directory: Path) -> Path:
    path = directory / "spec.yaml"
    directory.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(spec.to_dict(), sort_keys=False))
    return path


def spec_of_experiment(directory: str | Path) -> ExperimentSpec:
    path = Path(directory) / "spec.yaml"
    if not path.is_file():
        raise FileNotFoundError(f"{directory} is not a gantune experiment (no spec.yaml)")
    return from_mapping(read_yaml(path))
