"""The call queue in SQL: filling it, the atomic claim, leases, a case's rows.

The claim is one statement on both databases (DESIGN §6, procrastinate / pgqueuer):

- PostgreSQL: a CTE ``SELECT … ORDER BY … LIMIT 1 FOR UPDATE SKIP LOCKED`` feeding
  ``UPDATE … RETURNING``: concurrent claimers skip each other's rows instead of
  waiting, and never take the same row;
- SQLite (>= 3.35): ``UPDATE … WHERE case_id = (SELECT … LIMIT 1) RETURNING`` inside
  ``BEGIN IMMEDIATE`` (one writer at a time, so the sub-select cannot go stale).

Which rows qualify and in which order mirrors :class:`callcentre.fieldwork.rules.ClaimOrder`
over the stored verdict of :func:`callcentre.fieldwork.rules.decide` (see its module
docstring, "The SQL contract"). A case whose lease has expired qualifies like a free
one: the claim takes it over and returns the abandoned attempt's id, so an abandoned
case goes back into the queue at the first claim after its lease ends (and
:func:`reap_expired` closes leases that nobody's claim has picked up).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import TextClause, bindparam, func, text
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from callcentre.db.models.fieldwork import Answer, CallAttempt, CasePhone, CaseQueue, DoNotCall
from callcentre.db.models.frame import Enterprise
from callcentre.db.models.sample import SampleCase, SampleUnit


def _now() -> datetime:
    return datetime.now(UTC)


def _dialect(session: Session | Connection) -> str:
    bind = session.get_bind() if isinstance(session, Session) else session.engine
    return bind.dialect.name


# --- filling the queue ------------------------------------------------------------------


def phones_of(enterprise: Enterprise) -> list[tuple[str, str | None, str | None]]:
    """An enterprise's numbers ``(e164, ext, kind)`` in import order, the primary first."""
    stored = json.loads(enterprise.phones or "[]")
    out: list[tuple[str, str | None, str | None]] = []
    if enterprise.phone_e164:
        out.append((enterprise.phone_e164, enterprise.phone_ext, enterprise.phone_kind))
    for p in stored:
        entry = (str(p.get("e164") or ""), p.get("ext"), p.get("kind"))
        if entry[0] and all((e, x) != (entry[0], entry[1]) for e, x, _ in out):
            out.append(entry)
    return out


def populate(session: Session, *, design_id: int | None = None, wave_id: int | None = None,
             now: datetime | None = None) -> int:
    """Give every case that has released items and no queue row its queue row and numbers.

    Returns the number of cases added. Cases are never substituted: a case only ever
    enters the queue, with the numbers its enterprise was imported with.
    """
    now = now or _now()
    stmt = (select(SampleCase, Enterprise)
            .join(Enterprise, col(Enterprise.id) == col(SampleCase.enterprise_id))
            .outerjoin(CaseQueue, col(CaseQueue.case_id) == col(SampleCase.id))
            .where(col(CaseQueue.case_id).is_(None))
            .order_by(col(SampleCase.id)))
    if design_id is not None:
        stmt = stmt.where(SampleCase.design_id == design_id)
    if wave_id is not None:
        stmt = stmt.where(SampleCase.wave_id == wave_id)
    rows = session.exec(stmt).all()
    if not rows:
        return 0
    released = dict(session.exec(
        select(SampleUnit.case_id, SampleUnit.released_at)
        .where(col(SampleUnit.case_id).in_([int(c.id or 0) for c, _ in rows]),
               col(SampleUnit.released).is_(True))).all())
    queue: list[dict[str, Any]] = []
    phones: list[dict[str, Any]] = []
    for case, ent in rows:
        since = released.get(case.id) or now
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        queue.append({
            "case_id": case.id, "wave_id": case.wave_id, "design_id": case.design_id,
            "status": "open", "priority": 0, "next_call_at": since, "only_half": None,
            "converter_only": False, "waiting_since": since, "released_at": since, "appt_hard": False,
            "attempts": 0, "contacted": False, "updated_at": now})
        numbers = phones_of(ent)
        if not numbers:    # nothing to dial: closed at once (never claimed)
            queue[-1].update(status="closed", next_call_at=None, closed_at=now)
        for pos, (e164, ext, kind) in enumerate(numbers):
            phones.append({"case_id": case.id, "position": pos, "e164": e164, "ext": ext,
                           "kind": kind, "attempts": 0, "dead": False})
    for start in range(0, len(queue), 2000):
        session.execute(CaseQueue.__table__.insert(), queue[start:start + 2000])  # type: ignore[attr-defined]
    for start in range(0, len(phones), 2000):
        session.execute(CasePhone.__table__.insert(), phones[start:start + 2000])  # type: ignore[attr-defined]
    for design in sorted({int(c.design_id) for c, _ in rows}):
        hold_full_strata(session, design_id=design, now=now)   # released into a full stratum
    return len(queue)


# --- the claim ------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimParams:
    """Everything the claim statement binds."""

    wave_id: int
    caller_id: int
    converter: bool
    line: str
    now: datetime
    hard_due: datetime
    """``now + hard_appointment_lead``: a hard appointment at or before it is due."""
    half_start: datetime
    """The start of ``now``'s half-day (time-slot balance)."""
    half: str
    """``morning`` or ``afternoon``: ``only_half`` must be null or this."""
    lease_until: datetime


_WHERE = """
    wave_id = :wave_id AND status = 'open'
    AND next_call_at <= :now
    AND (only_half IS NULL OR only_half = :half)
    AND (holder_id IS NULL OR lease_until < :now)
    AND (reserved_for IS NULL OR reserved_for = :caller_id
         OR (reserved_until IS NOT NULL AND reserved_until <= :now))
    AND (assigned_to IS NULL OR assigned_to = :caller_id)
    AND (converter_only = :false OR :converter = :true)
"""
_ORDER = """
    CASE WHEN appt_hard = :true AND appt_at <= :hard_due THEN 0 ELSE 1 END,
    CASE WHEN appt_hard = :false AND appt_at <= :now THEN 0 ELSE 1 END,
    priority DESC,
    CASE WHEN last_attempt_at >= :half_start THEN 1 ELSE 0 END,
    waiting_since, case_id
"""
_SET = """holder_id = :caller_id, line = :line, lease_until = :lease_until,
          updated_at = :now"""

_TIMES = ("now", "hard_due", "half_start", "lease_until")


def _typed(stmt: TextClause) -> TextClause:
    """Bind times through the column type, so SQLite compares them in its stored format."""
    return stmt.bindparams(*(bindparam(n, type_=UTCDateTime()) for n in _TIMES))


CLAIM_PG = text(f"""
WITH pick AS (
    SELECT case_id, holder_id AS old_holder, attempt_id AS old_attempt
    FROM casequeue WHERE {_WHERE}
    ORDER BY {_ORDER}
    LIMIT 1 FOR UPDATE SKIP LOCKED)
UPDATE casequeue SET {_SET}
FROM pick WHERE casequeue.case_id = pick.case_id
RETURNING casequeue.case_id, pick.old_holder, pick.old_attempt
""")
CLAIM_PG = _typed(CLAIM_PG)

# SQLite's RETURNING shows the row after the update: attempt_id is left untouched by the
# claim (the service sets the new attempt next), so it still names the abandoned one.
CLAIM_SQLITE = text(f"""
UPDATE casequeue SET {_SET}
WHERE case_id = (SELECT case_id FROM casequeue WHERE {_WHERE} ORDER BY {_ORDER} LIMIT 1)
RETURNING case_id, NULL AS old_holder, attempt_id AS old_attempt
""")
CLAIM_SQLITE = _typed(CLAIM_SQLITE)


@dataclass(frozen=True)
class Claimed:
    case_id: int
    abandoned_attempt: int | None
    """The attempt of an expired lease this claim took over (closed as abandoned)."""


def _conn(session: Session) -> Connection:
    """The session's connection: the hot paths run Core statements built once (see
    :func:`_statements`) on it, skipping the ORM session's per-statement work (but
    flushing pending ORM changes first, as the session's autoflush would)."""
    if session.new or session.deleted or session.dirty:
        session.flush()
    return session.connection()


@cache
def _statements() -> dict[str, Any]:
    """The claim path's statements, built once per process: building a statement
    (and its cache key) cost more CPU per claim than running it (measured on
    ``bench/bench_queue.py``); a built one is compiled once and reused."""
    table = CaseQueue.__table__  # type: ignore[attr-defined]
    cases = SampleCase.__table__  # type: ignore[attr-defined]
    ents = Enterprise.__table__  # type: ignore[attr-defined]
    answers = Answer.__table__  # type: ignore[attr-defined]
    phones_t = CasePhone.__table__  # type: ignore[attr-defined]
    dnc = DoNotCall.__table__  # type: ignore[attr-defined]
    attempts_t = CallAttempt.__table__  # type: ignore[attr-defined]
    name = (sa_select(ents.c.name).join(cases, cases.c.enterprise_id == ents.c.id)
            .where(cases.c.id == table.c.case_id).scalar_subquery())
    count = (sa_select(func.count()).select_from(answers)
             .where(answers.c.case_id == table.c.case_id).scalar_subquery())
    row = sa_select(table, name.label("enterprise_name"), count.label("answers")).where(
        table.c.case_id == bindparam("case_id"))
    listed = sa_select(dnc.c.e164).where(dnc.c.e164 == phones_t.c.e164).exists()
    return {
        "case_row": row,
        "case_row_locked": row.with_for_update(of=table),
        "phones": sa_select(phones_t, listed.label("dnc"))
        .where(phones_t.c.case_id == bindparam("case_id")).order_by(phones_t.c.position),
        "attempts": sa_select(attempts_t).where(attempts_t.c.case_id == bindparam("case_id"))
        .order_by(attempts_t.c.started_at, attempts_t.c.id),
        "open_attempt": attempts_t.insert().returning(attempts_t.c.id),
        "update_case": table.update().where(table.c.case_id == bindparam("_case_id")),
    }


def claim(session: Session, p: ClaimParams) -> Claimed | None:
    """Run the one claim statement; ``None`` when no case qualifies."""
    stmt = CLAIM_PG if _dialect(session) == "postgresql" else CLAIM_SQLITE
    params = {"wave_id": p.wave_id, "caller_id": p.caller_id, "converter": p.converter,
              "line": p.line, "now": p.now, "hard_due": p.hard_due,
              "half_start": p.half_start, "half": p.half, "lease_until": p.lease_until,
              "true": True, "false": False}
    row = _conn(session).execute(stmt, params).first()
    if row is None:
        return None
    return Claimed(int(row[0]), int(row[2]) if row[2] is not None else None)


def close_abandoned(session: Session, *, attempt_ids: Sequence[int], at: datetime) -> int:
    """Close open attempts whose lease ran out: disposition ``abandoned`` (3.16, UH)."""
    if not attempt_ids:
        return 0
    result = session.execute(
        text("UPDATE callattempt SET ended_at = :at, disposition = 'abandoned', code = '3.16', "
             '"group" = \'UH\', abandoned = :true '
             "WHERE ended_at IS NULL AND id IN :ids").bindparams(
            bindparam("ids", expanding=True), bindparam("at", type_=UTCDateTime())),
        {"at": at, "ids": list(attempt_ids), "true": True})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def expired(session: Session, *, now: datetime, wave_id: int | None = None,
            lock: bool = True) -> list[CaseQueue]:
    """Queue rows whose lease ran out (locked on PostgreSQL, skipping rows being claimed)."""
    stmt = select(CaseQueue).where(col(CaseQueue.holder_id).is_not(None),
                                   col(CaseQueue.lease_until) < now)
    if wave_id is not None:
        stmt = stmt.where(CaseQueue.wave_id == wave_id)
    if lock and _dialect(session) == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.exec(stmt).all())


def lock_case(session: Session, case_id: int) -> CaseQueue | None:
    """The queue row, locked for update on PostgreSQL (SQLite holds the database lock)."""
    stmt = select(CaseQueue).where(CaseQueue.case_id == case_id)
    if _dialect(session) == "postgresql":
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def case_row(session: Session, case_id: int, *, lock: bool = False) -> Any:
    """The queue row as a plain Core row (the hot paths avoid the ORM's bookkeeping),
    with ``enterprise_name`` and ``answers`` (how many answers the case has)."""
    locked = lock and _dialect(session) == "postgresql"
    stmt = _statements()["case_row_locked" if locked else "case_row"]
    return _conn(session).execute(stmt, {"case_id": case_id}).first()


def update_case(session: Session, case_id: int, values: dict[str, Any]) -> None:
    _conn(session).execute(_statements()["update_case"], {**values, "_case_id": case_id})


def phones(session: Session, case_id: int) -> Sequence[Any]:
    """A case's numbers in order (Core rows: position, e164, ext, kind, attempts, dead,
    and ``dnc``: the number is on the do-not-call list)."""
    return _conn(session).execute(_statements()["phones"], {"case_id": case_id}).all()


def attempts(session: Session, case_id: int) -> Sequence[Any]:
    """A case's attempts in start order (Core rows)."""
    return _conn(session).execute(_statements()["attempts"], {"case_id": case_id}).all()


def wave_id(session: Session, code: str | None) -> int | None:
    """The id of the wave ``code`` (else of the current wave), in one statement."""
    if code is None:
        row = session.execute(text(
            "SELECT w.id FROM wave w JOIN appsetting s ON s.value = w.code "
            "WHERE s.key = 'current_wave'")).first()
    else:
        row = session.execute(text("SELECT id FROM wave WHERE code = :c"), {"c": code}).first()
    return int(row[0]) if row is not None else None


def dnc_numbers(session: Session, numbers: Sequence[str]) -> set[str]:
    if not numbers:
        return set()
    table = DoNotCall.__table__  # type: ignore[attr-defined]
    return set(session.execute(sa_select(table.c.e164)
                               .where(table.c.e164.in_(list(numbers)))).scalars())


def open_attempt(session: Session, values: dict[str, Any]) -> int:
    """Insert an attempt, returning its id."""
    return int(_conn(session).execute(_statements()["open_attempt"], values).scalar_one())


def open_sessions(session: Session, *, line: str | None = None) -> int:
    where = "ended_at IS NULL" + (" AND line = :line" if line is not None else "")
    return int(session.execute(text(f"SELECT count(*) FROM callersession WHERE {where}"),
                               {"line": line}).scalar_one())


def lock_line(session: Session, line: str) -> None:
    """Serialise sessions starting on one line (PostgreSQL advisory lock; SQLite's
    BEGIN IMMEDIATE already serialises every writer)."""
    if _dialect(session) == "postgresql":
        key = int.from_bytes(line.encode()[:7].ljust(7, b"\0"), "big")
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


# --- strata and their completes targets -------------------------------------------------


@dataclass(frozen=True)
class StratumProgress:
    """A stratum's completes against its target and its cases in the queue."""

    stratum_id: int
    design_id: int
    label: str
    size: int
    """n_h, the main sample."""
    target: int
    completes: int
    open_cases: int
    """Cases of the stratum still to be called (status open)."""
    held_cases: int
    """Cases held back (the stratum's target reached, or not released)."""
    released_replicates: int
    replicates: int

    @property
    def full(self) -> bool:
        return self.completes >= self.target


def _rates_of(params: str) -> tuple[float, float]:
    try:
        p = json.loads(params or "{}")
        return float(p.get("response_rate") or 1.0), float(p.get("eligibility_rate") or 1.0)
    except (ValueError, TypeError, AttributeError):
        return 1.0, 1.0


def stratum_progress(session: Session | Connection, *, design_id: int | None = None,
                     wave_id: int | None = None, case_id: int | None = None,
                     ) -> list[StratumProgress]:
    """Every stratum of the design (or of the wave's designs; or only those ``case_id``
    covers), in design and label order: its target
    (:func:`callcentre.fieldwork.targets.completes_target` over the design's stored
    response and eligibility rates) and its completes (closed cases whose final group is
    I, counted in each stratum the case covers)."""
    from callcentre.fieldwork.targets import completes_target

    where = "d.id = :d" if design_id is not None else "d.wave_id = :w"
    if case_id is not None:
        where = ("s.id IN (SELECT u.stratum_id FROM samplecaseitem ci JOIN sampleunit u "
                 "ON u.id = ci.unit_id WHERE ci.case_id = :c)")
    params = {"d": design_id, "w": wave_id, "c": case_id}
    strata = session.execute(text(
        "SELECT s.id, s.design_id, s.label, s.size, s.released_replicates, s.replicates, "
        f"d.params FROM samplestratum s JOIN sampledesign d ON d.id = s.design_id WHERE {where} "
        "ORDER BY s.design_id, s.position"), params).all()
    if not strata:
        return []
    counts = {int(r[0]): (int(r[1]), int(r[2]), int(r[3])) for r in session.execute(text(
        "SELECT u.stratum_id, "
        "count(DISTINCT CASE WHEN q.status = 'closed' AND q.final_group = 'I' "
        "THEN q.case_id END), "
        "count(DISTINCT CASE WHEN q.status = 'open' THEN q.case_id END), "
        "count(DISTINCT CASE WHEN q.status = 'held' THEN q.case_id END) "
        "FROM sampleunit u JOIN samplecaseitem ci ON ci.unit_id = u.id "
        "JOIN casequeue q ON q.case_id = ci.case_id "
        "WHERE u.stratum_id IN :ids GROUP BY u.stratum_id").bindparams(
            bindparam("ids", expanding=True)), {"ids": [int(r[0]) for r in strata]}).all()}
    out = []
    for sid, did, label, size, rel, reps, params in strata:
        rr, er = _rates_of(params)
        done, open_, held = counts.get(int(sid), (0, 0, 0))
        out.append(StratumProgress(int(sid), int(did), label, int(size),
                                   completes_target(int(size), response_rate=rr,
                                                    eligibility_rate=er),
                                   done, open_, held, int(rel), int(reps)))
    return out


_HOLD_WHERE = """design_id = :d AND status = 'open' AND contacted = :false
    AND NOT EXISTS (SELECT 1 FROM samplecaseitem ci JOIN sampleunit u ON u.id = ci.unit_id
                    WHERE ci.case_id = casequeue.case_id AND u.stratum_id NOT IN :full)"""


def hold_full_strata(session: Session, *, design_id: int, now: datetime) -> int:
    """Hold back (status ``held``, no next call) every open case of the design that
    nobody has reached yet and whose strata have all reached their completes target.
    Cases a caller holds now are flagged too: their attempt's end then keeps them held
    unless it reached someone. On PostgreSQL rows another transaction has locked (a claim
    or an attempt's end in progress) are skipped rather than waited for, so two holds
    never deadlock; the next hold catches them. Returns how many cases were held."""
    full = [p.stratum_id for p in stratum_progress(session, design_id=design_id) if p.full]
    if not full:
        return 0
    if _dialect(session) == "postgresql":
        stmt = text(f"""UPDATE casequeue SET status = 'held', next_call_at = NULL,
            updated_at = :now WHERE case_id IN (SELECT case_id FROM casequeue
            WHERE {_HOLD_WHERE} FOR UPDATE SKIP LOCKED)""")
    else:
        stmt = text("UPDATE casequeue SET status = 'held', next_call_at = NULL, "
                    f"updated_at = :now WHERE {_HOLD_WHERE}")
    result = session.execute(stmt.bindparams(bindparam("full", expanding=True),
                                             bindparam("now", type_=UTCDateTime())),
                             {"d": design_id, "now": now, "full": full, "false": False})
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def hold_if_filled(session: Session, *, case_id: int, design_id: int, now: datetime) -> int:
    """After ``case_id`` completed: if it brought one of its strata to exactly its target,
    hold the cases that stratum filling leaves without a purpose
    (:func:`hold_full_strata`). Counts only the case's own strata, so a complete in a
    stratum short of its target (or already past it) costs one small query."""
    if not any(p.completes == p.target for p in stratum_progress(session, case_id=case_id)):
        return 0
    return hold_full_strata(session, design_id=design_id, now=now)
