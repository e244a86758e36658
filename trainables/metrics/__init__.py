"""Metrics: feature backends, Fréchet distance, FID with cached reference statistics."""

from gantune.trainables.metrics.fid import (
    class_agreement,
    fid,
    prepare_config_fid,
    prepare_fid,
    real_floor,
    reference_features,
    reference_statistics,
    resolve_backend,
)
from gantune.trainables.metrics.frechet import GaussianStats, frechet_distance

__all__ = [
    "GaussianStats",
    "class_agreement",
    "fid",
    "frechet_distance",
    "prepare_config_fid",
    "prepare_fid",
    "real_floor",
    "reference_features",
    "reference_statistics",
    "resolve_backend",
]
