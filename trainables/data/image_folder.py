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

Real folders are messy: CSV lines with stray commas, blank or repeated ids, rows whose
image is missing, unreadable images. The whole folder is read first; then either one
error lists every problem by file and line (the default), or, with `on_bad=skip`, the bad
entries are left out and a message says how many and which. What is not an entry at all
is said too, with counts and the first names: stray files, images without a CSV row, a
test class folder without a training twin (with a hint when the names differ only in
case), a class folder with no training image (it gets no id). Names (files, folders, ids)
are read as text and NFC-normalised before they are matched or hashed. Every file under
the root is used in exactly one split or named; each message is said once per process.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from PIL import Image, UnidentifiedImageError

from gantune.trainables.data.holdout import holdout, nfc, too_small
from gantune.trainables.data.notes import listing, say
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
    """What is wrong in a folder, each with where it is, and what is not used and why."""

    found: list[str] = field(default_factory=list)
    ignored: dict[str, list[str]] = field(default_factory=dict)  # why -> names

    def ignore(self, why: str, names: list[str]) -> None:
        if names:
            self.ignored.setdefault(why, []).extend(names)

    def settle(self, root: Path, on_bad: str) -> None:
        say(
            f"{root}: {why}: {len(names)} ({listing(names)})" for why, names in self.ignored.items()
        )
        if not self.found:
            return
        listed = "\n".join(f"  - {problem}" for problem in self.found)
        if on_bad == "refuse":
            raise ImageFolderError(
                f"{root}: {len(self.found)} problem(s); fix them, or pass on_bad=skip to "
                f"leave those entries out:\n{listed}"
            )
        say([f"{root}: skipped {len(self.found)} bad entr(ies):\n{listed}"])


def image_files(directory: Path, problems: Problems, root: Path) -> list[Path]:
    """The images of a folder (sorted); anything else in it is said and left out."""
    entries = sorted(directory.iterdir())
    stray = [p for p in entries if p.is_file() and p.suffix.lower() not in IMAGE_SUFFIXES]
    problems.ignore("not an image file, left out", [str(p.relative_to(root)) for p in stray])
    inner = [p for p in entries if p.is_dir()]
    problems.ignore("a folder inside an image folder, not read", [
        f"{p.relative_to(root)}/" for p in inner
    ])  # fmt: skip
    return [p for p in entries if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]


def say_beside(root: Path, used: set[str], problems: Problems, what: str) -> None:
    """Entries at the root that the layout does not read."""
    others = [p for p in sorted(root.iterdir()) if p.name not in used]
    names = [p.name + ("/" if p.is_dir() else "") for p in others]
    problems.ignore(f"beside {what}, not read", names)


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
    root, problems = request.root, request.problems
    paths, domains = [], []
    for domain, name in enumerate(CYCLEGAN_DIRS[request.split]):
        directory = root / name
        if not directory.is_dir():
            raise ImageFolderError(f"{root} has no {name}/ folder (CycleGAN layout)")
        found = image_files(directory, problems, root)
        paths += found
        domains += [domain] * len(found)
    layout = {n for names in CYCLEGAN_DIRS.values() for n in names}
    say_beside(root, layout, problems, "trainA/ trainB/ testA/ testB/")
    images, kept = read_images(paths, request.size, request.channels, problems)
    return images, torch.tensor([domains[i] for i in kept], dtype=torch.int64)


def class_images(base: Path, problems: Problems, root: Path) -> dict[str, list[Path]]:
    """Per class folder (its NFC name), its images; files beside the folders are said."""
    loose = [p for p in sorted(base.iterdir()) if p.is_file()]
    problems.ignore("a file outside any class folder, left out", [
        str(p.relative_to(root)) for p in loose
    ])  # fmt: skip
    found: dict[str, list[Path]] = {}
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):  # one name written two
        found.setdefault(nfc(folder.name), []).extend(image_files(folder, problems, root))
    return found  # ways (NFC, NFD) is one class


def training_classes(root: Path) -> list[str]:
    """The class names: the training split's class folders that hold an image (NFC,
    sorted). An empty one gets no id."""
    base = root / "train" if (root / "train").is_dir() else root
    return sorted(
        {
            nfc(p.name)
            for p in base.iterdir()
            if p.is_dir() and any(f.suffix.lower() in IMAGE_SUFFIXES for f in p.iterdir())
        }
    )


def twin_hint(name: str, classes: list[str]) -> str:
    near = [c for c in classes if c.casefold() == name.casefold()]
    return f"{name} (train/ has {near[0]!r}: the names differ in case)" if near else name


def load_classes(request: Request, csv_name: str):
    """Class ids of the training split's class folders (sorted names); a class folder
    found only in test/, or empty in training, is named and left out."""
    root, problems = request.root, request.problems
    own_split = (root / "train").is_dir()
    if own_split and not (root / request.split).is_dir():
        raise ImageFolderError(f"{root} has no {request.split}/ folder")
    training = class_images(root / "train" if own_split else root, problems, root)
    classes = training_classes(root)
    if not training:
        raise ImageFolderError(f"{root} has no class sub-folders (one folder per class)")
    empty = sorted(name for name, files in training.items() if not files)
    problems.ignore("a class folder with no training image, given no id", empty)
    if own_split:
        say_beside(root, {"train", "test"}, problems, "train/ and test/")
        found = training if request.split == "train" else class_images(
            root / request.split, problems, root
        )  # fmt: skip
        strangers = [twin_hint(n, classes) for n in found if n not in classes and found[n]]
        problems.ignore("a test/ class folder with no train/ twin, left out", strangers)
    else:
        found = training
    paths, labels = [], []
    for index, name in enumerate(classes):
        paths += found.get(name, [])
        labels += [index] * len(found.get(name, []))
    if not own_split:
        keep = split_of([p.name for p in paths], [[str(x) for x in labels]], request.split,
                        request.test_share)  # fmt: skip
        paths, labels = [paths[i] for i in keep], [labels[i] for i in keep]
    images, kept = read_images(paths, request.size, request.channels, problems)
    return images, torch.tensor([labels[i] for i in kept], dtype=torch.int64)


def read_table(path: Path, problems: Problems) -> pd.DataFrame:
    """The attributes CSV, every cell as text (NFC): an id is a name (`0012` stays
    `0012`), and one blank cell does not turn a column into numbers. A line with the wrong
    number of fields, a blank id or a repeated one is a problem (by line)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or "id" not in header:
        raise ImageFolderError(f"{path} has no 'id' column")
    rows, first_line = [], {}
    position = header.index("id")
    for row in reader:
        if not row:
            continue
        line = reader.line_num
        if len(row) != len(header):
            problems.found.append(
                f"{path}, line {line}: {len(row)} fields, the header has "
                f"{len(header)} ({','.join(row)[:80]})"
            )
            continue
        row = [nfc(cell) for cell in row]
        key = row[position].strip()
        if not key:
            problems.found.append(f"{path}, line {line}: no id")
            continue
        if key in first_line:
            problems.found.append(f"{path}, line {line}: id {key} repeats line {first_line[key]}")
            continue
        first_line[key] = line
        rows.append([*row[:position], key, *row[position + 1 :]])
    return pd.DataFrame(rows, columns=header, dtype=object)


def load_attributes(request: Request, csv_name: str):
    root, problems = request.root, request.problems
    table_path, images_dir = root / csv_name, root / "images"
    if not table_path.is_file() or not images_dir.is_dir():
        raise ImageFolderError(f"{root} needs {csv_name} and an images/ folder (attributes layout)")
    table = read_table(table_path, problems)
    say_beside(root, {csv_name, "images"}, problems, f"{csv_name} and images/")
    by_stem: dict[str, Path] = {}
    for path in image_files(images_dir, problems, root):
        stem = nfc(path.stem)
        if stem in by_stem:
            problems.found.append(
                f"images/: two images for id {stem}: {by_stem[stem].name}, {path.name}"
            )
            continue
        by_stem[stem] = path
    keys = table["id"]
    missing = ~keys.isin(by_stem)
    for position in np.flatnonzero(missing.to_numpy()):
        problems.found.append(f"{table_path}, row id {keys.iloc[position]}: no image in images/")
    unused = sorted(set(by_stem) - set(keys))
    problems.ignore(f"an image in images/ with no row in {csv_name}, left out", [
        by_stem[stem].name for stem in unused
    ])  # fmt: skip
    table = table[~missing].reset_index(drop=True)
    if request.test_share > 0:
        groups = [cells(table[c]).fillna("").tolist() for c in ATTRIBUTE_COLUMNS if c in table]
        keep = split_of(table["id"].tolist(), groups, request.split, request.test_share)
        table = table.iloc[keep]
    table = table.reset_index(drop=True)
    paths = [by_stem[key] for key in table["id"]]
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
