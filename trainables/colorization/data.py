"""A colorizer's images: colour items and the grey inputs derived from them (luma, ITU-R
BT.601), for training and test; any folder of colour or grey images at inference."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from gantune.trainables.data.image_folder import read_image
from gantune.trainables.translation.apply import image_files
from gantune.trainables.trial_data import trial_data

LUMA = (0.299, 0.587, 0.114)


def grey_of(colour: torch.Tensor) -> torch.Tensor:
    """uint8 N x 3 x H x W -> uint8 N x 1 x H x W (a grey input stays as it is)."""
    if colour.shape[1] == 1:
        return colour
    weights = torch.tensor(LUMA, device=colour.device).view(1, 3, 1, 1)
    return (colour.float() * weights).sum(dim=1, keepdim=True).round().clamp(0, 255).to(torch.uint8)


@dataclass(frozen=True)
class Split:
    grey: torch.Tensor  # uint8 N x 1 x H x W
    colour: torch.Tensor  # uint8 N x 3 x H x W
    labels: torch.Tensor  # class ids (-1: unknown)


def load_split(dataset: str, options: dict, device: torch.device, split: str) -> Split:
    loaded = trial_data(dataset, options, device, split)
    colour = loaded.images
    if colour.shape[1] != 3:
        raise ValueError(
            f"dataset {dataset!r} has {colour.shape[1]}-channel images; a colorizer learns "
            "from colour images (fashion-mnist-color, or a folder with channels=3)"
        )
    return Split(grey_of(colour), colour, loaded.labels)


def read_folder(source: Path, size: int) -> tuple[list[Path], torch.Tensor]:
    """Every image of a folder, colour or grey, as RGB at the trained size (the
    colouriser takes its lightness, or its grey)."""
    files = image_files(source)
    return files, torch.from_numpy(np.stack([read_image(path, size, 3) for path in files]))
