"""Sample size for estimating a proportion (DESIGN §4).

The steps, in order:

1. ``n0 = z² p (1 − p) / e²`` with ``z`` the two-sided normal quantile for the
   confidence level and ``e`` the margin of error (half-width of the interval);
2. ``n1 = n0 × deff``;
3. finite population correction ``n2 = n1 / (1 + (n1 − 1) / N)`` when ``N`` is given;
4. ``n3 = n2 / (response_rate × eligibility_rate)``, the number to *issue* so that
   ``n2`` eligible respondents are expected;
5. rounded up, and **capped at N** (a census is the most one can draw).
"""

from __future__ import annotations

from typing import overload

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

__all__ = ["sample_size", "z_value"]

_EPS = 1e-9  # tolerance before rounding up, so 385.0000000001 stays 385


def z_value(confidence: float) -> float:
    """Two-sided standard-normal quantile for ``confidence`` (0.95 → 1.95996…)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


@overload
def sample_size(
    p: float,
    margin: float,
    *,
    confidence: float = ...,
    deff: float = ...,
    population: int | None = ...,
    response_rate: float = ...,
    eligibility_rate: float = ...,
) -> int: ...


@overload
def sample_size(
    p: ArrayLike,
    margin: ArrayLike,
    *,
    confidence: float = ...,
    deff: ArrayLike = ...,
    population: ArrayLike | None = ...,
    response_rate: ArrayLike = ...,
    eligibility_rate: ArrayLike = ...,
) -> NDArray[np.int64]: ...


def sample_size(
    p,  # type: ignore[no-untyped-def]
    margin,
    *,
    confidence=0.95,
    deff=1.0,
    population=None,
    response_rate=1.0,
    eligibility_rate=1.0,
):
    """Number of units to issue to estimate a proportion within a margin of error.

    Parameters
    ----------
    p : float or array_like
        Expected proportion, in (0, 1). Use 0.5 when unknown (the most
        conservative value).
    margin : float or array_like
        Margin of error: the half-width of the confidence interval, in (0, 1)
        (0.05 means ±5 percentage points).
    confidence : float, optional
        Two-sided confidence level, default 0.95.
    deff : float or array_like, optional
        Design effect (> 0), default 1.
    population : int or array_like, optional
        Population size ``N``. Applies the finite population correction and caps
        the result at ``N``. Omit for an infinite population.
    response_rate, eligibility_rate : float or array_like, optional
        Expected shares in (0, 1]; the size is divided by their product so that
        the expected number of eligible respondents is reached.

    Returns
    -------
    int or numpy.ndarray of int
        The sample size to issue (an ``int`` when every argument is scalar,
        otherwise an integer array broadcast over the arguments, e.g. one size per
        stratum).

    Raises
    ------
    ValueError
        When an argument is outside its range; the message names it and its value.

    Notes
    -----
    ``n0 = z² p (1 − p) / e²``, ``n1 = n0 · deff``, ``n2 = n1 / (1 + (n1 − 1)/N)``,
    ``n = ⌈n2 / (rr · er)⌉``, then ``min(n, N)``. Unlike some libraries, the
    population size is never ignored and the result never exceeds it.

    Examples
    --------
    >>> sample_size(0.5, 0.05)
    385
    >>> sample_size(0.5, 0.05, population=1000)
    278
    >>> sample_size(0.5, 0.05, population=1000, response_rate=0.5)
    556
    >>> sample_size(0.5, 0.05, population=300, response_rate=0.5)
    300
    """
    scalar = all(
        np.ndim(a) == 0
        for a in (p, margin, deff, population, response_rate, eligibility_rate)
        if a is not None
    )
    p_a = np.asarray(p, dtype=float)
    e_a = np.asarray(margin, dtype=float)
    deff_a = np.asarray(deff, dtype=float)
    rr = np.asarray(response_rate, dtype=float)
    er = np.asarray(eligibility_rate, dtype=float)
    _check_open(p_a, "p", 0.0, 1.0)
    _check_open(e_a, "margin", 0.0, 1.0)
    if np.any(~(deff_a > 0)) or np.any(~np.isfinite(deff_a)):
        raise ValueError(f"deff must be positive, got {deff!r}")
    for arr, name, orig in ((rr, "response_rate", response_rate),
                            (er, "eligibility_rate", eligibility_rate)):
        if np.any(~(arr > 0)) or np.any(arr > 1):
            raise ValueError(f"{name} must be in (0, 1], got {orig!r}")
    z = z_value(confidence)

    n = z * z * p_a * (1.0 - p_a) / (e_a * e_a) * deff_a
    if population is not None:
        big_n = np.asarray(population, dtype=float)
        if np.any(big_n < 0) or np.any(big_n != np.floor(big_n)):
            raise ValueError(f"population must be a non-negative integer, got {population!r}")
        with np.errstate(divide="ignore", invalid="ignore"):
            n = np.where(big_n > 0, n / (1.0 + (n - 1.0) / np.where(big_n > 0, big_n, 1.0)), 0.0)
    n = n / (rr * er)
    out = np.ceil(n - _EPS).astype(np.int64)
    if population is not None:
        out = np.minimum(out, np.asarray(population).astype(np.int64))
    out = np.maximum(out, 0)
    if scalar:
        return int(out)
    return out


def _check_open(arr: NDArray[np.float64], name: str, lo: float, hi: float) -> None:
    bad = ~((arr > lo) & (arr < hi))
    if np.any(bad):
        value = float(arr[bad].flat[0])
        raise ValueError(f"{name} must be in ({lo:g}, {hi:g}), got {value!r}")

