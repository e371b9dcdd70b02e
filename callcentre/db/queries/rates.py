"""Disposition counts per group for the AAPOR rates, aggregated in SQL.

Which cases count
-----------------
Only released sample: a ``SampleCase`` exists only for released units
(:func:`callcentre.db.queries.samples.materialise_cases`), and every count here also
requires a released unit (``SampleUnit.released``) behind the case (item-level
groupings join the released units themselves). A released case the call queue has
not taken up yet (no ``CaseQueue`` row, no attempt) counts as not attempted (3.11,
UH): it is released sample all the same.

Each case's group
-----------------
A *closed* case (``CaseQueue.status = 'closed'`` with a ``final_group``) counts in its
stored final group, which the queue derived with
:func:`callcentre.fieldwork.final.derive_final` (interview shares included).

An *open* case counts "as if fieldwork ended now", as AAPOR counts interim
dispositions: the rules of :mod:`callcentre.fieldwork.final` applied in SQL to its
ended attempts. Every disposition key gets a rank from the rule that would pick it
(:func:`disposition_ranks`): 1 complete, 2 partial, 3 enterprise not eligible, 4 final
refusal, 5 other refusal / break-off, 6 other eligible, 7 contact without interview
(NC), 8 dead number, 9 no answer / voicemail, 10 other dialled outcome (busy,
technical, custom UH/UO), 11 nothing dialled (abandoned lease). The case's lowest rank
decides, and among its attempts of that rank the latest (highest id: a case has one
attempt at a time, so ids follow start order). Rank 7 gives NC (2.21 "respondent
never available"); rank 8 gives NE when every one of the case's numbers is dead
(rule 6; 3.90 UO with ``dead_numbers_ineligible=False``), else the case's best rank
above 8 decides; ranks 9 and 11 give UH; rank 10 gives that attempt's group. A case
without any ended attempt is UH (3.11 not attempted, or never reached). What the
SQL does not see for open cases is the interview's share answered: a case whose
partial interview was recorded as a break-off counts R until it is closed.

The attempt behind a case
-------------------------
Grouping by line, caller or day uses the attempt that gave the case its disposition:
the one the ranks above pick (the latest attempt of the deciding rule), for closed
cases too. A case never dialled has none and falls into the group "none" (``None``
key). Days are Asia/Shanghai calendar days (UTC+8 all year: China has no daylight
saving time) of that attempt's start.

A case covering several items counts once in each of its items' groups (and once per
department, area, stratum); for the other groupings it counts once.

The cache
---------
The open cases' groups and every case's attempt come from ``RateCaseOutcome``
(:mod:`callcentre.db.models.rates`), which :func:`refresh_outcomes` brings up to date
in SQL from the attempts added or ended since its last run; a closed case's stored
final group is read live from ``CaseQueue``. So a computation reads the cases, not a
million attempts (measured in ``bench/bench_rates.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Select,
    String,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from callcentre.db.engine import lock_rows
from callcentre.db.models.accounts import UserAccount
from callcentre.db.models.fieldwork import CallAttempt, CasePhone, CaseQueue
from callcentre.db.models.frame import Department, Enterprise, Item, ItemMembership
from callcentre.db.models.rates import RateCaseOutcome, RateRefresh
from callcentre.db.models.sample import SampleCase, SampleCaseItem, SampleStratum, SampleUnit
from callcentre.fieldwork.dispositions import DISPOSITIONS, Disposition, DispositionSet, Group

GROUPINGS = ("item", "area", "district", "department", "line", "caller", "day", "replicate",
             "stratum")
ITEM_LEVEL = frozenset({"item", "area", "department", "stratum"})
ATTEMPT_LEVEL = frozenset({"line", "caller", "day"})

# ranks of the rules of callcentre.fieldwork.final (see the module docstring)
R_I, R_P, R_NE, R_REFUSED, R_R, R_O, R_CONTACT, R_DEAD, R_NO_ANSWER, R_TRIED, R_NONE = range(1, 12)
_BIG = 2 ** 40
"""rank * _BIG - attempt id: the smallest is the best rank's latest attempt."""
_NO_ANSWER_KEYS = ("no_answer", "voicemail")  # as in final.py, rule 7
_GROUP_OF_RANK = {R_I: "I", R_P: "P", R_NE: "NE", R_REFUSED: "R", R_R: "R", R_O: "O",
                  R_CONTACT: "NC", R_NO_ANSWER: "UH", R_NONE: "UH"}
_DEFAULT_RANK = {Group.I: R_I, Group.P: R_P, Group.NE: R_NE, Group.R: R_R, Group.O: R_O,
                 Group.NC: R_CONTACT, Group.UH: R_TRIED, Group.UO: R_TRIED}


def disposition_rank(d: Disposition) -> int:
    """The rule of :func:`~callcentre.fieldwork.final.derive_final` that would pick ``d``."""
    if d.group is Group.I:
        return R_I
    if d.group is Group.P:
        return R_P
    if d.group is Group.NE and not d.number_dead:
        return R_NE
    if d.group is Group.R:
        return R_REFUSED if d.final else R_R
    if d.group is Group.O:
        return R_O
    if d.contact:
        return R_CONTACT
    if d.number_dead:
        return R_DEAD
    if not d.attempt:
        return R_NONE
    if d.key in _NO_ANSWER_KEYS:
        return R_NO_ANSWER
    return R_TRIED


def disposition_ranks(dispositions: DispositionSet = DISPOSITIONS) -> dict[str, int]:
    return {d.key: disposition_rank(d) for d in dispositions}


def _rank_expr(dispositions: DispositionSet) -> ColumnElement[Any]:
    """SQL rank of an attempt: its key where the rank differs from its group's usual
    one, else by its group (cheap: few keys are listed)."""
    special: dict[int, list[str]] = {}
    for d in dispositions:
        r = disposition_rank(d)
        if r != _DEFAULT_RANK[d.group]:
            special.setdefault(r, []).append(d.key)
    by_group = case({g.value: r for g, r in _DEFAULT_RANK.items()},
                    value=CallAttempt.group, else_=R_TRIED)
    whens = [(CallAttempt.disposition.in_(keys), r)  # type: ignore[union-attr]
             for r, keys in sorted(special.items())]
    return case(*whens, else_=by_group) if whens else by_group


@dataclass(frozen=True)
class CountRow:
    """Cases of one disposition group in one group of the grouping."""

    key: tuple[Any, ...]
    """One value per grouping column (see :func:`grouped_counts`)."""
    group: str
    cases: int


def _rank_of(m: ColumnElement[Any]) -> ColumnElement[Any]:
    big = literal(_BIG, BigInteger)
    return (m + big - 1) // big


def _id_of(m: ColumnElement[Any]) -> ColumnElement[Any]:
    return _rank_of(m) * literal(_BIG, BigInteger) - m


def _outcomes_select(*, wave_id: int, dispositions: DispositionSet,
                     dead_numbers_ineligible: bool, cases: Any = None) -> Select[Any]:
    """``SELECT case_id, wave_id, grp, attempt_id`` per case with ended attempts (of
    ``cases``, a list of case ids, if given): the rules of the module docstring."""
    rank = _rank_expr(dispositions)
    key = cast(rank, BigInteger) * literal(_BIG, BigInteger) - col(CallAttempt.id)
    inner: Any = (select(col(CallAttempt.case_id).label("case_id"),
                    func.min(key).label("m1"),
                    func.min(case((rank > R_DEAD, key))).label("m2"))
             .where(col(CallAttempt.disposition).is_not(None)))
    if cases is not None:  # a case's attempts are all of its wave
        inner = inner.where(col(CallAttempt.case_id).in_(cases))
    else:
        inner = inner.where(col(CallAttempt.wave_id) == wave_id)
    agg = inner.group_by(col(CallAttempt.case_id)).subquery("agg")
    m1, m2 = agg.c.m1, agg.c.m2
    r1, r2 = _rank_of(m1), _rank_of(m2)

    dead_keys = [d.key for d in dispositions if disposition_rank(d) == R_DEAD]
    a2 = aliased(CallAttempt)
    dead_numbers = (select(func.count(func.distinct(col(a2.number))))
                    .where(col(a2.case_id) == agg.c.case_id, col(a2.disposition).in_(dead_keys))
                    .scalar_subquery())
    phones = (select(func.count()).select_from(CasePhone)
              .where(col(CasePhone.case_id) == agg.c.case_id).scalar_subquery())
    all_dead = and_(phones > 0, dead_numbers >= phones)

    a3 = aliased(CallAttempt)
    has_uo_tried = any(disposition_rank(d) == R_TRIED and d.group is Group.UO
                       for d in dispositions)

    def group_of(m: Any) -> Any:
        # rank 10: the attempt's own group (UH, or a custom tried UO code)
        if not has_uo_tried:
            return literal("UH")
        return select(col(a3.group)).where(col(a3.id) == _id_of(m)).scalar_subquery()

    after_dead = case((m2.is_(None), "UH"), (r2 == R_TRIED, group_of(m2)), else_="UH")
    grp = case(
        *[(r1 == r, g) for r, g in _GROUP_OF_RANK.items()],
        (r1 == R_DEAD, case((all_dead, "NE" if dead_numbers_ineligible else "UO"),
                            else_=after_dead)),
        else_=group_of(m1),  # R_TRIED
    )
    attempt = case((and_(r1 == R_DEAD, m2.is_not(None), ~all_dead), _id_of(m2)),
                   else_=_id_of(m1))
    return select(agg.c.case_id, literal(wave_id).label("wave_id"),
                  cast(grp, String).label("grp"), attempt.label("attempt_id"))


def rules_digest(dispositions: DispositionSet, dead_numbers_ineligible: bool) -> str:
    """What the cached groups depend on besides the attempts."""
    ranks = sorted((d.key, d.group.value, disposition_rank(d)) for d in dispositions)
    return hashlib.sha256(repr((ranks, dead_numbers_ineligible, _BIG)).encode()).hexdigest()


#: a refresh reads again at least the newest REREAD attempts: on PostgreSQL an attempt
#: being inserted while a refresh runs may get an id below one already committed
REREAD = 200
#: more cases touched than this since the last refresh: rebuild the wave's cache at once
FULL_REBUILD = 20_000


def refresh_outcomes(session: Session, *, wave_id: int,
                     dispositions: DispositionSet = DISPOSITIONS,
                     dead_numbers_ineligible: bool = True) -> int:
    """Bring the cache of ``wave_id`` up to date; returns the attempts read.

    Run it in a write transaction (``begin_write``); it locks the wave's
    ``RateRefresh`` row so concurrent refreshes take turns. Attempts are inserted
    when a call starts and updated once, when it ends: every attempt with an id at or
    above the lowest one still open at the last refresh (or among the newest
    :data:`REREAD`) is read again, with all attempts of the cases it belongs to.
    Other changes to ended attempts are not expected (they are history); a change of
    the disposition rules rebuilds the wave's cache.
    """
    digest = rules_digest(dispositions, dead_numbers_ineligible)
    dialect = session.get_bind().dialect.name
    ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(RateRefresh)
    session.execute(ins.values(wave_id=wave_id, low_id=0, rules=digest,
                               refreshed_at=datetime.now(UTC))
                    .on_conflict_do_nothing(index_elements=["wave_id"]))
    state = session.execute(lock_rows(
        select(col(RateRefresh.low_id), col(RateRefresh.rules))
        .where(col(RateRefresh.wave_id) == wave_id))).one()
    low = int(state.low_id) if state.rules == digest else 0
    top = session.execute(select(func.max(CallAttempt.id))).scalar()
    if top is None:
        return 0
    kw: dict[str, Any] = {"wave_id": wave_id, "dispositions": dispositions,
                          "dead_numbers_ineligible": dead_numbers_ineligible}
    columns = ["case_id", "wave_id", "grp", "attempt_id"]
    touched: list[int] = []
    if low:
        # the id range alone (the primary key), not the wave: a planner offered the
        # wave's index would read every attempt of the wave
        touched = sorted({int(c) for c in session.execute(
            select(col(CallAttempt.case_id)).where(col(CallAttempt.id) >= low)).scalars()})
    if not low or len(touched) > FULL_REBUILD:
        session.execute(delete(RateCaseOutcome).where(col(RateCaseOutcome.wave_id) == wave_id))
        session.execute(insert(RateCaseOutcome).from_select(columns, _outcomes_select(**kw)))
    else:
        for start in range(0, len(touched), 500):
            chunk = touched[start:start + 500]
            session.execute(delete(RateCaseOutcome).where(
                RateCaseOutcome.case_id.in_(chunk)))  # type: ignore[attr-defined]
            session.execute(insert(RateCaseOutcome).from_select(
                columns, _outcomes_select(cases=chunk, **kw)))
    first_open = session.execute(select(func.min(CallAttempt.id)).where(
        col(CallAttempt.id) >= low, col(CallAttempt.disposition).is_(None))).scalar()
    new_low = max(0, int(top) + 1 - REREAD)
    if first_open is not None:
        new_low = min(new_low, int(first_open))
    session.execute(update(RateRefresh).where(col(RateRefresh.wave_id) == wave_id).values(
        low_id=max(new_low, 1), rules=digest,
        refreshed_at=datetime.now(UTC)))
    return len(touched)


def _day_expr(started: ColumnElement[Any], dialect: str) -> ColumnElement[Any]:
    """The Asia/Shanghai calendar day (UTC+8, no DST) of a stored UTC time, as text."""
    if dialect == "sqlite":
        return func.date(started, "+8 hours")
    return cast(cast(started + text("interval '8 hours'"), Date), String)


def grouped_counts(session: Session, *, wave_id: int, by: Sequence[str],
                   design_id: int | None = None) -> list[CountRow]:
    """Cases per (group of ``by``, disposition group), released sample only, from the
    cache as :func:`refresh_outcomes` left it (refresh first).

    Key values per column: item → item number; area → (area number, area name);
    district → district code; department → (department id, name); line → line;
    caller → (user id, name shown); day → ``YYYY-MM-DD``; replicate → replicate
    number; stratum → (stratum id, stored label). ``None`` (or a tuple of them) where
    the case has none (an attempt-level grouping for a case never dialled).
    """
    unknown = [b for b in by if b not in GROUPINGS]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"bad grouping {list(by)!r}; choose among {GROUPINGS}")
    dialect = session.get_bind().dialect.name
    item_level = any(b in ITEM_LEVEL for b in by)
    # one flat statement (a subquery per case was several times slower on SQLite):
    # the case's group is its stored final group when closed, else the cached one
    # constants as SQL literals: the same text in SELECT and GROUP BY is one expression
    # to SQLite (two bound parameters are not), evaluated once a row
    closed = and_(col(CaseQueue.status) == literal_column("'closed'"),
                  col(CaseQueue.final_group).is_not(None))
    grp = case((closed, CaseQueue.final_group),
               else_=func.coalesce(RateCaseOutcome.grp, literal_column("'UH'")))

    parts: list[list[ColumnElement[Any]]] = []
    joins: list[tuple[str, Any, Any]] = []

    def join(name: str, target: Any, on: Any) -> None:
        if all(name != j[0] for j in joins):
            joins.append((name, target, on))

    da = aliased(CallAttempt, name="da")
    if item_level:
        join("ci", SampleCaseItem, SampleCaseItem.case_id == SampleCase.id)
        join("u", SampleUnit, and_(col(SampleUnit.id) == col(SampleCaseItem.unit_id),
                                   col(SampleUnit.released).is_(True)))
    outer: set[str] = set()
    for b in by:
        if b == "item":
            join("item", Item, Item.id == SampleCaseItem.item_id)
            parts.append([Item.number])  # type: ignore[list-item]
        elif b == "area":
            join("item", Item, Item.id == SampleCaseItem.item_id)
            parts.append([Item.area_number, Item.area_name])  # type: ignore[list-item]
        elif b == "department":
            join("m", ItemMembership, ItemMembership.id == SampleUnit.membership_id)
            join("dept", Department, Department.id == ItemMembership.department_id)
            parts.append([Department.id, Department.name])  # type: ignore[list-item]
        elif b == "stratum":
            join("s", SampleStratum, SampleStratum.id == SampleUnit.stratum_id)
            parts.append([SampleStratum.id, SampleStratum.label])  # type: ignore[list-item]
        elif b == "district":
            join("ent", Enterprise, Enterprise.id == SampleCase.enterprise_id)
            parts.append([Enterprise.district_code])  # type: ignore[list-item]
        elif b == "replicate":
            parts.append([SampleCase.replicate])  # type: ignore[list-item]
        else:
            join("da", da, da.id == RateCaseOutcome.attempt_id)
            outer.add("da")
            if b == "line":
                parts.append([da.line])  # type: ignore[list-item]
            elif b == "day":
                parts.append([_day_expr(da.started_at, dialect)])  # type: ignore[arg-type]
            else:
                join("user", UserAccount, UserAccount.id == da.caller_id)
                outer.add("user")
                shown = case((func.coalesce(UserAccount.display_name, "") != "",
                              UserAccount.display_name), else_=UserAccount.username)
                parts.append([da.caller_id, shown])  # type: ignore[list-item]

    key_cols = [c for p in parts for c in p]
    n = func.count(func.distinct(SampleCase.id)) if item_level else func.count()
    stmt = (select(*key_cols, grp, n).select_from(SampleCase)
            .outerjoin(CaseQueue, CaseQueue.case_id == SampleCase.id)  # type: ignore[arg-type]
            .outerjoin(RateCaseOutcome, RateCaseOutcome.case_id == SampleCase.id))  # type: ignore[arg-type]
    for name, target, on in joins:
        stmt = stmt.outerjoin(target, on) if name in outer else stmt.join(target, on)
    stmt = stmt.where(col(SampleCase.wave_id) == wave_id)
    if design_id is not None:
        stmt = stmt.where(col(SampleCase.design_id) == design_id)
    if not item_level:  # released sample only (item-level groupings join released units)
        stmt = stmt.where(exists().where(
            col(SampleCaseItem.case_id) == col(SampleCase.id),
            col(SampleUnit.id) == col(SampleCaseItem.unit_id), col(SampleUnit.released).is_(True)))
    stmt = stmt.group_by(*key_cols, grp)
    rows = session.execute(stmt).all()
    out = []
    for row in rows:
        values = list(row[:len(key_cols)])
        key: list[Any] = []
        pos = 0
        for p in parts:
            chunk = values[pos:pos + len(p)]
            pos += len(p)
            key.append(chunk[0] if len(chunk) == 1 else tuple(chunk))
        out.append(CountRow(tuple(key), str(row[-2]), int(row[-1])))
    return out


__all__ = ["GROUPINGS", "CountRow", "disposition_ranks", "grouped_counts", "refresh_outcomes"]
