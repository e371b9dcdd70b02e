"""The fieldwork simulator: simulated callers work the real queue on a fast-forward clock.

:func:`simulate` logs simulated callers (``sim01`` …, :func:`~callcentre.services.accounts.
simulated_callers`) in on the outbound lines and plays whole working days through the
real services, each call at its simulated moment (every service takes ``now=``):
:func:`~callcentre.services.queue.claim_next_case` only inside calling windows, a
:func:`~callcentre.services.queue.heartbeat` while a long call lasts, the answers of an
interview with :func:`~callcentre.services.interviews.save_answer`, and
:func:`~callcentre.services.queue.end_attempt` with the disposition (and appointment) the
simulated respondent (:class:`callcentre.fieldwork.simulation.RespondentModel`) gives.
So every scheduling rule, lease, line limit, stratum target and audit row applies as in
real fieldwork; only the people are simulated.

The days run as a discrete-event simulation: each caller's next action (claim, keep the
lease alive, end the call) is an event at its simulated time, and events run in time
order, so a case a caller holds is held for everyone else until the call ends. With a
fixed seed on the same database state, the same cases get the same outcomes.

It writes simulated fieldwork into the database it is given: the demo and training
databases, or :mod:`callcentre.services.forecast`'s throwaway copy; never run it on a
survey's real database.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text
from sqlmodel import Session, col, func, select

from callcentre.db.engine import writing
from callcentre.db.models.fieldwork import CaseQueue
from callcentre.db.queries import queue as q
from callcentre.errors import InvalidInput
from callcentre.fieldwork.hours import CallingTimes
from callcentre.fieldwork.simulation import CallContext, Outcome, RespondentModel
from callcentre.services.accounts import simulated_callers
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from callcentre.services.interviews import save_answer, start_interview
from callcentre.services.queue import (
    Claim,
    claim_next_case,
    end_attempt,
    end_session,
    heartbeat,
    reap_expired,
    rules_for,
    start_session,
)
from callcentre.services.rates import RateRow, outcome_rates
from callcentre.services.waves import resolve_wave
from callcentre.settings import Settings
from questionnaires.engine import Progress

#: a caller who finds nothing to call looks again this much later
IDLE = timedelta(minutes=10)
#: between the end of one call and the next claim
WRAP_UP = timedelta(minutes=1)


@dataclass(frozen=True)
class StratumDay:
    label: str
    target: int
    completes: int
    open_cases: int


@dataclass(frozen=True)
class DayResult:
    day: date
    attempts: int
    completes: int
    strata: tuple[StratumDay, ...]


@dataclass
class SimulationResult:
    wave: str
    start: datetime
    end: datetime
    callers: list[str]
    seed: int
    attempts: int = 0
    completes: int = 0
    answers: int = 0
    dispositions: Counter[str] = field(default_factory=Counter)
    days: list[DayResult] = field(default_factory=list)
    strata_before: dict[str, int] = field(default_factory=dict)
    """Completes per stratum label before the simulation."""
    rates: RateRow | None = None
    """AAPOR rates over all released cases afterwards (:func:`outcome_rates`)."""


def working_days(times: CallingTimes, start: datetime, days: int) -> list[tuple[date, datetime, datetime]]:
    """The first ``days`` workdays with calling time left at or after ``start``: each as
    (local date, first moment, end of its last window)."""
    out: list[tuple[date, datetime, datetime]] = []
    day = times.local(start).date()
    for _ in range(days * 7 + 60):
        windows = times.windows_on(day)
        if windows and windows[-1][1] > start:
            first = max(start, windows[0][0])
            out.append((day, times.earliest_callable(first), windows[-1][1]))
            if len(out) == days:
                break
        day += timedelta(days=1)
    return out


@dataclass
class _Call:
    claim: Claim
    outcome: Outcome
    started: datetime


class _Run:
    """One simulation: the callers, the event queue, the tallies."""

    def __init__(self, session: Session, callers: list[Actor], lines: list[str],
                 model: RespondentModel, settings: Settings | None, wave: str | None,
                 answers: bool, result: SimulationResult) -> None:
        self.session, self.callers, self.lines, self.model = session, callers, lines, model
        self.settings, self.wave, self.with_answers = settings, wave, answers
        self.rules = rules_for(session, settings)
        self.result = result
        self.events: list[tuple[datetime, int, int, str]] = []
        self.seq = 0
        self.calls: dict[int, _Call] = {}
        self.labels: dict[int, str] = {}
        self.numbers: dict[int, int] = {}
        self.day_attempts = self.day_completes = 0

    def push(self, at: datetime, who: int, kind: str) -> None:
        self.seq += 1
        heapq.heappush(self.events, (at, self.seq, who, kind))

    def stratum_of(self, case_id: int) -> str:
        label = self.labels.get(case_id)
        if label is None:
            row = self.session.execute(text(
                "SELECT s.label FROM samplecaseitem ci JOIN sampleunit u ON u.id = ci.unit_id "
                "JOIN samplestratum s ON s.id = u.stratum_id WHERE ci.case_id = :c "
                "ORDER BY s.position LIMIT 1"), {"c": case_id}).first()
            label = self.labels[case_id] = str(row[0]) if row else ""
            self.session.rollback()
        return label

    def next_due(self, at: datetime) -> datetime:
        """When an idle caller looks again: when the next open case falls due (at least a
        minute on, at most :data:`IDLE`; a case due but reserved for someone else or
        for the other half-day waits for the next look)."""
        nxt = self.session.exec(select(func.min(CaseQueue.next_call_at)).where(
            CaseQueue.status == "open", col(CaseQueue.holder_id).is_(None),
            col(CaseQueue.next_call_at) > at)).first()
        self.session.rollback()
        if nxt is None:
            return at + IDLE
        nxt = nxt if nxt.tzinfo is not None else nxt.replace(tzinfo=UTC)
        return min(max(nxt, at + timedelta(minutes=1)), at + IDLE)

    def context(self, claim: Claim, at: datetime) -> tuple[CallContext, int]:
        """What the respondent reacts to: the case's attempts so far, a due appointment,
        a soft refusal to convert (three light reads, no lock)."""
        s = self.session
        numbers = self.numbers.get(claim.case_id)
        if numbers is None:
            numbers = self.numbers[claim.case_id] = int(s.execute(text(
                "SELECT count(*) FROM casephone WHERE case_id = :c"),
                {"c": claim.case_id}).scalar_one())
        appt = s.exec(select(CaseQueue.appt_at).where(
            CaseQueue.case_id == claim.case_id)).first()
        ended = [str(r[0]) for r in s.execute(text(
            "SELECT disposition FROM callattempt WHERE case_id = :c AND disposition IS NOT NULL "
            "ORDER BY started_at, id"), {"c": claim.case_id})]
        s.rollback()
        ds = self.rules.dispositions
        contacts = [d for d in ended if d in ds and ds.get(d).contact]
        if appt is not None and appt.tzinfo is None:
            appt = appt.replace(tzinfo=UTC)
        due = appt is not None and appt <= at + self.rules.scheduler.hard_appointment_lead
        soft = bool(contacts) and contacts[-1] in ("refusal_soft", "break_off")
        return CallContext(attempts_before=len(ended), number=claim.number,
                           appointment_due=due, after_soft_refusal=soft), numbers

    def day(self, start: datetime, end: datetime) -> None:
        """Play one working day from ``start`` to ``end`` (the last window's end)."""
        times = self.rules.times
        reap_expired(session=self.session, now=start)
        for i in range(len(self.callers)):
            self.push(start + timedelta(seconds=17 * i), i, "claim")
        while self.events:
            at, _, who, kind = heapq.heappop(self.events)
            if kind == "claim":
                if at >= end:
                    continue
                if not times.is_callable_at(at):
                    nxt = times.next_window_start(at)
                    if nxt < end:
                        self.push(nxt, who, "claim")
                    continue
                self.claim(who, at)
            elif kind == "beat":
                call = self.calls[who]
                heartbeat(session=self.session, actor=self.callers[who],
                          case_id=call.claim.case_id, now=at, settings=self.settings)
            else:
                self.finish(who, at)
                self.push(at + WRAP_UP, who, "claim")

    def claim(self, who: int, at: datetime) -> None:
        actor = self.callers[who]
        got = claim_next_case(session=self.session, actor=actor, line=self.lines[who], now=at,
                              wave=self.wave, settings=self.settings)
        if got is None:
            self.push(self.next_due(at), who, "claim")
            return
        ctx, numbers = self.context(got, at)
        outcome = self.model.call(got.case_id, self.stratum_of(got.case_id), numbers, ctx)
        length = timedelta(minutes=max(outcome.minutes, 0.2))
        self.calls[who] = _Call(got, outcome, at)
        beat = self.rules.lease / 2
        t = at + beat
        while t < at + length:
            self.push(t, who, "beat")
            t += beat
        self.push(at + length, who, "end")

    def finish(self, who: int, at: datetime) -> None:
        call = self.calls.pop(who)
        actor, case_id, outcome = self.callers[who], call.claim.case_id, call.outcome
        progress = None
        if outcome.answer_share > 0 and self.with_answers:
            progress = self.interview(actor, case_id, call.started, at, outcome.answer_share)
        disposition, appointment = outcome.disposition, None
        if outcome.appointment_after is not None:
            wanted = self.rules.times.earliest_callable(at + outcome.appointment_after)
            appointment = wanted.replace(second=0, microsecond=0) + timedelta(minutes=1)
            if not self.rules.times.is_callable_at(appointment):
                appointment = self.rules.times.next_window_start(appointment)
        end_attempt(session=self.session, actor=actor, case_id=case_id, disposition=disposition,
                    note="模拟", appointment=appointment,
                    same_caller=disposition == "appointment_hard", now=at,
                    settings=self.settings, interview=progress)
        self.result.attempts += 1
        self.day_attempts += 1
        self.result.dispositions[disposition] += 1
        if disposition == "complete":
            self.result.completes += 1
            self.day_completes += 1

    def interview(self, actor: Actor, case_id: int, start: datetime, end: datetime,
                  share: float) -> Progress:
        """Answer the case's questions in order (all of them, or ``share`` of them for a
        break-off), each saved when given; returns the interview's progress."""
        ci = start_interview(session=self.session, actor=actor, case_id=case_id)
        iv, parts = ci.interview, ci.parts
        wanted = max(1, round(share * max(iv.progress().applicable, 1)))
        given = 0
        for _ in range(2000):
            prompt = iv.current()
            if prompt is None or (share < 1 and given >= wanted):
                break
            if prompt.type == "note" or not parts.version_of:
                if not iv.next():
                    break
                continue
            value = self.model.answer(case_id, prompt.name, prompt.type, prompt.choices)
            if not iv.answer(prompt.name, value):
                fallback = ([prompt.choices[0][0]] if prompt.type == "select_multiple"
                            else prompt.choices[0][0]) if prompt.choices else "1"
                if not iv.answer(prompt.name, fallback):
                    break
                value = fallback
            given += 1
            when = start + (end - start) * min(given / max(wanted, 1), 1.0)
            save_answer(session=self.session, actor=actor, case_id=case_id,
                        question=prompt.name, value=value, parts=parts, now=when)
        self.result.answers += given
        return iv.progress()


def simulate(*, session: Session, actor: Actor, days: int, callers: int, seed: int,
             start: datetime | None = None, until: datetime | None = None,
             wave: str | None = None, settings: Settings | None = None,
             answers: bool = True, model: RespondentModel | None = None,
             after_day: Callable[[Session, date, datetime], bool] | None = None,
             ) -> SimulationResult:
    """Play ``days`` working days of fieldwork by ``callers`` simulated callers.

    Parameters
    ----------
    start
        The first simulated moment (default: now); the days are the first ``days``
        workdays with calling time left from there (:func:`working_days`).
    until
        Stop at this moment even inside a day (the demo stops at the present).
    answers
        Save every answer of a simulated interview (off: only the dispositions, which
        is what a forecast needs).
    after_day
        Called after each day with the session, the day and its end; returning False
        stops the simulation (the forecast records progress and releases reserve here).
    """
    require(actor, "fieldwork.simulate")
    if days < 1 or days > 250:
        raise InvalidInput("simulate.bad_days", n=days)
    w = resolve_wave(session, wave=wave)
    session.rollback()
    people = simulated_callers(session=session, actor=actor, count=callers)
    rules = rules_for(session, settings)
    lines: list[str] = []
    room = dict(rules.lines)
    begin = (start or datetime.now(UTC)).astimezone(UTC)
    for i in range(len(people)):
        free = [line for line, cap in room.items() if cap > 0]
        if not free:
            raise InvalidInput("simulate.lines_full", n=callers, room=sum(rules.lines.values()))
        line = free[i % len(free)]
        room[line] -= 1
        lines.append(line)
    calendar = working_days(rules.times, begin, days)
    if until is not None:
        calendar = [(d, s, min(e, until)) for d, s, e in calendar if s < until]
    if not calendar:
        raise InvalidInput("simulate.no_time")
    result = SimulationResult(w.code, calendar[0][1], calendar[-1][2],
                              [p.username for p in people], seed)
    result.strata_before = {p.label: p.completes for p in
                            q.stratum_progress(session, wave_id=int(w.id or 0))}
    session.rollback()
    record_start(session, actor, w.id, days, callers, seed, calendar[0][1])
    run = _Run(session, people, lines, model or RespondentModel(seed), settings, wave, answers,
               result)
    for who, line in zip(people, lines, strict=True):
        start_session(session=session, actor=who, line=line, settings=settings,
                      now=calendar[0][1])
    try:
        for day, first, last in calendar:
            run.day_attempts = run.day_completes = 0
            run.day(first, last)
            progress = q.stratum_progress(session, wave_id=int(w.id or 0))
            session.rollback()
            result.days.append(DayResult(day, run.day_attempts, run.day_completes, tuple(
                StratumDay(p.label, p.target, p.completes, p.open_cases) for p in progress)))
            if after_day is not None and not after_day(session, day, last):
                break
    finally:
        session.rollback()
        for who in people:
            end_session(session=session, actor=who, now=calendar[-1][2])
    result.rates = outcome_rates(
        session=session, actor=actor, wave=wave, dispositions=rules.dispositions,
        dead_numbers_ineligible=rules.scheduler.dead_numbers_ineligible).total
    return result


def record_start(session: Session, actor: Actor, wave_id: int | None, days: int, callers: int,
                 seed: int, start: datetime) -> None:
    """The audit row saying simulated fieldwork was written into this database."""
    with writing(session):
        record(session, actor=actor, action="fieldwork.simulate", object_type="wave",
               object_id=wave_id or "", wave_id=wave_id,
               after={"days": days, "callers": callers, "seed": seed,
                      "start": start.isoformat()})
