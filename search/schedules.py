"""Warm-ups against the scheduler's first judgment, checked before a search starts.

A family names the config keys that count a warm-up's images (`FamilySpace.warmups`); a
scheduler that judges a trial before its warm-up ends compares trials mid-schedule (a VAE
at half its KL weight looks better or worse than it will be), so the search says so."""

from __future__ import annotations

from typing import Any

from spaces.params import Choice, Fixed, Float

# The iteration at which each scheduler kind first compares trials (none for FIFO).
FIRST_JUDGMENT = {
    "asha": lambda s: s.grace_period,
    "curve": lambda s: s.grace_period,
    "pbt": lambda s: s.perturbation_interval,
}


def possible_values(spec: Any, key: str) -> list[float]:
    """The values a warm-up key can take in this spec: fixed, constant, or drawn."""
    if key in spec.fixed:
        return [spec.fixed[key]]
    preset = spec.preset_object()
    if key in preset.constants:
        return [preset.constants[key]]
    param = preset.params.get(key)
    if isinstance(param, Float):
        return [param.high]
    if isinstance(param, Choice | Fixed):
        return list(param.values())
    return []


def warmup_warnings(spec: Any) -> list[str]:
    judged = FIRST_JUDGMENT.get(spec.scheduler.kind)
    if judged is None:
        return []
    iteration = judged(spec.scheduler)
    images = iteration * spec.images_per_iter
    found = []
    for key in spec.describe().warmups:
        longest = max((float(v) for v in possible_values(spec, key)), default=0.0)
        if longest > images:
            found.append(
                f"warning: {key} can be up to {longest:,.0f} images, but the scheduler "
                f"({spec.scheduler.kind}) first compares trials at iteration {iteration} "
                f"({images:,} images): trials inside their warm-up are judged mid-schedule. "
                f"Shorten the warm-up, or judge later (grace_period or images_per_iter)."
            )
    return found
