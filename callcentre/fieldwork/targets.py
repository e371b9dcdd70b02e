"""Completes targets per stratum, from the sample design.

A design allocates ``n_h`` units to stratum ``h`` (its main sample) after inflating the
completes wanted for the expected response and eligibility rates
(:func:`callcentre.services.sampling.plan_design`: ``n = completes / (response_rate ×
eligibility_rate)``). The stratum's target of completes is that allocation deflated
again: ``ceil(n_h × response_rate × eligibility_rate)``. A design drawn by size alone
(rates 1) wants every main-sample unit completed. Once a stratum has its target, the
queue calls no new case of it (:func:`callcentre.fieldwork.rules.decide`, "held back"):
a case is held when every stratum it covers is full and nobody there was reached yet.
"""

from __future__ import annotations

import math


def completes_target(size: int, *, response_rate: float = 1.0,
                     eligibility_rate: float = 1.0) -> int:
    """Completes wanted from a stratum of ``size`` main-sample units (at least 1 if
    ``size`` > 0)."""
    if size < 0 or not 0 < response_rate <= 1 or not 0 < eligibility_rate <= 1:
        raise ValueError(f"bad target inputs: size={size}, response_rate={response_rate}, "
                         f"eligibility_rate={eligibility_rate}")
    if size == 0:
        return 0
    return max(1, math.ceil(size * response_rate * eligibility_rate - 1e-9))
