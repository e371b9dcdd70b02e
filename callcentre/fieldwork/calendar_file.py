"""Parse the holiday table a supervisor imports (``callcentre calendar import FILE``).

The file (xlsx / xls / csv, read by the service into a grid of cells) has a header
row naming three columns, in any order and anywhere in the first rows:

- date: ``日期`` / ``date`` — an Excel date, or text such as ``2027-10-01``,
  ``2027/10/1``, ``2027年10月1日``, ``20271001``;
- kind: ``类型`` / ``性质`` / ``安排`` / ``kind`` — ``假日`` / ``休息`` / ``节假日`` /
  ``放假`` / ``holiday`` for days off, ``调休`` / ``上班`` / ``工作日`` / ``补班`` /
  ``workday`` for (make-up) workdays;
- name (optional): ``名称`` / ``节日`` / ``节假日名称`` / ``name`` — 国庆节 …

Blank rows are skipped. Every bad row is reported with its row number (as Excel
shows it, or the csv line) and column letter and heading, so the supervisor can fix
the file: a missing or unreadable date, an unknown kind, the same date twice with
different kinds (a repeated identical row is accepted once). Nothing is imported
from a file with errors: :class:`CalendarParse` holds either the rows or the errors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from callcentre.fieldwork.calendar import CalendarEntry, DayKind
from callcentre.fieldwork.notices import Notice, notice

HEADERS = {
    "date": ("日期", "date", "日子"),
    "kind": ("类型", "性质", "安排", "kind", "type", "类别"),
    "name": ("名称", "节日", "节假日", "节假日名称", "假日名称", "name", "说明", "备注"),
}
KINDS = {
    DayKind.HOLIDAY: ("假日", "休息", "节假日", "放假", "休假", "假期", "holiday", "off"),
    DayKind.WORKDAY: ("调休", "上班", "工作日", "补班", "调休上班", "workday", "work"),
}
_KIND_WORDS = {w: kind for kind, words in KINDS.items() for w in words}
_HEADER_ROWS = 10
_TEXT_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = date(1899, 12, 30)
_YEARS = range(2000, 2101)


@dataclass(frozen=True)
class CalendarRowError:
    """A problem in one cell: ``row`` 1-based, ``column`` a letter (``""``: the whole file)."""

    row: int
    column: str
    message: Notice


@dataclass(frozen=True)
class CalendarParse:
    """Rows (when there are no errors) or errors, never both."""

    entries: tuple[CalendarEntry, ...]
    errors: tuple[CalendarRowError, ...]
    file: str = ""
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self, lang: str | None = None) -> list[str]:
        """Each error as one line naming the file and sheet (when known), row and column."""
        where = ""
        if self.file:
            where = notice("fieldwork.calendar.where", file=self.file, sheet=self.sheet).text(lang)
        return [where + e.message.text(lang) for e in self.errors]


def column_letter(index: int) -> str:
    """Excel's letter for a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _norm(cell: object) -> str:
    if cell is None:
        return ""
    text = unicodedata.normalize("NFKC", str(cell)).strip().lower()
    return re.sub(r"[\s:：*＊]+", "", text)


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header(grid: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(grid[:_HEADER_ROWS]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            text = _norm(cell)
            for field, names in HEADERS.items():
                if text in names and field not in columns:
                    columns[field] = col
        if "date" in columns and "kind" in columns:
            return index, columns
    return None


def parse_date(cell: object) -> date | None:
    """A date from an Excel date, a serial number or text; ``None`` if it is none."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, bool):
        return None
    if isinstance(cell, (int, float)):
        if float(cell).is_integer():
            value = int(cell)
            if (m := _COMPACT_DATE.match(str(value))) is not None:
                return _ymd(m)
            serial = _EXCEL_EPOCH + timedelta(days=value)
            return serial if value >= 1 and serial.year in _YEARS else None
        return None
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    text = re.sub(r"\s+\d{1,2}:\d{2}(:\d{2})?$", "", text)   # "2027-10-01 00:00:00"
    m = _TEXT_DATE.match(text) or _COMPACT_DATE.match(text)
    return _ymd(m) if m is not None else None


def _ymd(m: re.Match[str]) -> date | None:
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return day if day.year in _YEARS else None


def parse_kind(cell: object) -> DayKind | None:
    """``holiday`` / ``workday`` from the kind words above; ``None`` if unknown."""
    return _KIND_WORDS.get(_norm(cell))


def parse_calendar_sheet(grid: Sequence[Sequence[object]], lines: Sequence[int] = ()
                         ) -> CalendarParse:
    """Parse one sheet's cells (row by row from A1) into calendar rows or errors.

    ``lines``: the csv line number of each grid row (empty for workbooks, where row
    ``i`` is Excel row ``i + 1``).
    """
    def row_number(index: int) -> int:
        return lines[index] if index < len(lines) else index + 1

    found = _header(grid)
    if found is None:
        return CalendarParse((), (CalendarRowError(0, "", notice("fieldwork.calendar.no_header")),))
    header_index, columns = found
    heading = {field: str(grid[header_index][col]).strip() for field, col in columns.items()}
    errors: list[CalendarRowError] = []
    seen: dict[date, tuple[int, CalendarEntry]] = {}

    def error(index: int, field: str, key: str, **params: object) -> None:
        col = columns[field]
        errors.append(CalendarRowError(row_number(index), column_letter(col), notice(
            key, row=row_number(index), column=column_letter(col), heading=heading[field],
            **params)))

    def cell(row: Sequence[object], field: str) -> object:
        col = columns.get(field)
        return row[col] if col is not None and col < len(row) else None

    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        if all(_blank(c) for c in row):
            continue
        raw_date, raw_kind = cell(row, "date"), cell(row, "kind")
        day = parse_date(raw_date) if not _blank(raw_date) else None
        kind = parse_kind(raw_kind) if not _blank(raw_kind) else None
        if _blank(raw_date):
            error(index, "date", "fieldwork.calendar.date_missing")
        elif day is None:
            error(index, "date", "fieldwork.calendar.date_bad", value=str(raw_date))
        if _blank(raw_kind):
            error(index, "kind", "fieldwork.calendar.kind_missing")
        elif kind is None:
            error(index, "kind", "fieldwork.calendar.kind_bad", value=str(raw_kind))
        if day is None or kind is None:
            continue
        name = cell(row, "name")
        entry = CalendarEntry(day, kind, "" if _blank(name) else str(name).strip())
        if day in seen:
            first_row, first = seen[day]
            if first.kind != kind:
                error(index, "date", "fieldwork.calendar.date_conflict", day=day.isoformat(),
                      first_row=first_row)
            continue
        seen[day] = (row_number(index), entry)
    if errors:
        return CalendarParse((), tuple(errors))
    if not seen:
        return CalendarParse((), (CalendarRowError(0, "", notice("fieldwork.calendar.empty")),))
    return CalendarParse(tuple(e for _, e in sorted(seen.values(), key=lambda v: v[1].day)), ())

