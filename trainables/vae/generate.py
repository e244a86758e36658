"""Drawing images from a VAE checkpoint: prior samples, of a chosen class
(`--label Sandal`) or with chosen attributes (`--attr articleType=Sandal --attr
baseColour=Red`)."""

from __future__ import annotations

import argparse
from typing import Any

import torch

from gantune.trainables.data.vocabulary import Vocabulary
from gantune.trainables.generate import GenerateRequest, family_options
from gantune.trainables.nets.vae import build_vae
from gantune.trainables.vae.conditions import Conditions
from gantune.trainables.vae.config import VaeConfig


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--label", help="a class by name or number (a class-conditional VAE)")
    parser.add_argument(
        "--attr",
        action="append",
        metavar="NAME=VALUE",
        help="an attribute value (an attribute-conditional VAE); repeatable",
    )


def pairs(given: list[str] | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for pair in given or []:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise ValueError(f"--attr {pair!r} is not of the form name=value")
        found[name.strip()] = value.strip()
    return found


def generate(
    state: dict[str, Any], config: VaeConfig, request: GenerateRequest
) -> tuple[torch.Tensor, str]:
    meta = state["meta"]
    values = tuple(tuple(v) for v in meta["values"])
    saved = meta.get("vocabulary")
    vocabulary = Vocabulary.from_dict(saved) if saved else None
    conditions = Conditions(meta["conditioning"], tuple(meta["columns"]), values, vocabulary)
    channels, size = meta["image_shape"][0], meta["image_shape"][-1]
    _, decoder = build_vae(
        config.net, channels, size, config.latent_dim, conditions.dim, config.width
    )
    decoder.load_state_dict(state["trainer"]["decoder"])
    decoder.eval()
    count = request.count
    asked = family_options("gantune generate (a VAE)", request.options, options)
    label, attributes = asked.label, pairs(asked.attr)
    if conditions.kind == "none" and label is None and not attributes:
        codes, caption = None, f"{count} samples"
    else:
        codes = conditions.request(label, attributes, count)
        asked = [values[k][int(code)] for k, code in enumerate(codes[0])]
        caption = f"{count} x " + ", ".join(
            f"{column}={value}" for column, value in zip(conditions.columns, asked, strict=True)
        )
    z = torch.randn(count, config.latent_dim, generator=torch.Generator().manual_seed(request.seed))
    logits = decoder(z, conditions.vector(codes))
    return (torch.sigmoid(logits) * 255).round().to(torch.uint8), caption
