"""Drawing images from a VAE checkpoint: prior samples, of a chosen class
(`--label Sandal`) or with chosen attributes (`--attr articleType=Sandal --attr
baseColour=Red`)."""

from __future__ import annotations

from typing import Any

import torch

from trainables.generate import GenerateRequest
from trainables.nets.vae import build_vae
from trainables.vae.conditions import Conditions
from trainables.vae.config import VaeConfig


def generate(
    state: dict[str, Any], config: VaeConfig, request: GenerateRequest
) -> tuple[torch.Tensor, str]:
    meta = state["meta"]
    values = tuple(tuple(v) for v in meta["values"])
    conditions = Conditions(meta["conditioning"], tuple(meta["columns"]), values)
    channels, size = meta["image_shape"][0], meta["image_shape"][-1]
    _, decoder = build_vae(
        config.net, channels, size, config.latent_dim, conditions.dim, config.width
    )
    decoder.load_state_dict(state["trainer"]["decoder"])
    decoder.eval()
    count = request.count
    if conditions.kind == "none" and request.label is None and not request.attributes:
        codes, caption = None, f"{count} samples"
    else:
        codes = conditions.request(request.label, request.attributes, count)
        asked = [values[k][int(code)] for k, code in enumerate(codes[0])]
        caption = f"{count} x " + ", ".join(
            f"{column}={value}" for column, value in zip(conditions.columns, asked, strict=True)
        )
    z = torch.randn(count, config.latent_dim, generator=torch.Generator().manual_seed(request.seed))
    logits = decoder(z, conditions.vector(codes))
    return (torch.sigmoid(logits) * 255).round().to(torch.uint8), caption
