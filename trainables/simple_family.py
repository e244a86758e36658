"""Your own model as a gantune family, in one file: a class with typed fields.

    class MyGAN(SimpleFamily):
        name = "my-gan"                                  # registers the family
        lr: float = Range(2e-4, 1e-5, 1e-2, log=True)    # searched: a default and a range
        loss: str = Choice("ns", ("ns", "hinge"))        # searched: a default and options
        batch_size: int = 64                             # fixed (a spec may override it)

        def setup(self): ...        # build nets, optimizers, load data (self.lr, ...)
        def step(self): ...         # one batch; returns its losses by name
        def evaluate(self, samples): ...   # returns the metric (`fid` by default)
        def sample(self, count): ...       # optional: uint8 images, for grids and generate

From the fields the class derives a frozen config (a value outside its range or options
is refused by name before any data is read), a search space and a default preset
("default"), and registers both layers of a family (`trainables.families.Family` and
`spaces.family.FamilySpace`). The trainer it builds saves and restores every
`torch.nn.Module`, optimizer, learning-rate scheduler and `torch.Generator` it holds (and
`images_seen`), without the author listing them; after a restore the config's learning
rate (`lr`, or `lr_<x>` for an optimizer attribute named `opt_<x>`) and betas (`beta1`,
`beta2`) win over the checkpoint's, as PBT needs. The trial loop seeds torch's global
generator and checkpoints it, so drawing with it resumes bit for bit.

A schedule (a warm-up, a decay) must be set in images (`self.images_seen`), never as a
share of the trial's budget: `gantune check-family` checks this and the rest of the family
contract (docs/your-own-model.md).
"""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, ClassVar

import torch

from gantune.spaces.family import FamilySpace, register
from gantune.spaces.params import Choice as ChoiceParam
from gantune.spaces.params import Float, Suggests
from gantune.spaces.presets import Preset
from gantune.trainables.config import ConfigError
from gantune.trainables.contract import ConfigSetting, TrialContext
from gantune.trainables.families import FAMILIES, Family

SAVED = (torch.nn.Module, torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler)


@dataclasses.dataclass(frozen=True)
class Range:
    """A searched number: its default, and the range a search draws it from."""

    default: float
    low: float
    high: float
    log: bool = False


@dataclasses.dataclass(frozen=True)
class Choice:
    """A searched choice: its default, and the options a search draws from."""

    default: Any
    options: tuple[Any, ...]


def checked(name: str, value: Any, spec: Range | Choice) -> None:
    if isinstance(spec, Choice):
        if value not in spec.options:
            valid = ", ".join(map(str, spec.options))
            raise ConfigError(f"unknown {name} {value!r}; valid choices: {valid}")
    elif not (isinstance(value, int | float) and spec.low <= value <= spec.high):
        raise ConfigError(f"{name} = {value!r} is outside [{spec.low}, {spec.high}]")


class SimpleFamily:
    name: ClassVar[str] = ""
    metric: ClassVar[str] = "fid"
    mode: ClassVar[str] = "min"
    stratify_by: ClassVar[str] = ""  # a Choice field whose options take turns; "" : none
    summary: ClassVar[str] = ""
    tiny: ClassVar[dict[str, Any]] = {}  # values that make an iteration quick (the checker)
    fields: ClassVar[dict[str, Any]] = {}  # name -> default, Range or Choice
    config_type: ClassVar[type] = object

    def __init_subclass__(cls, **options: Any) -> None:
        super().__init_subclass__(**options)
        hints = typing.get_type_hints(cls)
        own = [n for n in cls.__annotations__ if not n.startswith("_")]
        own = [n for n in own if typing.get_origin(hints[n]) is not ClassVar]
        cls.fields = {**cls.fields, **{n: cls.__dict__[n] for n in own if n in cls.__dict__}}
        for name in own:
            if name in cls.__dict__:
                delattr(cls, name)  # the instance reads the config's value (`__getattr__`)
        cls.config_type = config_type(cls.__name__, cls.fields, hints)
        cls.config_type.__module__ = cls.__module__  # where a pickle or a new process finds it
        if "name" in cls.__dict__:
            register_family(cls)

    # -- the trainer ---------------------------------------------------------------------
    def __init__(self, config: Any, context: TrialContext) -> None:
        self.config, self.context, self.device = config, context, context.device
        self.seed = context.seed
        self.images_seen = 0
        self.setup()

    def __getattr__(self, name: str) -> Any:
        config = self.__dict__.get("config")
        if config is not None and hasattr(config, name):
            return getattr(config, name)
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def setup(self) -> None:
        """Build nets and optimizers, load data: everything `step` and `evaluate` use."""

    def step(self) -> dict[str, float]:
        """Train on one batch of `batch_size` images; the losses by name."""
        raise TypeError(f"{type(self).__name__} must define step() (or train(images))")

    def train(self, images: int) -> dict[str, float]:
        batch = int(getattr(self, "batch_size", 1))
        steps = max(1, images // batch)
        totals: dict[str, float] = {}
        for _ in range(steps):
            for key, value in self.step().items():
                totals[key] = totals.get(key, 0.0) + float(value)
            self.images_seen += batch
        return {key: total / steps for key, total in totals.items()}

    @property
    def epoch(self) -> float:
        return self.images_seen / max(1, int(getattr(self, "train_size", 1) or 1))

    def grid(self, columns: int) -> torch.Tensor | None:
        sample = getattr(self, "sample", None)
        return sample(columns * 2) if callable(sample) else None

    def meta(self) -> dict[str, Any]:
        return {}

    def held(self) -> dict[str, Any]:
        """What the trainer holds that is saved: modules, optimizers, schedulers,
        generators (by attribute name)."""
        return {
            name: value
            for name, value in vars(self).items()
            if isinstance(value, (*SAVED, torch.Generator))
        }

    def state_dict(self) -> dict[str, Any]:
        state: dict[str, Any] = {"images_seen": self.images_seen}
        for name, value in self.held().items():
            state[name] = value.get_state() if isinstance(value, torch.Generator) else (
                value.state_dict()
            )  # fmt: skip
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.images_seen = state["images_seen"]
        for name, value in self.held().items():
            if name not in state:
                continue  # what the checkpoint lacks stays as built (the checker says so)
            if isinstance(value, torch.Generator):
                value.set_state(state[name])
            else:
                value.load_state_dict(state[name])

    def config_settings(self) -> list[ConfigSetting]:
        settings = []
        for name, value in self.held().items():
            if isinstance(value, torch.optim.Optimizer):
                suffix = name.removeprefix("opt_") if name.startswith("opt_") else ""
                lr = getattr(self.config, f"lr_{suffix}", None) if suffix else None
                lr = lr if lr is not None else getattr(self.config, "lr", None)
                values: dict[str, Any] = {} if lr is None else {"lr": lr}
                if hasattr(self.config, "beta1"):
                    values["betas"] = (self.config.beta1, getattr(self.config, "beta2", 0.999))
                settings.append(ConfigSetting(value, values))
        return settings


def config_type(name: str, fields: dict[str, Any], hints: dict[str, Any]) -> type:
    """A frozen dataclass of the fields, validated (ranges, options) on creation."""
    specs = {n: v for n, v in fields.items() if isinstance(v, Range | Choice)}

    def default(value: Any) -> Any:
        plain = value.default if isinstance(value, Range | Choice) else value
        if isinstance(plain, list | dict):
            return dataclasses.field(default_factory=lambda: type(plain)(plain))
        return dataclasses.field(default=plain)

    def post_init(config: Any) -> None:
        for key, spec in specs.items():
            checked(key, getattr(config, key), spec)

    made = dataclasses.make_dataclass(
        f"{name}Config",
        [(n, hints.get(n, Any), default(v)) for n, v in fields.items()],
        frozen=True,
        namespace={"__post_init__": post_init},
    )
    return made


def preset_of(cls: type[SimpleFamily]) -> Preset:
    params: dict[str, Any] = {}
    for key, value in cls.fields.items():
        if isinstance(value, Range):
            params[key] = Float(float(value.low), float(value.high), log=value.log)
        elif isinstance(value, Choice):
            params[key] = ChoiceParam(tuple(value.options))
    return Preset("default", params, summary=f"the ranges {cls.__name__} declares")


@dataclasses.dataclass(frozen=True)
class DrawAll:
    """The space: every ranged field drawn from the preset (integers rounded). A plain
    object, so that the search algorithm can be pickled with it."""

    integers: tuple[str, ...]

    def __call__(self, trial: Suggests, preset: Preset) -> dict[str, Any]:
        config = preset.draw(trial, tuple(preset.params))
        return {k: round(v) if k in self.integers else v for k, v in config.items()}


def space_of(cls: type[SimpleFamily]) -> DrawAll:
    return DrawAll(
        tuple(
            k for k, v in cls.fields.items() if isinstance(v, Range) and isinstance(v.default, int)
        )
    )


def generate_with(cls: type[SimpleFamily]):
    def generate(state: dict[str, Any], config: Any, request: Any) -> tuple[Any, str]:
        if not callable(getattr(cls, "sample", None)):
            raise ValueError(f"{cls.name} defines no sample(count): it cannot generate")
        torch.manual_seed(request.seed)
        trainer = cls(config, TrialContext(torch.device("cpu"), request.seed, 0))
        trainer.load_state_dict(state["trainer"])
        return trainer.sample(request.count), f"{request.count} samples of {cls.name}"

    return generate


def register_family(cls: type[SimpleFamily]) -> None:
    preset = preset_of(cls)
    floats = tuple(k for k, p in preset.params.items() if isinstance(p, Float))
    stratify = cls.stratify_by or next(
        (k for k, p in preset.params.items() if isinstance(p, ChoiceParam)), ""
    )
    register(
        FamilySpace(
            name=cls.name,
            summary=cls.summary or (cls.__doc__ or cls.__name__).strip().splitlines()[0],
            space=space_of(cls),
            presets={"default": preset},
            default_preset="default",
            stratify_by=stratify,  # "": not stratified
            metric=cls.metric,
            mode=cls.mode,
            pbt_mutable=floats,
            shown=tuple(preset.params)[:4],
            tiny=dict(cls.tiny),
        )
    )
    FAMILIES.register(cls.name, Family(cls.config_type, cls, generate=generate_with(cls)))
