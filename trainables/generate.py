"""Drawing images of a chosen class from a trained GAN checkpoint (`gantune generate`)."""

from __future__ import annotations

from pathlib import Path

import torch

from trainables.gan.conditioning import CONDITIONINGS
from trainables.gan.trainer import draw_latent, latent_size
from trainables.images import to_uint8
from trainables.nets.gan import build_generator
from trainables.session import STATE_FILE, read_state
from trainables.trial import resolve


def find_checkpoint(path: str | Path) -> Path:
    """A checkpoint dir or its state file, or a trial dir (its latest checkpoint)."""
    path = Path(path)
    if path.is_file() or (path / STATE_FILE).is_file():
        return path
    candidates = sorted(path.glob("checkpoint_*"), key=lambda p: p.name)
    candidates = [c for c in candidates if (c / STATE_FILE).is_file()]
    if not candidates:
        raise FileNotFoundError(f"no GAN checkpoint at {path}")
    return candidates[-1]


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
def generate(
    checkpoint: str | Path, label: str | int | None = None, count: int = 6, seed: int = 0
) -> tuple[torch.Tensor, str]:
    """uint8 images (N x C x H x W) and a caption naming what was drawn."""
    state = read_state(find_checkpoint(checkpoint))
    resolved = resolve(state["config"])
    if resolved.settings.family != "gan":
        raise ValueError(f"{checkpoint} holds a {resolved.settings.family} model, not a GAN")
    config, names = resolved.model, state["class_names"]
    conditioning = CONDITIONINGS.get(config.conditioning)
    if label is not None and not conditioning.label_conditional:
        raise ValueError(
            f"this GAN is not label-conditional (conditioning {config.conditioning!r}); "
            "omit --label, or train with conditioning cgan or acgan"
        )
    channels, size = state["image_shape"][0], state["image_shape"][-1]
    generator = build_generator(
        config.net, latent_size(config, len(names)), channels, size, config.width
    )
    generator.load_state_dict(state["trainer"]["generator"])
    generator.eval()
    noise = torch.Generator().manual_seed(seed)
    if label is None:
        codes = conditioning.sample(count, len(names), config, noise, torch.device("cpu"))
        caption = f"{count} samples"
    else:
        chosen = resolve_label(label, names)
        codes = conditioning.fixed(torch.full((count,), chosen), len(names), config)
        caption = f"{count} x {names[chosen]}"
    latent = draw_latent(config, codes, count, noise, torch.device("cpu"))
    return to_uint8(generator(latent)), caption
