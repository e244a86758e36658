"""`gantune generate`: images from a trained checkpoint, drawn by the checkpoint's family.

The generic part finds the checkpoint, reads it and validates its config; the family's
`generate` draws (a GAN from its generator, a VAE from its decoder); a family without
one says what to use instead.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from gantune.trainables.experiment.files import STATE_FILE, read_state
from gantune.trainables.trial import ResolvedConfig, resolve


@dataclass(frozen=True)
class GenerateRequest:
    count: int = 6
    seed: int = 0
    # The family's own options (`--label Sandal`, `--attr baseColour=Red`): each family's
    # generate reads them with its own parser (`family_options`).
    options: tuple[str, ...] = ()


def family_options(prog: str, options: tuple[str, ...], add: Callable) -> argparse.Namespace:
    """A family's generate options, parsed by a parser that `add` fills; an unknown option
    is refused, naming the ones the family takes."""
    parser = argparse.ArgumentParser(prog=prog, add_help=False, exit_on_error=False)
    add(parser)
    known = sorted(a for action in parser._actions for a in action.option_strings)
    try:
        parsed, rest = parser.parse_known_args(list(options))
    except argparse.ArgumentError as error:
        raise ValueError(f"{prog}: {error}") from None
    if rest:
        raise ValueError(
            f"{prog} takes no option {' '.join(rest)}; its options: {', '.join(known) or 'none'}"
        )
    return parsed


def find_checkpoint(path: str | Path) -> Path:
    """A checkpoint dir or its state file, or a trial dir (its latest checkpoint)."""
    path = Path(path)
    if path.is_file() or (path / STATE_FILE).is_file():
        return path
    candidates = sorted(path.glob("checkpoint_*"), key=lambda p: p.name)
    candidates = [c for c in candidates if (c / STATE_FILE).is_file()]
    if not candidates:
        raise FileNotFoundError(f"no checkpoint at {path} (a checkpoint dir or a trial dir)")
    return candidates[-1]


def load_checkpoint(path: str | Path) -> tuple[dict[str, Any], ResolvedConfig]:
    state = read_state(find_checkpoint(path))
    if "meta" not in state:  # checkpoints written before the family contract (format 1)
        state["meta"] = {"class_names": state["class_names"], "image_shape": state["image_shape"]}
    return state, resolve(state["config"])


def resolve_label(label: str | int, names: list[str]) -> int:
    """A class by number or by (case-insensitive) name."""
    text = str(label).strip()
    if text.isdigit() and int(text) < len(names):
        return int(text)
    lowered = [name.lower() for name in names]
    if text.lower() in lowered:
        return lowered.index(text.lower())
    choices = ", ".join(f"{i} {name}" for i, name in enumerate(names))
    raise ValueError(f"unknown label {label!r}; valid choices: {choices}")


@torch.inference_mode()
def generate(checkpoint: str | Path, request: GenerateRequest) -> tuple[torch.Tensor, str]:
    """uint8 images (N x C x H x W) and a caption naming what was drawn."""
    state, resolved = load_checkpoint(checkpoint)
    if resolved.family.generate is None:
        raise ValueError(
            f"{checkpoint} holds a {resolved.settings.family} model, which does not generate"
        )
    return resolved.family.generate(state, resolved.model, request)
