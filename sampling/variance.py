"""Stratified Taylor-linearisation variance of domain estimates (R ``survey`` conventions).

Every estimator in :mod:`sampling.estimate` is linearised: it gives each unit ``i``
of domain ``d`` a value ``z_i = w_i u_i`` (``u`` the estimator's influence value,
see there) and 0 outside the domain. With ``n_h`` sample units in stratum ``h``
(inside the domain or not), ``N_h`` its population and ``f_h = 1 − n_h/N_h``
(1 without ``population_sizes``)::

    v(θ̂_d) = Σ_h c_h Σ_{i∈h} (z_i − z̄_h)²,      c_h = f_h · n_h / (n_h − 1)

each unit its own PSU: the estimator of R's ``svyrecvar`` for
``svydesign(ids=~1, strata=~h, weights=~w, fpc=~N)``. A take-all stratum
(``f_h < 1e-7``, R's threshold) adds nothing.

Single-unit strata (``n_h = 1``, not take-all) have no within-stratum variance.
The ``single_unit`` rule is R's ``options(survey.lonely.psu=)``:

=============  ==============================================================
``certainty``  the stratum adds nothing (as if taken whole) — the default
``remove``     the stratum adds nothing (for one-stage designs as ``certainty``)
``adjust``     centred at the population mean instead of the stratum mean: it
               adds ``f_h z_i²`` (``f_h = 1 − 1/N_h``, or 1 without fpc)
``average``    the stratum is left out and the sum scaled by ``H/(H − L)``:
               ``H`` strata and ``L`` single-unit strata holding domain units
               (over the whole sample for calibrated weights and covariances,
               as R keeps every row then)
``fail``       ``ValueError`` naming the stratum
=============  ==============================================================

A domain is a *census* when every stratum holding its units is take-all: its
variance is 0 because there is nothing left to sample.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sampling.selection import stratum_codes

__all__ = ["SINGLE_UNIT_RULES", "Strata", "domain_variance", "stratify"]

SINGLE_UNIT_RULES = ("certainty", "remove", "adjust", "average", "fail")
TAKE_ALL_F = 1e-7  # R's onestrat(): all(f < 1e-7) is a self-representing stratum
MAX_DENSE = 20_000_000  # units × domains held at once for covariances and calibration


@dataclass(frozen=True, eq=False)
class Strata:
    """The stratum structure of a sample (one unit per PSU).

    Attributes
    ----------
    labels : numpy.ndarray
        Sorted stratum labels.
    code : numpy.ndarray of int
        Each unit's index into ``labels``.
    n_h : numpy.ndarray of float
        Sample units per stratum.
    f : numpy.ndarray of float
        ``1 − n_h/N_h`` (1 without population sizes).
    scale : numpy.ndarray of float
        ``c_h``: ``f n_h/(n_h − 1)`` for ``n_h > 1``; ``f`` for single-unit strata
        under ``adjust``; 0 for take-all strata and other single-unit rules.
    take_all : numpy.ndarray of bool
    lonely : numpy.ndarray of bool
        Single-unit strata that are not take-all.
    rule : str
        The single-unit rule.
    """

    labels: NDArray
    code: NDArray[np.int64]
    n_h: NDArray[np.float64]
    f: NDArray[np.float64]
    scale: NDArray[np.float64]
    take_all: NDArray[np.bool_]
    lonely: NDArray[np.bool_]
    rule: str

    @property
    def size(self) -> int:
        """Number of strata ``H``."""
        return int(self.labels.size)

    @property
    def centre(self) -> NDArray[np.float64]:
        """``c_h / n_h``, the weight of the centring term ``s1_h²`` (0 for single-unit
        strata, which are not centred under ``adjust`` and add nothing otherwise)."""
        return np.where(self.lonely, 0.0, self.scale / self.n_h)


def stratify(
    strata: ArrayLike | None,
    n: int,
    population_sizes: ArrayLike | Mapping | None,
    single_unit: str,
) -> Strata:
    """Stratum codes, sampling fractions and variance scale factors.

    Raises
    ------
    ValueError
        For an unknown rule, labels or sizes of the wrong length, a population
        size below the stratum's sample, or a single-unit stratum under
        ``single_unit="fail"``.
    """
    if single_unit not in SINGLE_UNIT_RULES:
        raise ValueError(f"single_unit must be one of {SINGLE_UNIT_RULES}, got {single_unit!r}")
    if strata is None:
        labels, code = np.array(["all"]), np.zeros(n, dtype=np.int64)
    else:
        labels, code = stratum_codes(strata)
        if code.size != n:
            raise ValueError(f"strata must match y: {code.size} labels for {n} values")
    h = labels.size
    n_h = np.bincount(code, minlength=h).astype(float)
    f = np.ones(h)
    if population_sizes is not None:
        if isinstance(population_sizes, Mapping):
            missing = [lab for lab in labels if _item(lab) not in population_sizes]
            if missing:
                raise ValueError(f"population_sizes has no N_h for stratum {_item(missing[0])!r}")
            big_n = np.array([float(population_sizes[_item(lab)]) for lab in labels])
        else:
            big_n = np.asarray(population_sizes, dtype=float)
            if big_n.shape != (h,):
                raise ValueError(
                    f"population_sizes must give one N_h per stratum ({h}), got shape {big_n.shape}"
                )
        if np.any(~(big_n >= n_h)):
            s = int(np.flatnonzero(~(big_n >= n_h))[0])
            raise ValueError(
                f"stratum {_item(labels[s])!r}: population size {big_n[s]:g} is below "
                f"its {int(n_h[s])} sample units"
            )
        f = np.where(np.isinf(big_n), 1.0, (big_n - n_h) / big_n)
    take_all = f < TAKE_ALL_F
    single = n_h == 1
    lonely = single & ~take_all
    if single_unit == "fail" and np.any(lonely):
        s = int(np.flatnonzero(lonely)[0])
        raise ValueError(f"stratum {_item(labels[s])!r} has a single unit "
                         "(single_unit='fail')")
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.where(n_h > 1, f * n_h / (n_h - 1.0), 0.0)
    if single_unit == "adjust":
        scale = np.where(lonely, f, scale)
    scale = np.where(take_all, 0.0, scale)
    return Strata(labels, code, n_h, f, scale, take_all, lonely, single_unit)


@dataclass(frozen=True, eq=False)
class DomainVariance:
    """Variances of ``D`` domain estimates, with the domains' stratum counts."""

    variance: NDArray[np.float64]
    n_strata: NDArray[np.int64]  # H_d: strata holding units of the domain
    census: NDArray[np.bool_]  # every such stratum is take-all
    covariance: NDArray[np.float64] | None = None


def domain_variance(
    z: NDArray[np.float64],
    d_code: NDArray[np.int64],
    n_dom: int,
    st: Strata,
    *,
    residualise: Callable[[NDArray[np.float64]], NDArray[np.float64]] | None = None,
    covariance: bool = False,
) -> DomainVariance:
    """Variance of each domain's estimate from its linearised values.

    Parameters
    ----------
    z : numpy.ndarray
        ``z_i = w_i u_i`` of every unit for its own domain ``d_code[i]``.
    d_code : numpy.ndarray of int
        Each unit's domain index (``0 … n_dom − 1``).
    n_dom : int
    st : Strata
    residualise : callable, optional
        For calibrated weights: maps a units × domains matrix of ``z`` (0 outside
        each domain) to its calibration residuals (see
        :mod:`sampling.calibration`).
    covariance : bool, optional
        Also return the domains' covariance matrix (for contrasts).

    Returns
    -------
    DomainVariance
    """
    n_str = st.size
    s_code = st.code
    cell = d_code * n_str + s_code
    dense = n_dom * n_str <= 4 * z.size + 1_000_000
    if dense:  # occupied (domain, stratum) cells, without a sort
        mark = np.zeros(n_dom * n_str, dtype=bool)
        mark[cell] = True
        cells = np.flatnonzero(mark)
    else:
        cells, inv = np.unique(cell, return_inverse=True)
    dom_of, h_of = cells // n_str, cells % n_str
    h_d = np.bincount(dom_of, minlength=n_dom)
    l_d = (wsum(dom_of, st.lonely[h_of], minlength=n_dom)
           if st.rule == "average" else np.zeros(n_dom))
    census = (wsum(dom_of, ~st.take_all[h_of], minlength=n_dom) == 0
              if np.any(st.take_all) else np.zeros(n_dom, dtype=bool))

    if residualise is None and not covariance:
        # Σ_h c_h Σ_i (z_i − z̄_h)² = Σ_h c_h s2_h − Σ_h (c_h / n_h) s1_h²
        centre = st.centre
        if dense:  # dense (domain, stratum) tables
            s1 = wsum(cell, z, minlength=n_dom * n_str).reshape(n_dom, n_str)
            s2 = wsum(cell, z * z, minlength=n_dom * n_str).reshape(n_dom, n_str)
            var = s2 @ st.scale - (s1 * s1) @ centre
        else:  # many domains and strata: only the occupied cells
            s1 = wsum(inv, z)
            s2 = wsum(inv, z * z)
            var = wsum(dom_of, st.scale[h_of] * s2 - centre[h_of] * s1 * s1, minlength=n_dom)
        if st.rule == "average":
            with np.errstate(divide="ignore", invalid="ignore"):
                var = var * h_d / (h_d - l_d)
        return DomainVariance(np.maximum(var, 0.0), h_d.astype(np.int64), census)

    # Dense path: one column of z per domain (calibration residuals, covariances).
    n = z.size
    if n * n_dom > MAX_DENSE:
        raise ValueError(f"too many domains ({n_dom}) for {n} units with calibrated weights "
                         f"or covariances (units × domains above {MAX_DENSE:,})")
    zm = np.zeros((n, n_dom))
    zm[np.arange(n), d_code] = z
    if residualise is not None:
        zm = residualise(zm)
    s1m = np.zeros((n_str, n_dom))
    np.add.at(s1m, s_code, zm)
    s2m = np.zeros((n_str, n_dom))
    np.add.at(s2m, s_code, zm * zm)
    var = st.scale @ s2m - st.centre @ (s1m * s1m)
    cov = None
    if covariance:
        cross = (zm * st.scale[s_code][:, None]).T @ zm
        cov = cross - (s1m * st.centre[:, None]).T @ s1m
    if st.rule == "average":
        big_h, big_l = st.size, int(np.count_nonzero(st.lonely))
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = big_h / (big_h - big_l)
            var = var * h_d / (h_d - l_d) if residualise is None else var * factor
            if cov is not None:
                cov = cov * factor
    return DomainVariance(np.maximum(var, 0.0), h_d.astype(np.int64), census, cov)


def _item(x: object) -> object:
    return x.item() if hasattr(x, "item") else x


def wsum(code: NDArray[np.int64], weights: NDArray, minlength: int = 0) -> NDArray[np.float64]:
    """``np.bincount`` with weights, typed as float for mypy."""
    return np.bincount(code, weights=weights, minlength=minlength)  # type: ignore[return-value]
