"""The holiday table: importing official holidays and make-up workdays for years
``chinesecalendar`` does not know, and saying which years have data.

A year without official data (neither ``chinesecalendar`` nor an import) falls back to
Monday–Friday (:class:`callcentre.fieldwork.calendar.WorkCalendar`); the screens and
the command line warn loudly about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from callcentre.calendar_import import read_calendar_file
from callcentre.db.engine import writing
from callcentre.db.models.fieldwork import CalendarDay
from callcentre.errors import InvalidInput
from callcentre.fieldwork.calendar import CalendarEntry, DayKind, WorkCalendar, official_year
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record


@dataclass(frozen=True)
class CalendarImport:
    file: str
    added: int
    updated: int
    same: int


def import_calendar(*, session: Session, actor: Actor, path: Path) -> CalendarImport:
    """Store the rows of a holiday table (date, kind, name): new days added, days
    already stored updated. A file with any bad row imports nothing: the error names
    each bad row and column (:class:`InvalidInput` ``calendar.rejected``)."""
    require(actor, "queue.manage")
    parsed = read_calendar_file(path)
    if not parsed.ok:
        raise InvalidInput("calendar.rejected", file=Path(path).name, n=len(parsed.errors),
                           detail="\n".join(parsed.messages()))
    with writing(session):
        added = updated = same = 0
        changes = []
        for entry in parsed.entries:
            row = session.get(CalendarDay, entry.day)
            if row is None:
                session.add(CalendarDay(day=entry.day, kind=entry.kind.value, name=entry.name))
                added += 1
            elif (row.kind, row.name) != (entry.kind.value, entry.name):
                changes.append({"day": entry.day.isoformat(), "before": [row.kind, row.name],
                                "after": [entry.kind.value, entry.name]})
                row.kind, row.name = entry.kind.value, entry.name
                session.add(row)
                updated += 1
            else:
                same += 1
        result = CalendarImport(Path(path).name, added, updated, same)
        record(session, actor=actor, action="calendar.import", object_type="calendar",
               object_id=result.file, after={"added": added, "updated": updated,
                                             "same": same, "changes": changes[:50]})
    return result


def stored_calendar(session: Session) -> WorkCalendar:
    """Official workdays plus the imported table (for the scheduler and the screens)."""
    rows = session.exec(select(CalendarDay).order_by(col(CalendarDay.day))).all()
    return WorkCalendar(CalendarEntry(r.day, DayKind(r.kind), r.name) for r in rows)


@dataclass(frozen=True)
class YearRow:
    year: int
    official: bool
    holidays: int
    """Imported holidays."""
    workdays: int
    """Imported make-up workdays."""

    @property
    def has_data(self) -> bool:
        return self.official or bool(self.holidays or self.workdays)


def calendar_years(*, session: Session, actor: Actor, year: int | None = None,
                   today: date | None = None) -> list[YearRow]:
    """Which years have holiday data: ``year`` alone, else last year to next year and
    every imported year."""
    require(actor, "queue.work")
    rows = session.exec(select(CalendarDay)).all()
    session.rollback()
    imported: dict[int, list[int]] = {}
    for r in rows:
        counts = imported.setdefault(r.day.year, [0, 0])
        counts[0 if r.kind == DayKind.HOLIDAY.value else 1] += 1
    this = (today or date.today()).year
    years = {year} if year is not None else {this - 1, this, this + 1, *imported}
    return [YearRow(y, official_year(y), *imported.get(y, [0, 0])) for y in sorted(years)]


def imported_days(*, session: Session, actor: Actor, year: int) -> list[CalendarEntry]:
    """The imported rows of ``year``, by date."""
    require(actor, "queue.work")
    out = [CalendarEntry(r.day, DayKind(r.kind), r.name) for r in session.exec(
        select(CalendarDay).where(
        col(CalendarDay.day) >= date(year, 1, 1), col(CalendarDay.day) <= date(year, 12, 31))
        .order_by(col(CalendarDay.day))).all()]
    session.rollback()
    return out
