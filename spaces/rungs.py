"""The iterations at which an asynchronous successive-halving scheduler judges trials (its
rungs), shared by the scheduler's replay, the report and the checks of a spec."""

from __future__ import annotations


def asha_rungs(max_t: int, grace_period: int, reduction_factor: int) -> list[int]:
    """grace, grace x rf, grace x rf^2, ... below max_t, then max_t (Ray's ASHA milestones
    for one bracket)."""
    if grace_period < 1 or reduction_factor < 2:
        raise ValueError(
            f"rungs need grace_period >= 1 and reduction_factor >= 2, not {grace_period} and "
            f"{reduction_factor}"
        )
    rungs, milestone = [], grace_period
    while milestone < max_t:
        rungs.append(milestone)
        milestone *= reduction_factor
    return [*rungs, max_t]
