"""The 说明 sheet: what a reader of a workbook must know about how it was written."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from callcentre import __version__
from callcentre.i18n import t
from callcentre.reports.xlsx import StreamSheet

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_time(when: datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored time (UTC; naive means UTC, as the database gives it back) as
    Beijing time text."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(SHANGHAI).strftime(fmt)


def note_lines(*, masked: bool | None) -> list[str]:
    """The sentences every workbook carries: when and by what it was written, times,
    formula neutralisation, characters replaced, and (``masked`` not ``None``)
    whether telephone numbers are masked."""
    lines = [t("report.notes.written", when=shanghai_time(datetime.now(UTC)),
               version=__version__),
             t("report.notes.times"), t("report.notes.formulas"), t("report.notes.characters")]
    if masked is not None:
        lines.append(t("report.notes.masked" if masked else "report.notes.full_phones"))
    return lines


def notes_sheet(lines: Sequence[str], *, title: str | None = None,
                name: str | None = None) -> StreamSheet:
    """A sheet of sentences, one a row, under a heading."""
    rows: list[list[object]] = [[title or t("report.notes.heading")]]
    rows += [[line] for line in lines]
    return StreamSheet(name or t("report.sheet.notes"), rows, header_rows=1, widths=[150.0])
