"""Feature backends for FID, in a registry: our own CNNs (offline) and FID Inception.

Every backend takes uint8 images N x C x H x W as `trainables.data.load` returns them
and adapts them itself (gray <-> RGB, resizing to its input size).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from gantune.spaces.registry import Registry
from gantune.trainables.data.cache import cache_dir
from gantune.trainables.nets.classifier import CLASSIFIER_NETS, Classifier, fold_batch_norm

WEIGHTS_DIR = Path(__file__).with_name("weights")
LUMA = torch.tensor([0.299, 0.587, 0.114]).view(1, 3, 1, 1)


def adapt(images: torch.Tensor, channels: int, size: int, device: torch.device) -> torch.Tensor:
    """uint8 images -> float [0, 1] with the channels and size a network takes."""
    batch = images.to(device).float().div_(255.0)
    if batch.shape[1] == 3 and channels == 1:
        batch = (batch * LUMA.to(device)).sum(dim=1, keepdim=True)
    elif batch.shape[1] == 1 and channels == 3:
        batch = batch.expand(-1, 3, -1, -1)
    if batch.shape[-1] != size or batch.shape[-2] != size:
        shrink = batch.shape[-1] > size
        batch = F.interpolate(
            batch, (size, size), mode="bilinear", align_corners=False, antialias=shrink
        )
    return batch


def state_digest(state: dict[str, torch.Tensor]) -> str:
    """A digest of a state dict's tensors (names, shapes and bytes), independent of file format."""
    digest = hashlib.sha256()
    for name in sorted(state):
        tensor = state[name].detach().cpu().contiguous()
        digest.update(f"{name}:{tuple(tensor.shape)}:{tensor.dtype}".encode())
        digest.update(tensor.numpy().tobytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, computed once per (path, size, mtime) in a process."""
    stat = path.stat()
    return _digest(str(path.resolve()), stat.st_size, stat.st_mtime_ns)


class FeatureBackend(ABC):
    name: str
    channels: int
    size: int

    @abstractmethod
    def identity(self) -> str:
        """Names the exact weights, so cached statistics never outlive them."""

    @abstractmethod
    def network(self, device: torch.device) -> Callable[[torch.Tensor], torch.Tensor]:
        """A function from adapted float batches to feature vectors."""

    @torch.inference_mode()
    def embed(
        self, images: torch.Tensor, batch_size: int = 250, device: torch.device | None = None
    ) -> np.ndarray:
        """Features (float64, N x D) of uint8 images; eval mode, so independent of batching."""
        device = device or torch.device("cpu")
        run = self.network(device)
        chunks = [
            run(adapt(images[start : start + batch_size], self.channels, self.size, device))
            .double()
            .cpu()
            for start in range(0, len(images), batch_size)
        ]
        return torch.cat(chunks).numpy()

    def classify(self, images: torch.Tensor) -> torch.Tensor:
        raise ValueError(f"feature backend {self.name!r} has no class head")


class CnnBackend(FeatureBackend):
    """Penultimate features of one of our classifiers (`gantune metrics train-features`)."""

    def __init__(self, name: str, directory: Path = WEIGHTS_DIR) -> None:
        self.name = name
        self.weights = directory / f"{name}.pt"
        recipe = directory / f"{name}.json"
        if not self.weights.is_file() or not recipe.is_file():
            raise FileNotFoundError(
                f"weights of feature backend {name!r} not found at {self.weights}; "
                f"run `gantune metrics train-features {name}`"
            )
        self.recipe = json.loads(recipe.read_text())
        self.channels, self.size = self.recipe["channels"], self.recipe["size"]
        self.class_of_output = torch.tensor(self.recipe["class_of_output"])
        self.heads: tuple[int, ...] = tuple(self.recipe.get("heads", ()))
        self.head_names: tuple[str, ...] = tuple(self.recipe.get("head_names", ()))
        self._models: dict[str, Classifier] = {}

    def identity(self) -> str:
        return self.recipe["digest"]

    def model(self, device: torch.device) -> Classifier:
        if str(device) not in self._models:
            build = CLASSIFIER_NETS.get(self.recipe["net"])
            model = build(self.channels, self.size, len(self.recipe["output_names"]))
            model.load_state_dict(torch.load(self.weights, map_location="cpu", weights_only=True))
            self._models[str(device)] = fold_batch_norm(model.eval()).to(device)
        return self._models[str(device)]

    def network(self, device: torch.device) -> Callable[[torch.Tensor], torch.Tensor]:
        return self.model(device).features

    @torch.inference_mode()
    def logits(self, images: torch.Tensor, batch_size: int = 500) -> torch.Tensor:
        model, cpu = self.model(torch.device("cpu")), torch.device("cpu")
        outputs = [
            model(adapt(images[start : start + batch_size], self.channels, self.size, cpu))
            for start in range(0, len(images), batch_size)
        ]
        return torch.cat(outputs)

    def classify(self, images: torch.Tensor) -> torch.Tensor:
        """The class (not the output unit) each image is assigned to (the first head's)."""
        logits = self.logits(images)
        first = logits[:, : self.heads[0]] if self.heads else logits
        return self.class_of_output[first.argmax(dim=1)]

    def classify_attributes(self, images: torch.Tensor) -> torch.Tensor:
        """N x heads: each image's predicted value of every attribute head."""
        if not self.heads:
            raise ValueError(f"feature backend {self.name!r} has no attribute heads")
        parts = self.logits(images).split(list(self.heads), dim=1)
        return torch.stack([part.argmax(dim=1) for part in parts], dim=1)


INCEPTION_FILE = "pt_inception-2015-12-05-6726825d.pth"
INCEPTION_URL = (
    f"https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/{INCEPTION_FILE}"
)


def inception_weights_path() -> Path:
    explicit = os.environ.get("GANTUNE_INCEPTION_WEIGHTS")
    return Path(explicit).expanduser() if explicit else cache_dir() / "weights" / INCEPTION_FILE


class InceptionBackend(FeatureBackend):
    """The standard FID Inception (pool3, 2048-d), comparable with Lucic et al. 2018."""

    name, channels, size = "inception", 3, 299

    def __init__(self, weights: Path | None = None) -> None:
        self.weights = weights or inception_weights_path()
        if not self.weights.is_file():
            raise FileNotFoundError(
                f"FID Inception weights not found at {self.weights}. Download {INCEPTION_URL} "
                f"and put it there, or set GANTUNE_INCEPTION_WEIGHTS to the file."
            )
        self._models: dict[str, torch.nn.Module] = {}

    def identity(self) -> str:
        return file_digest(self.weights)

    def network(self, device: torch.device) -> Callable[[torch.Tensor], torch.Tensor]:
        from gantune.trainables.metrics.inception import fid_inception

        if str(device) not in self._models:
            self._models[str(device)] = fid_inception(self.weights).to(device)
        return self._models[str(device)]


BACKENDS: Registry[Callable[[], FeatureBackend]] = Registry("feature backend")
BACKENDS.register("fmnist-cnn", lambda: CnnBackend("fmnist-cnn"))
BACKENDS.register("leather-denim-cnn", lambda: CnnBackend("leather-denim-cnn"))
BACKENDS.register("fashion-attributes-cnn", lambda: CnnBackend("fashion-attributes-cnn"))
BACKENDS.register("inception", InceptionBackend)


def trained_dir() -> Path:
    """Where `gantune metrics train-features --dataset ...` keeps the nets it trains."""
    return cache_dir() / "feature-nets"


def trained_names() -> list[str]:
    folder = trained_dir()
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def known_backend(name: str) -> bool:
    return name in BACKENDS or name in trained_names()


@functools.cache
def get_backend(name: str) -> FeatureBackend:
    """One instance per process and name (weights are read once): a committed backend, or
    a feature net trained for a dataset into the cache."""
    if name not in BACKENDS and name in trained_names():
        return CnnBackend(name, trained_dir())
    return BACKENDS.get(name)()
