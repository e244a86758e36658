"""Warm-ups against the scheduler's first judgment, checked before a search starts.

A family names the config keys that count a warm-up's images (`FamilySpace.warmups`); a
scheduler that judges a trial before its warm-up ends compares trials mid-schedule (a VAE
at half its KL weight looks better or worse than it will be), so the search says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gantune.spaces.params import Choice, Fixed, Float

if TYPE_CHECKING:
    from gantune.search.plan import Plan


def possible_values(plan: Plan, key: str) -> list[float]:
    """The values a warm-up key can take in this plan: constant, or drawn."""
    if key in plan.constants:
        return [plan.constants[key]]
    if key in plan.preset.constants:
        return [plan.preset.constants[key]]
    param = plan.preset.params.get(key)
    if isinstance(param, Float):
        return [param.high]
    if isinstance(param, Choice | Fixed):
        return list(param.values())
    return []


def warmup_warnings(plan: Plan) -> list[str]:
    judged = plan.kind.first_judgment
    if judged is None:
        return []
    iteration = judged(plan.scheduler)
    images = iteration * plan.constants["images_per_iter"]
    found = []
    for key in plan.family.warmups:
        longest = max((float(v) for v in possible_values(plan, key)), default=0.0)
        if longest > images:
            found.append(
                f"warning: {key} can be up to {longest:,.0f} images, but the scheduler "
                f"({plan.scheduler.kind}) first compares trials at iteration {iteration} "
                f"({images:,} images): trials inside their warm-up are judged mid-schedule. "
                f"Shorten the warm-up, or judge later (grace_period or images_per_iter)."
            )
    return found
