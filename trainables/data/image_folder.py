"""`image-folder`: a user's own images, in one of three layouts.

- `cyclegan`: `trainA/ trainB/ testA/ testB/`; labels are domain ids (0 = A, 1 = B).
- `classes`: one sub-folder per class (e.g. flowers), optionally under `train/` and
  `test/`; labels are class ids in the sorted order of the folder names.
- `attributes`: an image directory plus an attributes CSV whose `id` column names the
  files (the fashion-product-images layout: `id,gender,masterCategory,...`); labels are
  a pandas DataFrame of the CSV rows, aligned with the images.
Images are letterboxed (aspect kept, padded with their corner colour) and resized to
`size` x `size`; `channels` is 3 (RGB) or 1 (gray). Unreadable files are reported by name.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from PIL import Image, UnidentifiedImageError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
CYCLEGAN_DIRS = {"train": ("trainA", "trainB"), "test": ("testA", "testB")}


class ImageFolderError(ValueError):
    """A folder that cannot be read as the layout asked for."""


def image_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def read_image(path: Path, size: int, channels: int) -> np.ndarray:
    try:
        with Image.open(path) as opened:
            picture = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise ImageFolderError(f"cannot read image file {path}: {error}") from error
    width, height = picture.size
    side = max(width, height)
    square = Image.new("RGB", (side, side), picture.getpixel((0, 0)))
    square.paste(picture, ((side - width) // 2, (side - height) // 2))
    square = square.resize((size, size), Image.BILINEAR)
    if channels == 1:
        square = square.convert("L")
    array = np.asarray(square, dtype=np.uint8)
    return array[None] if channels == 1 else array.transpose(2, 0, 1)


def read_images(paths: list[Path], size: int, channels: int) -> torch.Tensor:
    if not paths:
        raise ImageFolderError("no image files found")
    return torch.from_numpy(np.stack([read_image(p, size, channels) for p in paths]))


def load_cyclegan(root: Path, split: str, size: int, channels: int):
    paths, domains = [], []
    for domain, name in enumerate(CYCLEGAN_DIRS[split]):
        directory = root / name
        if not directory.is_dir():
            raise ImageFolderError(f"{root} has no {name}/ folder (CycleGAN layout)")
        found = image_files(directory)
        paths += found
        domains += [domain] * len(found)
    return read_images(paths, size, channels), torch.tensor(domains, dtype=torch.int64)


def load_classes(root: Path, split: str, size: int, channels: int):
    base = root / split if (root / "train").is_dir() else root
    if base == root and split != "train":
        raise ImageFolderError(f"{root} has no {split}/ folder; a plain class layout is train only")
    classes = sorted(p.name for p in base.iterdir() if p.is_dir())
    if not classes:
        raise ImageFolderError(f"{base} has no class sub-folders")
    paths, labels = [], []
    for index, name in enumerate(classes):
        found = image_files(base / name)
        paths += found
        labels += [index] * len(found)
    return read_images(paths, size, channels), torch.tensor(labels, dtype=torch.int64)


def load_attributes(root: Path, split: str, size: int, channels: int, csv: str = "styles.csv"):
    if split != "train":
        raise ImageFolderError("the attributes layout has one split: train")
    table_path = root / csv
    images_dir = root / "images"
    if not table_path.is_file() or not images_dir.is_dir():
        raise ImageFolderError(f"{root} needs {csv} and an images/ folder (attributes layout)")
    table = pd.read_csv(table_path, on_bad_lines="skip")
    if "id" not in table.columns:
        raise ImageFolderError(f"{table_path} has no 'id' column")
    by_stem = {p.stem: p for p in image_files(images_dir)}
    present = table["id"].astype(str).isin(by_stem)
    table = table[present].reset_index(drop=True)
    paths = [by_stem[str(key)] for key in table["id"]]
    return read_images(paths, size, channels), table


LAYOUTS: dict[str, Callable[..., tuple[torch.Tensor, torch.Tensor | pd.DataFrame]]] = {
    "cyclegan": load_cyclegan,
    "classes": load_classes,
    "attributes": load_attributes,
}


def detect_layout(root: Path) -> str:
    if (root / "trainA").is_dir():
        return "cyclegan"
    if any(root.glob("*.csv")) and (root / "images").is_dir():
        return "attributes"
    return "classes"


def load(
    split: str = "train",
    root: str | None = None,
    layout: str = "auto",
    size: int = 64,
    channels: int = 3,
    csv: str = "styles.csv",
) -> tuple[torch.Tensor, torch.Tensor | pd.DataFrame]:
    """uint8 N x channels x size x size and labels as the layout documents."""
    if root is None:
        raise ImageFolderError("image-folder needs root=<folder>")
    folder = Path(root).expanduser()
    if not folder.is_dir():
        raise ImageFolderError(f"image folder {folder} does not exist")
    if channels not in (1, 3):
        raise ImageFolderError(f"channels must be 1 or 3, not {channels}")
    chosen = detect_layout(folder) if layout == "auto" else layout
    if chosen not in LAYOUTS:
        raise ImageFolderError(
            f"unknown layout {layout!r}; valid choices: auto, {', '.join(LAYOUTS)}"
        )
    if chosen == "attributes":
        return load_attributes(folder, split, size, channels, csv=csv)
    if split not in ("train", "test"):
        raise ImageFolderError(f"unknown split {split!r}; valid choices: train, test")
    return LAYOUTS[chosen](folder, split, size, channels)
