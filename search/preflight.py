"""Checks that need data or weights, run in the driver before any trial starts: the
family prepares what its trials will share (the dataset is readable and cached for the
workers, FID reference statistics are computed once here rather than by the first trials
at once). One sample config per stratum, since strata may differ in what they need."""

from __future__ import annotations

from gantune.search.plan import Plan
from gantune.trainables.trial import resolve


def check(plan: Plan) -> None:
    for config in plan.samples:
        resolved = resolve(config)
        resolved.family.prepare(resolved.model)
