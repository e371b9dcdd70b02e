"""The scheduler: every rule of callcentre.fieldwork.rules, one test (or more) each.

Times are written as Shanghai wall-clock times (``L(...)``) and handed over in UTC.
2026-12-02 is a Wednesday; 2026-10-01..07 is National Day; 2026-10-10 a 调休 Saturday.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcentre.fieldwork.calendar import CalendarEntry, DayKind, WorkCalendar
from callcentre.fieldwork.case import (
    Appointment,
    Attempt,
    Caller,
    CaseState,
    PhoneNumber,
    record_attempt,
)
from callcentre.fieldwork.hours import CallingTimes, HalfDay
from callcentre.fieldwork.rules import (
    Decision,
    SchedulerConfig,
    book,
    check_appointment,
    decide,
    may_claim,
    next_call_at,
)
from questionnaires.engine import Progress

SH = ZoneInfo("Asia/Shanghai")


def L(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SH).astimezone(UTC)  # type: ignore[misc]


RELEASED = L(2026, 12, 1, 8, 0)
ONE = (PhoneNumber("+8613812345678"),)
TWO = (PhoneNumber("+8613812345678"), PhoneNumber("+862223456789"))


def case(numbers: tuple[PhoneNumber, ...] = ONE, **kw: object) -> CaseState:
    return CaseState(numbers=numbers, released_at=RELEASED, **kw)  # type: ignore[arg-type]


def after(state: CaseState, key: str, start: datetime, number: int = 0, minutes: int = 1,
          appointment: Appointment | None = None, caller: str | None = "wang") -> CaseState:
    return record_attempt(state, Attempt(start, key, number, start + timedelta(minutes=minutes),
                                         caller), appointment=appointment)


def run(state: CaseState, now: datetime, **kw: object) -> Decision:
    return decide(state, now, **kw)  # type: ignore[arg-type]


# --- fresh cases and calling hours
def test_fresh_case_callable_in_hours() -> None:
    d = run(case(), L(2026, 12, 2, 10, 0))
    assert d.callable_now and d.next_at == L(2026, 12, 2, 10, 0) and d.number == 0
    assert d.reason.key == "fieldwork.why.due" and not d.closed
    assert d.order is not None and d.order.waiting_since == RELEASED
    assert d.final is not None and d.final.disposition.key == "not_attempted"


def test_not_released_is_held_back() -> None:
    d = run(CaseState(numbers=ONE), L(2026, 12, 2, 10, 0))
    assert not d.callable_now and d.next_at is None and not d.closed
    assert d.reason.key == "fieldwork.why.not_released"


@pytest.mark.parametrize(("now", "next_at", "key"), [
    (L(2026, 12, 2, 19, 0), L(2026, 12, 3, 9, 0), "fieldwork.hours.outside"),
    (L(2026, 12, 2, 12, 10), L(2026, 12, 2, 13, 30), "fieldwork.hours.lunch"),
    (L(2026, 12, 5, 10, 0), L(2026, 12, 7, 9, 0), "fieldwork.hours.weekend"),
    (L(2026, 10, 2, 10, 0), L(2026, 10, 8, 9, 0), "fieldwork.hours.holiday"),
    (L(2026, 10, 9, 18, 0), L(2026, 10, 10, 9, 0), "fieldwork.hours.outside"),  # → 调休 Sat
])
def test_outside_calling_hours(now: datetime, next_at: datetime, key: str) -> None:
    d = run(replace(case(), released_at=L(2026, 9, 1, 8, 0)), now)
    assert not d.callable_now and d.next_at == next_at and d.reason.key == key
    assert "下次可拨" in d.explain("zh")


def test_tiaoxiu_saturday_is_a_calling_day() -> None:
    d = run(replace(case(), released_at=L(2026, 9, 1, 8, 0)), L(2026, 10, 10, 10, 0))
    assert d.callable_now


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(case(), datetime(2026, 12, 2, 10, 0))


# --- retry delays
@pytest.mark.parametrize(("key", "start", "expected"), [
    ("busy", L(2026, 12, 2, 10, 0), L(2026, 12, 2, 10, 16)),          # ended 10:01 + 15 min
    ("busy", L(2026, 12, 2, 11, 50), L(2026, 12, 2, 13, 30)),         # 12:06 is lunch
    ("no_answer", L(2026, 12, 2, 9, 10), L(2026, 12, 2, 13, 30)),     # next half-day
    ("no_answer", L(2026, 12, 2, 11, 50), L(2026, 12, 2, 13, 51)),    # and >= 2 h after 11:51
    ("no_answer", L(2026, 12, 2, 13, 40), L(2026, 12, 3, 9, 0)),      # afternoon → next morning
    ("voicemail", L(2026, 12, 2, 9, 10), L(2026, 12, 2, 13, 30)),
    ("respondent_away", L(2026, 12, 2, 11, 50), L(2026, 12, 2, 13, 30)),  # >= 1 h: 12:51
    ("technical", L(2026, 12, 2, 10, 0), L(2026, 12, 2, 10, 31)),
    ("refusal_soft", L(2026, 12, 2, 10, 0), L(2026, 12, 7, 9, 0)),    # Sat 10:01 → Mon 09:00
    ("break_off", L(2026, 12, 2, 10, 0), L(2026, 12, 3, 10, 1)),
    ("partial", L(2026, 12, 2, 10, 0), L(2026, 12, 2, 13, 30)),
    ("no_answer", L(2026, 9, 30, 16, 0), L(2026, 10, 8, 9, 0)),       # over National Day
    ("no_answer", L(2026, 10, 9, 16, 0), L(2026, 10, 10, 9, 0)),      # to the 调休 Saturday
])
def test_retry_delays(key: str, start: datetime, expected: datetime) -> None:
    state = after(replace(case(), released_at=L(2026, 9, 1, 8, 0)), key, start)
    d = run(state, start + timedelta(minutes=2))
    assert not d.callable_now and d.next_at == expected, (key, d.explain())
    assert d.reason.key == "fieldwork.why.retry"
    assert run(state, expected).callable_now


def test_refusal_converters_only() -> None:
    for key in ("refusal_soft", "break_off"):
        state = after(case(), key, L(2026, 12, 2, 10, 0))
        d = run(state, L(2026, 12, 8, 10, 0))
        assert d.callable_now and d.converter_only
        assert "拒访转化" in d.explain("zh")
        refused = may_claim(d, Caller("li"))
        assert refused is not None and refused.key == "fieldwork.why.converter_only"
        assert may_claim(d, Caller("zhao", refusal_converter=True)) is None
    # a later ordinary contact lifts it
    state = after(after(case(), "refusal_soft", L(2026, 12, 2, 10, 0)), "respondent_away",
                  L(2026, 12, 7, 10, 0))
    assert not run(state, L(2026, 12, 8, 10, 0)).converter_only


def test_dead_number_moves_to_the_next_number_at_once() -> None:
    state = after(case(TWO), "not_working", L(2026, 12, 2, 10, 0))
    d = run(state, L(2026, 12, 2, 10, 2))
    assert d.callable_now and d.number == 1
    # fax and another party's number likewise
    state = after(after(case(TWO), "fax", L(2026, 12, 2, 10, 0)), "wrong_enterprise",
                  L(2026, 12, 2, 10, 5), number=1)
    d = run(state, L(2026, 12, 2, 10, 10))
    assert d.closed and d.reason.key == "fieldwork.why.numbers_exhausted"
    assert d.final is not None and d.final.disposition.code == "4.50"


def test_abandoned_attempt_is_retried_at_once_and_not_counted() -> None:
    state = case()
    for minute in range(0, 60, 5):                        # 12 abandoned leases
        state = after(state, "abandoned", L(2026, 12, 2, 10, minute))
    d = run(state, L(2026, 12, 2, 11, 0))
    assert d.callable_now and not d.closed and d.number == 0


def test_numbers_alternate_and_contact_number_is_preferred() -> None:
    state = after(case(TWO), "no_answer", L(2026, 12, 2, 9, 10))
    assert run(state, L(2026, 12, 2, 13, 30)).number == 1      # fewest attempts
    state = after(state, "no_answer", L(2026, 12, 2, 13, 30), number=1)
    assert run(state, L(2026, 12, 3, 9, 0)).number == 0
    state = after(state, "respondent_away", L(2026, 12, 3, 9, 0), number=1)
    assert run(state, L(2026, 12, 3, 13, 30)).number == 1      # where someone answered


def test_do_not_call() -> None:
    d = run(case(dnc=True), L(2026, 12, 2, 10, 0))
    assert d.closed and not d.callable_now and d.reason.key == "fieldwork.why.dnc"
    numbers = (PhoneNumber("+8613812345678", dnc=True), PhoneNumber("+862223456789"))
    assert run(case(numbers), L(2026, 12, 2, 10, 0)).number == 1
    all_dnc = tuple(replace(n, dnc=True) for n in TWO)
    assert run(case(all_dnc), L(2026, 12, 2, 10, 0)).reason.key == "fieldwork.why.numbers_exhausted"
    asked = after(case(), "do_not_call", L(2026, 12, 2, 10, 0))
    d = run(asked, L(2026, 12, 3, 10, 0))
    assert d.closed and d.reason.key == "fieldwork.why.final"
    assert d.final is not None and d.final.disposition.code == "2.112"


def test_final_outcome_closes() -> None:
    state = after(case(), "complete", L(2026, 12, 2, 10, 0))
    d = run(state, L(2026, 12, 2, 11, 0))
    assert d.closed and d.next_at is None and d.final is not None
    assert d.final.disposition.key == "complete" and "完成访问" in d.reason.text("zh")
    assert next_call_at(state, L(2026, 12, 2, 11, 0)) is None


def test_no_numbers() -> None:
    d = run(case(()), L(2026, 12, 2, 10, 0))
    assert d.closed and d.reason.key == "fieldwork.why.no_numbers"


# --- limits and spread
def _six_no_answers() -> CaseState:
    state = case(TWO)
    starts = [L(2026, 12, 2, 9, 10), L(2026, 12, 2, 14, 0), L(2026, 12, 3, 9, 10),
              L(2026, 12, 3, 14, 0), L(2026, 12, 4, 9, 10), L(2026, 12, 4, 14, 0)]
    for i, start in enumerate(starts):
        state = after(state, "no_answer", start, number=i % 2)
    return state


def test_max_attempts_closes_with_unknown_eligibility() -> None:
    state = _six_no_answers()
    d = run(state, L(2026, 12, 7, 10, 0))
    assert d.closed and d.reason.key == "fieldwork.why.max_attempts"
    assert d.final is not None and d.final.group.value == "UH"
    assert "6" in d.reason.text("zh")


def test_max_attempts_after_a_contact_is_eligible_non_interview() -> None:
    state = _six_no_answers()
    state = replace(state, attempts=(replace(state.attempts[0], disposition="respondent_away"),
                                     *state.attempts[1:]))
    d = run(state, L(2026, 12, 7, 10, 0))
    assert d.closed and d.final is not None
    assert d.final.disposition.code == "2.21" and d.final.group.value == "NC"


def test_appointment_on_the_last_attempt_keeps_the_case_open() -> None:
    state = _six_no_answers()
    last = state.attempts[-1]
    appt = Appointment(L(2026, 12, 7, 10, 0), hard=True)
    state = replace(state, attempts=(*state.attempts[:-1], replace(last,
                    disposition="appointment_hard")), appointment=appt)
    d = run(state, L(2026, 12, 7, 10, 0))
    assert d.callable_now and not d.closed
    # ... up to two attempts beyond the cap
    state = after(state, "appointment_soft", L(2026, 12, 7, 10, 0),
                  appointment=Appointment(L(2026, 12, 7, 15, 0), hard=False))
    assert run(state, L(2026, 12, 7, 15, 0)).callable_now
    state = after(state, "appointment_soft", L(2026, 12, 7, 15, 0),
                  appointment=Appointment(L(2026, 12, 8, 15, 0), hard=False))
    d = run(state, L(2026, 12, 8, 15, 0))
    assert d.closed and d.reason.key == "fieldwork.why.max_attempts"


def test_per_number_limit_moves_on_and_then_closes() -> None:
    config = SchedulerConfig(max_attempts_per_number=1)
    state = after(case(TWO), "busy", L(2026, 12, 2, 10, 0))
    d = run(state, L(2026, 12, 2, 10, 20), config=config)
    assert d.callable_now and d.number == 1
    state = after(state, "busy", L(2026, 12, 2, 10, 20), number=1)
    d = run(state, L(2026, 12, 2, 10, 40), config=config)
    assert d.closed and d.reason.key == "fieldwork.why.numbers_exhausted"


def test_per_day_limit() -> None:
    state = case(TWO)
    for i, minute in enumerate((0, 16, 32)):
        state = after(state, "busy", L(2026, 12, 2, 10, minute), number=i % 2)
    d = run(state, L(2026, 12, 2, 10, 50))
    assert not d.callable_now and d.reason.key == "fieldwork.why.per_day"
    assert d.next_at == L(2026, 12, 3, 9, 0)


def test_per_number_per_day_limit() -> None:
    state = after(after(case(), "busy", L(2026, 12, 2, 10, 0)), "busy", L(2026, 12, 2, 10, 16))
    d = run(state, L(2026, 12, 2, 10, 40))
    assert not d.callable_now and d.reason.key == "fieldwork.why.per_number_day"
    assert d.next_at == L(2026, 12, 3, 9, 0) and d.number == 0   # the number for then
    assert run(state, L(2026, 12, 3, 9, 0)).callable_now


def test_attempts_spread_over_three_days() -> None:
    loose = SchedulerConfig(max_attempts_per_day=10, max_attempts_per_number_per_day=10)
    state = case()
    for start in (L(2026, 12, 2, 9, 0), L(2026, 12, 2, 9, 20), L(2026, 12, 2, 13, 30),
                  L(2026, 12, 2, 13, 50)):
        state = after(state, "busy", start)
    # two attempts left, two more days needed: the next one may not be today
    d = run(state, L(2026, 12, 2, 14, 10), config=loose)
    assert not d.callable_now and d.reason.key == "fieldwork.why.spread"
    assert d.next_at == L(2026, 12, 3, 9, 0)
    # without the spread rule it would be callable
    d = run(state, L(2026, 12, 2, 14, 10), config=replace(loose, min_days=1))
    assert d.callable_now


def test_attempts_spread_over_both_half_days() -> None:
    loose = SchedulerConfig(max_attempts_per_day=10, max_attempts_per_number_per_day=10,
                            min_days=1)
    state = case()
    for day in (2, 3, 4, 7, 8):
        state = after(state, "no_answer", L(2026, 12, day, 9, 0))
    # the last attempt must be in an afternoon
    d = run(replace(state, attempts=state.attempts), L(2026, 12, 9, 9, 0),
            config=replace(loose, delays={**loose.delays}))
    assert not d.callable_now and d.reason.key == "fieldwork.why.spread"
    assert d.next_at == L(2026, 12, 9, 13, 30)
    assert d.only_half is HalfDay.AFTERNOON          # stored, so SQL skips later mornings too
    assert not run(state, L(2026, 12, 10, 9, 0), config=loose).callable_now
    assert run(state, L(2026, 12, 10, 13, 30), config=loose).callable_now
    assert run(case(), L(2026, 12, 2, 10, 0)).only_half is None
    assert run(state, L(2026, 12, 9, 9, 0), config=replace(loose, both_half_days=False)
               ).callable_now


def test_spread_that_can_no_longer_be_met_takes_the_best_slot() -> None:
    """Appointments kept on one morning used up the attempts the spread needed: the rule
    then asks for the best slot left (a new day), instead of finding none."""
    state = case()
    for minute in (0, 10, 20, 30):
        start = L(2026, 12, 2, 9, minute)
        state = after(state, "appointment_soft", start,
                      appointment=Appointment(start + timedelta(minutes=10), hard=False))
    state = after(state, "no_answer", L(2026, 12, 2, 9, 40))
    d = run(state, L(2026, 12, 2, 9, 45))
    assert d.next_at == L(2026, 12, 3, 9, 0) and not d.closed
    # the same with a configuration that could never be met: 2 attempts over 3 days
    tight = SchedulerConfig(max_attempts=2)
    d = run(after(case(), "no_answer", L(2026, 12, 2, 9, 0)), L(2026, 12, 2, 9, 5), config=tight)
    assert d.next_at == L(2026, 12, 3, 9, 0) and d.reason.key == "fieldwork.why.spread"


# --- stratum full, leases, assignment
def test_stratum_full_holds_back_untouched_cases_only() -> None:
    d = run(case(stratum_full=True), L(2026, 12, 2, 10, 0))
    assert not d.callable_now and not d.closed and d.next_at is None
    assert d.reason.key == "fieldwork.why.stratum_full"
    no_contact = after(case(stratum_full=True), "no_answer", L(2026, 12, 1, 9, 0))
    assert run(no_contact, L(2026, 12, 2, 10, 0)).reason.key == "fieldwork.why.stratum_full"
    contacted = after(case(stratum_full=True), "respondent_away", L(2026, 12, 1, 9, 0))
    assert run(contacted, L(2026, 12, 2, 10, 0)).callable_now


def test_lease_held_by_a_caller() -> None:
    state = case(held_by="wang", lease_until=L(2026, 12, 2, 10, 15))
    d = run(state, L(2026, 12, 2, 10, 0))
    assert not d.callable_now and d.reason.key == "fieldwork.why.held"
    assert d.next_at == L(2026, 12, 2, 10, 15) and "wang" in d.reason.text("zh")
    assert run(state, L(2026, 12, 2, 10, 15)).callable_now     # expired


def test_supervisor_assignment_reserves_the_case() -> None:
    d = run(case(assigned_to="zhao"), L(2026, 12, 2, 10, 0))
    assert d.reserved_for == "zhao" and d.reserved_until is None
    assert d.explain("zh") == "可以拨打。此案例留给调研员 zhao。"
    refused = may_claim(d, Caller("wang"))
    assert refused is not None and refused.key == "fieldwork.why.reserved"
    assert may_claim(d, Caller("zhao")) is None
    not_now = run(case(), L(2026, 12, 2, 19, 0))
    refused = may_claim(not_now, Caller("zhao"))
    assert refused is not None and refused.key == "fieldwork.hours.outside"


# --- appointments
def test_hard_appointment_across_the_lunch_break() -> None:
    now = L(2026, 12, 2, 11, 55)
    refused = check_appointment(L(2026, 12, 2, 12, 30), now)
    assert not refused.ok and refused.suggestion == L(2026, 12, 2, 13, 30)
    assert refused.reason is not None and "午休" in refused.reason.text("zh")
    appt = book(L(2026, 12, 2, 13, 30), now, hard=True, caller="wang")
    assert isinstance(appt, Appointment)
    state = after(case(), "appointment_hard", L(2026, 12, 2, 11, 50), appointment=appt)
    # due 5 min early, but 13:25 is still lunch
    d = run(state, L(2026, 12, 2, 12, 0))
    assert not d.callable_now and d.next_at == L(2026, 12, 2, 13, 30)
    assert d.reason.key == "fieldwork.why.appointment_hard"
    d = run(state, L(2026, 12, 2, 13, 26))
    assert not d.callable_now and d.next_at == L(2026, 12, 2, 13, 30)
    assert d.reason.key == "fieldwork.hours.lunch"
    d = run(state, L(2026, 12, 2, 13, 30))
    assert d.callable_now and d.reason.key == "fieldwork.why.due_hard"
    assert d.order is not None and d.order.due_hard_appointment
    assert d.reserved_for == "wang" and d.reserved_until == L(2026, 12, 2, 14, 0)
    other = may_claim(d, Caller("li"))
    assert other is not None and other.key == "fieldwork.why.reserved"
    assert may_claim(d, Caller("wang")) is None
    later = run(state, L(2026, 12, 2, 14, 0))                 # hold over: anyone may take it
    assert later.reserved_for is None and may_claim(later, Caller("li")) is None


def test_hard_appointment_is_due_a_little_early() -> None:
    appt = Appointment(L(2026, 12, 2, 10, 0), hard=True)
    state = after(case(), "appointment_hard", L(2026, 12, 1, 15, 0), appointment=appt)
    assert run(state, L(2026, 12, 2, 9, 55)).callable_now
    assert not run(state, L(2026, 12, 2, 9, 54)).callable_now


def test_soft_appointment() -> None:
    appt = Appointment(L(2026, 12, 2, 15, 0), hard=False)
    state = after(case(), "appointment_soft", L(2026, 12, 2, 10, 0), appointment=appt)
    d = run(state, L(2026, 12, 2, 14, 58))
    assert not d.callable_now and d.next_at == L(2026, 12, 2, 15, 0)
    assert d.reason.key == "fieldwork.why.appointment_soft"
    d = run(state, L(2026, 12, 2, 16, 0))
    assert d.callable_now and d.order is not None
    assert d.order.due_soft_appointment and not d.order.due_hard_appointment
    assert d.reason.key == "fieldwork.why.due_soft"


def test_appointment_on_a_holiday_and_on_a_tiaoxiu_saturday() -> None:
    now = L(2026, 9, 29, 10, 0)
    holiday = check_appointment(L(2026, 10, 2, 10, 0), now)
    assert not holiday.ok and holiday.reason is not None
    assert "国庆节" in holiday.reason.text("zh")
    assert holiday.suggestion == L(2026, 10, 8, 9, 0)
    saturday = check_appointment(L(2026, 10, 10, 10, 0), now)
    assert saturday.ok and saturday.warning is None
    plain_saturday = check_appointment(L(2026, 10, 17, 10, 0), now)
    assert plain_saturday.reason is not None and "周末" in plain_saturday.reason.text("zh")
    appt = book(L(2026, 10, 10, 10, 0), now, hard=True)
    assert isinstance(appt, Appointment)
    state = after(replace(case(), released_at=L(2026, 9, 1, 8, 0)), "appointment_hard",
                  L(2026, 9, 29, 9, 50), appointment=appt)
    assert run(state, L(2026, 10, 10, 10, 0)).callable_now


def test_appointment_in_2027_without_and_with_calendar_data() -> None:
    now = L(2026, 12, 28, 10, 0)
    plain = CallingTimes()
    check = check_appointment(L(2027, 1, 1, 10, 0), now, times=plain)   # a Friday
    assert check.ok and check.warning is not None
    assert check.warning.key == "fieldwork.calendar.fallback" and "2027" in check.warning.text()
    imported = CallingTimes(calendar=WorkCalendar([
        CalendarEntry(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        CalendarEntry(date(2027, 1, 9), DayKind.WORKDAY, "元旦"),    # a made-up 调休 Saturday
    ]))
    check = check_appointment(L(2027, 1, 1, 10, 0), now, times=imported)
    assert not check.ok and check.warning is None and check.suggestion == L(2027, 1, 4, 9, 0)
    assert check.reason is not None and "元旦" in check.reason.text("zh")
    assert check_appointment(L(2027, 1, 9, 10, 0), now, times=imported).ok
    # the scheduler's warning in a year without data, and the imported calendar in decide
    d = run(case(), L(2027, 1, 1, 10, 0), times=plain)
    assert d.callable_now and [w.key for w in d.warnings] == ["fieldwork.calendar.fallback"]
    d = run(case(), L(2027, 1, 1, 10, 0), times=imported)
    assert not d.callable_now and d.warnings == () and d.next_at == L(2027, 1, 4, 9, 0)
    # a next time computed into 2027 from 2026 carries the warning as well
    d = run(case(), L(2026, 12, 31, 18, 0), times=plain)
    assert d.next_at == L(2027, 1, 1, 9, 0) and [w.key for w in d.warnings] == [
        "fieldwork.calendar.fallback"]
    assert run(case(), L(2026, 12, 31, 10, 0), times=plain).warnings == ()


def test_appointment_in_the_past_or_too_far() -> None:
    now = L(2026, 12, 2, 10, 0)
    assert check_appointment(L(2026, 12, 2, 9, 30), now).reason is not None
    far = check_appointment(L(2027, 3, 2, 10, 0), now)
    assert far.reason is not None and far.reason.key == "fieldwork.appointment.too_far"
    refused = book(L(2026, 12, 2, 9, 30), now, hard=False)
    assert not isinstance(refused, Appointment) and not refused.ok


def test_appointments_bypass_the_spread_rule() -> None:
    loose = SchedulerConfig(max_attempts_per_day=10, max_attempts_per_number_per_day=10)
    state = case()
    for start in (L(2026, 12, 2, 9, 0), L(2026, 12, 2, 9, 20), L(2026, 12, 2, 13, 30)):
        state = after(state, "busy", start)
    state = after(state, "appointment_hard", L(2026, 12, 2, 13, 50),
                  appointment=Appointment(L(2026, 12, 2, 16, 0), hard=True))
    assert run(state, L(2026, 12, 2, 16, 0), config=loose).callable_now


def test_appointments_bypass_the_daily_limits() -> None:
    state = after(after(case(), "busy", L(2026, 12, 2, 9, 0)), "busy", L(2026, 12, 2, 9, 16))
    state = after(state, "appointment_hard", L(2026, 12, 2, 9, 32),
                  appointment=Appointment(L(2026, 12, 2, 16, 0), hard=True))
    d = run(state, L(2026, 12, 2, 16, 0))      # 3 today (the daily limit), 3 on the number
    assert d.callable_now and d.number == 0
    without = after(state, "no_answer", L(2026, 12, 2, 16, 0))
    assert run(without, L(2026, 12, 2, 16, 30)).next_at == L(2026, 12, 3, 9, 0)


def test_record_attempt_checks_appointments() -> None:
    with pytest.raises(ValueError, match="needs the appointment"):
        after(case(), "appointment_hard", L(2026, 12, 2, 10, 0))
    with pytest.raises(ValueError, match="books no appointment"):
        after(case(), "busy", L(2026, 12, 2, 10, 0),
              appointment=Appointment(L(2026, 12, 2, 15, 0), hard=True))
    with pytest.raises(ValueError, match="hardness"):
        after(case(), "appointment_soft", L(2026, 12, 2, 10, 0),
              appointment=Appointment(L(2026, 12, 2, 15, 0), hard=True))
    with pytest.raises(ValueError, match="numbers"):
        CaseState(numbers=ONE, attempts=(Attempt(L(2026, 12, 2, 10, 0), "busy", 3),))
    with pytest.raises(ValueError, match="start order"):
        CaseState(numbers=ONE, attempts=(Attempt(L(2026, 12, 2, 10, 0), "busy", 0),
                                         Attempt(L(2026, 12, 2, 9, 0), "busy", 0)))
    with pytest.raises(ValueError, match="appointment on number"):
        CaseState(numbers=ONE, appointment=Appointment(L(2026, 12, 2, 15, 0), True, number=1))
    with pytest.raises(ValueError, match="timezone-aware"):
        Attempt(datetime(2026, 12, 2, 10, 0), "busy", 0)
    # a later non-appointment outcome clears the appointment it used up
    state = after(case(), "appointment_soft", L(2026, 12, 2, 10, 0),
                  appointment=Appointment(L(2026, 12, 2, 15, 0), hard=False))
    assert after(state, "no_answer", L(2026, 12, 2, 15, 0)).appointment is None


# --- claim order
def test_claim_order() -> None:
    now = L(2026, 12, 3, 10, 0)
    hard = after(case(), "appointment_hard", L(2026, 12, 2, 10, 0),
                 appointment=Appointment(L(2026, 12, 3, 10, 0), hard=True))
    soft = after(case(), "appointment_soft", L(2026, 12, 2, 10, 0),
                 appointment=Appointment(L(2026, 12, 3, 9, 30), hard=False))
    urgent = case(priority=5)
    tried_now = after(case(), "busy", L(2026, 12, 3, 9, 10))
    old = replace(case(), released_at=L(2026, 11, 20, 8, 0))
    fresh = case()
    decisions = {name: run(s, now) for name, s in [
        ("fresh", fresh), ("tried_now", tried_now), ("old", old), ("urgent", urgent),
        ("soft", soft), ("hard", hard)]}
    assert all(d.callable_now for d in decisions.values())
    keys = {n: d.order.sort_key() for n, d in decisions.items() if d.order is not None}
    ordered = sorted(keys, key=keys.__getitem__)
    assert ordered == ["hard", "soft", "urgent", "old", "fresh", "tried_now"]
    tried = decisions["tried_now"].order
    assert tried is not None and tried.tried_this_half_day
    assert tried.waiting_since == L(2026, 12, 3, 9, 26)      # busy ended 9:11 + 15 min
    # what SQL compares: the last attempt's start against the start of the half-day
    half_start = CallingTimes().half_day_start(now)
    for name, s in [("tried_now", tried_now), ("hard", hard), ("fresh", fresh)]:
        last = s.attempts[-1].started_at if s.attempts else None
        order = decisions[name].order
        assert order is not None
        assert order.tried_this_half_day == (last is not None and last >= half_start)


def test_next_call_at_after_an_attempt() -> None:
    state = after(case(), "no_answer", L(2026, 12, 2, 10, 0))
    assert next_call_at(state, L(2026, 12, 2, 10, 1)) == L(2026, 12, 2, 13, 30)
    finished = record_attempt(state, Attempt(L(2026, 12, 2, 13, 30), "partial", 0,
                                             L(2026, 12, 2, 13, 50)),
                              interview=Progress(6, 10))
    assert finished.interview == Progress(6, 10)
    d = run(finished, L(2026, 12, 2, 13, 51))
    assert d.next_at == L(2026, 12, 3, 9, 0) and d.final is not None
    assert d.final.disposition.key == "partial"


def test_config_is_checked() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        SchedulerConfig(max_attempts=0)
    with pytest.raises(ValueError, match="no retry delay"):
        SchedulerConfig(delays={})
