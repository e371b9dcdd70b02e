"""Confidence intervals for a proportion estimated from a complex sample.

All functions are vectorised over arrays of estimates. The design enters through
the *effective sample size* ``n_eff = p̂(1 − p̂) / v̂`` (``v̂`` the design-based
variance); where it is undefined (``p̂`` = 0 or 1, or ``v̂`` = 0) the actual
sample size ``n`` is used, so every method gives a valid interval at 0 and 1.

=================  ===========================================================
``wald``           ``p̂ ± t·se`` clipped to [0, 1]
``wilson``         Wilson score interval with ``n_eff`` and ``t_{df}``
``korn_graubard``  Clopper–Pearson with ``n* = n_eff (t_{n−1} / t_{df})²``
                   (Korn & Graubard 1998) — the default
``clopper_pearson`` Clopper–Pearson with ``n_eff`` (no degrees-of-freedom term)
``logit``          ``expit(logit p̂ ± t·se / (p̂(1 − p̂)))``; at 0 or 1 it falls
                   back to the Korn–Graubard interval
=================  ===========================================================

``t`` is the Student quantile with the estimate's degrees of freedom (for a
domain ``n_d − H_d``, see :mod:`sampling.estimate`); ``df < 1`` falls back to the
normal quantile.

Zero variance with ``0 < p̂ < 1`` (all the domain's strata taken whole, or
single-unit strata under ``certainty``) gives ``[p̂, p̂]`` for every method: the
estimate has no sampling error under the design, and every method says so alike
(R gives zero width with Wald/logit and NaN with ``beta``).

These are R's ``svyciprop``: ``korn_graubard`` is ``method="beta"``
(``n* = n_eff (t_{n−1}/t_{df})²``), ``logit`` is ``method="xlogit"`` (the
closed form; ``method="logit"`` fits a glm to the same interval within its
convergence tolerance). At ``p̂`` = 0 or 1 R gives NaN for ``beta``; here
``n_eff = n`` is used so the interval stays valid.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

__all__ = ["CI_METHODS", "effective_n", "proportion_ci"]

CI_METHODS = ("korn_graubard", "wilson", "clopper_pearson", "logit", "wald")


def effective_n(p: ArrayLike, variance: ArrayLike, n: ArrayLike) -> NDArray[np.float64]:
    """``p(1 − p) / variance``, or ``n`` where that is undefined."""
    p = np.asarray(p, dtype=float)
    v = np.asarray(variance, dtype=float)
    n = np.asarray(n, dtype=float)
    pq = p * (1.0 - p)
    with np.errstate(divide="ignore", invalid="ignore"):
        ne = np.where((v > 0) & (pq > 0), pq / v, n)
    return np.asarray(ne, dtype=float)


def proportion_ci(
    p: ArrayLike,
    se: ArrayLike,
    n: ArrayLike,
    df: ArrayLike,
    *,
    confidence: float = 0.95,
    method: str = "korn_graubard",
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Confidence interval for proportions.

    Parameters
    ----------
    p : array_like
        Estimated proportions.
    se : array_like
        Their design-based standard errors.
    n : array_like
        Number of sample units behind each estimate.
    df : array_like
        Degrees of freedom (``n − H`` for stratified element sampling).
    confidence : float, optional
        Two-sided level, default 0.95.
    method : str, optional
        One of ``CI_METHODS``; default Korn–Graubard.

    Returns
    -------
    lower, upper : numpy.ndarray
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if method not in CI_METHODS:
        raise ValueError(f"method must be one of {CI_METHODS}, got {method!r}")
    p, se, n, df = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (p, se, n, df)))
    alpha = 1.0 - confidence
    df_safe = np.where(df >= 1, df, np.inf)  # df < 1: fall back to the normal quantile
    t = special.stdtrit(df_safe, 1.0 - alpha / 2.0)
    var = se * se
    ne = effective_n(p, var, n)
    lo, hi = _interval(p, se, n, ne, t, alpha, method)
    fixed = (var == 0) & (p > 0) & (p < 1)
    if np.any(fixed):
        lo, hi = np.where(fixed, p, lo), np.where(fixed, p, hi)
    return lo, hi


def _interval(p: NDArray[np.float64], se: NDArray[np.float64], n: NDArray[np.float64],
              ne: NDArray[np.float64], t: NDArray[np.float64], alpha: float,
              method: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    if method == "wald":
        return np.clip(p - t * se, 0.0, 1.0), np.clip(p + t * se, 0.0, 1.0)
    if method == "wilson":
        t2 = t * t
        denom = 1.0 + t2 / ne
        centre = (p + t2 / (2.0 * ne)) / denom
        half = t / denom * np.sqrt(p * (1.0 - p) / ne + t2 / (4.0 * ne * ne))
        lo = np.where(p <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
        hi = np.where(p >= 1, 1.0, np.clip(centre + half, 0.0, 1.0))
        return lo, hi
    if method in ("korn_graubard", "clopper_pearson"):
        if method == "korn_graubard":
            t_n = special.stdtrit(np.where(n > 1, n - 1.0, np.inf), 1.0 - alpha / 2.0)
            ne = ne * (t_n / t) ** 2
        return _clopper_pearson(p, ne, alpha)
    # logit
    with np.errstate(divide="ignore", invalid="ignore"):
        inner = (p > 0) & (p < 1)
        lp = special.logit(np.where(inner, p, 0.5))
        scale = se / np.where(inner, p * (1.0 - p), 1.0)
        lo = special.expit(lp - t * scale)
        hi = special.expit(lp + t * scale)
    if np.all(inner):
        return lo, hi
    kg_lo, kg_hi = _interval(p, se, n, ne, t, alpha, "korn_graubard")
    return np.where(inner, lo, kg_lo), np.where(inner, hi, kg_hi)


def _clopper_pearson(p: NDArray[np.float64], ne: NDArray[np.float64],
                     alpha: float) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    x = p * ne
    with np.errstate(divide="ignore", invalid="ignore"):
        lo = np.where(p > 0, special.betaincinv(x, ne - x + 1.0, alpha / 2.0), 0.0)
        hi = np.where(p < 1, special.betaincinv(x + 1.0, ne - x, 1.0 - alpha / 2.0), 1.0)
    return np.nan_to_num(lo, nan=0.0), np.nan_to_num(hi, nan=1.0)
