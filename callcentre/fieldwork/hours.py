"""Calling windows: when a case may be phoned, and the half-day a time belongs to.

Rules (DESIGN §4 "Calling hours"):

- calls are allowed on workdays of the :class:`~callcentre.fieldwork.calendar.WorkCalendar`
  (official workdays and 调休 make-up weekend days; Monday–Friday in a year without
  data), inside the windows of :class:`CallingHours`, by default 09:00–12:00 and
  13:30–17:30 Asia/Shanghai. A window includes its start and excludes its end: a
  call may start at 09:00 but not at 12:00;
- every time is taken and returned as a timezone-aware datetime (UTC in the
  database); the rules are applied in the calling-hours time zone;
- a time belongs to a *half-day* (上午 before 12:00 local, 下午 from 12:00; the
  boundary is configurable), used to balance attempts over mornings and afternoons
  and for the "next half-day" retry rule. :func:`CallingTimes.next_half_day_start`
  is the first window start in a later half-day than the given time's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from callcentre.fieldwork.calendar import DayInfo, WorkCalendar
from callcentre.fieldwork.notices import Notice, literal, notice, require_aware

_SEARCH_DAYS = 800


class HalfDay(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"


@dataclass(frozen=True)
class Window:
    """A daily calling window ``[start, end)`` in local time."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(f"a calling window must end after it starts: {self.start}–{self.end}")

    def text(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


DEFAULT_WINDOWS = (Window(time(9, 0), time(12, 0)), Window(time(13, 30), time(17, 30)))


@dataclass(frozen=True)
class CallingHours:
    """Configuration: the daily windows, their time zone and the half-day boundary."""

    windows: tuple[Window, ...] = DEFAULT_WINDOWS
    timezone: str = "Asia/Shanghai"
    afternoon_from: time = time(12, 0)

    def __post_init__(self) -> None:
        if not self.windows:
            raise ValueError("at least one calling window is needed")
        ordered = sorted(self.windows, key=lambda w: w.start)
        for a, b in itertools.pairwise(ordered):
            if b.start < a.end:
                raise ValueError(f"calling windows overlap: {a.text()} and {b.text()}")
        object.__setattr__(self, "windows", tuple(ordered))
        ZoneInfo(self.timezone)  # raises for an unknown zone

    def text(self, sep: str = "、") -> str:
        """``09:00–12:00、13:30–17:30`` for messages."""
        return sep.join(w.text() for w in self.windows)

    def notice(self) -> Notice:
        """The windows as a message parameter (``、`` in Chinese, ``, `` in English)."""
        return literal(self.text("、"), self.text(", "))


@dataclass(frozen=True, order=True)
class HalfDaySlot:
    """A half-day of one local date: the unit of time-slot balancing."""

    day: date
    half: HalfDay = field(compare=False)
    rank: int = 0  # 0 morning, 1 afternoon: makes slots sortable


class CallingTimes:
    """The calling windows on the calendar's workdays.

    Parameters
    ----------
    hours
        The windows (default 09:00–12:00, 13:30–17:30 Asia/Shanghai).
    calendar
        Working days; default: ``chinesecalendar`` without an imported table.
    """

    def __init__(self, hours: CallingHours | None = None,
                 calendar: WorkCalendar | None = None) -> None:
        self.hours = hours or CallingHours()
        self.calendar = calendar or WorkCalendar()
        self.zone = ZoneInfo(self.hours.timezone)
        self._windows: dict[date, tuple[tuple[datetime, datetime], ...]] = {}

    # --- local views
    def local(self, moment: datetime) -> datetime:
        return require_aware(moment).astimezone(self.zone)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, self.zone).astimezone(UTC)

    def windows_on(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The windows of local date ``day`` as UTC ``(start, end)``; none on a day off."""
        found = self._windows.get(day)
        if found is None:
            found = () if not self.calendar.is_workday(day) else tuple(
                (self._at(day, w.start), self._at(day, w.end)) for w in self.hours.windows)
            self._windows[day] = found
        return found

    def _windows_from(self, day: date) -> Iterator[tuple[datetime, datetime]]:
        for offset in range(_SEARCH_DAYS):
            yield from self.windows_on(day + timedelta(days=offset))

    # --- the questions the scheduler asks
    def window_at(self, moment: datetime) -> tuple[datetime, datetime] | None:
        """The window holding ``moment`` (UTC start and end), or ``None``."""
        moment = require_aware(moment)
        for start, end in self.windows_on(self.local(moment).date()):
            if start <= moment < end:
                return start, end
        return None

    def is_callable_at(self, moment: datetime) -> bool:
        """Whether a call may start at ``moment``."""
        return self.window_at(moment) is not None

    def next_window_start(self, moment: datetime) -> datetime:
        """The start of the first window that starts strictly after ``moment``."""
        moment = require_aware(moment)
        for start, _end in self._windows_from(self.local(moment).date()):
            if start > moment:
                return start
        raise ValueError(f"no calling window within {_SEARCH_DAYS} days of {moment}")

    def earliest_callable(self, moment: datetime) -> datetime:
        """``moment`` itself if calls are allowed then, else the next window start."""
        return moment if self.is_callable_at(moment) else self.next_window_start(moment)

    def half_day(self, moment: datetime) -> HalfDaySlot:
        """The local half-day ``moment`` falls in."""
        local = self.local(moment)
        if local.time() < self.hours.afternoon_from:
            return HalfDaySlot(local.date(), HalfDay.MORNING, 0)
        return HalfDaySlot(local.date(), HalfDay.AFTERNOON, 1)

    def half_day_start(self, moment: datetime) -> datetime:
        """The UTC start of ``moment``'s half-day (local midnight or ``afternoon_from``):
        "tried in this half-day" is ``last attempt start >= half_day_start(now)`` in SQL."""
        slot = self.half_day(moment)
        clock = time(0) if slot.half is HalfDay.MORNING else self.hours.afternoon_from
        return self._at(slot.day, clock)

    def next_half_day_start(self, moment: datetime) -> datetime:
        """The first window start after ``moment`` that lies in a later half-day."""
        slot = self.half_day(moment)
        for start, _end in self._windows_from(self.local(moment).date()):
            if start > moment and self.half_day(start) > slot:
                return start
        raise ValueError(f"no later half-day within {_SEARCH_DAYS} days of {moment}")

    def next_day_start(self, moment: datetime) -> datetime:
        """The first window start on a later local date than ``moment``'s."""
        today = self.local(moment).date()
        for start, _end in self._windows_from(today + timedelta(days=1)):
            return start
        raise ValueError(f"no calling day within {_SEARCH_DAYS} days of {moment}")

    def why_not(self, moment: datetime) -> Notice | None:
        """Why no call may start at ``moment`` (``None`` if one may).

        Keys: ``fieldwork.hours.holiday`` (with the holiday's name),
        ``fieldwork.hours.weekend``, ``fieldwork.hours.lunch`` (between two windows),
        ``fieldwork.hours.outside`` (before the first or after the last window).
        """
        if self.is_callable_at(moment):
            return None
        local = self.local(moment)
        info: DayInfo = self.calendar.day(local.date())
        if not info.workday:
            if info.name:
                return notice("fieldwork.hours.holiday", day=f"{local:%Y-%m-%d}",
                              name=info.name)
            if info.holiday:
                return notice("fieldwork.hours.holiday_unnamed", day=f"{local:%Y-%m-%d}")
            return notice("fieldwork.hours.weekend", day=f"{local:%Y-%m-%d}")
        clock = local.time()
        windows = self.hours.windows
        if windows[0].start <= clock < windows[-1].end:
            return notice("fieldwork.hours.lunch", time=f"{local:%H:%M}", hours=self.hours.notice())
        return notice("fieldwork.hours.outside", time=f"{local:%H:%M}", hours=self.hours.notice())
