"""Working days for fieldwork: official workdays, 调休 make-up days, and the years nobody knows.

Rules, in order, for a date ``d``:

1. A row of the supervisor-imported table for ``d`` decides (``holiday``: not a
   workday; ``workday``: a workday, e.g. a 调休 Saturday). Imported rows also correct
   the bundled data for years it covers.
2. Else, if ``chinesecalendar`` knows ``d``'s year (2004–2026 in version 1.11), its
   answer decides: official holidays are off, make-up weekend workdays (调休) are on.
3. Else, if the imported table holds any row for ``d``'s year, that year is
   *imported*: the rows listed are its holidays and make-up days, every other
   Monday–Friday is a workday and every other weekend day is not.
4. Else the year has no official data: Monday–Friday are workdays (*fallback*). This
   is never silent: :meth:`WorkCalendar.years_without_data` lists such years in a
   range and :meth:`WorkCalendar.fallback_notice` words the warning the CLI and the
   screens show (``fieldwork.calendar.fallback``).

A year counts as covered by an import as soon as one row of that year is imported,
so the import should hold the whole year's notice (all holidays and make-up days
the State Council published for it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

import chinese_calendar

from callcentre.fieldwork.notices import Notice, notice

_HOLIDAY_ZH = {h.value: h.chinese for h in chinese_calendar.Holiday}
_SEARCH_DAYS = 800  # no real calendar has two years without a workday


class DayKind(StrEnum):
    """Kind of an imported calendar row."""

    HOLIDAY = "holiday"
    WORKDAY = "workday"


class Source(StrEnum):
    """Where the answer for a date came from."""

    IMPORTED = "imported"
    OFFICIAL = "official"
    FALLBACK = "fallback"


@dataclass(frozen=True)
class CalendarEntry:
    """One imported row: ``day`` is a holiday or a (make-up) workday, with its name."""

    day: date
    kind: DayKind
    name: str = ""


@dataclass(frozen=True)
class DayInfo:
    """What the calendar says about one date."""

    day: date
    workday: bool
    source: Source
    name: str = ""
    """Holiday name (国庆节 …) for holidays and make-up workdays, else empty."""

    @property
    def makeup(self) -> bool:
        """A weekend day that is a workday (调休)."""
        return self.workday and self.day.weekday() >= 5

    @property
    def holiday(self) -> bool:
        """A Monday–Friday that is not a workday."""
        return not self.workday and self.day.weekday() < 5


@cache
def official_year(year: int) -> bool:
    """Whether the installed ``chinesecalendar`` has data for ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _official(day: date) -> DayInfo:
    workday = bool(chinese_calendar.is_workday(day))
    english = chinese_calendar.holidays.get(day) or chinese_calendar.workdays.get(day) or ""
    name = _HOLIDAY_ZH.get(english, english) if (not workday or day.weekday() >= 5) else ""
    return DayInfo(day, workday, Source.OFFICIAL, name)


class WorkCalendar:
    """Official workdays plus an imported table (see the module docstring for the rules).

    Parameters
    ----------
    entries
        Imported rows (``callcentre.fieldwork.calendar_file`` parses them). Two rows
        for one date must agree on the kind, else ``ValueError``.
    official
        Use ``chinesecalendar`` (default). ``False`` gives a calendar of imported
        rows and Monday–Friday only (tests of future years use it).
    """

    def __init__(self, entries: Iterable[CalendarEntry] = (), *, official: bool = True) -> None:
        table: dict[date, CalendarEntry] = {}
        for entry in entries:
            old = table.get(entry.day)
            if old is not None and old.kind != entry.kind:
                raise ValueError(f"{entry.day} imported both as {old.kind} and as {entry.kind}")
            table[entry.day] = entry
        self._table = table
        self._imported_years = frozenset(d.year for d in table)
        self._official = official
        self._days: dict[date, DayInfo] = {}

    @property
    def entries(self) -> tuple[CalendarEntry, ...]:
        """The imported rows, by date."""
        return tuple(self._table[d] for d in sorted(self._table))

    def has_official_data(self, year: int) -> bool:
        """Whether ``chinesecalendar`` covers ``year`` (and is used)."""
        return self._official and official_year(year)

    def has_data(self, year: int) -> bool:
        """Whether ``year`` has official or imported holiday data (no fallback)."""
        return year in self._imported_years or self.has_official_data(year)

    def day(self, day: date) -> DayInfo:
        """What the calendar says about ``day``."""
        info = self._days.get(day)
        if info is None:
            info = self._days[day] = self._lookup(day)
        return info

    def _lookup(self, day: date) -> DayInfo:
        entry = self._table.get(day)
        if entry is not None:
            return DayInfo(day, entry.kind is DayKind.WORKDAY, Source.IMPORTED, entry.name)
        if self.has_official_data(day.year):
            return _official(day)
        source = Source.IMPORTED if day.year in self._imported_years else Source.FALLBACK
        return DayInfo(day, day.weekday() < 5, source)

    def is_workday(self, day: date) -> bool:
        return self.day(day).workday

    def next_workday(self, day: date, *, include: bool = True) -> date:
        """The first workday on or after ``day`` (after it if ``include`` is false)."""
        current = day if include else day + timedelta(days=1)
        for _ in range(_SEARCH_DAYS):
            if self.is_workday(current):
                return current
            current += timedelta(days=1)
        raise ValueError(f"no workday within {_SEARCH_DAYS} days of {day}")

    def years_without_data(self, start: date, end: date) -> tuple[int, ...]:
        """Years from ``start`` to ``end`` (inclusive) that fall back to Monday–Friday."""
        if end < start:
            start, end = end, start
        return tuple(y for y in range(start.year, end.year + 1) if not self.has_data(y))

    def fallback_notice(self, start: date, end: date) -> Notice | None:
        """The loud warning for :meth:`years_without_data`, or ``None`` if there are none."""
        years = self.years_without_data(start, end)
        if not years:
            return None
        return notice("fieldwork.calendar.fallback", years="、".join(map(str, years)))
