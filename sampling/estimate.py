"""Weighted estimates by domain with stratified Taylor-linearisation variances.

Every estimator works on domains ``d`` (sets of units: an item, area, district
or department; the whole sample by default), all computed in one pass, and is
linearised: unit ``i`` of domain ``d`` gets ``z_i = w_i u_i``, whose stratified
variance (:mod:`sampling.variance`) is the estimate's variance.

===============  ==============================  ===================================
estimator        estimate                        ``u_i`` (R ``survey`` equivalent)
===============  ==============================  ===================================
proportion/mean  ``ŷ_d = Σ_d w y / Σ_d w``       ``(y_i − ŷ_d) / Σ_d w`` (``svymean``)
total            ``Ŷ_d = Σ_d w y``               ``y_i`` (``svytotal``)
ratio            ``R̂_d = Σ_d w y / Σ_d w x``     ``(y_i − R̂_d x_i) / Σ_d w x`` (``svyratio``)
===============  ==============================  ===================================

Degrees of freedom. By default each domain has ``df_d = n_d − H_d`` (``n_d``
units in ``H_d`` strata), R's ``degf()`` of the domain's subset; ``df="sample"``
gives every domain the whole sample's ``n − H``. Intervals use ``t_{df_d}``.

Design effects, per domain (``W_d = Σ_d w``, ``s²_u`` the weighted variance of
``u`` in the domain with the ``n_d/(n_d − 1)`` factor, R's ``svyvar``):

* ``deff``: against simple random sampling *without* replacement of ``n_d`` from
  ``W_d``: ``v / (s²_u W_d² (W_d − n_d)/(W_d n_d))`` — R's ``deff=TRUE``;
* ``deff_replace``: against sampling *with* replacement: ``v / (s²_u W_d² / n_d)``
  — R's ``deff="replace"``;
* ``deff_kish``: Kish's weighting effect ``n_d Σ_d w² / (Σ_d w)²`` (unequal weights
  alone);
* ``n_effective = n_d / deff``. Where a ratio is 0/0 (no variance in ``y``, or a
  census) it is NaN, never a made-up value.

Census domains: a domain all of whose units are in take-all strata has
variance 0; every interval method then gives ``[ŷ, ŷ]`` and ``census`` says so.
Elsewhere a zero variance with ``0 < p̂ < 1`` also gives ``[p̂, p̂]`` (see
:func:`sampling.intervals.proportion_ci`).

Contrasts between domains (``Σ_d a_d θ̂_d``) take the domains' covariance:
pass ``covariance=True`` and use :func:`domain_contrast`. Calibrated weights
(:mod:`sampling.calibration`) are passed with ``calibration=``: the variance is
then that of the calibration residuals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

from sampling.calibration import CalibrationResult
from sampling.intervals import CI_METHODS, proportion_ci
from sampling.selection import stratum_codes
from sampling.variance import domain_variance, stratify, wsum

__all__ = [
    "ContrastResult",
    "EstimateResult",
    "domain_contrast",
    "estimate_mean",
    "estimate_proportion",
    "estimate_ratio",
    "estimate_total",
]

DF_RULES = ("domain", "sample")


@dataclass(frozen=True, eq=False)
class EstimateResult:
    """Estimates for each domain (arrays follow ``domains``).

    Attributes
    ----------
    domains : numpy.ndarray
        Domain labels (sorted), or ``["all"]`` for the whole sample.
    statistic : {"proportion", "mean", "total", "ratio"}
    estimate, se, variance, lower, upper : numpy.ndarray of float
        Point estimate, standard error, variance and confidence limits.
    n : numpy.ndarray of int
        Sample units in the domain.
    n_strata : numpy.ndarray of int
        Strata holding units of the domain (``H_d``).
    sum_weights : numpy.ndarray of float
        Estimated domain size ``Σ w``.
    deff, deff_replace, deff_kish : numpy.ndarray of float
        Design effects (module notes): without replacement (R's ``deff=TRUE``),
        with replacement (``deff="replace"``), Kish's weighting effect.
    n_effective : numpy.ndarray of float
        ``n / deff``.
    df : numpy.ndarray of int
        Degrees of freedom of each domain: ``n_d − H_d``, or ``n − H`` with
        ``df="sample"``.
    df_sample : int
        The whole sample's ``n − H`` (used for contrasts).
    census : numpy.ndarray of bool
        Domains wholly in take-all strata (variance 0, interval ``[ŷ, ŷ]``).
    confidence : float
    ci_method : str
    single_unit : str
        The rule for single-unit strata.
    single_unit_strata : numpy.ndarray
        Labels of strata with a single unit that are not take-all.
    covariance : numpy.ndarray or None
        Domains × domains covariance, with ``covariance=True``.
    """

    domains: NDArray
    statistic: str
    estimate: NDArray[np.float64]
    se: NDArray[np.float64]
    variance: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    n: NDArray[np.int64]
    n_strata: NDArray[np.int64]
    sum_weights: NDArray[np.float64]
    deff: NDArray[np.float64]
    deff_replace: NDArray[np.float64]
    deff_kish: NDArray[np.float64]
    n_effective: NDArray[np.float64]
    df: NDArray[np.int64]
    df_sample: int
    census: NDArray[np.bool_]
    confidence: float
    ci_method: str
    single_unit: str
    single_unit_strata: NDArray
    covariance: NDArray[np.float64] | None = None

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
                "df": int(self.df[i]),
                "deff": float(self.deff[i]),
                "deff_replace": float(self.deff_replace[i]),
                "deff_kish": float(self.deff_kish[i]),
                "n_effective": float(self.n_effective[i]),
                "census": bool(self.census[i]),
            })
        return out


@dataclass(frozen=True, eq=False)
class ContrastResult:
    """A linear combination ``Σ_d a_d θ̂_d`` of domain estimates.

    Attributes
    ----------
    estimate, se, lower, upper : float
    df : int
        The whole sample's ``n − H`` (the contrast spans domains).
    coefficients : numpy.ndarray
    """

    estimate: float
    se: float
    lower: float
    upper: float
    df: int
    coefficients: NDArray[np.float64]


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
    df: str = "domain",
    covariance: bool = False,
    calibration: CalibrationResult | None = None,
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
    single_unit : {"certainty", "remove", "adjust", "average", "fail"}
        Rule for strata with one unit (:mod:`sampling.variance`), as R's
        ``survey.lonely.psu``.
    df : {"domain", "sample"}
        Degrees of freedom ``n_d − H_d`` per domain (default, R's convention) or
        the whole sample's ``n − H``.
    covariance : bool, optional
        Also compute the domains' covariance matrix (for :func:`domain_contrast`).
    calibration : CalibrationResult, optional
        When ``weights`` are calibrated (:mod:`sampling.calibration`): the SEs
        are those of the calibrated estimator.

    Returns
    -------
    EstimateResult

    Examples
    --------
    >>> r = estimate_proportion([1, 0, 1, 1, 0, 0], [2, 2, 2, 3, 3, 3], [0, 0, 0, 1, 1, 1],
    ...                         population_sizes=[6, 9])
    >>> round(float(r.estimate[0]), 4), int(r.df[0])
    (0.4667, 4)
    """
    yv = np.asarray(y, dtype=float)
    bad = ~((yv == 0) | (yv == 1))
    if np.any(bad):
        raise ValueError(f"y must be 0 or 1 for a proportion, got {yv[bad][0]!r}")
    if ci not in CI_METHODS:
        raise ValueError(f"ci must be one of {CI_METHODS}, got {ci!r}")
    return _estimate("proportion", yv, None, weights, strata, population_sizes, domain,
                     confidence, ci, single_unit, df, covariance, calibration)


def estimate_mean(
    y: ArrayLike,
    weights: ArrayLike,
    strata: ArrayLike | None = None,
    *,
    population_sizes: ArrayLike | Mapping | None = None,
    domain: ArrayLike | None = None,
    confidence: float = 0.95,
    single_unit: str = "certainty",
    df: str = "domain",
    covariance: bool = False,
    calibration: CalibrationResult | None = None,
) -> EstimateResult:
    """Estimate a mean overall or by domain; the CI is ``ŷ ± t_{df} se``.

    Parameters are those of :func:`estimate_proportion` (``y`` any finite number).
    """
    return _estimate("mean", _finite(y, "y"), None, weights, strata, population_sizes, domain,
                     confidence, "t", single_unit, df, covariance, calibration)


def estimate_total(
    y: ArrayLike,
    weights: ArrayLike,
    strata: ArrayLike | None = None,
    *,
    population_sizes: ArrayLike | Mapping | None = None,
    domain: ArrayLike | None = None,
    confidence: float = 0.95,
    single_unit: str = "certainty",
    df: str = "domain",
    covariance: bool = False,
    calibration: CalibrationResult | None = None,
) -> EstimateResult:
    """Estimate a population total ``Σ w y`` overall or by domain (CI ``Ŷ ± t_{df} se``).

    Parameters are those of :func:`estimate_proportion` (``y`` any finite number;
    a 0/1 ``y`` estimates a count).
    """
    return _estimate("total", _finite(y, "y"), None, weights, strata, population_sizes, domain,
                     confidence, "t", single_unit, df, covariance, calibration)


def estimate_ratio(
    y: ArrayLike,
    x: ArrayLike,
    weights: ArrayLike,
    strata: ArrayLike | None = None,
    *,
    population_sizes: ArrayLike | Mapping | None = None,
    domain: ArrayLike | None = None,
    confidence: float = 0.95,
    single_unit: str = "certainty",
    df: str = "domain",
    covariance: bool = False,
    calibration: CalibrationResult | None = None,
) -> EstimateResult:
    """Estimate a ratio of totals ``Σ w y / Σ w x`` (e.g. days taken ÷ days promised).

    The variance is linearised (R's ``svyratio``); the CI is ``R̂ ± t_{df} se``.

    Parameters
    ----------
    y, x : array_like of float
        Numerator and denominator variables; ``Σ_d w x`` must not be 0.
    weights, strata, population_sizes, domain, confidence, single_unit, df,
    covariance, calibration
        As for :func:`estimate_proportion`.
    """
    return _estimate("ratio", _finite(y, "y"), _finite(x, "x"), weights, strata,
                     population_sizes, domain, confidence, "t", single_unit, df, covariance,
                     calibration)


def domain_contrast(result: EstimateResult, coefficients: ArrayLike | Mapping) -> ContrastResult:
    """A contrast ``Σ_d a_d θ̂_d`` of domain estimates with its standard error.

    Parameters
    ----------
    result : EstimateResult
        From an estimator called with ``covariance=True``.
    coefficients : array_like or mapping
        ``a_d`` per domain (in ``result.domains`` order), or a mapping label →
        ``a_d`` (missing domains: 0). ``[1, -1]`` is the difference of two.

    Returns
    -------
    ContrastResult
        With a ``t_{n−H}`` interval at ``result.confidence``.
    """
    if result.covariance is None:
        raise ValueError("domain_contrast needs an estimate made with covariance=True")
    d = result.domains.size
    if isinstance(coefficients, Mapping):
        keys = [lab.item() if hasattr(lab, "item") else lab for lab in result.domains]
        unknown = [k for k in coefficients if k not in set(keys)]
        if unknown:
            raise ValueError(f"coefficients name an unknown domain {unknown[0]!r}")
        a = np.array([float(coefficients.get(k, 0.0)) for k in keys])
    else:
        a = np.asarray(coefficients, dtype=float)
        if a.shape != (d,):
            raise ValueError(f"coefficients must give one number per domain ({d}), "
                             f"got shape {a.shape}")
    est = float(a @ result.estimate)
    se = float(np.sqrt(max(float(a @ result.covariance @ a), 0.0)))
    dfs = result.df_sample
    t = float(special.stdtrit(dfs if dfs >= 1 else np.inf, 0.5 + result.confidence / 2.0))
    return ContrastResult(est, se, est - t * se, est + t * se, dfs, a)


def _finite(v: ArrayLike, name: str) -> NDArray[np.float64]:
    arr = np.asarray(v, dtype=float)
    if np.any(~np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {arr[~np.isfinite(arr)][0]!r}")
    return arr


def _estimate(
    statistic: str,
    y: NDArray[np.float64],
    x: NDArray[np.float64] | None,
    weights: ArrayLike,
    strata: ArrayLike | None,
    population_sizes: ArrayLike | Mapping | None,
    domain: ArrayLike | None,
    confidence: float,
    ci: str,
    single_unit: str,
    df_rule: str,
    covariance: bool,
    calibration: CalibrationResult | None,
) -> EstimateResult:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence!r}")
    if df_rule not in DF_RULES:
        raise ValueError(f"df must be one of {DF_RULES}, got {df_rule!r}")
    if y.ndim != 1:
        raise ValueError(f"y must be one-dimensional, got shape {y.shape}")
    n = y.size
    w = np.asarray(weights, dtype=float)
    if w.shape != y.shape:
        raise ValueError(f"weights must match y: {w.size} weights for {n} values")
    bad = ~((w > 0) & np.isfinite(w))
    if np.any(bad):
        raise ValueError(f"weights must be positive and finite, got {w[bad][0]!r}")
    if x is not None and x.shape != y.shape:
        raise ValueError(f"x must match y: {x.size} values for {n}")
    if calibration is not None:
        if calibration.weights.shape != w.shape:
            raise ValueError(f"calibration is for {calibration.weights.size} units, not {n}")
        if not np.allclose(w, calibration.weights, rtol=1e-12, atol=0.0):
            raise ValueError("weights must be the calibrated weights (calibration.weights)")
    st = stratify(strata, n, population_sizes, single_unit)

    if domain is None:
        d_labels, d_code = np.array(["all"]), np.zeros(n, dtype=np.int64)
    else:
        d_labels, d_code = stratum_codes(domain)
        if d_code.size != n:
            raise ValueError(f"domain must match y: {d_code.size} labels for {n} values")
    n_dom = d_labels.size

    sw = wsum(d_code, w, minlength=n_dom)
    wy = w * y
    swy = wsum(d_code, wy, minlength=n_dom)
    nd = np.bincount(d_code, minlength=n_dom).astype(np.int64)
    if statistic in ("proportion", "mean"):
        est = swy / sw
        u = (y - est[d_code]) / sw[d_code]
    elif statistic == "total":
        est = swy
        u = y
    else:
        assert x is not None
        swx = wsum(d_code, w * x, minlength=n_dom)
        if np.any(swx == 0):
            raise ValueError(f"the weighted total of x is 0 in domain "
                             f"{d_labels[np.flatnonzero(swx == 0)[0]]!r}")
        est = swy / swx
        u = (y - est[d_code] * x) / swx[d_code]
    z = w * u

    dv = domain_variance(z, d_code, n_dom, st, covariance=covariance,
                         residualise=None if calibration is None else calibration.residualise)
    var = dv.variance
    se = np.sqrt(var)
    df_sample = int(n - st.size)
    dfs = nd - dv.n_strata if df_rule == "domain" else np.full(n_dom, df_sample, np.int64)

    # Design effects: s²_u in the domain with the n_d/(n_d − 1) factor (R's svyvar).
    # (the weighted mean of u is 0 by construction except for totals)
    if statistic == "total":
        uc = u - (swy / sw)[d_code]
        s2u = wsum(d_code, w * uc * uc, minlength=n_dom) / sw
    else:
        s2u = wsum(d_code, z * u, minlength=n_dom) / sw
    with np.errstate(divide="ignore", invalid="ignore"):
        s2u = s2u * nd / (nd - 1.0)
        v_rep = s2u * sw * sw / nd
        v_wor = np.where(sw >= nd, s2u * sw * sw * (sw - nd) / (sw * nd), np.nan)
        deff_replace = var / v_rep
        deff = var / v_wor
        n_eff = nd / deff
        kish = nd * wsum(d_code, w * w, minlength=n_dom) / (sw * sw)

    if statistic == "proportion":
        # Korn–Graubard's t_{n−1}: R takes n from the rows its domain subset keeps,
        # which for calibrated weights is every row
        n_kg = nd if calibration is None else np.full(n_dom, n)
        lower, upper = proportion_ci(est, se, n_kg, dfs, confidence=confidence, method=ci)
        lower = np.where(dv.census, est, lower)
        upper = np.where(dv.census, est, upper)
    else:
        t = special.stdtrit(np.where(dfs >= 1, dfs, np.inf), 0.5 + confidence / 2.0)
        lower, upper = est - t * se, est + t * se
    return EstimateResult(
        domains=d_labels,
        statistic=statistic,
        estimate=est,
        se=se,
        variance=var,
        lower=np.asarray(lower, dtype=float),
        upper=np.asarray(upper, dtype=float),
        n=nd,
        n_strata=dv.n_strata,
        sum_weights=sw,
        deff=deff,
        deff_replace=deff_replace,
        deff_kish=kish,
        n_effective=n_eff,
        df=dfs.astype(np.int64),
        df_sample=df_sample,
        census=dv.census,
        confidence=confidence,
        ci_method=ci,
        single_unit=single_unit,
        single_unit_strata=st.labels[st.lonely],
        covariance=dv.covariance,
    )

