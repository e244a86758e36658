"""A trained generator applied to images: a batch of a split, or a folder of files (each
letterboxed and resized as the trial trained, written back at that size under its own
name)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from gantune.trainables.data.image_folder import IMAGE_SUFFIXES, read_image
from gantune.trainables.images import to_uint8, to_unit

BATCH = 250


@torch.inference_mode()
def translate(generator: torch.nn.Module, images: torch.Tensor) -> torch.Tensor:
    """uint8 images through a generator in eval mode, in batches; uint8 out."""
    was_training = generator.training
    generator.eval()
    out = [
        to_uint8(generator(to_unit(images[start : start + BATCH]))).to(images.device)
        for start in range(0, len(images), BATCH)
    ]
    generator.train(was_training)
    return torch.cat(out)


def image_files(source: Path) -> list[Path]:
    if not source.is_dir():
        raise FileNotFoundError(f"no folder {source}")
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    if not files:
        raise ValueError(f"{source} holds no images ({', '.join(sorted(IMAGE_SUFFIXES))})")
    return files


def translate_folder(
    generator: torch.nn.Module,
    channels: int,
    size: int,
    source: str | Path,
    destination: str | Path,
    in_channels: int | None = None,
) -> list[Path]:
    """Every image of `source` read as `in_channels` (default: `channels`) at `size`,
    through `generator`, written to `destination` under its own name."""
    source, destination = Path(source).expanduser(), Path(destination).expanduser()
    files = image_files(source)
    destination.mkdir(parents=True, exist_ok=True)
    reading = in_channels or channels
    images = torch.from_numpy(np.stack([read_image(path, size, reading) for path in files]))
    written = []
    for path, image in zip(files, translate(generator, images), strict=True):
        array = image.permute(1, 2, 0).numpy()
        picture = Image.fromarray(array[:, :, 0] if channels == 1 else array)
        picture.save(destination / path.name)
        written.append(destination / path.name)
    return written
