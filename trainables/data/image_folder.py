"""`image-folder`: a user's own images, in one of three layouts.

- `cyclegan`: `trainA/ trainB/ testA/ testB/`; labels are domain ids (0 = A, 1 = B).
- `classes`: one sub-folder per class (e.g. flowers), optionally under `train/` and
  `test/`; labels are class ids in the sorted order of the folder names.
- `attributes`: an image directory plus an attributes CSV whose `id` column names the
  files (the fashion-product-images layout: `id,gender,masterCategory,...`); labels are
  a pandas DataFrame of the CSV rows, aligned with the images.
Images are letterboxed (aspect kept, padded with their corner colour) and resized to
`size` x `size`; `channels` is 3 (RGB) or 1 (gray). A folder without a test split keeps
one image in 20 (`test_share`, chosen by a hash of the file name, so always the same
ones) for testing, and at least one of every class or attribute value that has two
images (`trainables.data.holdout`). Class names and attribute values come from the
training split (`trainables.data.vocabulary`).

Real folders are messy: CSV lines with stray commas, rows whose image is missing,
unreadable images. The whole folder is read first; then either one error lists every
problem by file and line (the default), or, with `on_bad=skip`, the bad entries are left
out and a message says how many and which. Nothing is dropped without a word.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from PIL import Image, UnidentifiedImageError

from gantune.trainables.data.holdout import holdout, too_small
from gantune.trainables.data.vocabulary import cells, check_choices

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"}
CYCLEGAN_DIRS = {"train": ("trainA", "trainB"), "test": ("testA", "testB")}
ON_BAD = ("refuse", "skip")
SPLITS = ("train", "test")
ATTRIBUTE_COLUMNS = ("articleType", "baseColour")  # the held-out share covers their values


class ImageFolderError(ValueError):
    """A folder that cannot be read as the layout asked for."""


@dataclass
class Problems:
    """What is wrong in a folder, each with where it is."""

    found: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # stray files: said, not refused

    def settle(self, root: Path, on_bad: str) -> None:
        if not self.found:
            return
        listing = "\n".join(f"  - {problem}" for problem in self.found)
        if on_bad == "refuse":
            raise ImageFolderError(
                f"{root}: {len(self.found)} problem(s); fix them, or pass on_bad=skip to "
                f"leave those entries out:\n{listing}"
            )
        print(f"{root}: skipped {len(self.found)} bad entr(ies):\n{listing}", file=sys.stderr)


def image_files(directory: Path, problems: Problems) -> list[Path]:
    files = sorted(p for p in directory.iterdir() if p.is_file())
    for stray in (p for p in files if p.suffix.lower() not in IMAGE_SUFFIXES):
        problems.ignored.append(f"{stray}: not an image file (ignored)")
    return [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]


def read_image(path: Path, size: int, channels: int) -> np.ndarray:
    with Image.open(path) as opened:
        picture = opened.convert("RGB")
    width, height = picture.size
    side = max(width, height)
    square = Image.new("RGB", (side, side), picture.getpixel((0, 0)))
    square.paste(picture, ((side - width) // 2, (side - height) // 2))
    square = square.resize((size, size), Image.BILINEAR)
    if channels == 1:
        square = square.convert("L")
    array = np.asarray(square, dtype=np.uint8)
    return array[None] if channels == 1 else array.transpose(2, 0, 1)


def read_images(
    paths: list[Path], size: int, channels: int, problems: Problems
) -> tuple[torch.Tensor, list[int]]:
    """The readable images, and the positions (in `paths`) they came from."""
    arrays, kept = [], []
    for index, path in enumerate(paths):
        try:
            arrays.append(read_image(path, size, channels))
            kept.append(index)
        except (UnidentifiedImageError, OSError, ValueError) as error:
            problems.found.append(f"{path}: cannot read the image ({error})")
    empty = torch.empty((0, channels, size, size), dtype=torch.uint8)
    return (torch.from_numpy(np.stack(arrays)) if arrays else empty), kept


def split_of(names: list[str], groups: list[list[str]], split: str, share: float) -> list[int]:
    """Positions of `split` in a folder without its own test split (`holdout`); with no
    held-out share, both splits are the whole folder."""
    if share <= 0:
        return list(range(len(names)))
    test = holdout(names, groups, share)
    return [i for i in range(len(names)) if (i in test) == (split == "test")]


@dataclass(frozen=True)
class Request:
    root: Path
    split: str
    size: int
    channels: int
    test_share: float
    problems: Problems


def load_cyclegan(request: Request, csv_name: str):
    paths, domains = [], []
    for domain, name in enumerate(CYCLEGAN_DIRS[request.split]):
        directory = request.root / name
        if not directory.is_dir():
            raise ImageFolderError(f"{request.root} has no {name}/ folder (CycleGAN layout)")
        found = image_files(directory, request.problems)
        paths += found
        domains += [domain] * len(found)
    images, kept = read_images(paths, request.size, request.channels, request.problems)
    return images, torch.tensor([domains[i] for i in kept], dtype=torch.int64)


def load_classes(request: Request, csv_name: str):
    """Class ids of the training split's class folders (sorted names); a class folder
    found only in test/ is named and left out."""
    root = request.root
    own_split = (root / "train").is_dir()
    base = root / request.split if own_split else root
    if own_split and not base.is_dir():
        raise ImageFolderError(f"{root} has no {request.split}/ folder")
    classes = class_folders(root)
    if not classes:
        raise ImageFolderError(f"{base} has no class sub-folders (one folder per class)")
    strangers = sorted(p.name for p in base.iterdir() if p.is_dir() and p.name not in classes)
    if strangers:
        request.problems.ignored.append(
            f"{base}: class folder(s) not in training, left out: {', '.join(strangers)}"
        )
    paths, labels = [], []
    for index, name in enumerate(classes):
        folder = base / name
        found = image_files(folder, request.problems) if folder.is_dir() else []
        paths += found
        labels += [index] * len(found)
    if not own_split:
        keep = split_of([p.name for p in paths], [[str(x) for x in labels]], request.split,
                        request.test_share)  # fmt: skip
        paths, labels = [paths[i] for i in keep], [labels[i] for i in keep]
    images, kept = read_images(paths, request.size, request.channels, request.problems)
    return images, torch.tensor([labels[i] for i in kept], dtype=torch.int64)


def class_folders(root: Path) -> list[str]:
    """The class names: the training split's sub-folders, sorted."""
    base = root / "train" if (root / "train").is_dir() else root
    return sorted(p.name for p in base.iterdir() if p.is_dir())


def read_table(path: Path, problems: Problems) -> pd.DataFrame:
    """The attributes CSV; a line with the wrong number of fields is a problem (by line)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or "id" not in header:
        raise ImageFolderError(f"{path} has no 'id' column")
    rows = []
    for row in reader:
        if not row:
            continue
        if len(row) != len(header):
            problems.found.append(
                f"{path}, line {reader.line_num}: {len(row)} fields, the header has "
                f"{len(header)} ({','.join(row)[:80]})"
            )
            continue
        rows.append(row)
    table = pd.DataFrame(rows, columns=header)
    return table.apply(numeric_if_possible)


def numeric_if_possible(column: pd.Series) -> pd.Series:
    try:
        return pd.to_numeric(column)
    except (ValueError, TypeError):
        return column


def load_attributes(request: Request, csv_name: str):
    root, problems = request.root, request.problems
    table_path, images_dir = root / csv_name, root / "images"
    if not table_path.is_file() or not images_dir.is_dir():
        raise ImageFolderError(f"{root} needs {csv_name} and an images/ folder (attributes layout)")
    table = read_table(table_path, problems)
    by_stem = {p.stem: p for p in image_files(images_dir, problems)}
    keys = table["id"].astype(str)
    missing = ~keys.isin(by_stem)
    for position in np.flatnonzero(missing.to_numpy()):
        problems.found.append(f"{table_path}, row id {keys.iloc[position]}: no image in images/")
    unused = set(by_stem) - set(keys)
    if unused:
        problems.ignored.append(f"{len(unused)} image(s) in images/ with no row in {csv_name}")
    table = table[~missing].reset_index(drop=True)
    if request.test_share > 0:
        groups = [cells(table[c]).fillna("").tolist() for c in ATTRIBUTE_COLUMNS if c in table]
        keep = split_of(table["id"].astype(str).tolist(), groups, request.split, request.test_share)
        table = table.iloc[keep]
    table = table.reset_index(drop=True)
    paths = [by_stem[str(key)] for key in table["id"]]
    images, kept = read_images(paths, request.size, request.channels, problems)
    return images, table.iloc[kept].reset_index(drop=True)


LAYOUTS: dict[str, Callable[[Request, str], tuple[torch.Tensor, torch.Tensor | pd.DataFrame]]] = {
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
    test_share: float = 0.05,
    on_bad: str = "refuse",
    missing: str = "unknown",
    top_values: int = 0,
    unseen: str = "skip",
) -> tuple[torch.Tensor, torch.Tensor | pd.DataFrame]:
    """uint8 N x channels x size x size and labels as the layout documents. `missing`,
    `top_values` and `unseen` say how an attributes table's empty cells, long tails and
    values unseen in training are coded (`trainables.data.vocabulary`)."""
    if root is None:
        raise ImageFolderError("image-folder needs root=<folder>")
    folder = Path(root).expanduser()
    if not folder.is_dir():
        raise ImageFolderError(f"image folder {folder} does not exist")
    if channels not in (1, 3):
        raise ImageFolderError(f"channels must be 1 or 3, not {channels}")
    if on_bad not in ON_BAD:
        raise ImageFolderError(f"unknown on_bad {on_bad!r}; valid choices: {', '.join(ON_BAD)}")
    if split not in SPLITS:
        raise ImageFolderError(f"unknown split {split!r}; valid choices: train, test")
    if not 0 <= test_share < 1:
        raise ImageFolderError(f"test_share must be in [0, 1), not {test_share}")
    try:
        check_choices(missing, unseen, top_values)
    except ValueError as error:
        raise ImageFolderError(str(error)) from None
    chosen = detect_layout(folder) if layout == "auto" else layout
    if chosen not in LAYOUTS:
        raise ImageFolderError(
            f"unknown layout {layout!r}; valid choices: auto, {', '.join(LAYOUTS)}"
        )
    problems = Problems()
    request = Request(folder, split, size, channels, test_share, problems)
    images, labels = LAYOUTS[chosen](request, csv)
    problems.settle(folder, on_bad)
    if len(images) == 0:
        if split == "test" and test_share > 0:
            count = len(load(root=root, layout=chosen, size=size, channels=channels, csv=csv,
                             test_share=0, on_bad=on_bad)[0])  # fmt: skip
            raise ImageFolderError(too_small(count, test_share, split, str(folder)))
        hint = " (set test_share above 0, or add a test folder)" if split == "test" else ""
        raise ImageFolderError(f"no {split} images found in {folder}{hint}")
    return images, labels
