"""Weighted estimates with stratified Taylor-linearisation variances.

For a domain ``d`` (a set of units, e.g. one item, area, district or
department; the whole sample by default) the estimate of a proportion or mean is
the ratio ``ŷ_d = Σ w_i d_i y_i / Σ w_i d_i``. Its linearised variable is
``z_i = w_i d_i (y_i − ŷ_d) / Σ w d`` and, with ``n_h`` units in stratum ``h``
(all units, inside the domain or not) and ``f_h = n_h / N_h``::

    v(ŷ_d) = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_{i∈h} (z_i − z̄_h)²

with ``df = n − H`` degrees of freedom (``n`` units, ``H`` strata in the data).
This is the estimator of samplics' ``TaylorEstimator`` with each unit its own PSU
and ``fpc = 1 − n_h/N_h`` (checked to 1e-9 by a test), and of Stata's
``svy: proportion``/R's ``svymean`` for the same design.

Single-unit strata (``n_h = 1``) have no within-stratum variance estimate. The
rule, chosen with ``single_unit``: ``"certainty"`` (default) — the stratum adds
nothing, as if it were taken whole; this is exact when ``N_h = 1`` and is reported
in ``EstimateResult.single_unit_strata``; ``"error"`` — raise.

All domains are computed in one pass with ``bincount`` over (domain, stratum).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from sampling.intervals import CI_METHODS, effective_n, proportion_ci
from sampling.selection import stratum_codes

__all__ = ["EstimateResult", "estimate_mean", "estimate_proportion"]


@dataclass(frozen=True, eq=False)
class EstimateResult:
    """Estimates for each domain (arrays follow ``domains``).

    Attributes
    ----------
    domains : numpy.ndarray
        Domain labels (sorted), or ``["all"]`` for the whole sample.
    estimate, se, variance, lower, upper : numpy.ndarray of float
        Point estimate, standard error, variance and confidence limits.
    n : numpy.ndarray of int
        Sample units in the domain.
    sum_weights : numpy.ndarray of float
        Estimated domain size ``Σ w``.
    deff : numpy.ndarray of float
        Design effect: variance ÷ the variance of a simple random sample of the
        same size with replacement (``p(1 − p)/n`` or ``s²/n``).
    n_effective : numpy.ndarray of float
        ``n / deff``.
    df : int
        Degrees of freedom ``n − H``.
    confidence : float
    ci_method : str
    single_unit_strata : numpy.ndarray
        Labels of strata with a single unit (treated by the ``single_unit`` rule).
    """

    domains: NDArray
    estimate: NDArray[np.float64]
    se: NDArray[np.float64]
    variance: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    n: NDArray[np.int64]
    sum_weights: NDArray[np.float64]
    deff: NDArray[np.float64]
    n_effective: NDArray[np.float64]
    df: int
    confidence: float
    ci_method: str
    single_unit_strata: NDArray

    def as_records(self) -> list[dict[str, object]]:
        """One plain dict per domain (for tables and JSON)."""
        out = []
        for i, d in enumerate(self.domains):
            out.append({
                "domain": d.item() if hasattr(d, "item") else d,
                "estimate": float(self.estimate[i]),
                "se": float(self.se[i]),
                "lower": float(self.lower[i]),
                "upper": float(self.upper[i]),
                "n": int(self.n[i]),
                "deff": float(self.deff[i]),
                "n_effective": float(self.n_effective[i]),
            })
        return out


def estimate_proportion(
    y: ArrayLike,
    weights: ArrayLike,
    strata: ArrayLike | None = None,
    *,
    population_sizes: ArrayLike | Mapping | None = None,
    domain: ArrayLike | None = None,
    confidence: float = 0.95,
    ci: str = "korn_graubard",
    single_unit: str = "certainty",
) -> EstimateResult:
    """Estimate a proportion overall or by domain, with a design-based CI.

    Parameters
    ----------
    y : array_like of 0/1 (or bool)
        The indicator, one per responding unit.
    weights : array_like of float
        Final weights (positive).
    strata : array_like, optional
        Stratum of every unit; one stratum if omitted.
    population_sizes : array_like of int or mapping, optional
        ``N_h`` per stratum (sorted labels, or a mapping label → N_h) for the
        finite population correction ``1 − n_h/N_h``. Omitted: no fpc.
    domain : array_like, optional
        Domain label of every unit; omitted: the whole sample.
    confidence : float, optional
        Default 0.95.
    ci : str, optional
        Interval method, one of :data:`sampling.intervals.CI_METHODS`.
    single_unit : {"certainty", "error"}
        Rule for strata with one unit (see module notes).

    Returns
    -------
    EstimateResult
    """
    yv = np.asarray(y, dtype=float)
    bad = ~((yv == 0) | (yv == 1))
    if np.any(bad):
        raise ValueError(f"y must be 0 or 1 for a proportion, got {yv[bad][0]!r}")
    return _estimate(yv, weights, strata, population_sizes, domain, confidence, ci,
                     single_unit, proportion=True)


def estimate_mean(
    y: ArrayLike,
    weights: ArrayLike,
    strata: ArrayLike | None = None,
    *,
    population_sizes: ArrayLike | Mapping | None = None,
    domain: ArrayLike | None = None,
    confidence: float = 0.95,
    single_unit: str = "certainty",
) -> EstimateResult:
    """Estimate a mean overall or by domain; the CI is ``ŷ ± t_{df} se``.

    Parameters are those of :func:`estimate_proportion` (``y`` any finite number).
    """
    yv = np.asarray(y, dtype=float)
    if np.any(~np.isfinite(yv)):
        raise ValueError(f"y must be finite, got {yv[~np.isfinite(yv)][0]!r}")
    return _estimate(yv, weights, strata, population_sizes, domain, confidence, "wald",
                     single_unit, proportion=False)


def _estimate(
    y: NDArray[np.float64],
    weights: ArrayLike,
    strata: ArrayLike | None,
    population_sizes: ArrayLike | Mapping | None,
    domain: ArrayLike | None,
    confidence: float,
    ci: str,
    single_unit: str,
    *,
    proportion: bool,
) -> EstimateResult:
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {CI_METHODS}, got {ci!r}")
    if single_unit not in ("certainty", "error"):
        raise ValueError(f"single_unit must be 'certainty' or 'error', got {single_unit!r}")
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {y.shape}")
    n = y.size
    w = np.asarray(weights, dtype=float)
    if w.shape != y.shape:
        raise ValueError(f"weights must match y: {w.size} weights for {n} values")
    if np.any(~(w > 0)) or np.any(~np.isfinite(w)):
        raise ValueError(f"weights must be positive and finite, got {w[~(w > 0)][0]!r}"
                         if np.any(~(w > 0)) else "weights must be finite")
    if strata is None:
        s_labels, s_code = np.array(["all"]), np.zeros(n, dtype=np.int64)
    else:
        s_labels, s_code = stratum_codes(strata)
        if s_code.size != n:
            raise ValueError(f"strata must match y: {s_code.size} labels for {n} values")
    n_str = s_labels.size
    n_h = np.bincount(s_code, minlength=n_str).astype(float)

    fpc = np.ones(n_str)
    if population_sizes is not None:
        if isinstance(population_sizes, Mapping):
            big_n = np.array([float(population_sizes[lab.item() if hasattr(lab, "item") else lab])
                              for lab in s_labels])
        else:
            big_n = np.asarray(population_sizes, dtype=float)
            if big_n.shape != (n_str,):
                raise ValueError(
                    f"population_sizes must give one N_h per stratum ({n_str}), "
                    f"got shape {big_n.shape}"
                )
        if np.any(big_n < n_h):
            h = int(np.flatnonzero(big_n < n_h)[0])
            raise ValueError(
                f"stratum {s_labels[h]!r}: population size {big_n[h]:g} is below "
                f"its {int(n_h[h])} sample units"
            )
        fpc = 1.0 - n_h / big_n

    single = n_h == 1
    if np.any(single) and single_unit == "error":
        raise ValueError(f"stratum {s_labels[np.flatnonzero(single)[0]]!r} has a single unit")
    with np.errstate(divide="ignore", invalid="ignore"):
        c_h = np.where(n_h > 1, fpc * n_h / (n_h - 1.0), 0.0)

    if domain is None:
        d_labels, d_code = np.array(["all"]), np.zeros(n, dtype=np.int64)
    else:
        d_labels, d_code = stratum_codes(domain)
        if d_code.size != n:
            raise ValueError(f"domain must match y: {d_code.size} labels for {n} values")
    n_dom = d_labels.size

    # Per-domain point estimates.
    sw = np.asarray(np.bincount(d_code, weights=w, minlength=n_dom), dtype=float)
    swy = np.bincount(d_code, weights=w * y, minlength=n_dom)
    est = swy / sw
    nd = np.bincount(d_code, minlength=n_dom).astype(np.int64)

    # z_i = w_i (y_i − ŷ_d) / W_d, summed per (domain, stratum).
    z = w * (y - est[d_code]) / sw[d_code]
    cell = d_code * n_str + s_code
    if n_dom * n_str <= 4 * n + 1_000_000:  # dense (domain, stratum) table
        s1 = np.bincount(cell, weights=z, minlength=n_dom * n_str).reshape(n_dom, n_str)
        s2 = np.bincount(cell, weights=z * z, minlength=n_dom * n_str).reshape(n_dom, n_str)
        within = s2 - s1 * s1 / np.where(n_h > 0, n_h, 1.0)
        var = within @ c_h
    else:  # many domains and strata: only the occupied cells
        cells, inv = np.unique(cell, return_inverse=True)
        s1 = np.bincount(inv, weights=z)
        s2 = np.bincount(inv, weights=z * z)
        h_of = cells % n_str
        contrib = c_h[h_of] * (s2 - s1 * s1 / n_h[h_of])
        var = np.asarray(np.bincount(cells // n_str, weights=contrib, minlength=n_dom),
                         dtype=float)
    var = np.maximum(var, 0.0)
    se = np.sqrt(var)
    df = int(n - n_str)

    if proportion:
        pq = est * (1.0 - est)
        srs_var = pq / nd
        lower, upper = proportion_ci(est, se, nd, df, confidence=confidence, method=ci)
        n_eff = effective_n(est, var, nd)
    else:
        dev2 = np.bincount(d_code, weights=w * (y - est[d_code]) ** 2, minlength=n_dom) / sw
        srs_var = dev2 / nd
        t = stats.t.ppf(0.5 + confidence / 2.0, df if df >= 1 else np.inf)
        lower, upper = est - t * se, est + t * se
        with np.errstate(divide="ignore", invalid="ignore"):
            n_eff = np.where(var > 0, dev2 / var, nd.astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):
        deff = np.where(srs_var > 0, var / srs_var, np.nan)
    return EstimateResult(
        domains=d_labels,
        estimate=est,
        se=se,
        variance=var,
        lower=np.asarray(lower, dtype=float),
        upper=np.asarray(upper, dtype=float),
        n=nd,
        sum_weights=sw,
        deff=deff,
        n_effective=np.asarray(n_eff, dtype=float),
        df=df,
        confidence=confidence,
        ci_method=ci if proportion else "t",
        single_unit_strata=s_labels[single],
    )
