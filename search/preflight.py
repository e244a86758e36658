"""Checks that need data or weights, run in the driver before any trial starts: the
dataset can be obtained (and is cached for the workers), and the FID reference
statistics exist (computed once here rather than by the first trials at once)."""

from __future__ import annotations

import contextlib

from search.spec import ExperimentSpec
from trainables import data
from trainables.metrics import reference_statistics


def check(spec: ExperimentSpec) -> None:
    try:
        data.load(spec.dataset, "test", **spec.dataset_options)
    except (OSError, ValueError, RuntimeError) as error:
        raise ValueError(f"dataset {spec.dataset!r} is not available: {error}") from error
    if spec.metric == "fid":
        backend = spec.fixed.get("fid_backend") or data.DATASETS.get(spec.dataset).fid_backend
        with contextlib.suppress(ValueError):
            reference_statistics((spec.dataset, "test"), backend, spec.dataset_options)
