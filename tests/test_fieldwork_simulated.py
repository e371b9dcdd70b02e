"""The scheduler driven through whole case histories with random outcomes (seeded):
invariants that no single example shows."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from callcentre.fieldwork.case import Appointment, Attempt, CaseState, PhoneNumber, record_attempt
from callcentre.fieldwork.dispositions import DISPOSITIONS
from callcentre.fieldwork.hours import CallingTimes
from callcentre.fieldwork.rules import SchedulerConfig, book, decide

SH = ZoneInfo("Asia/Shanghai")
TIMES = CallingTimes()
CONFIG = SchedulerConfig()
OUTCOMES = ["no_answer"] * 30 + ["busy"] * 15 + ["voicemail"] * 5 + ["technical"] * 3 + \
    ["respondent_away"] * 6 + ["appointment_hard"] * 3 + ["appointment_soft"] * 3 + \
    ["refusal_soft"] * 2 + ["break_off"] + ["not_working"] * 2 + ["fax"] + \
    ["wrong_enterprise"] + ["abandoned"] * 2 + ["partial"] + ["complete"] + ["refusal_hard"]


# callers who book many callbacks: appointments use attempts up out of the spread
BUSY_BOOKERS = ["appointment_soft"] * 6 + ["appointment_hard"] * 3 + ["no_answer"] * 4 + \
    ["busy"] * 3 + ["respondent_away"] * 2


def _history(seed: int, outcomes: list[str] = OUTCOMES
             ) -> tuple[CaseState, list[tuple[datetime, str]]]:
    rng = random.Random(seed)
    numbers = tuple(PhoneNumber(f"+86138{seed:04d}{i:04d}") for i in range(rng.randint(1, 3)))
    released = datetime(2026, 9, 20 + rng.randint(0, 9), rng.randint(0, 23), tzinfo=SH)
    state = CaseState(numbers=numbers, released_at=released.astimezone(UTC))
    now = state.released_at
    assert now is not None
    log: list[tuple[datetime, str]] = []
    for _ in range(60):
        d = decide(state, now)
        if d.closed:
            return state, log
        assert d.next_at is not None and d.next_at >= now
        if not d.callable_now:
            assert TIMES.is_callable_at(d.next_at), (seed, d.explain())
            now = d.next_at + timedelta(minutes=rng.choice([0, 0, 3, 40]))
            continue
        assert TIMES.is_callable_at(now) and d.number is not None
        key = rng.choice(outcomes)
        end = now + timedelta(minutes=rng.randint(1, 20))
        appt = None
        if DISPOSITIONS.get(key).appointment:
            wanted = TIMES.earliest_callable(end + timedelta(minutes=rng.choice([10, 60, 600])))
            booked = book(wanted, end, hard=key == "appointment_hard")
            assert isinstance(booked, Appointment), (seed, wanted)
            appt = booked
        state = record_attempt(state, Attempt(now, key, d.number, end), appointment=appt)
        log.append((now, key))
        now = end
        _check_sql_contract(state, now, rng)
    raise AssertionError(f"seed {seed}: case not closed after 60 steps")


def _check_sql_contract(state: CaseState, end: datetime, rng: random.Random) -> None:
    """What the database stores after an attempt (next_call_at, only_half) says exactly when
    the case is callable later: at every moment inside calling hours, at or after
    next_call_at, and in only_half if set (so a claim in SQL needs no Python)."""
    stored = decide(state, end)
    if stored.closed or stored.next_at is None:
        return
    candidates = [stored.next_at + timedelta(minutes=rng.randint(0, 60 * 24 * 8))
                  for _ in range(4)]
    half = TIMES.next_half_day_start(stored.next_at)
    candidates += [half, TIMES.next_half_day_start(half)]   # both halves after next_call_at
    for later in candidates:
        if not TIMES.is_callable_at(later):
            continue
        expected = stored.only_half is None or TIMES.half_day(later).half is stored.only_half
        got = decide(state, later)
        assert got.callable_now is expected, (later, stored.only_half, got.explain())
        assert got.converter_only is stored.converter_only


@pytest.mark.parametrize(("seed", "outcomes"), [(s, OUTCOMES) for s in range(150)]
                         + [(s, BUSY_BOOKERS) for s in range(1000, 1060)])
def test_case_histories_keep_every_rule(seed: int, outcomes: list[str]) -> None:
    state, log = _history(seed, outcomes)
    ds = DISPOSITIONS
    counted = [(t, k) for t, k in log if ds.get(k).attempt]
    booked_any = any(ds.get(k).appointment for _t, k in log)
    # the attempt cap (appointments may go two beyond it)
    assert len(counted) <= CONFIG.max_attempts + (CONFIG.appointment_extra_attempts
                                                  if booked_any else 0)
    # every attempt inside calling hours on a workday
    assert all(TIMES.is_callable_at(t) for t, _k in log)
    # daily limits, except for kept appointments
    if not booked_any:
        per_day = Counter(TIMES.half_day(t).day for t, _k in counted)
        assert max(per_day.values(), default=0) <= CONFIG.max_attempts_per_day
    # a case closed by the cap without appointments spread its attempts
    if len(counted) == CONFIG.max_attempts and not booked_any and all(
            not ds.get(k).final and not ds.get(k).number_dead for _t, k in counted):
        assert len({TIMES.half_day(t).day for t, _k in counted}) >= CONFIG.min_days
        assert len({TIMES.half_day(t).half for t, _k in counted}) == 2
    # the retry delays: busy >= 15 min, no answer / voicemail in a later half-day >= 2 h
    for (t0, k0), (t1, _k1) in pairwise(log):
        if k0 == "busy":
            assert t1 - t0 >= timedelta(minutes=15)
        if k0 in ("no_answer", "voicemail"):
            assert t1 - t0 >= timedelta(hours=2)
            assert TIMES.half_day(t1) > TIMES.half_day(t0)
        if k0 == "refusal_soft":
            assert t1 - t0 >= timedelta(days=3)
    # the closed case has a final disposition
    final = decide(state, log[-1][0] + timedelta(days=30) if log else datetime.now(UTC)).final
    assert final is not None
