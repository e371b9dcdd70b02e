"""Strata from frame columns: labels, codes and a digest of the frame.

Pure functions over arrays; the database layer hands in the columns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


def stratum_label(by: Sequence[str], values: Sequence[object]) -> str:
    """Machine label of a stratum, e.g. ``item=12|district=120101`` (``all`` without
    stratification). Stored with the design; people see a display form of it."""
    if not by:
        return "all"
    return "|".join(f"{c}={v}" for c, v in zip(by, values))


def parse_label(label: str) -> dict[str, str]:
    """The column -> value pairs of a :func:`stratum_label` (empty for ``all``)."""
    if label == "all":
        return {}
    return dict(part.partition("=")[::2] for part in label.split("|"))


@dataclass(frozen=True)
class Strata:
    """Strata of a frame: ``labels[code[i]]`` is unit i's stratum."""

    labels: list[str]
    values: list[dict[str, str]]
    code: np.ndarray

    @property
    def sizes(self) -> np.ndarray:
        """``N_h`` per stratum."""
        return np.bincount(self.code, minlength=len(self.labels)).astype(np.int64)


def stratify(columns: Mapping[str, np.ndarray], by: Sequence[str], n: int) -> Strata:
    """Cross the ``by`` columns (each of length ``n``) into strata, in sorted label order.

    Raises
    ------
    ValueError
        If a column in ``by`` is not among ``columns``.
    """
    for c in by:
        if c not in columns:
            raise ValueError(f"unknown stratification column {c!r}")
    if not by:
        return Strata(["all"], [{}], np.zeros(n, dtype=np.int64))
    parts = [np.asarray(columns[c]).astype(str) for c in by]
    combined = parts[0].astype(object)
    for part in parts[1:]:
        combined = combined + "\x1f" + part.astype(object)
    raw, code = np.unique(combined.astype(str), return_inverse=True)
    tuples = [lab.split("\x1f") for lab in raw]
    return Strata([stratum_label(by, tup) for tup in tuples],
                  [dict(zip(by, tup)) for tup in tuples], code.astype(np.int64))


def frame_digest(labels: Sequence[str], code: np.ndarray, keys: np.ndarray) -> str:
    """sha256 of the sorted (stratum label, key) pairs: same frame ⇔ same digest."""
    pairs = sorted(zip((labels[c] for c in code), keys.tolist()))
    h = hashlib.sha256()
    for lab, key in pairs:
        h.update(f"{lab}\x1f{key}\n".encode())
    return h.hexdigest()
