"""AAPOR outcome rates from disposition counts, vectorised over groups.

The database aggregates final dispositions into counts per group (item, district,
caller, day …; only released sample) and calls :func:`aapor_rates` once with one
array per count. With D = I + P + R + NC + O, U = UH + UO and ``e`` the estimated
share of eligible cases among those of unknown eligibility (AAPOR Standard
Definitions):

=====  ===========================  =====  ======================
RR1    I / (D + U)                  COOP1  I / (I + P + R + O)
RR2    (I + P) / (D + U)            COOP2  (I + P) / (I + P + R + O)
RR3    I / (D + e·U)                COOP3  I / (I + P + R)
RR4    (I + P) / (D + e·U)          COOP4  (I + P) / (I + P + R)
RR5    I / D                        REF1   R / (D + U)
RR6    (I + P) / D                  REF2   R / (D + e·U)
CON1   (I + P + R + O) / (D + U)    REF3   R / D
CON2   (I + P + R + O) / (D + e·U)
CON3   (I + P + R + O) / D
=====  ===========================  =====  ======================

``e`` defaults to the proportional estimate among resolved cases,
D / (D + NE) (DESIGN §4: resolved eligible ÷ resolved), per group; pass a number
(or one per group) to override it. A rate whose denominator is zero is NaN (and
``None`` from :func:`rates_of`); ``e`` undefined (no resolved case) makes the
e-rates NaN only where there are unknown cases (with U = 0, e·U is 0 whatever e).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from callcentre.fieldwork.dispositions import Group

Array = npt.NDArray[np.float64]
RATE_NAMES = ("RR1", "RR2", "RR3", "RR4", "RR5", "RR6", "COOP1", "COOP2", "COOP3", "COOP4",
              "REF1", "REF2", "REF3", "CON1", "CON2", "CON3")
COUNT_NAMES = tuple(g.value for g in Group)


@dataclass(frozen=True)
class Rates:
    """The sixteen rates and ``e``, one value per group (arrays of equal length)."""

    values: Mapping[str, Array]
    e: Array

    def __getitem__(self, name: str) -> Array:
        return self.values[name]

    def row(self, index: int) -> dict[str, float | None]:
        """One group's rates (and ``e``) with ``None`` for undefined ones."""
        out: dict[str, float | None] = {}
        for name in (*RATE_NAMES, "e"):
            value = float(self.e[index] if name == "e" else self.values[name][index])
            out[name] = None if np.isnan(value) else value
        return out


def _ratio(num: Array, den: Array) -> Array:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def _array(counts: Mapping[str, npt.ArrayLike], name: str) -> Array:
    value = np.asarray(counts.get(name, 0), dtype=np.float64)
    if np.any(value < 0) or np.any(np.isnan(value)):
        raise ValueError(f"count {name} must be non-negative, got {value!r}")
    return np.atleast_1d(value)


def aapor_rates(counts: Mapping[str, npt.ArrayLike], *, e: npt.ArrayLike | None = None) -> Rates:
    """AAPOR RR1–RR6, COOP1–4, REF1–3 and CON1–3 for every group.

    Parameters
    ----------
    counts
        ``{"I": ..., "P": ..., "R": ..., "NC": ..., "O": ..., "UH": ..., "UO": ..., "NE": ...}``,
        each a number or a 1-d array (one value per group); missing keys count 0.
    e
        Share of unknown-eligibility cases taken as eligible, in [0, 1]: a number or
        one per group. Default: D / (D + NE) per group (NaN where D + NE = 0).

    Returns
    -------
    Rates
        ``rates["RR3"]`` etc. as float arrays (NaN where the denominator is 0), and
        the ``e`` used.
    """
    unknown = set(counts) - set(COUNT_NAMES)
    if unknown:
        raise ValueError(f"unknown count names {sorted(unknown)}; expected {COUNT_NAMES}")
    c = {name: _array(counts, name) for name in COUNT_NAMES}
    shape = np.broadcast_shapes(*(v.shape for v in c.values()))
    i, p, r, nc, o, uh, uo, ne = (np.broadcast_to(c[n], shape) for n in COUNT_NAMES)
    d = i + p + r + nc + o
    u = uh + uo
    if e is None:
        e_used = _ratio(d, d + ne)
    else:
        e_used = np.broadcast_to(np.asarray(e, dtype=np.float64), shape).copy()
        if np.any(np.isnan(e_used)) or np.any((e_used < 0) | (e_used > 1)):
            raise ValueError(f"e must lie in [0, 1], got {e!r}")
    e_u = np.where(u == 0, 0.0, e_used * u)          # e undefined does not matter if U = 0
    all_d, e_d = d + u, d + e_u
    interviews, cooperators = i + p, i + p + r + o
    values = {
        "RR1": _ratio(i, all_d), "RR2": _ratio(interviews, all_d),
        "RR3": _ratio(i, e_d), "RR4": _ratio(interviews, e_d),
        "RR5": _ratio(i, d), "RR6": _ratio(interviews, d),
        "COOP1": _ratio(i, cooperators), "COOP2": _ratio(interviews, cooperators),
        "COOP3": _ratio(i, i + p + r), "COOP4": _ratio(interviews, i + p + r),
        "REF1": _ratio(r, all_d), "REF2": _ratio(r, e_d), "REF3": _ratio(r, d),
        "CON1": _ratio(cooperators, all_d), "CON2": _ratio(cooperators, e_d),
        "CON3": _ratio(cooperators, d),
    }
    return Rates(values, e_used)


def rates_of(counts: Mapping[str, float], *, e: float | None = None) -> dict[str, float | None]:
    """The rates of one group as plain numbers (``None`` where undefined)."""
    return aapor_rates(counts, e=e).row(0)


def count_groups(groups: list[Group] | tuple[Group, ...]) -> dict[str, int]:
    """Counts per AAPOR group of a list of final groups (all eight keys present)."""
    out = {name: 0 for name in COUNT_NAMES}
    for g in groups:
        out[g.value] += 1
    return out
