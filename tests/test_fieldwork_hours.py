"""Calling windows: 09:00–12:00 and 13:30–17:30 Asia/Shanghai on workdays, half-days."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from callcentre.fieldwork.calendar import CalendarEntry, DayKind, WorkCalendar
from callcentre.fieldwork.hours import CallingHours, CallingTimes, HalfDay, Window

SH = ZoneInfo("Asia/Shanghai")


def L(*parts: int) -> datetime:
    """A Shanghai wall-clock time as the UTC datetime the database holds."""
    return datetime(*parts, tzinfo=SH).astimezone(UTC)  # type: ignore[misc]


TIMES = CallingTimes()


@pytest.mark.parametrize(("moment", "callable_"), [
    (L(2026, 12, 2, 8, 59), False),
    (L(2026, 12, 2, 9, 0), True),           # a window includes its start
    (L(2026, 12, 2, 11, 59, 59), True),
    (L(2026, 12, 2, 12, 0), False),         # and excludes its end
    (L(2026, 12, 2, 13, 29), False),        # lunch break
    (L(2026, 12, 2, 13, 30), True),
    (L(2026, 12, 2, 17, 29), True),
    (L(2026, 12, 2, 17, 30), False),
    (L(2026, 12, 5, 10, 0), False),         # an ordinary Saturday
    (L(2026, 10, 10, 10, 0), True),         # 调休 Saturday
    (L(2026, 10, 1, 10, 0), False),         # National Day, a Thursday
    (L(2027, 1, 1, 10, 0), True),           # 2027 without data: a Friday is a workday
])
def test_is_callable_at(moment: datetime, callable_: bool) -> None:
    assert TIMES.is_callable_at(moment) is callable_


def test_utc_in_and_out() -> None:
    # 01:00 UTC is 09:00 in Shanghai
    assert TIMES.is_callable_at(datetime(2026, 12, 2, 1, 0, tzinfo=UTC))
    start = TIMES.next_window_start(datetime(2026, 12, 2, 4, 0, tzinfo=UTC))   # 12:00 local
    assert start == datetime(2026, 12, 2, 5, 30, tzinfo=UTC) and start.tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        TIMES.is_callable_at(datetime(2026, 12, 2, 10, 0))


def test_next_window_start_across_lunch_night_weekend_holiday_and_tiaoxiu() -> None:
    assert TIMES.next_window_start(L(2026, 12, 2, 11, 0)) == L(2026, 12, 2, 13, 30)
    assert TIMES.next_window_start(L(2026, 12, 2, 9, 0)) == L(2026, 12, 2, 13, 30)  # strictly after
    assert TIMES.next_window_start(L(2026, 12, 2, 18, 0)) == L(2026, 12, 3, 9, 0)
    assert TIMES.next_window_start(L(2026, 12, 4, 17, 45)) == L(2026, 12, 7, 9, 0)   # Fri → Mon
    assert TIMES.next_window_start(L(2026, 9, 30, 18, 0)) == L(2026, 10, 8, 9, 0)   # holiday
    assert TIMES.next_window_start(L(2026, 10, 9, 18, 0)) == L(2026, 10, 10, 9, 0)  # 调休 Sat
    assert TIMES.earliest_callable(L(2026, 12, 2, 10, 15)) == L(2026, 12, 2, 10, 15)
    assert TIMES.earliest_callable(L(2026, 12, 2, 12, 15)) == L(2026, 12, 2, 13, 30)


def test_half_days() -> None:
    morning = TIMES.half_day(L(2026, 12, 2, 11, 59))
    afternoon = TIMES.half_day(L(2026, 12, 2, 12, 0))
    assert morning.half is HalfDay.MORNING and afternoon.half is HalfDay.AFTERNOON
    assert morning < afternoon < TIMES.half_day(L(2026, 12, 3, 9, 0))
    # late evening UTC is already the next local morning
    assert TIMES.half_day(datetime(2026, 12, 2, 23, 30, tzinfo=UTC)).day == date(2026, 12, 3)
    assert TIMES.next_half_day_start(L(2026, 12, 2, 9, 10)) == L(2026, 12, 2, 13, 30)
    assert TIMES.next_half_day_start(L(2026, 12, 2, 13, 40)) == L(2026, 12, 3, 9, 0)
    assert TIMES.next_half_day_start(L(2026, 10, 9, 16, 0)) == L(2026, 10, 10, 9, 0)
    assert TIMES.next_day_start(L(2026, 12, 2, 9, 10)) == L(2026, 12, 3, 9, 0)
    assert TIMES.half_day_start(L(2026, 12, 2, 11, 0)) == L(2026, 12, 2, 0, 0)
    assert TIMES.half_day_start(L(2026, 12, 2, 15, 0)) == L(2026, 12, 2, 12, 0)


def test_why_not() -> None:
    assert TIMES.why_not(L(2026, 12, 2, 10, 0)) is None
    keys = {m: TIMES.why_not(m) for m in (L(2026, 12, 2, 12, 30), L(2026, 12, 2, 19, 0),
                                          L(2026, 12, 5, 10, 0), L(2026, 10, 1, 10, 0),
                                          L(2026, 10, 3, 10, 0))}
    got = [(n.key if n else None) for n in keys.values()]
    assert got == ["fieldwork.hours.lunch", "fieldwork.hours.outside", "fieldwork.hours.weekend",
                   "fieldwork.hours.holiday", "fieldwork.hours.holiday"]
    holiday = TIMES.why_not(L(2026, 10, 3, 10, 0))         # a Saturday inside National Day
    assert holiday is not None and "国庆节" in holiday.text("zh")
    lunch = TIMES.why_not(L(2026, 12, 2, 12, 30))
    assert lunch is not None and "09:00–12:00、13:30–17:30" in lunch.text("zh")
    assert "09:00–12:00, 13:30–17:30" in lunch.text("en")
    imported = CallingTimes(calendar=WorkCalendar([CalendarEntry(date(2027, 3, 3),
                                                                 DayKind.HOLIDAY)]))
    unnamed = imported.why_not(L(2027, 3, 3, 10, 0))
    assert unnamed is not None and unnamed.key == "fieldwork.hours.holiday_unnamed"


def test_configured_windows() -> None:
    hours = CallingHours(windows=(Window(time(14, 0), time(20, 0)), Window(time(8, 30),
                                                                          time(11, 0))))
    assert [w.start for w in hours.windows] == [time(8, 30), time(14, 0)]   # sorted
    times = CallingTimes(hours)
    assert times.is_callable_at(L(2026, 12, 2, 19, 0))
    assert not times.is_callable_at(L(2026, 12, 2, 11, 30))
    assert times.next_window_start(L(2026, 12, 2, 11, 30)) == L(2026, 12, 2, 14, 0)
    with pytest.raises(ValueError, match="overlap"):
        CallingHours(windows=(Window(time(9, 0), time(12, 0)), Window(time(11, 0), time(13, 0))))
    with pytest.raises(ValueError, match="end after"):
        Window(time(12, 0), time(9, 0))
    with pytest.raises(ValueError):
        CallingHours(windows=())
