"""Drawing images from a GAN checkpoint, of a chosen class for label-conditional models."""

from __future__ import annotations

import argparse
from typing import Any

import torch

from gantune.trainables.gan.conditioning import CONDITIONINGS
from gantune.trainables.gan.config import GanConfig
from gantune.trainables.gan.trainer import draw_latent, latent_size
from gantune.trainables.generate import GenerateRequest, family_options, resolve_label
from gantune.trainables.images import to_uint8
from gantune.trainables.nets.gan import build_generator


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--label", help="a class by name or number (cgan, acgan)")


def generate(
    state: dict[str, Any], config: GanConfig, request: GenerateRequest
) -> tuple[torch.Tensor, str]:
    names, shape = state["meta"]["class_names"], state["meta"]["image_shape"]
    conditioning = CONDITIONINGS.get(config.conditioning)
    label = family_options("gantune generate (a GAN)", request.options, options).label
    if label is not None and not conditioning.label_conditional:
        raise ValueError(
            f"this GAN is not label-conditional (conditioning {config.conditioning!r}); "
            "omit --label, or train with conditioning cgan or acgan"
        )
    generator = build_generator(
        config.net, latent_size(config, len(names)), shape[0], shape[-1], config.width
    )
    generator.load_state_dict(state["trainer"]["generator"])
    generator.eval()
    count, noise = request.count, torch.Generator().manual_seed(request.seed)
    if label is None:
        codes = conditioning.sample(count, len(names), config, noise, torch.device("cpu"))
        caption = f"{count} samples"
    else:
        chosen = resolve_label(label, names)
        codes = conditioning.fixed(torch.full((count,), chosen), len(names), config)
        caption = f"{count} x {names[chosen]}"
    latent = draw_latent(config, codes, count, noise, torch.device("cpu"))
    return to_uint8(generator(latent)), caption
