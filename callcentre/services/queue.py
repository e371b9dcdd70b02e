"""The call queue: caller sessions on lines, claiming, leases, ending attempts, supervision.

A caller logs in on one outbound line (:func:`start_session`, refused when the line
carries its ``max_calls``), claims the next case (:func:`claim_next_case`: one SQL
statement, see :mod:`callcentre.db.queries.queue`), keeps its lease alive with
:func:`heartbeat` while working, and ends the attempt with exactly one disposition
(:func:`end_attempt`), which rebuilds the case from its rows, asks the pure scheduler
(:func:`callcentre.fieldwork.rules.decide`) what comes next and stores its verdict.
A lease that runs out returns the case to the queue and closes its attempt as
abandoned: at the next claim that reaches the case, or by :func:`reap_expired`.
"""

from __future__ import annotations

import fcntl
import json
import os
import time as _time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, event, func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from callcentre.db.engine import begin_write
from callcentre.db.models.accounts import UserAccount
from callcentre.db.models.fieldwork import (
    CalendarDay,
    CallerSession,
    CaseQueue,
    DoNotCall,
)
from callcentre.db.models.frame import Enterprise
from callcentre.db.models.sample import SampleCase
from callcentre.db.queries import queue as q
from callcentre.errors import Conflict, InvalidInput, NotFound
from callcentre.fieldwork.calendar import CalendarEntry, DayKind, WorkCalendar
from callcentre.fieldwork.case import Appointment, Attempt, CaseState, PhoneNumber
from callcentre.fieldwork.config import FieldworkConfig, fieldwork_config
from callcentre.fieldwork.dispositions import DISPOSITIONS, DispositionSet
from callcentre.fieldwork.hours import CallingTimes
from callcentre.fieldwork.rules import Decision, SchedulerConfig, check_appointment, decide
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from callcentre.services.waves import resolve_wave
from callcentre.settings import Settings
from questionnaires.engine import Progress

_DEFAULT_SETTINGS = Settings()


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --- the rules in force ---------------------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """Calling hours on the imported calendar, scheduler numbers, outcomes, lease."""

    times: CallingTimes
    scheduler: SchedulerConfig
    dispositions: DispositionSet
    lease: timedelta
    lines: dict[str, int]


_RULES_TTL = 60.0
_rules_cache: dict[tuple[object, ...], tuple[float, Rules]] = {}


def fieldwork_settings(settings: Settings | None = None) -> FieldworkConfig:
    """Calling hours, scheduler rules and outcomes in force: the ``[calling]`` table
    (windows, time zone, maximum attempts), overridden key by key by the ``[fieldwork]``
    table (every key of :mod:`callcentre.fieldwork.config`: retry delays, limits,
    custom dispositions)."""
    s = settings or _DEFAULT_SETTINGS
    table: dict[str, Any] = {"windows": [str(w) for w in s.calling.windows],
                             "timezone": s.calling.timezone,
                             "max_attempts": s.calling.max_attempts}
    table.update(s.fieldwork)
    return fieldwork_config(table)


def rules_for(session: Session, settings: Settings | None = None) -> Rules:
    """The rules of ``settings`` (:func:`fieldwork_settings`) with the imported holiday
    table (cached a minute per process, so a claim does not re-read the calendar)."""
    s = settings or _DEFAULT_SETTINGS
    bind = session.get_bind()
    key = (str(getattr(bind, "url", id(bind))), s.calling, s.lines,
           json.dumps(s.fieldwork, sort_keys=True, default=str))
    hit = _rules_cache.get(key)
    if hit is not None and _time.monotonic() - hit[0] < _RULES_TTL:
        return hit[1]
    entries = [CalendarEntry(d.day, DayKind(d.kind), d.name)
               for d in session.exec(select(CalendarDay)).all()]
    config = fieldwork_settings(s)
    rules = Rules(CallingTimes(config.hours, WorkCalendar(entries)),
                  config.scheduler, config.dispositions,
                  timedelta(minutes=s.calling.lease_minutes),
                  {line.number: line.max_calls for line in s.lines})
    _rules_cache[key] = (_time.monotonic(), rules)
    return rules


def _transaction(session: Session) -> None:
    """Begin a queue write: :func:`begin_write` (SQLite ``BEGIN IMMEDIATE``), after
    taking, on SQLite, an OS file lock next to the database file that the queue's writers
    queue on. SQLite's own busy handler makes a waiting writer sleep and retry (1, 2, 5 …
    100 ms), so under twenty claiming processes some waited seconds while others came and
    went; a blocked ``flock`` wakes the moment the holder commits. The lock is released
    when the transaction ends (commit or rollback)."""
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("a queue write with pending changes in the session")
        session.rollback()
    fd = _queue_lock(session)
    if fd is not None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        session.info["queue_lock_held"] = True
    begin_write(session)


def _queue_lock(session: Session) -> int | None:
    """This session's descriptor of the database's queue lock file (SQLite files only)."""
    fd: int | None = session.info.get("queue_lock_fd")
    if fd is not None:
        return fd
    bind = session.get_bind()
    database = bind.url.database if isinstance(bind, Engine) else None
    if bind.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    fd = os.open(f"{database}-queue.lock", os.O_RDWR | os.O_CREAT, 0o644)
    session.info["queue_lock_fd"] = fd
    weakref.finalize(session, os.close, fd)

    def release(sess: Session, *_: object) -> None:
        if sess.info.pop("queue_lock_held", False):
            fcntl.flock(fd, fcntl.LOCK_UN)

    event.listen(session, "after_commit", release)
    event.listen(session, "after_rollback", release)
    return fd


# --- filling the queue ----------------------------------------------------------------


def sync_queue(*, session: Session, actor: Actor, wave: str | None = None) -> int:
    """Add every released case of the wave that is not in the queue yet (designs drawn
    before the queue existed). Returns how many were added."""
    require(actor, "queue.manage")
    _transaction(session)
    try:
        w = resolve_wave(session, wave=wave)
        added = q.populate(session, wave_id=int(w.id or 0))
        if added:
            record(session, actor=actor, action="queue.sync", object_type="wave",
                   object_id=w.code, wave_id=w.id, after={"cases": added})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return added


# --- caller sessions and lines --------------------------------------------------------


def start_session(*, session: Session, actor: Actor, line: str,
                  settings: Settings | None = None, now: datetime | None = None) -> int:
    """Log ``actor`` in on ``line`` (ending a session on another line); refused when the
    line already carries its maximum of calls. Returns the session id."""
    require(actor, "queue.work")
    rules = rules_for(session, settings)
    if line not in rules.lines:
        raise InvalidInput("queue.line_unknown", line=line, lines="、".join(rules.lines))
    at = _now(now)
    _transaction(session)
    try:
        q.lock_line(session, line)
        mine = session.exec(select(CallerSession).where(
            CallerSession.user_id == actor.id, col(CallerSession.ended_at).is_(None))).all()
        for s in mine:
            if s.line == line:
                session.rollback()
                return int(s.id or 0)
            s.ended_at = at
            session.add(s)
        session.flush()
        if q.open_sessions(session, line=line) >= rules.lines[line]:
            raise Conflict("queue.line_full", line=line, max=rules.lines[line])
        row = CallerSession(user_id=actor.id, line=line, started_at=at, last_seen=at)
        session.add(row)
        session.flush()
        record(session, actor=actor, action="queue.session_start", object_type="line",
               object_id=line)
        sid = int(row.id or 0)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return sid


def end_session(*, session: Session, actor: Actor, now: datetime | None = None) -> int:
    """End ``actor``'s open sessions. Returns how many were open."""
    require(actor, "queue.work")
    _transaction(session)
    try:
        rows = session.exec(select(CallerSession).where(
            CallerSession.user_id == actor.id, col(CallerSession.ended_at).is_(None))).all()
        for s in rows:
            s.ended_at = _now(now)
            session.add(s)
        if rows:
            record(session, actor=actor, action="queue.session_end", object_type="line",
                   object_id=",".join(s.line for s in rows))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return len(rows)


# --- a case as the scheduler sees it --------------------------------------------------


def case_state(session: Session, row: Any, *, interview: Progress | None = None,
               dispositions: DispositionSet = DISPOSITIONS, stratum_full: bool | None = None,
               ) -> tuple[CaseState, Sequence[Any], Sequence[Any]]:
    """Rebuild a case's :class:`CaseState` from its rows (ended attempts only).

    ``row`` is the queue row (ORM object, Core row or namespace); returns the state,
    the case's numbers and all its attempts (Core rows). ``stratum_full``: every stratum
    of the case reached its completes target; ``None`` reads it from the row (status
    ``held``, set by :func:`callcentre.db.queries.queue.hold_full_strata`)."""
    phones = q.phones(session, row.case_id)
    attempts = q.attempts(session, row.case_id)
    dnc = {p.e164 for p in phones if p.dnc}
    ended = [Attempt(started_at=_aware(a.started_at) or a.started_at, disposition=a.disposition,
                     number=a.number or 0, ended_at=_aware(a.ended_at),
                     caller=str(a.caller_id))
             for a in attempts if a.ended_at is not None and a.disposition is not None
             and a.number is not None and a.disposition in dispositions]
    appt = None
    if row.appt_at is not None:
        appt = Appointment(at=_aware(row.appt_at) or row.appt_at, hard=row.appt_hard,
                           caller=str(row.appt_caller_id) if row.appt_caller_id else None,
                           number=row.appt_number)
    lease = _aware(row.lease_until)
    state = CaseState(
        numbers=tuple(PhoneNumber(p.e164, dnc=p.e164 in dnc) for p in phones),
        attempts=tuple(ended), released_at=_aware(row.released_at or row.waiting_since),
        appointment=appt, priority=row.priority,
        held_by=str(row.holder_id) if row.holder_id is not None else None,
        lease_until=lease if row.holder_id is not None else None,
        assigned_to=str(row.assigned_to) if row.assigned_to is not None else None,
        interview=interview,
        stratum_full=row.status == "held" if stratum_full is None else stratum_full)
    return state, phones, attempts


def verdict(d: Decision, state: CaseState, dispositions: DispositionSet,
            now: datetime) -> dict[str, Any]:
    """The queue row's stored fields after ``decide`` (the SQL contract of rules.py)."""
    counted = [a for a in state.attempts if dispositions.get(a.disposition).attempt]
    out: dict[str, Any] = {
        "attempts": len(counted),
        "last_attempt_at": counted[-1].started_at if counted else None,
        "contacted": any(dispositions.get(a.disposition).contact for a in state.attempts),
        "updated_at": now,
    }
    if d.final is not None:
        out.update(final_code=d.final.disposition.code, final_group=str(d.final.group))
    if d.closed:
        out.update(status="closed", next_call_at=None, closed_at=now, only_half=None,
                   converter_only=False, reserved_for=None, reserved_until=None)
        return out
    reserved = d.reserved_for if d.reserved_until is not None else None
    out.update(status="open" if d.next_at is not None else "held", next_call_at=d.next_at,
               only_half=d.only_half.value if d.only_half is not None else None,
               converter_only=d.converter_only,
               reserved_for=int(reserved) if reserved is not None else None,
               reserved_until=d.reserved_until)
    if d.order is not None:
        out["waiting_since"] = d.order.waiting_since
    return out


# --- claiming -------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """The case a caller now holds and the attempt opened for it."""

    case_id: int
    attempt_id: int
    line: str
    number: int
    """Position of the number to dial (0 = primary)."""
    dialled: str
    lease_until: datetime
    enterprise: str
    took_over: int | None = None
    """The attempt of an expired lease this claim closed as abandoned."""


def claim_next_case(*, session: Session, actor: Actor, line: str, now: datetime | None = None,
                    wave: str | None = None, settings: Settings | None = None) -> Claim | None:
    """Take the next case for ``actor`` on ``line``; ``None`` when nothing is callable.

    Refused outside calling hours, without an open session on ``line``, and while the
    caller still holds a case with a live lease.
    """
    require(actor, "queue.work")
    at = _now(now)
    rules = rules_for(session, settings)
    times = rules.times
    why = times.why_not(at)
    if why is not None:
        raise Conflict("queue.outside_hours", why=why.text())
    _transaction(session)
    try:
        wave_id = q.wave_id(session, wave)
        if wave_id is None:
            resolve_wave(session, wave=wave)       # raises the right message
            raise NotFound("wave.none_exists")
        check = session.execute(text(
            "SELECT (SELECT count(*) FROM callersession WHERE user_id = :u AND line = :l "
            "AND ended_at IS NULL), (SELECT refusal_converter FROM useraccount WHERE id = :u), "
            "(SELECT min(case_id) FROM casequeue WHERE holder_id = :u AND lease_until >= :n)"
        ).bindparams(bindparam("n", type_=UTCDateTime())),
            {"u": actor.id, "l": line, "n": at}).one()
        if not check[0]:
            raise Conflict("queue.no_session", line=line)
        if check[2] is not None:
            raise Conflict("queue.already_holding", case=int(check[2]))
        slot = times.half_day(at)
        lease_until = at + rules.lease
        got = q.claim(session, q.ClaimParams(
            wave_id=wave_id, caller_id=actor.id, converter=bool(check[1]), line=line,
            now=at, hard_due=at + rules.scheduler.hard_appointment_lead,
            half_start=times.half_day_start(at), half=slot.half.value, lease_until=lease_until))
        if got is None:
            session.commit()
            return None
        if got.abandoned_attempt is not None:
            q.close_abandoned(session, attempt_ids=[got.abandoned_attempt], at=at)
        row = q.case_row(session, got.case_id)
        state, phones, _ = case_state(session, row, dispositions=rules.dispositions)
        number = _number_to_dial(state, at, rules)
        phone = phones[number] if phones else None
        attempt_id = q.open_attempt(session, {
            "case_id": got.case_id, "wave_id": row.wave_id, "caller_id": actor.id,
            "line": line, "number": number, "dialled": phone.e164 if phone else None,
            "started_at": at, "abandoned": False, "note": ""})
        q.update_case(session, got.case_id, {"attempt_id": attempt_id})
        record(session.connection(), actor=actor, action="queue.claim", object_type="case",
               object_id=got.case_id, wave_id=row.wave_id,
               after={"attempt": attempt_id, "line": line, "number": number,
                      "took_over": got.abandoned_attempt})
        name = row.enterprise_name or ""
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return Claim(got.case_id, attempt_id, line, number, phone.e164 if phone else "",
                 lease_until, name, got.abandoned_attempt)


def _number_to_dial(state: CaseState, at: datetime, rules: Rules) -> int:
    """The number :func:`decide` picks now (the per-day counts may have reset since the
    verdict was stored); the appointment's or the first usable one if it names none."""
    free = CaseState(numbers=state.numbers, attempts=state.attempts,
                     released_at=state.released_at, appointment=state.appointment,
                     priority=state.priority, interview=state.interview)
    d = decide(free, at, config=rules.scheduler, times=rules.times,
               dispositions=rules.dispositions)
    if d.number is not None:
        return d.number
    if state.appointment is not None and state.appointment.number is not None:
        return state.appointment.number
    return 0


def _held_by(session: Session, actor: Actor, case_id: int) -> CaseQueue:
    row = q.lock_case(session, case_id)
    if row is None:
        raise NotFound("queue.case_unknown", case=case_id)
    if row.holder_id != actor.id or row.attempt_id is None:
        raise Conflict("queue.not_holder", case=case_id)
    return row


def heartbeat(*, session: Session, actor: Actor, case_id: int, now: datetime | None = None,
              settings: Settings | None = None) -> datetime:
    """Extend the lease on a held case (the caller is still working on it)."""
    require(actor, "queue.work")
    at = _now(now)
    rules = rules_for(session, settings)
    _transaction(session)
    try:
        row = _held_by(session, actor, case_id)
        # a lease that ran out but was not taken over yet is simply renewed
        row.lease_until = at + rules.lease
        row.updated_at = at
        session.add(row)
        session.execute(text("UPDATE callersession SET last_seen = :n WHERE user_id = :u "
                             "AND ended_at IS NULL").bindparams(
            bindparam("n", type_=UTCDateTime())), {"n": at, "u": actor.id})
        until = row.lease_until
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return until


def _free(row: CaseQueue) -> None:
    row.holder_id = None
    row.line = None
    row.lease_until = None
    row.attempt_id = None


def release_case(*, session: Session, actor: Actor, case_id: int,
                 now: datetime | None = None) -> None:
    """Give a held case back without a call outcome (its holder, or a supervisor): the
    open attempt is closed as abandoned (not counted) and the case is claimable again."""
    require(actor, "queue.work")
    at = _now(now)
    _transaction(session)
    try:
        row = q.lock_case(session, case_id)
        if row is None:
            raise NotFound("queue.case_unknown", case=case_id)
        if row.holder_id is None:
            raise Conflict("queue.not_held", case=case_id)
        if row.holder_id != actor.id:
            require(actor, "queue.manage")
        before = {"holder": row.holder_id, "attempt": row.attempt_id}
        if row.attempt_id is not None:
            session.execute(text(
                "UPDATE callattempt SET ended_at = :n, disposition = 'abandoned', "
                "code = '3.16', \"group\" = 'UH', note = :note WHERE id = :a "
                "AND ended_at IS NULL").bindparams(bindparam("n", type_=UTCDateTime())),
                {"n": at, "a": row.attempt_id, "note": f"released by {actor.username}"})
        _free(row)
        row.updated_at = at
        session.add(row)
        record(session, actor=actor, action="queue.release", object_type="case",
               object_id=case_id, wave_id=row.wave_id, before=before)
        session.commit()
    except BaseException:
        session.rollback()
        raise


def assign_case(*, session: Session, actor: Actor, case_id: int, username: str | None) -> None:
    """Reserve a case for a named caller (``None``: give it back to everyone)."""
    require(actor, "queue.manage")
    _transaction(session)
    try:
        row = q.lock_case(session, case_id)
        if row is None:
            raise NotFound("queue.case_unknown", case=case_id)
        user_id: int | None = None
        if username is not None:
            found = session.exec(select(UserAccount).where(
                UserAccount.username == username)).first()
            if found is None or not found.active:
                raise NotFound("queue.user_unknown", user=username)
            user_id = found.id
        before = row.assigned_to
        row.assigned_to = user_id
        session.add(row)
        record(session, actor=actor, action="queue.assign" if username else "queue.unassign",
               object_type="case", object_id=case_id, wave_id=row.wave_id,
               before={"assigned_to": before}, after={"assigned_to": username})
        session.commit()
    except BaseException:
        session.rollback()
        raise


def unassign(*, session: Session, actor: Actor, case_id: int) -> None:
    assign_case(session=session, actor=actor, case_id=case_id, username=None)


def set_priority(*, session: Session, actor: Actor, case_id: int, priority: int) -> None:
    """A supervisor's priority (higher is claimed first, after due appointments)."""
    require(actor, "queue.manage")
    _transaction(session)
    try:
        row = q.lock_case(session, case_id)
        if row is None:
            raise NotFound("queue.case_unknown", case=case_id)
        before, row.priority = row.priority, priority
        session.add(row)
        record(session, actor=actor, action="queue.priority", object_type="case",
               object_id=case_id, wave_id=row.wave_id, before={"priority": before},
               after={"priority": priority})
        session.commit()
    except BaseException:
        session.rollback()
        raise


# --- ending an attempt ----------------------------------------------------------------


def end_attempt(*, session: Session, actor: Actor, case_id: int, disposition: str,
                note: str = "", appointment: datetime | None = None,
                same_caller: bool = False, now: datetime | None = None,
                settings: Settings | None = None,
                interview: Progress | None = None) -> Decision:
    """Close the held case's attempt with exactly one disposition, then store the
    scheduler's verdict and release the lease. Returns the :class:`Decision`.

    An appointment outcome needs ``appointment`` (checked: future, within the horizon,
    inside calling hours); other outcomes refuse one.
    """
    require(actor, "queue.work")
    at = _now(now)
    rules = rules_for(session, settings)
    disp = rules.dispositions.get(disposition) if disposition in rules.dispositions else None
    if disp is None or disp.section.value == "system":
        raise InvalidInput("queue.disposition_unknown", disposition=disposition)
    if disp.appointment:
        if appointment is None:
            raise InvalidInput("queue.appointment_missing", disposition=disp.label())
        check = check_appointment(appointment, at, times=rules.times, config=rules.scheduler)
        if not check.ok:
            assert check.reason is not None
            raise InvalidInput("queue.appointment_refused", why=check.reason.text())
    elif appointment is not None:
        raise InvalidInput("queue.appointment_unexpected", disposition=disp.label())
    _transaction(session)
    try:
        row = q.case_row(session, case_id, lock=True)
        if row is None:
            raise NotFound("queue.case_unknown", case=case_id)
        attempt_id = row.attempt_id
        if row.holder_id != actor.id or attempt_id is None:
            raise Conflict("queue.not_holder", case=case_id)
        done = session.execute(text(
            "UPDATE callattempt SET ended_at = :n, disposition = :d, code = :c, "
            "\"group\" = :g, note = :note WHERE id = :a AND ended_at IS NULL "
            "RETURNING number").bindparams(bindparam("n", type_=UTCDateTime())),
            {"n": at, "d": disp.key, "c": disp.code, "g": str(disp.group), "note": note,
             "a": attempt_id}).first()
        if done is None:
            raise Conflict("queue.not_holder", case=case_id)
        number = done[0]
        if number is not None:
            session.execute(text(
                "UPDATE casephone SET attempts = attempts + :n, dead = (dead OR :dead) "
                "WHERE case_id = :c AND position = :p"),
                {"n": 1 if disp.attempt else 0, "dead": disp.number_dead, "c": case_id,
                 "p": number})
        if disp.dnc:
            for p in q.phones(session, case_id):
                if not p.dnc:
                    session.add(DoNotCall(e164=p.e164, reason=f"case {case_id}",
                                          added_by=actor.id))
            session.flush()
        values: dict[str, Any] = {"holder_id": None, "line": None, "lease_until": None,
                                  "attempt_id": None}
        if disp.appointment:
            assert appointment is not None
            values.update(appt_at=appointment.astimezone(UTC), appt_hard=disp.hard_appointment,
                          appt_caller_id=actor.id if same_caller else None,
                          appt_number=number)
        else:
            values.update(appt_at=None, appt_hard=False, appt_caller_id=None, appt_number=None)
        if interview is None and row.answers:
            from callcentre.services.interviews import stored_progress
            interview = stored_progress(session, case_id)
        current = SimpleNamespace(**{**dict(row._mapping), **values})
        state, _, _ = case_state(session, current, interview=interview,
                                 dispositions=rules.dispositions)
        d = decide(state, at, config=rules.scheduler, times=rules.times,
                   dispositions=rules.dispositions)
        values.update(verdict(d, state, rules.dispositions, at))
        q.update_case(session, case_id, values)
        if d.closed and d.final is not None and str(d.final.group) == "I":
            # a complete may fill its strata: hold their cases nobody has reached yet
            q.hold_if_filled(session, case_id=case_id, design_id=row.design_id, now=at)
        record(session.connection(), actor=actor, action="queue.end_attempt",
               object_type="case", object_id=case_id, wave_id=row.wave_id,
               after={"attempt": attempt_id, "disposition": disp.key, "code": disp.code,
                      "appointment": appointment.isoformat() if appointment else None,
                      "next_call_at": d.next_at.isoformat() if d.next_at else None,
                      "closed": d.closed})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return d


def reap_expired(*, session: Session, actor: Actor | None = None,
                 now: datetime | None = None) -> int:
    """Return every case whose lease ran out to the queue, closing its attempt as
    abandoned at the lease's end. Returns how many. Any logged-in user's terminal may
    run it (the claim does the same lazily); ``actor`` None is the system."""
    if actor is not None:
        require(actor, "queue.work")
    at = _now(now)
    _transaction(session)
    try:
        rows = q.expired(session, now=at)
        for row in rows:
            if row.attempt_id is not None:
                q.close_abandoned(session, attempt_ids=[row.attempt_id],
                                  at=_aware(row.lease_until) or at)
            record(session, actor=None, action="queue.lease_expired", object_type="case",
                   object_id=row.case_id, wave_id=row.wave_id,
                   before={"holder": row.holder_id, "attempt": row.attempt_id})
            _free(row)
            row.updated_at = at
            session.add(row)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return len(rows)


# --- what supervisors and callers see -------------------------------------------------


@dataclass
class QueueStatus:
    wave: str
    by_status: dict[str, int] = field(default_factory=dict)
    callable_now: int = 0
    held: int = 0
    expired_leases: int = 0
    assigned: int = 0
    by_line: list[tuple[str, int, int, int]] = field(default_factory=list)
    """line, open sessions, its maximum, cases held on it."""


def queue_status(*, session: Session, actor: Actor, wave: str | None = None,
                 now: datetime | None = None, settings: Settings | None = None) -> QueueStatus:
    require(actor, "work.read_all")
    at = _now(now)
    rules = rules_for(session, settings)
    w = resolve_wave(session, wave=wave)
    wid = int(w.id or 0)
    out = QueueStatus(w.code)
    for status, n in session.exec(select(CaseQueue.status, func.count())
                                  .where(CaseQueue.wave_id == wid)
                                  .group_by(CaseQueue.status)).all():
        out.by_status[status] = int(n)
    base = select(func.count()).select_from(CaseQueue).where(CaseQueue.wave_id == wid)
    out.held = int(session.exec(base.where(col(CaseQueue.holder_id).is_not(None),
                                           col(CaseQueue.lease_until) >= at)).one())
    out.expired_leases = int(session.exec(base.where(col(CaseQueue.holder_id).is_not(None),
                                                     col(CaseQueue.lease_until) < at)).one())
    out.assigned = int(session.exec(base.where(col(CaseQueue.assigned_to).is_not(None),
                                               CaseQueue.status == "open")).one())
    if rules.times.is_callable_at(at):
        half = rules.times.half_day(at).half.value
        out.callable_now = int(session.exec(base.where(
            CaseQueue.status == "open", col(CaseQueue.next_call_at) <= at,
            (col(CaseQueue.only_half).is_(None)) | (CaseQueue.only_half == half),
            (col(CaseQueue.holder_id).is_(None)) | (col(CaseQueue.lease_until) < at))).one())
    sessions = dict(session.exec(select(CallerSession.line, func.count())
                                 .where(col(CallerSession.ended_at).is_(None))
                                 .group_by(CallerSession.line)).all())
    held = dict(session.exec(select(CaseQueue.line, func.count())
                             .where(CaseQueue.wave_id == wid,
                                    col(CaseQueue.holder_id).is_not(None),
                                    col(CaseQueue.lease_until) >= at)
                             .group_by(CaseQueue.line)).all())
    out.by_line = [(line, int(sessions.get(line, 0)), cap, int(held.get(line, 0)))
                   for line, cap in rules.lines.items()]
    return out


@dataclass
class CaseView:
    case_id: int
    enterprise: str
    district: str | None
    status: str
    priority: int
    holder: str | None
    lease_until: datetime | None
    assigned_to: str | None
    appointment: datetime | None
    appointment_hard: bool
    numbers: list[tuple[int, str, str | None, str | None, int, bool]]
    """position, E.164, extension, kind, attempts, dead."""
    attempts: list[tuple[datetime, datetime | None, str, str, str | None, str | None, str]]
    """start, end, caller, line, dialled, disposition, note."""
    explain: str
    next_at: datetime | None
    final: str | None
    strata: list[tuple[str, int, int]] = field(default_factory=list)
    """The strata the case covers: label, completes, completes target."""


def show_case(*, session: Session, actor: Actor, case_id: int, now: datetime | None = None,
              settings: Settings | None = None) -> CaseView:
    """A case with its numbers, attempts and the scheduler's explanation. A caller may
    read only the case they hold."""
    require(actor, "queue.work")
    at = _now(now)
    rules = rules_for(session, settings)
    row = session.get(CaseQueue, case_id)
    if row is None:
        raise NotFound("queue.case_unknown", case=case_id)
    if not actor.may("work.read_all") and row.holder_id != actor.id:
        raise Conflict("queue.not_yours", case=case_id)
    from callcentre.services.interviews import stored_progress
    strata = q.stratum_progress(session, case_id=case_id)
    state, phones, attempts = case_state(
        session, row, interview=stored_progress(session, case_id),
        dispositions=rules.dispositions,
        stratum_full=bool(strata) and all(p.full for p in strata))
    d = decide(state, at, config=rules.scheduler, times=rules.times,
               dispositions=rules.dispositions)
    names = dict(session.exec(select(UserAccount.id, UserAccount.username)).all())
    ent = session.exec(select(Enterprise).join(SampleCase, col(SampleCase.enterprise_id)
                                               == col(Enterprise.id))
                       .where(SampleCase.id == case_id)).first()
    return CaseView(
        case_id=case_id, enterprise=ent.name if ent else "",
        district=ent.district_code if ent else None, status=row.status, priority=row.priority,
        holder=names.get(row.holder_id) if row.holder_id else None,
        lease_until=_aware(row.lease_until),
        assigned_to=names.get(row.assigned_to) if row.assigned_to else None,
        appointment=_aware(row.appt_at), appointment_hard=row.appt_hard,
        numbers=[(p.position, p.e164, p.ext, p.kind, p.attempts, p.dead) for p in phones],
        attempts=[(_aware(a.started_at) or a.started_at, _aware(a.ended_at),
                   names.get(a.caller_id, str(a.caller_id)), a.line, a.dialled,
                   a.disposition, a.note) for a in attempts],
        explain=d.explain(), next_at=d.next_at,
        final=d.final.disposition.key if d.final is not None else None,
        strata=[(p.label, p.completes, p.target) for p in strata])
