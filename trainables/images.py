"""Image conversions and PNG grids shared by the data layer, the trial loop and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """uint8 [0, 255] -> float [-1, 1] (the range every generator produces)."""
    return images.float().mul_(2.0 / 255.0).sub_(1.0)


def to_uint8(images: torch.Tensor) -> torch.Tensor:
    """float [-1, 1] -> uint8 [0, 255], rounded as a saved image would be."""
    return images.detach().add(1.0).mul_(127.5).round_().clamp_(0, 255).to(torch.uint8)


def grid(images: torch.Tensor, columns: int, padding: int = 2, fill: int = 0) -> np.ndarray:
    """uint8 N x C x H x W -> one H' x W' x 3 uint8 array, row-major."""
    images = images.detach().cpu()
    if images.shape[1] == 1:
        images = images.expand(-1, 3, -1, -1)
    count, _, height, width = images.shape
    rows = max(1, -(-count // columns))
    out = np.full(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, 3),
        fill,
        dtype=np.uint8,
    )
    for index in range(count):
        row, column = divmod(index, columns)
        top, left = padding + row * (height + padding), padding + column * (width + padding)
        out[top : top + height, left : left + width] = images[index].permute(1, 2, 0).numpy()
    return out


def labelled_rows(
    rows: Sequence[tuple[str, torch.Tensor]], columns: int, scale: int = 2, padding: int = 2
) -> np.ndarray:
    """One grid row per (name, images), the name written to the left of its row."""
    blocks = [grid(images[:columns], columns, padding, fill=255) for _, images in rows]
    font = ImageFont.load_default()
    label_width = 8 + max(int(font.getlength(name)) for name, _ in rows) // scale
    width = label_width + max(block.shape[1] for block in blocks)
    canvas = np.full((sum(b.shape[0] for b in blocks), width, 3), 255, dtype=np.uint8)
    top = 0
    for block in blocks:
        canvas[top : top + block.shape[0], label_width : label_width + block.shape[1]] = block
        top += block.shape[0]
    picture = Image.fromarray(canvas).resize(
        (canvas.shape[1] * scale, canvas.shape[0] * scale), Image.NEAREST
    )
    draw = ImageDraw.Draw(picture)
    top = 0
    for (name, _), block in zip(rows, blocks, strict=True):
        middle = (top + block.shape[0] // 2) * scale
        draw.text((4, middle - 6), name, fill=(0, 0, 0), font=font)
        top += block.shape[0]
    return np.asarray(picture)


def save_png(array: np.ndarray, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)
    return path
