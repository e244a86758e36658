"""`gantune translate`: a trained CycleGAN generator applied to a folder of images.

Each image is letterboxed and resized as the trial trained (its image size and channels),
translated, and written back at that size under its own name."""

from __future__ import annotations

from pathlib import Path

import torch

from gantune.trainables.cyclegan.config import CycleGanConfig
from gantune.trainables.generate import GenerateRequest, load_checkpoint
from gantune.trainables.nets.translation import TRANSLATORS
from gantune.trainables.translation import apply

DIRECTIONS = {"a2b": "g_ab", "b2a": "g_ba"}


def refuse_generate(state: dict, config: CycleGanConfig, request: GenerateRequest):
    raise ValueError(
        "a CycleGAN translates images rather than drawing new ones: use "
        "`gantune translate CHECKPOINT --direction a2b INPUT_DIR -o OUTPUT_DIR`"
    )


def generator_of(checkpoint: str | Path, direction: str) -> tuple[torch.nn.Module, list[int]]:
    if direction not in DIRECTIONS:
        raise ValueError(f"unknown direction {direction!r}; valid choices: a2b, b2a")
    state, resolved = load_checkpoint(checkpoint)
    config = resolved.model
    if not isinstance(config, CycleGanConfig):
        raise ValueError(
            f"{checkpoint} holds a {resolved.settings.family} model; translate needs a CycleGAN"
        )
    shape = state["meta"]["image_shape"]
    generator = TRANSLATORS.get(config.generator)(
        shape[0], config.ngf, config.n_blocks, config.norm
    )
    generator.load_state_dict(state["trainer"][DIRECTIONS[direction]])
    return generator.eval(), shape


def translate_folder(
    checkpoint: str | Path, direction: str, source: str | Path, destination: str | Path
) -> list[Path]:
    generator, (channels, size, _) = generator_of(checkpoint, direction)
    return apply.translate_folder(generator, channels, size, source, destination)
