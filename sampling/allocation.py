"""Allocation of a total sample size to strata (DESIGN §4).

Every method gives each stratum a *measure* ``a_h``:

===============  =======================================================
``proportional``  ``N_h``
``neyman``        ``N_h · S_h`` with ``S_h = √(p_h (1 − p_h))`` or given ``sd``
``power``         ``N_h ** q`` (``q = power``; 1 is proportional, 0 equal)
``equal``         ``1`` for every non-empty stratum
``fixed``         the sizes are given (``fixed=``), nothing is allocated
===============  =======================================================

The continuous allocation is ``x_h = clip(λ a_h, lower_h, upper_h)`` with
``lower_h = min(minimum_h, N_h)``, ``upper_h = min(maximum_h, N_h)`` (``N_h``
for take-all strata on both sides) and ``λ`` such that ``Σ x_h = n``. That is the
fixed point of "fix the strata that break a bound at the bound, reallocate the
rest, repeat until stable"; it is found exactly (the set of strata at a bound is
located by bisection on ``λ``, then ``λ`` is solved for in closed form). Integers
come from largest-remainder rounding within the bounds, so ``Σ n_h = n`` exactly
and no stratum gets more than its population (a cap other libraries forget).

Zero-variance strata (Neyman with ``p_h`` = 0 or 1, or ``S_h`` = 0) have
``a_h = 0``. The stated rule: such a stratum still gets at least
``min(zero_sd_minimum, N_h)`` units (default 2, the least that gives a
within-stratum variance, so the stratum can be estimated and an expected
proportion of exactly 0 or 1 can be checked); ``zero_sd_minimum=0`` asks for
none. When every stratum with ``a_h > 0`` is at its upper bound and ``n`` is not
yet reached, the rest goes to the strata with ``a_h = 0`` in proportion to
``N_h`` (the only feasible answer: ``allocate([100, 100], 150,
method="neyman", p=[0.5, 0])`` is ``[100, 50]``).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["METHODS", "allocate", "round_largest_remainder"]

METHODS = ("proportional", "neyman", "power", "equal", "fixed")
Method = Literal["proportional", "neyman", "power", "equal", "fixed"]


class InfeasibleAllocation(ValueError):
    """No allocation satisfies the bounds: ``bound`` is ``"minimum"`` (the minimum,
    fixed and take-all sizes add up to more than ``n``) or ``"maximum"`` (the
    maximum sizes add up to less than ``n``); ``total`` is that sum."""

    def __init__(self, bound: str, total: int, n: int) -> None:
        self.bound, self.total, self.n = bound, total, n
        if bound == "minimum":
            text = f"infeasible: the minimum, fixed and take-all sizes add up to {total}, more than n={n}"
        else:
            text = f"infeasible: the maximum sizes add up to {total}, less than n={n}"
        super().__init__(text)


def allocate(
    population_sizes: ArrayLike,
    n: int | None,
    *,
    method: Method = "proportional",
    p: ArrayLike | None = None,
    sd: ArrayLike | None = None,
    power: float = 0.5,
    minimum: ArrayLike = 0,
    maximum: ArrayLike | None = None,
    take_all: ArrayLike | None = None,
    fixed: ArrayLike | None = None,
    zero_sd_minimum: int = 2,
) -> NDArray[np.int64]:
    """Allocate ``n`` sample units to strata.

    Parameters
    ----------
    population_sizes : array_like of int
        ``N_h``, the number of frame units per stratum (non-negative).
    n : int
        Total sample size. When it is at least ``Σ N_h`` (within the bounds) every
        stratum is taken whole. May be ``None`` for ``method="fixed"``.
    method : {"proportional", "neyman", "power", "equal", "fixed"}
        Allocation rule, see the module notes.
    p : array_like of float, optional
        Expected proportions ``p_h`` per stratum (or one for all), for Neyman:
        ``S_h = √(p_h (1 − p_h))``.
    sd : array_like of float, optional
        Standard deviations ``S_h`` for Neyman, instead of ``p``.
    power : float, optional
        Exponent ``q`` of power allocation, in [0, 1]; default 0.5.
    minimum : int or array_like of int, optional
        Least sample per stratum (a stratum smaller than it is taken whole).
    maximum : int or array_like of int, optional
        Most sample per stratum (besides the cap at ``N_h``, always applied).
    take_all : array_like of bool, optional
        Strata to take whole (certainty strata): ``n_h = N_h``.
    fixed : array_like of int, optional
        For ``method="fixed"``: the sizes. Otherwise, sizes that are imposed on
        some strata: a negative entry means "allocate this one".
    zero_sd_minimum : int, optional
        Neyman only: least sample of a non-empty stratum whose ``S_h`` is 0
        (``p_h`` = 0 or 1), capped at ``N_h`` and the maximum; default 2, 0 to
        allow none (see the module notes).

    Returns
    -------
    numpy.ndarray of int64
        ``n_h`` per stratum, with ``lower_h ≤ n_h ≤ upper_h`` and
        ``Σ n_h = min(n, Σ upper_h)``.

    Raises
    ------
    ValueError
        With the cause: a bad method or argument, the minimums (and fixed or
        take-all sizes) adding up to more than ``n``, or the maximums adding up to
        less than ``n`` while the population would allow it.

    Examples
    --------
    >>> allocate([100, 200, 700], 100).tolist()
    [10, 20, 70]
    >>> allocate([100, 200, 700], 10, minimum=2).tolist()
    [2, 2, 6]
    >>> allocate([5, 200, 700], 100, method="equal").tolist()
    [5, 48, 47]
    >>> allocate([100, 100], 50, method="neyman", p=[0.5, 0.1]).tolist()
    [31, 19]
    >>> allocate([100, 100], 50, method="neyman", p=[0.5, 0.0]).tolist()
    [48, 2]
    """
    big_n = _as_int_array(population_sizes, "population_sizes")
    h = big_n.size
    if h == 0:
        raise ValueError("population_sizes is empty")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if isinstance(zero_sd_minimum, bool) or int(zero_sd_minimum) != zero_sd_minimum \
            or zero_sd_minimum < 0:
        raise ValueError(f"zero_sd_minimum must be a non-negative integer, got {zero_sd_minimum!r}")
    a = (None if method == "fixed"
         else _measure(big_n, method, p=p, sd=sd, power=power))

    lower = np.minimum(_per_stratum(minimum, h, "minimum"), big_n)
    upper = big_n.copy()
    if maximum is not None:
        mx = _per_stratum(maximum, h, "maximum")
        upper = np.minimum(upper, mx)
    if np.any(lower > upper):
        s = int(np.flatnonzero(lower > upper)[0])
        raise ValueError(
            f"minimum ({int(lower[s])}) exceeds maximum ({int(upper[s])}) in stratum {s}"
        )
    if take_all is not None:
        ta = np.asarray(take_all, dtype=bool)
        if ta.shape != (h,):
            raise ValueError(f"take_all must have one flag per stratum ({h}), got shape {ta.shape}")
        lower = np.where(ta, big_n, lower)
        upper = np.where(ta, big_n, upper)
    if fixed is not None:
        fx = np.asarray(fixed)
        if fx.shape != (h,):
            raise ValueError(f"fixed must have one size per stratum ({h}), got shape {fx.shape}")
        fx = _as_int_array(np.where(fx < 0, -1, fx), "fixed", allow_negative=True)
        too_big = fx > big_n
        if np.any(too_big):
            s = int(np.flatnonzero(too_big)[0])
            raise ValueError(
                f"fixed size {int(fx[s])} exceeds the population {int(big_n[s])} of stratum {s}"
            )
        if method == "fixed" and np.any(fx < 0):
            raise ValueError("method='fixed' needs a size (>= 0) for every stratum")
        lower = np.where(fx >= 0, fx, lower)
        upper = np.where(fx >= 0, fx, upper)
    elif method == "fixed":
        raise ValueError("method='fixed' needs fixed= sizes")

    if method == "fixed":
        total = int(upper.sum())
        if n is not None and int(n) != total:
            raise ValueError(f"fixed sizes add up to {total}, not n={n}")
        return upper.astype(np.int64)

    if n is None or isinstance(n, bool) or int(n) != n or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    n = int(n)

    if method == "neyman" and a is not None:
        zero = (a == 0) & (big_n > 0)
        lower = np.where(zero, np.maximum(lower, np.minimum(int(zero_sd_minimum), upper)), lower)

    sum_lower, sum_upper = int(lower.sum()), int(upper.sum())
    if sum_lower > n:
        raise InfeasibleAllocation("minimum", sum_lower, n)
    if sum_upper <= n:
        if sum_upper < n and sum_upper < int(big_n.sum()):
            raise InfeasibleAllocation("maximum", sum_upper, n)
        return upper.astype(np.int64)  # n ≥ Σ N_h: take everything

    assert a is not None
    x = continuous_allocation(a, n, lower, upper, fallback=big_n.astype(float))
    return round_largest_remainder(x, n, lower, upper)


def _measure(
    big_n: NDArray[np.int64],
    method: str,
    *,
    p: ArrayLike | None,
    sd: ArrayLike | None,
    power: float,
) -> NDArray[np.float64]:
    nf = big_n.astype(float)
    h = nf.size
    if method == "proportional":
        return nf
    if method == "equal":
        return (nf > 0).astype(float)
    if method == "power":
        if not 0.0 <= power <= 1.0:
            raise ValueError(f"power must be in [0, 1], got {power!r}")
        return np.where(nf > 0, nf**power, 0.0)
    # neyman
    if sd is not None:
        s = np.broadcast_to(np.asarray(sd, dtype=float), (h,))
        if np.any(~(s >= 0)):
            raise ValueError(f"sd must be non-negative, got {float(s[~(s >= 0)][0])!r}")
    elif p is not None:
        pp = np.broadcast_to(np.asarray(p, dtype=float), (h,))
        bad = ~((pp >= 0) & (pp <= 1))
        if np.any(bad):
            raise ValueError(f"p must be in [0, 1], got {float(pp[bad][0])!r}")
        s = np.sqrt(pp * (1.0 - pp))
    else:
        raise ValueError("method='neyman' needs p= (expected proportions) or sd=")
    return nf * s


def continuous_allocation(
    a: NDArray[np.float64],
    n: float,
    lower: NDArray[np.int64],
    upper: NDArray[np.int64],
    *,
    fallback: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """``x_h = clip(λ a_h, lower_h, upper_h)`` with ``Σ x_h = n``.

    Assumes ``Σ lower ≤ n ≤ Σ upper``. Strata with ``a_h = 0`` stay at their lower
    bound unless the strata with ``a_h > 0`` cannot take ``n`` (all at their upper
    bound, or none can take more): then the rest goes to the strata with
    ``a_h = 0`` in proportion to ``fallback`` (equally if it is not given), again
    within the bounds.
    """
    a = np.asarray(a, dtype=float)
    if fallback is not None and not np.any((a > 0) & (upper > lower)):
        a = np.where(upper > lower, np.asarray(fallback, dtype=float), 0.0)
    x = _clipped_allocation(a, n, lower.astype(float), upper.astype(float))
    short = n - float(x.sum())
    if short > 1e-9 * max(1.0, n):
        rest = (np.asarray(a) == 0) & (upper > x)
        b = np.ones(x.size) if fallback is None else np.asarray(fallback, dtype=float)
        b = np.where(rest, np.where(b > 0, b, 1.0), 0.0)
        x = _clipped_allocation(b, n, x, upper.astype(float))
    return x


def _clipped_allocation(a: NDArray[np.float64], n: float, lo: NDArray[np.float64],
                        hi: NDArray[np.float64]) -> NDArray[np.float64]:
    if n <= lo.sum():
        return lo.copy()
    if not np.any((a > 0) & (hi > lo)):
        a = (hi > lo).astype(float)  # nothing to go by: share out equally

    def total(lam: float) -> float:
        return float(np.clip(lam * a, lo, hi).sum())

    pos = a > 0
    # λ bracket: at lam_hi every stratum with a > 0 is at its upper bound.
    lam_lo = 0.0
    lam_hi = float(np.max(hi[pos] / a[pos])) if np.any(pos) else 0.0
    for _ in range(200):  # bisection on a monotone piecewise-linear function
        mid = 0.5 * (lam_lo + lam_hi)
        if total(mid) < n:
            lam_lo = mid
        else:
            lam_hi = mid
        if lam_hi - lam_lo <= 1e-15 * max(lam_hi, 1.0):
            break
    # "Fix and reallocate": the strata at a bound are now known; solve λ for the
    # free ones in closed form, so that Σ x_h = n holds to rounding error.
    lam = 0.5 * (lam_lo + lam_hi)
    y = lam * a
    at_lo, at_hi = y <= lo, y >= hi
    free = ~(at_lo | at_hi)
    s = a[free].sum()
    if s > 0:
        lam_exact = (n - lo[at_lo].sum() - hi[at_hi].sum()) / s
        y2 = lam_exact * a[free]
        if np.all((y2 >= lo[free] - 1e-6) & (y2 <= hi[free] + 1e-6)):
            return np.where(at_lo, lo, np.where(at_hi, hi, np.clip(lam_exact * a, lo, hi)))
    return np.clip(y, lo, hi)


def round_largest_remainder(
    x: ArrayLike,
    n: int,
    lower: ArrayLike | None = None,
    upper: ArrayLike | None = None,
) -> NDArray[np.int64]:
    """Round ``x`` to integers adding up to ``n`` by largest remainder.

    Units go one each to the strata with the largest fractional parts (ties to
    the lower stratum index), within ``[lower, upper]``.
    """
    xf = np.asarray(x, dtype=float)
    lo = np.zeros(xf.shape, np.int64) if lower is None else np.asarray(lower, np.int64)
    hi = np.full(xf.shape, np.iinfo(np.int64).max) if upper is None else np.asarray(upper, np.int64)
    base = np.clip(np.floor(xf + 1e-9).astype(np.int64), lo, hi)
    rem = xf - base
    k = int(n - base.sum())
    if k > 0:
        cand = np.flatnonzero(base < hi)
        order = cand[np.argsort(-rem[cand], kind="stable")]
        if k > order.size:
            raise ValueError(f"cannot round to n={n} within the upper bounds")
        base[order[:k]] += 1
    elif k < 0:
        cand = np.flatnonzero(base > lo)
        order = cand[np.argsort(rem[cand], kind="stable")]
        if -k > order.size:
            raise ValueError(f"cannot round to n={n} within the lower bounds")
        base[order[:-k]] -= 1
    return base


def _as_int_array(values: ArrayLike, name: str, *, allow_negative: bool = False) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.ndim != 1:
        arr = np.atleast_1d(arr)
        if arr.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    f = arr.astype(float)
    bad = (f != np.floor(f)) | ~np.isfinite(f)
    if not allow_negative:
        bad |= f < 0
    if np.any(bad):
        raise ValueError(f"{name} must hold non-negative integers, got {arr[bad][0]!r}")
    return f.astype(np.int64)


def _per_stratum(value: ArrayLike, h: int, name: str) -> NDArray[np.int64]:
    arr = _as_int_array(np.broadcast_to(np.asarray(value), (h,)) if np.ndim(value) == 0
                        else value, name)
    if arr.shape != (h,):
        raise ValueError(f"{name} must be a number or one per stratum ({h}), got shape {arr.shape}")
    return arr
