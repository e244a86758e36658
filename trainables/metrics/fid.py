"""FID against cached reference statistics, and the class agreement of conditional models.

Reference statistics are computed once per (dataset and its options, split, backend and
its weights, resolution), stored under the cache dir, and guarded by a file lock so that
trials starting together compute them once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import numpy as np
import torch

from gantune.trainables import data
from gantune.trainables.data.cache import atomic_write, cache_dir, file_lock, save_npz_atomic
from gantune.trainables.metrics.backends import get_backend, trained_names
from gantune.trainables.metrics.frechet import GaussianStats

log = logging.getLogger(__name__)
Reference = tuple[str, str]  # (dataset, split)
_memo: dict[tuple, dict[str, np.ndarray]] = {}


def resolve_backend(
    dataset: str, backend: str | None = None, options: dict[str, Any] | None = None
) -> str:
    """The FID feature backend to use, the one place this rule lives: the one asked for;
    else a feature net trained for this dataset and its options (`gantune metrics
    train-features --dataset`); else the dataset's registered default."""
    if backend:
        return backend
    trained = derived_name(dataset, options or {})
    if trained in trained_names():
        return trained
    default = data.DATASETS.get(dataset).fid_backend
    if default is None:
        raise ValueError(
            f"dataset {dataset!r} has no FID feature net; train one for it with `gantune "
            f"metrics train-features --dataset {dataset} -O ...`, or name one (e.g. inception)"
        )
    return default


def derived_name(dataset: str, options: dict[str, Any]) -> str:
    """The cache name of a feature net trained on `dataset` with `options`."""
    canonical = json.dumps(options, sort_keys=True, default=str)
    suffix = "-" + hashlib.sha256(canonical.encode()).hexdigest()[:8] if options else ""
    return f"{dataset}{suffix}-cnn"


def cache_key(dataset: str, split: str, backend: str, size: int, options: dict) -> str:
    """The cache name of a dataset split's arrays under a backend's weights; `size` is
    the images' resolution (or, for a floor, its sample count)."""
    identity = get_backend(backend).identity()[:12]
    suffix = ""
    if options:
        canonical = json.dumps(options, sort_keys=True, default=str).encode()
        suffix = "-" + hashlib.sha256(canonical).hexdigest()[:10]
    unit = "px" if split != "train-vs-test" else "samples"
    return f"{dataset}{suffix}-{split}-{backend}-{identity}-{size}{unit}"


def reference_arrays(
    reference: Reference,
    backend: str,
    options: dict[str, Any],
    device: torch.device | None,
    domain: int | None,
    kind: str,
) -> dict[str, np.ndarray]:
    """The cached arrays of a dataset split (or one of its two domains): its Gaussian fit
    (`kind` "stats") or its features ("features"), computed once under a file lock."""
    dataset, split = reference
    images, labels = data.load(dataset, split, **options)
    if domain is not None:
        images = images[data.domains(dataset, labels, **options).ids == domain]
    key = cache_key(dataset, split, backend, images.shape[-1], options)
    key += (f"-domain{domain}" if domain is not None else "") + (
        "" if kind == "stats" else "-features"
    )
    path = cache_dir() / "fid-reference" / f"{key}.npz"
    if not path.is_file():
        with file_lock(path.with_suffix(".lock")):
            if not path.is_file():  # another process may have written it meanwhile
                log.info(
                    "computing reference %s for %s", "statistics" if kind == "stats" else kind, key
                )
                features = get_backend(backend).embed(images, device=device)
                arrays = (
                    GaussianStats.of(features).to_arrays()
                    if kind == "stats"
                    else {"features": features.astype(np.float32)}
                )
                save_npz_atomic(path, arrays)
    with np.load(path) as archive:
        return {name: archive[name] for name in archive.files}


def memoised(
    reference: Reference,
    backend: str | None,
    options: dict[str, Any] | None,
    device: torch.device | None,
    domain: int | None,
    kind: str,
) -> dict[str, np.ndarray]:
    dataset, split = reference
    options = options or {}
    backend = resolve_backend(dataset, backend, options)
    identity = get_backend(backend).identity()  # other weights under one name: other stats
    canonical = json.dumps(options, sort_keys=True, default=str)
    memo_key = (dataset, split, backend, identity, canonical, domain, kind)
    if memo_key not in _memo:
        _memo[memo_key] = reference_arrays(reference, backend, options, device, domain, kind)
    return _memo[memo_key]


def reference_statistics(
    reference: Reference,
    backend: str | None = None,
    options: dict[str, Any] | None = None,
    device: torch.device | None = None,
    domain: int | None = None,
) -> GaussianStats:
    """Gaussian fit of the backend's features of a dataset split, cached on disk."""
    return GaussianStats.from_arrays(memoised(reference, backend, options, device, domain, "stats"))


def reference_features(
    reference: Reference,
    backend: str | None = None,
    options: dict[str, Any] | None = None,
    device: torch.device | None = None,
    domain: int | None = None,
) -> np.ndarray:
    """The backend's features of a dataset split or domain (float32), cached on disk."""
    return memoised(reference, backend, options, device, domain, "features")["features"]


def statistics(
    images: torch.Tensor, backend: str, device: torch.device | None = None
) -> GaussianStats:
    return GaussianStats.of(get_backend(backend).embed(images, device=device))


def fid(
    generated: torch.Tensor,
    reference: Reference = ("fashion-mnist", "test"),
    backend: str | None = None,
    options: dict[str, Any] | None = None,
    device: torch.device | None = None,
    domain: int | None = None,
) -> float:
    """FID of uint8 images (N x C x H x W) against a dataset split (or one of its domains)."""
    backend = resolve_backend(reference[0], backend, options)
    target = reference_statistics(reference, backend, options, device, domain)
    return statistics(generated, backend, device).distance(target)


def real_floor(
    dataset: str = "fashion-mnist",
    backend: str | None = None,
    count: int = 10000,
    seed: int = 0,
    options: dict[str, Any] | None = None,
    domain: int | None = None,
) -> float:
    """FID of `count` random train images against the test split (of one domain, for a
    two-domain dataset): the best a model can hope for at that sample count. Computed
    once per dataset, options, backend and its weights, count and seed, then read from
    the cache (a report never recomputes it)."""
    options = options or {}
    backend = resolve_backend(dataset, backend, options)
    key = cache_key(dataset, "train-vs-test", backend, count, options) + f"-seed{seed}"
    key += f"-domain{domain}" if domain is not None else ""
    path = cache_dir() / "fid-reference" / f"{key}-floor.json"
    if not path.is_file():
        with file_lock(path.with_suffix(".lock")):
            if not path.is_file():
                images, labels = data.load(dataset, "train", **options)
                if domain is not None:
                    images = images[data.domains(dataset, labels, **options).ids == domain]
                generator = torch.Generator().manual_seed(seed)
                chosen = torch.randperm(len(images), generator=generator)[:count]
                value = fid(images[chosen], (dataset, "test"), backend, options, domain=domain)
                atomic_write(path, lambda tmp: tmp.write_text(json.dumps({"fid": value})))
    return float(json.loads(path.read_text())["fid"])


def class_agreement(
    images: torch.Tensor, requested: torch.Tensor, backend: str = "fmnist-cnn"
) -> float:
    """Fraction of samples that the backend's classifier assigns to the class asked for."""
    predicted = get_backend(backend).classify(images)
    return float((predicted == requested.cpu()).float().mean())


def prepare_fid(
    dataset: str,
    options: dict[str, Any],
    backend: str | None,
    domains: tuple[int | None, ...] = (None,),
) -> None:
    """Driver-side, before any trial: the dataset can be read and its test statistics (of
    the whole split, or of each of its domains) are cached, so trials starting together do
    not all compute them."""
    try:
        data.load(dataset, "test", **options)
    except (OSError, ValueError, RuntimeError) as error:
        raise ValueError(f"dataset {dataset!r} is not available: {error}") from error
    for domain in domains:
        reference_statistics(
            (dataset, "test"), resolve_backend(dataset, backend, options), options, domain=domain
        )


def prepare_config_fid(config: Any) -> None:
    """`prepare_fid` for a family config naming its `dataset`, `dataset_options` and
    `fid_backend` (the GAN's and the VAE's)."""
    prepare_fid(config.dataset, config.dataset_options, config.fid_backend)
