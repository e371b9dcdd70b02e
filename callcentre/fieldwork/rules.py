"""The scheduler: whether a case may be called now, and if not, why and when.

:func:`decide` takes a :class:`~callcentre.fieldwork.case.CaseState` and ``now`` and
returns a :class:`Decision`. Every rule below has a message key (``fieldwork.why.*``)
so each case can explain itself ("not callable now because …; next at …"). The
database layer stores :attr:`Decision.next_at` as the case's ``next_call_at`` after
each attempt (:func:`next_call_at`) and mirrors :meth:`ClaimOrder.sort_key` in SQL.

**Closed** (never called again; :attr:`Decision.final` says how it counts):

- an attempt ended with a final outcome (complete, hard refusal, deregistered …);
- the enterprise is on the do-not-call list;
- ``max_attempts`` counted attempts were made (default 6); a case whose last
  attempt booked an appointment stays open for it, up to
  ``appointment_extra_attempts`` (default 2) attempts beyond the cap;
- no number is left to dial: each is dead (fax, non-working, another party's),
  on the do-not-call list, or has had ``max_attempts_per_number`` attempts.

**Held back** (not closed, no next time): not released yet; its stratum reached its
completes target and nobody at the enterprise has been reached yet (cases already
in contact carry on).

**When** (the earliest moment satisfying all of these, found by stepping through the
calling windows):

- inside the calling windows on a workday (:mod:`callcentre.fieldwork.hours`);
- after the retry delay of the last attempt's outcome, from ``SchedulerConfig.delays``:
  busy 15 min; no answer / voicemail: the next half-day and at least 2 h later;
  contact person away: the next half-day, at least 1 h; technical trouble 30 min;
  soft refusal 3 days, break-off 1 day, both only to a refusal converter; partial
  interview: the next half-day; dead number or abandoned attempt: at once (next
  number / same number); an appointment: its time (a hard one
  ``hard_appointment_lead`` = 5 min early);
- after the lease of the caller holding it;
- not more than ``max_attempts_per_day`` (3) attempts on the case in a local day;
- spread: the attempts left must still be able to reach ``min_days`` (3) distinct
  days and both half-days: an attempt that would make that impossible moves to the
  next half-day;
- a number is dialled at most ``max_attempts_per_number_per_day`` (2) times a day;
- an appointment is kept at its time: the daily limits and the spread rule do not
  move it (the respondent asked for that time; it still counts as an attempt).

**Which number**: the appointment's number if usable; else the number on which the
enterprise was last reached; else the usable number with the fewest attempts,
earlier numbers first — so attempts move on to the next number and come back.

**Who**: a soft refusal or break-off goes only to a caller flagged refusal converter;
an appointment kept by the same caller is reserved for that caller until
``same_caller_hold`` (30 min) after its time; a case a supervisor assigned is
reserved for that caller.

**Claim order** (:class:`ClaimOrder`): due hard appointments, then due soft
appointments, then higher priority, then cases not yet tried in the current
half-day, then the longest waiting (the earliest moment the case became due).

**The SQL contract.** After each attempt the database stores, from ``decide(state,
end_of_attempt)``: ``next_call_at`` (:attr:`Decision.next_at`), ``only_half``,
``converter_only``, ``due_at`` (:attr:`ClaimOrder.waiting_since`), the appointment
(time, hard, caller) and the closed flag. A case is then claimable at ``now`` exactly
when ``now`` is inside calling hours (one check in Python for all cases),
``next_call_at <= now``, ``only_half`` is null or ``now``'s half-day, and the dynamic
conditions hold (released, not closed, no live lease, not DNC, stratum not full or
contacted, caller allowed: converter, reservation). Every other rule only relaxes as
time passes, so nothing else needs re-checking (tested on seeded case histories).
Recompute the stored fields of open cases when the calendar or the configuration
changes. At claim time, call :func:`decide` once for the claimed case to get the
number to dial (the per-day counts may have reset since).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from types import MappingProxyType

from callcentre.fieldwork.case import Appointment, Attempt, Caller, CaseState
from callcentre.fieldwork.dispositions import DISPOSITIONS, Disposition, DispositionSet, Retry
from callcentre.fieldwork.final import DEFAULT_THRESHOLDS, FinalOutcome, derive_final
from callcentre.fieldwork.hours import CallingTimes, HalfDay, HalfDaySlot
from callcentre.fieldwork.notices import Notice, local_text, notice, require_aware
from callcentre.i18n import language
from questionnaires.engine import Thresholds

_MAX_STEPS = 400


@cache
def default_times() -> CallingTimes:
    """The default calling hours on ``chinesecalendar`` (one shared instance, so its caches
    of workdays and windows are kept between calls)."""
    return CallingTimes()


@dataclass(frozen=True)
class RetryDelay:
    """How long after an outcome the case may be called again.

    ``after``: the minimum gap after the attempt ended; ``next_half_day``: also not
    before the next half-day's first window; ``converter_only``: only a refusal
    converter may take it.
    """

    after: timedelta
    next_half_day: bool = False
    converter_only: bool = False


DEFAULT_DELAYS: Mapping[Retry, RetryDelay] = MappingProxyType({
    Retry.BUSY: RetryDelay(timedelta(minutes=15)),
    Retry.NO_ANSWER: RetryDelay(timedelta(hours=2), next_half_day=True),
    Retry.UNAVAILABLE: RetryDelay(timedelta(hours=1), next_half_day=True),
    Retry.TECHNICAL: RetryDelay(timedelta(minutes=30)),
    Retry.SOFT_REFUSAL: RetryDelay(timedelta(days=3), converter_only=True),
    Retry.BREAK_OFF: RetryDelay(timedelta(days=1), converter_only=True),
    Retry.RESUME: RetryDelay(timedelta(hours=1), next_half_day=True),
    Retry.NEXT_NUMBER: RetryDelay(timedelta(0)),
    Retry.AGAIN: RetryDelay(timedelta(0)),
    Retry.APPOINTMENT: RetryDelay(timedelta(0)),
})


@dataclass(frozen=True)
class SchedulerConfig:
    """All scheduling rules' numbers, with the defaults of issue 12."""

    max_attempts: int = 6
    min_days: int = 3
    both_half_days: bool = True
    max_attempts_per_day: int = 3
    max_attempts_per_number: int = 6
    max_attempts_per_number_per_day: int = 2
    appointment_extra_attempts: int = 2
    hard_appointment_lead: timedelta = timedelta(minutes=5)
    same_caller_hold: timedelta = timedelta(minutes=30)
    appointment_horizon: timedelta = timedelta(days=60)
    delays: Mapping[Retry, RetryDelay] = field(default_factory=lambda: DEFAULT_DELAYS)
    thresholds: Thresholds = DEFAULT_THRESHOLDS
    dead_numbers_ineligible: bool = True

    def __post_init__(self) -> None:
        for name in ("max_attempts", "max_attempts_per_day", "max_attempts_per_number",
                     "max_attempts_per_number_per_day"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.min_days < 1 or self.appointment_extra_attempts < 0:
            raise ValueError("min_days must be >= 1 and appointment_extra_attempts >= 0")
        missing = [r for r in Retry if r is not Retry.NONE and r not in self.delays]
        if missing:
            raise ValueError(f"no retry delay for {', '.join(missing)}")


@dataclass(frozen=True)
class ClaimOrder:
    """The fields the claim orders by (mirror :meth:`sort_key` in SQL).

    In SQL: ``due_hard_appointment`` is ``appointment_hard AND now >= appointment_at -
    hard_appointment_lead``; ``due_soft_appointment`` is ``NOT appointment_hard AND now >=
    appointment_at``; ``tried_this_half_day`` is ``last counted attempt start >=
    CallingTimes.half_day_start(now)``; ``waiting_since`` is the stored ``due_at``.
    """

    due_hard_appointment: bool
    due_soft_appointment: bool
    priority: int
    tried_this_half_day: bool
    waiting_since: datetime

    def sort_key(self) -> tuple[bool, bool, int, bool, datetime]:
        """Ascending sort key: first claimed first."""
        return (not self.due_hard_appointment, not self.due_soft_appointment, -self.priority,
                self.tried_this_half_day, self.waiting_since)


@dataclass(frozen=True)
class Decision:
    """What the scheduler says about a case at ``now``."""

    callable_now: bool
    reason: Notice
    """Why not (``fieldwork.why.*``), or what makes it callable (``fieldwork.why.due*``)."""
    next_at: datetime | None
    """When it becomes callable (``now`` if it is; ``None``: closed or held back)."""
    number: int | None
    """Index of the number to dial next."""
    order: ClaimOrder | None
    closed: bool = False
    final: FinalOutcome | None = None
    """How the case counts now (its final disposition when closed)."""
    converter_only: bool = False
    reserved_for: str | None = None
    reserved_until: datetime | None = None
    only_half: HalfDay | None = None
    """The spread rule allows the next attempt only in this half-day (on any later day).

    Stored with ``next_call_at``, it makes the SQL claim exact: a case is callable at
    any ``now`` inside calling hours with ``now >= next_call_at`` and, if set, ``now``
    in this half-day (every other rule only relaxes as time passes)."""
    warnings: tuple[Notice, ...] = ()

    def explain(self, lang: str | None = None) -> str:
        """One line for ``callcentre case show``: the reason, the next time, and who may
        take it (reserved caller, refusal converters only)."""
        parts = [self.reason]
        if (not self.callable_now and self.next_at is not None
                and self.reason.params.get("at") != local_text(self.next_at)):
            parts.append(notice("fieldwork.why.next_at", at=local_text(self.next_at)))
        if self.next_at is not None and self.reserved_for is not None:
            parts.append(notice("fieldwork.why.reserved", caller=self.reserved_for))
        if self.next_at is not None and self.converter_only:
            parts.append(notice("fieldwork.why.converter_only"))
        return ("" if (lang or language()) == "zh" else " ").join(p.text(lang) for p in parts)


# --- helpers over a case's attempts
class _History:
    """A case's attempts read once: their outcomes, the counted ones, per-number counts."""

    def __init__(self, state: CaseState, ds: DispositionSet) -> None:
        self.state = state
        self.disps = [ds.get(a.disposition) for a in state.attempts]
        pairs = list(zip(state.attempts, self.disps, strict=True))
        self.counted = [a for a, d in pairs if d.attempt]
        self.per_number = Counter(a.number for a in self.counted)
        self.dead = {a.number for a, d in pairs if d.number_dead}
        contact = next((a for a, d in reversed(pairs) if d.contact), None)
        self.contact_number = contact.number if contact is not None else None
        self.last_contact = next((d for d in reversed(self.disps) if d.contact), None)

    def usable_numbers(self, config: SchedulerConfig) -> list[int]:
        """Numbers not dead, not on the do-not-call list, below their attempt limit."""
        return [i for i, n in enumerate(self.state.numbers)
                if i not in self.dead and not n.dnc
                and self.per_number[i] < config.max_attempts_per_number]

    def closure(self, config: SchedulerConfig) -> Notice | None:
        """Why the case is closed, or ``None``."""
        state, disps = self.state, self.disps
        finals = [d for d in disps if d.final]
        if finals:
            return notice("fieldwork.why.final", label=finals[-1].label_notice(),
                          code=finals[-1].code)
        if state.dnc:
            return notice("fieldwork.why.dnc")
        n = len(self.counted)
        if n >= config.max_attempts:
            last_books = bool(disps) and disps[-1].appointment and state.appointment is not None
            if not last_books or n >= config.max_attempts + config.appointment_extra_attempts:
                return notice("fieldwork.why.max_attempts", n=n, max=config.max_attempts)
        if not state.numbers:
            return notice("fieldwork.why.no_numbers")
        if not self.usable_numbers(config):
            return notice("fieldwork.why.numbers_exhausted", n=len(state.numbers))
        return None

    def converter_only(self, config: SchedulerConfig) -> bool:
        """The last outcome that reached someone asks for a refusal converter."""
        d = self.last_contact
        return d is not None and d.retry is not Retry.NONE and config.delays[d.retry].converter_only


def _retry_from(last: Attempt, d: Disposition, config: SchedulerConfig,
                times: CallingTimes) -> datetime:
    delay = config.delays[d.retry]
    at = last.end + delay.after
    if delay.next_half_day:
        at = max(at, times.next_half_day_start(last.started_at))
    return at


class _Search:
    """The search for the next callable moment, over a case's counted attempts."""

    def __init__(self, history: _History, config: SchedulerConfig, times: CallingTimes, *,
                 appointment: bool) -> None:
        self.state, self.config, self.times = history.state, config, times
        self.appointment = appointment
        self.counted = history.counted
        self.slots = slots = [times.half_day(a.started_at) for a in self.counted]
        self.per_day = Counter(s.day for s in slots)
        self.per_day_number = Counter((s.day, a.number) for s, a in zip(slots, self.counted,
                                                                         strict=True))
        self.per_number = history.per_number
        self.days = {s.day for s in slots}
        self.halves = {s.half for s in slots}
        self.contact_number = history.contact_number

    def number_for(self, day: date, usable: list[int]) -> int | None:
        cap = self.config.max_attempts_per_number_per_day
        today = [i for i in usable if self.appointment or self.per_day_number[(day, i)] < cap]
        if not today:
            return None
        appt = self.state.appointment
        if appt is not None and appt.number in today:
            return appt.number
        if self.contact_number in today:
            return self.contact_number
        return min(today, key=lambda i: (self.per_number[i], i))

    def only_half(self) -> HalfDay | None:
        """The half-day the spread rule demands on a day not yet tried, if any."""
        if self.appointment:
            return None
        fresh = date.max
        ok = [h for h, rank in ((HalfDay.MORNING, 0), (HalfDay.AFTERNOON, 1))
              if self.spread_ok(HalfDaySlot(fresh, h, rank))]
        return ok[0] if len(ok) == 1 else None

    def _need(self, day: date, half: HalfDay | None) -> int:
        """Attempts still needed for the spread after one at ``day`` / ``half``."""
        days = self.days | {day}
        halves = self.halves | ({half} if half is not None else set(HalfDay))
        need_days = max(0, self.config.min_days - len(days))
        need_halves = (len(HalfDay) - len(halves)) if self.config.both_half_days else 0
        return max(need_days, need_halves)

    def spread_ok(self, slot: HalfDaySlot) -> bool:
        """Whether an attempt in ``slot`` leaves enough attempts to spread the rest.

        If even the best slot (a new day, in a half-day not yet tried) cannot do that any
        more (appointments used the attempts up, or the settings ask for more days than
        attempts), a slot is accepted when it is as good as the best one.
        """
        left = self.config.max_attempts - len(self.counted) - 1
        if left < 0:
            return True          # beyond the cap only for an appointment
        missing = [h for h in HalfDay if h not in self.halves]
        best = self._need(date.max, missing[0] if missing else None)
        return self._need(slot.day, slot.half) <= max(left, best)

    def first_moment(self, start: datetime, usable: list[int]
                     ) -> tuple[datetime, int, Notice | None]:
        """The first moment >= ``start`` when a call may start, its number, and the rule
        that moved it past ``start`` first (``None`` if ``start`` itself is fine)."""
        moment = start
        first_reason: Notice | None = None
        for _ in range(_MAX_STEPS):
            why: Notice | None = self.times.why_not(moment)
            nxt: datetime | None = None
            number: int | None = None
            slot = self.times.half_day(moment)
            if why is not None:
                nxt = self.times.next_window_start(moment)
            elif (not self.appointment
                  and self.per_day[slot.day] >= self.config.max_attempts_per_day):
                why = notice("fieldwork.why.per_day", n=self.config.max_attempts_per_day)
                nxt = self.times.next_day_start(moment)
            elif (number := self.number_for(slot.day, usable)) is None:
                why = notice("fieldwork.why.per_number_day",
                             n=self.config.max_attempts_per_number_per_day)
                nxt = self.times.next_day_start(moment)
            elif not self.appointment and not self.spread_ok(slot):
                why = notice("fieldwork.why.spread", days=self.config.min_days)
                nxt = self.times.next_half_day_start(moment)
            if nxt is None and number is not None:
                return moment, number, first_reason
            first_reason = first_reason or why
            assert nxt is not None
            moment = nxt
        raise ValueError(f"no callable moment within {_MAX_STEPS} steps of {start}")


def decide(state: CaseState, now: datetime, *, config: SchedulerConfig = SchedulerConfig(),
           times: CallingTimes | None = None,
           dispositions: DispositionSet = DISPOSITIONS) -> Decision:
    """Whether ``state`` may be called at ``now``, and if not why and when (module docstring).

    Raises ``ValueError`` for a naive ``now``.
    """
    now = require_aware(now, "now")
    times = times or default_times()
    ds = dispositions
    today = times.local(now).date()
    warnings = tuple(w for w in [times.calendar.fallback_notice(today, today)] if w)

    def final() -> FinalOutcome:
        return derive_final(state.attempts, numbers=len(state.numbers),
                            interview=state.interview, thresholds=config.thresholds,
                            dispositions=ds, dead_numbers_ineligible=config.dead_numbers_ineligible)

    def held(reason: Notice, closed: bool = False) -> Decision:
        return Decision(False, reason, None, None, None, closed=closed, final=final(),
                        warnings=warnings)

    if state.released_at is None:
        return held(notice("fieldwork.why.not_released"))
    history = _History(state, ds)
    closure = history.closure(config)
    if closure is not None:
        return held(closure, closed=True)
    if state.stratum_full and history.last_contact is None:
        return held(notice("fieldwork.why.stratum_full"))

    # when it became due, and why
    appt = state.appointment
    last = state.attempts[-1] if state.attempts else None
    if appt is not None:
        due = appt.at - config.hard_appointment_lead if appt.hard else appt.at
        due_reason = notice("fieldwork.why.appointment_hard" if appt.hard
                            else "fieldwork.why.appointment_soft", at=local_text(appt.at))
    elif last is not None:
        d = history.disps[-1]
        due = max(_retry_from(last, d, config, times), state.released_at)
        due_reason = notice("fieldwork.why.retry", label=d.label_notice(), at=local_text(due))
    else:
        due = state.released_at
        due_reason = notice("fieldwork.why.released", at=local_text(due))

    usable = history.usable_numbers(config)
    search = _Search(history, config, times, appointment=appt is not None)
    start = max(due, now)
    if state.lease_until is not None and state.held_by is not None and state.lease_until > now:
        start = max(start, state.lease_until)
    at, number, pushed = search.first_moment(start, usable)

    callable_now = at == now
    if callable_now:
        reason = notice("fieldwork.why.due_hard" if appt is not None and appt.hard else
                        "fieldwork.why.due_soft" if appt is not None else "fieldwork.why.due")
    elif state.held_by is not None and state.lease_until is not None and state.lease_until > now:
        reason = notice("fieldwork.why.held", caller=state.held_by,
                        until=local_text(state.lease_until))
    elif pushed is not None and not pushed.key.startswith("fieldwork.hours."):
        reason = pushed          # a limit or the spread moved it past its retry time
    elif due > now:
        reason = due_reason      # the retry delay (then calling hours, which go without saying)
    else:
        reason = pushed or due_reason

    reserved_for: str | None = None
    reserved_until: datetime | None = None
    if appt is not None and appt.caller is not None and now < appt.at + config.same_caller_hold:
        reserved_for, reserved_until = appt.caller, appt.at + config.same_caller_hold
    elif state.assigned_to is not None:
        reserved_for = state.assigned_to

    slot = times.half_day(now)
    order = ClaimOrder(
        due_hard_appointment=appt is not None and appt.hard and now >= due,
        due_soft_appointment=appt is not None and not appt.hard and now >= due,
        priority=state.priority,
        tried_this_half_day=slot in search.slots,
        waiting_since=due,
    )
    if at > now:   # the search crossed into a year without calendar data: say so too
        until = times.calendar.fallback_notice(today, times.local(at).date())
        warnings = (until,) if until is not None else ()
    return Decision(callable_now, reason, at, number, order, final=final(),
                    converter_only=appt is None and history.converter_only(config),
                    reserved_for=reserved_for, reserved_until=reserved_until,
                    only_half=search.only_half(),
                    warnings=warnings)


def next_call_at(state: CaseState, now: datetime, *, config: SchedulerConfig = SchedulerConfig(),
                 times: CallingTimes | None = None,
                 dispositions: DispositionSet = DISPOSITIONS) -> datetime | None:
    """The ``next_call_at`` to store after an attempt ended (``None``: closed or held back).

    ``state`` already holds the ended attempt (:func:`callcentre.fieldwork.case.record_attempt`).
    """
    return decide(state, now, config=config, times=times, dispositions=dispositions).next_at


def may_claim(decision: Decision, caller: Caller) -> Notice | None:
    """Why ``caller`` may not take the case now (``None``: they may)."""
    if not decision.callable_now:
        return decision.reason
    if decision.reserved_for is not None and decision.reserved_for != caller.id:
        return notice("fieldwork.why.reserved", caller=decision.reserved_for)
    if decision.converter_only and not caller.refusal_converter:
        return notice("fieldwork.why.converter_only")
    return None


@dataclass(frozen=True)
class AppointmentCheck:
    """Result of :func:`check_appointment`: ``reason`` is ``None`` when it may be booked."""

    reason: Notice | None
    suggestion: datetime | None = None
    """The next moment that would be accepted, when the time asked is outside calling hours."""
    warning: Notice | None = None
    """The calendar has no data for that year (Monday–Friday assumed)."""

    @property
    def ok(self) -> bool:
        return self.reason is None


def check_appointment(at: datetime, now: datetime, *, times: CallingTimes | None = None,
                      config: SchedulerConfig = SchedulerConfig()) -> AppointmentCheck:
    """Whether an appointment may be booked for ``at``: in the future, within
    ``appointment_horizon`` (60 days), and inside calling hours on a workday."""
    at, now = require_aware(at, "appointment"), require_aware(now, "now")
    times = times or default_times()
    warning = times.calendar.fallback_notice(times.local(at).date(), times.local(at).date())
    if at <= now:
        return AppointmentCheck(notice("fieldwork.appointment.past", at=local_text(at)),
                                warning=warning)
    if at > now + config.appointment_horizon:
        return AppointmentCheck(notice("fieldwork.appointment.too_far", at=local_text(at),
                                       days=config.appointment_horizon.days), warning=warning)
    why = times.why_not(at)
    if why is not None:
        suggestion = times.next_window_start(at)
        return AppointmentCheck(
            notice("fieldwork.appointment.outside_hours", at=local_text(at), why=why,
                   suggestion=local_text(suggestion)),
            suggestion=suggestion, warning=warning)
    return AppointmentCheck(None, warning=warning)


def book(at: datetime, now: datetime, *, hard: bool, caller: str | None = None,
         number: int | None = None, times: CallingTimes | None = None,
         config: SchedulerConfig = SchedulerConfig()) -> Appointment | AppointmentCheck:
    """An :class:`Appointment` if ``at`` passes :func:`check_appointment`, else the check."""
    check = check_appointment(at, now, times=times, config=config)
    if not check.ok:
        return check
    return Appointment(at=at, hard=hard, caller=caller, number=number)
