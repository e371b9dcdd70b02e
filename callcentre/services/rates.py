"""AAPOR outcome rates per group: counts from SQL, rates from the pure core.

:func:`outcome_rates` counts each released case's disposition group per group of the
chosen columns in one SQL statement (:mod:`callcentre.db.queries.rates` states which cases count, how open cases count,
and which attempt stands behind a case for line / caller / day), after bringing the
per-case outcome cache up to date (a short write transaction), then computes RR1–RR6, COOP1–4, REF1–3 and CON1–3
with :func:`callcentre.fieldwork.rates.aapor_rates` over all groups at once.

``e`` (the share of unknown-eligibility cases taken as eligible) is stated with every
result: by default the proportional estimate per group, eligible ÷ (eligible + not
eligible) among the cases whose eligibility is known; or one number for all groups.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlmodel import Session

from callcentre.db.engine import writing
from callcentre.db.queries.rates import (
    GROUPINGS,
    ITEM_LEVEL,
    CountRow,
    grouped_counts,
    refresh_outcomes,
)
from callcentre.errors import InvalidInput
from callcentre.fieldwork.dispositions import DISPOSITIONS, DispositionSet
from callcentre.fieldwork.rates import COUNT_NAMES, RATE_NAMES, aapor_rates
from callcentre.services.actor import Actor, require
from callcentre.services.waves import resolve_wave


@dataclass(frozen=True)
class RateRow:
    """One group: its key (one value per grouping column), counts and rates."""

    key: tuple[Any, ...]
    counts: dict[str, int]
    rates: dict[str, float | None]
    """RR1 … CON3 (``None`` where the denominator is 0)."""
    e: float | None

    @property
    def cases(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class RatesResult:
    wave: str
    by: tuple[str, ...]
    e_given: float | None
    """The ``e`` asked for; ``None``: estimated per group."""
    rows: list[RateRow]
    total: RateRow
    """All released cases together (each case once)."""


def parse_by(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"item,district"`` → ``("item", "district")``; bad names are an :class:`InvalidInput`."""
    if text is None:
        return ()
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text)]
    parts = [p for p in parts if p]
    for p in parts:
        if p not in GROUPINGS:
            raise InvalidInput("rates.bad_by", value=p, allowed=", ".join(GROUPINGS))
    if len(set(parts)) != len(parts):
        raise InvalidInput("rates.bad_by", value=",".join(parts), allowed=", ".join(GROUPINGS))
    return tuple(parts)


def _sort_value(v: Any) -> tuple[int, float, str]:
    if isinstance(v, tuple):  # (id or number, name): by the first
        v = v[0]
    if v is None:  # a case never dialled: last
        return (2, 0.0, "")
    if isinstance(v, int | float):
        return (0, float(v), "")
    return (1, 0.0, str(v))


def _sort_key(key: tuple[Any, ...]) -> tuple[tuple[int, float, str], ...]:
    return tuple(_sort_value(v) for v in key)


def outcome_rates(*, session: Session, actor: Actor, wave: str | None = None,
                  by: Sequence[str] = (), e: float | None = None,
                  design_id: int | None = None,
                  dispositions: DispositionSet = DISPOSITIONS,
                  dead_numbers_ineligible: bool = True) -> RatesResult:
    """The sixteen AAPOR rates per group of ``by`` (any of
    :data:`~callcentre.db.queries.rates.GROUPINGS`), and over all released cases.

    Parameters
    ----------
    by
        Grouping columns, e.g. ``("item", "district")``; empty: the total only.
    e
        Share of unknown-eligibility cases taken as eligible, in [0, 1]. Default:
        eligible ÷ (eligible + not eligible) in each group.
    """
    require(actor, "work.read_all")
    by = parse_by(by)
    if e is not None and not (0.0 <= e <= 1.0):
        raise InvalidInput("rates.bad_e", value=e)
    wave_row = resolve_wave(session, wave=wave)
    wave_id = int(wave_row.id or 0)
    with writing(session):
        refresh_outcomes(session, wave_id=wave_id, dispositions=dispositions,
                         dead_numbers_ineligible=dead_numbers_ineligible)
    try:
        rows = grouped_counts(session, wave_id=wave_id, design_id=design_id, by=by)
        if any(b in ITEM_LEVEL for b in by):  # a case may count in several groups
            totals = grouped_counts(session, wave_id=wave_id, design_id=design_id, by=())
        else:  # each case in exactly one group: the total is their sum
            totals = [CountRow((), r.group, r.cases) for r in rows]
    finally:
        session.rollback()  # a read: end the transaction, hold no snapshot

    def assemble(count_rows: Sequence[Any]) -> list[RateRow]:
        keys: dict[tuple[Any, ...], int] = {}
        for r in count_rows:
            keys.setdefault(r.key, len(keys))
        ordered = sorted(keys, key=_sort_key)
        index = {k: i for i, k in enumerate(ordered)}
        counts = {name: np.zeros(len(ordered)) for name in COUNT_NAMES}
        for r in count_rows:
            counts[r.group][index[r.key]] += r.cases
        result = aapor_rates(counts, e=e) if ordered else None
        out = []
        for i, k in enumerate(ordered):
            assert result is not None
            row = result.row(i)
            out.append(RateRow(k, {n: int(counts[n][i]) for n in COUNT_NAMES},
                               {n: row[n] for n in RATE_NAMES}, row["e"]))
        return out

    grouped = assemble(rows)
    total_rows = assemble(totals)
    total = total_rows[0] if total_rows else RateRow(
        (), {n: 0 for n in COUNT_NAMES}, {n: None for n in RATE_NAMES}, e)
    return RatesResult(wave_row.code, by, e, grouped if by else [], total)
