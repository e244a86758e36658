"""The experiment spec: a named study (YAML) plus command-line overrides, frozen and
validated before Ray starts. Unknown keys and impossible values are errors that name the
key and the valid choices. The spec names a family and asks it for everything else
(presets, the stratified parameter, the metric); it names no family's parameters. What it
resolves to is the plan (`search.plan`), which is all the driver reads after it."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gantune.search.samplers import SAMPLERS
from gantune.search.schedulers.kinds import SCHEDULERS, SchedulerSpec
from gantune.search.values import read_yaml_file
from gantune.spaces.family import FAMILY_SPACES, FamilySpace
from gantune.trainables.config import ConfigError, from_dict, upgraded
from gantune.trainables.experiment.files import SPEC_DIGEST_FILE, SPEC_FILE
from gantune.trainables.families import import_plugins, load_families

STUDIES_DIR = Path(__file__).with_name("studies")
# Keys of specs written before the family seam, and what they became.
RENAMED_KEYS = {"losses": "strata", "stratify_losses": "stratify"}
DROPPED_KEYS = ("space",)


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
    family: str = ""  # required: `gantune families` lists them
    preset: str = ""  # default: the family's default preset
    strata: list[Any] = field(default_factory=list)  # values of the stratify key to search
    stratify: bool = True  # strata take turns, so each gets the same number of trials
    stratify_by: str = ""  # default: the family's stratify key
    ranges: dict[str, Any] = field(default_factory=dict)  # overrides of the preset's ranges
    dataset: str = ""  # default: the family's
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
    # Run the next trial in a finished trial's process (Tune's reuse_actors): for studies
    # of many short trials, where starting a process per trial costs more than the trial.
    reuse_actors: bool = False
    plugins: list[str] = field(default_factory=list)  # modules registering more families

    def __post_init__(self) -> None:
        describe = family_of(self)
        defaults = {
            "preset": describe.default_preset,
            "stratify_by": describe.stratify_by,
            "metric": describe.metric,
            "mode": describe.mode,
        }
        for key, value in defaults.items():
            if not getattr(self, key):
                object.__setattr__(self, key, value)
        validate(self)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def family_of(spec: ExperimentSpec) -> FamilySpace:
    import_plugins(spec.plugins)
    load_families()
    if not spec.family:
        raise ConfigError(
            f"the spec names no family; valid choices: {', '.join(FAMILY_SPACES.names())}"
        )
    return FAMILY_SPACES.get(spec.family)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ConfigError(message)


def validate(spec: ExperimentSpec) -> None:
    """What the spec says on its own; what needs the family's space is checked when the
    plan is made (`search.plan.plan_of`)."""
    check(spec.mode in ("min", "max"), f"mode must be min or max, not {spec.mode!r}")
    sched = spec.scheduler
    SCHEDULERS.get(sched.kind)
    check(sched.max_t >= 1, f"scheduler.max_t must be at least 1, not {sched.max_t}")
    check(
        0 <= sched.grace_period <= sched.max_t,
        f"scheduler.grace_period must be in [1, max_t={sched.max_t}], not {sched.grace_period}",
    )
    check(
        sched.reduction_factor >= 2,
        f"scheduler.reduction_factor must be at least 2, not {sched.reduction_factor}",
    )
    check(
        0.5 <= sched.confidence < 1,
        f"scheduler.confidence must be in [0.5, 1), not {sched.confidence}",
    )
    check(sched.margin >= 0, f"scheduler.margin must be at least 0, not {sched.margin}")
    check(0 <= sched.drop <= 1, f"scheduler.drop must be in [0, 1], not {sched.drop}")
    SAMPLERS.get(spec.sampler.kind)
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
    check(spec.max_failures >= 0, f"max_failures must be at least 0, not {spec.max_failures}")


def set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    head, _, rest = dotted.partition(".")
    if not rest:
        tree[head] = value
        return
    section = tree.setdefault(head, {})
    if not isinstance(section, dict):
        raise ConfigError(f"{head} is not a section; cannot set {dotted}")
    set_dotted(section, rest, value)


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Apply dotted overrides (`scheduler.max_t: 6`, `ranges.lr_d.high: 1e-3`) to a copy of
    a nested dict."""
    merged = copy.deepcopy(base)
    for dotted, value in overrides.items():
        set_dotted(merged, dotted, value)
    return merged


def upgrade(raw: dict[str, Any]) -> dict[str, Any]:
    """Specs written before the family seam (`losses`, `stratify_losses`, `space`), and
    config keys renamed since (`z_dim`: `latent_dim`) in `fixed` and `ranges`."""
    values = {key: value for key, value in raw.items() if key not in DROPPED_KEYS}
    for old, new in RENAMED_KEYS.items():
        if old in values and new not in values:
            values[new] = values.pop(old)
    for section in ("fixed", "ranges"):
        if isinstance(values.get(section), dict):
            values[section] = upgraded(values[section], f"spec {section}")
    return values


def from_mapping(raw: dict[str, Any]) -> ExperimentSpec:
    values = upgrade(raw)
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
    """A spec file: a mapping, its values read as the command line reads them."""
    if not path.is_file():
        raise ConfigError(f"no spec file at {path}")
    try:
        loaded = read_yaml_file(path)
    except ValueError as error:
        raise ConfigError(str(error)) from None
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


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_spec(record: dict[str, Any], directory: Path) -> Path:
    """The spec (as a mapping), and its digest: a resume checks that the spec is the one it
    started with."""
    path = directory / SPEC_FILE
    directory.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(record, sort_keys=False)
    path.write_text(text)
    (directory / SPEC_DIGEST_FILE).write_text(digest(text) + "\n")
    return path


def spec_of_experiment(directory: str | Path) -> ExperimentSpec:
    path = Path(directory) / SPEC_FILE
    if not path.is_file():
        raise FileNotFoundError(f"{directory} is not a gantune experiment (no {SPEC_FILE})")
    recorded = Path(directory) / SPEC_DIGEST_FILE
    if recorded.is_file() and recorded.read_text().strip() != digest(path.read_text()):
        raise ConfigError(
            f"{path} was changed after the experiment started; a resume keeps the spec it "
            "started with: restore the file, or start a new study with the new spec"
        )
    return from_mapping(read_yaml(path))
