"""Survey weights: base weights from the released sample, then adjustments for
unknown eligibility and nonresponse within weighting classes.

Base weight (DESIGN §4): ``N_h / n_h(released)`` — the released sample of a
stratum is a prefix of its PRN order, hence a simple random sample, so this is the
exact inverse inclusion probability; recompute it whenever replicates are released.
(Not so for a :func:`sampling.selection.cap_burden` draw that excluded units: its
``DrawResult.base_weights()`` refuses, see there.)

Adjustments, within each weighting class ``c`` (by default the strata), from
each released unit's status:

``R``  eligible respondent          ``N``  eligible nonrespondent
``U``  eligibility unknown          ``X``  not eligible (out of scope)

1. unknown eligibility: units of known status get
   ``Σ_c w(R,N,X,U) / Σ_c w(R,N,X)``, ``U`` units get 0;
2. nonresponse: respondents get ``Σ_c w(R,N) / Σ_c w(R)``, ``N`` units get 0;
   ``X`` units keep their weight (they estimate the out-of-scope part of the frame).

Small cells are collapsed by a fixed, logged rule: a class without an eligible
respondent (whatever its other units: ``N``, ``U`` or ``X``; its weight could not
be carried otherwise), a class with fewer than ``min_respondents`` respondents,
or one whose nonresponse factor exceeds ``max_factor``, is merged into the next class in sorted label order (the last
one into the previous); this repeats until no class breaks the rule. Every merge
is returned in ``AdjustmentResult.collapsed`` and logged. A sample without any
respondent cannot be weighted: ``ValueError``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sampling.selection import stratum_codes

__all__ = ["STATUSES", "AdjustmentResult", "adjust_weights", "base_weights", "unit_base_weights"]

log = logging.getLogger(__name__)
STATUSES = ("R", "N", "U", "X")


def base_weights(population_sizes: ArrayLike, released_sizes: ArrayLike) -> NDArray[np.float64]:
    """``N_h / n_h`` per stratum (0 where nothing is released).

    Raises
    ------
    ValueError
        If a released size exceeds the population size or is negative.
    """
    big_n = np.asarray(population_sizes, dtype=float)
    n = np.asarray(released_sizes, dtype=float)
    if big_n.shape != n.shape:
        raise ValueError(f"shapes differ: population {big_n.shape}, released {n.shape}")
    if np.any(n < 0) or np.any(n > big_n):
        h = int(np.flatnonzero((n < 0) | (n > big_n))[0])
        raise ValueError(f"released size {n[h]:g} is not within [0, {big_n[h]:g}] in stratum {h}")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n > 0, big_n / np.where(n > 0, n, 1.0), 0.0)


def unit_base_weights(stratum_index: ArrayLike, population_sizes: ArrayLike,
                      released_sizes: ArrayLike) -> NDArray[np.float64]:
    """Base weight of every unit from its stratum index."""
    return base_weights(population_sizes, released_sizes)[np.asarray(stratum_index)]


@dataclass(frozen=True, eq=False)
class AdjustmentResult:
    """Adjusted weights and how they were obtained.

    Attributes
    ----------
    weights : numpy.ndarray
        Final weights (0 for ``N`` and ``U`` units).
    classes : numpy.ndarray
        Labels of the classes after collapsing.
    class_index : numpy.ndarray of int
        Each unit's index into ``classes``.
    eligibility_factor, nonresponse_factor : numpy.ndarray
        Factors per final class.
    collapsed : list of tuple
        ``(class, merged_into, reason)`` for every merge, in order.
    """

    weights: NDArray[np.float64]
    classes: NDArray
    class_index: NDArray[np.int64]
    eligibility_factor: NDArray[np.float64]
    nonresponse_factor: NDArray[np.float64]
    collapsed: list[tuple[object, object, str]]


def adjust_weights(
    weights: ArrayLike,
    classes: ArrayLike,
    status: ArrayLike,
    *,
    min_respondents: int = 2,
    max_factor: float | None = None,
) -> AdjustmentResult:
    """Adjust weights for unknown eligibility and nonresponse by weighting class.

    Parameters
    ----------
    weights : array_like of float
        Base weights of the released units.
    classes : array_like
        Weighting class of every unit (normally its stratum).
    status : array_like of str
        One of ``R``, ``N``, ``U``, ``X`` per unit (see module notes).
    min_respondents : int, optional
        Least respondents a class needs before it is merged with a neighbour.
    max_factor : float, optional
        Largest nonresponse factor allowed before merging.

    Returns
    -------
    AdjustmentResult
    """
    w = np.asarray(weights, dtype=float)
    st = np.asarray(status).astype(str)
    if st.shape != w.shape:
        raise ValueError(f"status must match weights: {st.size} for {w.size}")
    bad = ~np.isin(st, STATUSES)
    if np.any(bad):
        raise ValueError(f"status must be one of {STATUSES}, got {st[bad][0]!r}")
    labels, code = stratum_codes(classes)
    if code.size != w.size:
        raise ValueError(f"classes must match weights: {code.size} for {w.size}")
    if min_respondents < 1:
        raise ValueError(f"min_respondents must be at least 1, got {min_respondents!r}")

    is_r, is_n, is_u, _is_x = (st == s for s in STATUSES)
    # group[i] = final class of original class i; merge until stable
    group = np.arange(labels.size)
    collapsed: list[tuple[object, object, str]] = []
    while True:
        g = group[code]
        k = group.max() + 1
        w_all = np.bincount(g, weights=w, minlength=k)
        w_known = np.bincount(g, weights=w * ~is_u, minlength=k)
        w_rn = np.bincount(g, weights=w * (is_r | is_n), minlength=k)
        w_r = np.bincount(g, weights=w * is_r, minlength=k)
        n_r = np.bincount(g, weights=is_r.astype(float), minlength=k)
        live = np.unique(group)
        with np.errstate(divide="ignore", invalid="ignore"):
            f_e = np.where(w_known > 0, w_all / w_known, 1.0)
            f_nr = np.where(w_r > 0, w_rn / w_r, np.inf)
        has_elig = w_rn > 0
        no_resp = n_r == 0
        too_few = has_elig & (n_r < min_respondents)
        too_big = has_elig & (f_nr > max_factor) if max_factor is not None else np.zeros(k, bool)
        bad_groups = [c for c in live if no_resp[c] or too_few[c] or too_big[c]]
        if not bad_groups or live.size == 1:
            break
        c = bad_groups[0]
        pos = int(np.searchsorted(live, c))
        target = live[pos + 1] if pos + 1 < live.size else live[pos - 1]
        if no_resp[c]:
            reason = "no eligible respondent"
        elif too_few[c]:
            reason = f"{int(n_r[c])} respondents < {min_respondents}"
        else:
            reason = f"factor {f_nr[c]:.3g} > {max_factor:g}"
        src = _label(labels[np.flatnonzero(group == c)[0]])
        dst = _label(labels[np.flatnonzero(group == target)[0]])
        collapsed.append((src, dst, reason))
        log.info("weighting class %r merged into %r: %s", src, dst, reason)
        group[group == c] = target
        group = np.unique(group, return_inverse=True)[1]

    if not np.any(is_r) and np.any(~_is_x):
        raise ValueError("no eligible respondent (status 'R') in the sample: "
                         "the weights cannot be adjusted")
    g = group[code]
    f_nr_final = np.where(np.isfinite(f_nr), f_nr, 0.0)
    out = w * f_e[g]
    out = np.where(is_u, 0.0, out)
    out = np.where(is_r, out * f_nr_final[g], out)
    out = np.where(is_n, 0.0, out)
    first = np.array([np.flatnonzero(group == c)[0] for c in range(group.max() + 1)])
    return AdjustmentResult(
        weights=out,
        classes=labels[first],
        class_index=g,
        eligibility_factor=f_e,
        nonresponse_factor=f_nr_final,
        collapsed=collapsed,
    )


def _label(x: object) -> object:
    return x.item() if hasattr(x, "item") else x
