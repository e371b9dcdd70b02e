"""Calibration of weights to known frame totals: post-stratification and raking.

Post-stratification (R's ``postStratify``): within each cell ``c`` of one
classification, ``w_i ← w_i · N_c / Σ_{j∈c} w_j`` so the weights add up to the
frame count ``N_c`` of every cell.

Raking (R's ``rake``): iterative proportional fitting over several margins
(e.g. item and district): post-stratify to each margin in turn and sweep again
until the weighted cross-classification of all margins changes by less than
``tol · Σ w`` between sweeps (R's ``control=list(epsilon=tol)`` for ``tol < 1``).
The result reports the sweeps, whether it converged, and the largest gap between
a weighted margin and its target.

Calibrated standard errors: every estimate passes ``calibration=`` to
:mod:`sampling.estimate`, which replaces the linearised values ``z`` (one column
per domain) by their residuals from the calibration cells before the stratified
variance, as R's ``svyrecvar`` does:

* post-stratified: ``z_i − w_i · ē_c`` with ``ē_c = Σ_{j∈c} w⁰_j z_j / w_j ÷ Σ_{j∈c} w⁰_j``
  (``w⁰`` the weights before, ``w`` after post-stratification);
* raked: ten passes over the margins of ``z_i − w_i^{(m)} · mean_{j∈c}(z_j / w_j^{(m)})``,
  ``w^{(m)}`` the weights after margin ``m`` of the last sweep.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from sampling.selection import stratum_codes

__all__ = ["CalibrationResult", "poststratify", "rake"]

RAKE_RESIDUAL_PASSES = 10  # as R's svyrecvar for raked designs


@dataclass(frozen=True, eq=False)
class CalibrationResult:
    """Calibrated weights and how they were reached.

    Attributes
    ----------
    weights : numpy.ndarray
        Calibrated weights.
    g : numpy.ndarray
        ``weights / input weights``.
    method : {"poststratify", "rake"}
    iterations : int
        Sweeps over the margins (1 for post-stratification).
    converged : bool
    max_discrepancy : float
        Largest ``|Σ_c w − N_c|`` over every margin cell after calibration.
    """

    weights: NDArray[np.float64]
    g: NDArray[np.float64]
    method: str
    iterations: int
    converged: bool
    max_discrepancy: float
    _steps: list[tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]] = field(
        repr=False)

    def residualise(self, zm: NDArray[np.float64]) -> NDArray[np.float64]:
        """Residuals of linearised values (units × columns) from the calibration cells."""
        zm = np.array(zm, dtype=float)
        if zm.shape[0] != self.weights.size:
            raise ValueError(f"calibration is for {self.weights.size} units, got {zm.shape[0]}")
        if self.method == "poststratify":
            code, psw, oldw = self._steps[0]
            k = int(code.max()) + 1
            sums = np.zeros((k, zm.shape[1]))
            np.add.at(sums, code, zm * (oldw / psw)[:, None])
            means = sums / np.bincount(code, weights=oldw, minlength=k)[:, None]
            return zm - means[code] * psw[:, None]
        for _ in range(RAKE_RESIDUAL_PASSES):
            for code, psw, _old in self._steps:
                k = int(code.max()) + 1
                sums = np.zeros((k, zm.shape[1]))
                np.add.at(sums, code, zm / psw[:, None])
                means = sums / np.bincount(code, minlength=k)[:, None]
                zm = zm - means[code] * psw[:, None]
        return zm


def poststratify(weights: ArrayLike, cells: ArrayLike,
                 totals: Mapping | ArrayLike) -> CalibrationResult:
    """Post-stratify weights to known cell counts.

    Parameters
    ----------
    weights : array_like of float
        Weights before calibration (positive).
    cells : array_like
        Post-stratum of every unit (e.g. item × district label).
    totals : mapping or array_like
        Frame count ``N_c`` per cell: a mapping label → count, or one count per
        distinct label in sorted order.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ValueError
        A cell without a frame count, a count not positive, or a frame cell
        without sample (naming the cell).
    """
    w = _weights(weights)
    labels, code, target = _margin(cells, totals, w.size, "cells")
    new = w * (target / np.bincount(code, weights=w, minlength=labels.size))[code]
    gap = float(np.max(np.abs(np.bincount(code, weights=new, minlength=labels.size) - target)))
    return CalibrationResult(new, new / w, "poststratify", 1, True, gap, [(code, new, w)])


def rake(
    weights: ArrayLike,
    margins: Sequence[ArrayLike],
    totals: Sequence[Mapping | ArrayLike],
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
) -> CalibrationResult:
    """Rake weights to several margins by iterative proportional fitting.

    Parameters
    ----------
    weights : array_like of float
        Weights before calibration (positive).
    margins : sequence of array_like
        One classification of the units per margin (e.g. ``[item, district]``).
    totals : sequence of mapping or array_like
        Frame counts per cell of each margin (as for :func:`poststratify`); every
        margin must add up to the same total.
    tol : float, optional
        Convergence: the weighted cross-classification of all margins changes by
        less than ``tol · Σ weights`` in a sweep. Default 1e-10.
    max_iter : int, optional
        Most sweeps; not converging by then is reported (``converged=False``),
        not raised.

    Returns
    -------
    CalibrationResult
    """
    w0 = _weights(weights)
    if len(margins) != len(totals) or not margins:
        raise ValueError(f"margins and totals must be non-empty and match: "
                         f"{len(margins)} margins, {len(totals)} totals")
    if not tol > 0:
        raise ValueError(f"tol must be positive, got {tol!r}")
    if int(max_iter) != max_iter or max_iter < 1:
        raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
    parsed = [_margin(m, t, w0.size, f"margins[{i}]")
              for i, (m, t) in enumerate(zip(margins, totals))]
    sums = [float(t.sum()) for _, _, t in parsed]
    if max(sums) - min(sums) > 1e-9 * max(sums):
        raise ValueError(f"margins add up to different totals: {', '.join(f'{s:g}' for s in sums)}")
    joint = parsed[0][1]
    for _, code, _t in parsed[1:]:
        joint = stratum_codes(joint * (int(code.max()) + 1) + code)[1]
    k_joint = int(joint.max()) + 1
    eps = tol * float(w0.sum())
    w = w0.copy()
    old = np.bincount(joint, weights=w, minlength=k_joint)
    converged, it = False, 0
    steps: list[tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]] = []
    while it < max_iter:
        steps = []
        for labels, code, target in parsed:
            before = w
            w = w * (target / np.bincount(code, weights=w, minlength=labels.size))[code]
            steps.append((code, w, before))
        it += 1
        new = np.bincount(joint, weights=w, minlength=k_joint)
        if float(np.max(np.abs(new - old))) < eps:
            converged = True
            break
        old = new
    gap = max(float(np.max(np.abs(np.bincount(code, weights=w, minlength=lab.size) - t)))
              for lab, code, t in parsed)
    return CalibrationResult(w, w / w0, "rake", it, converged, gap, steps)


def _weights(weights: ArrayLike) -> NDArray[np.float64]:
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1:
        raise ValueError(f"weights must be one-dimensional, got shape {w.shape}")
    bad = ~(np.isfinite(w) & (w > 0))
    if np.any(bad):
        raise ValueError(f"weights must be positive and finite, got {w[bad][0]!r}")
    return w


def _margin(cells: ArrayLike, totals: Mapping | ArrayLike, n: int,
            name: str) -> tuple[NDArray, NDArray[np.int64], NDArray[np.float64]]:
    labels, code = stratum_codes(cells)
    if code.size != n:
        raise ValueError(f"{name} must match weights: {code.size} labels for {n} weights")
    if isinstance(totals, Mapping):
        keys = [lab.item() if hasattr(lab, "item") else lab for lab in labels]
        missing = [k for k in keys if k not in totals]
        if missing:
            raise ValueError(f"{name}: no frame count for cell {missing[0]!r}")
        extra = [k for k, v in totals.items() if k not in set(keys) and v > 0]
        if extra:
            raise ValueError(f"{name}: frame cell {extra[0]!r} has no sample unit")
        target = np.array([float(totals[k]) for k in keys])
    else:
        target = np.asarray(totals, dtype=float)
        if target.shape != labels.shape:
            raise ValueError(f"{name}: {target.size} frame counts for {labels.size} cells")
    bad = ~(np.isfinite(target) & (target > 0))
    if np.any(bad):
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(f"{name}: frame count of cell {labels[i]!r} must be positive, "
                         f"got {target[i]!r}")
    return labels, code, target
