"""Reading the holiday table a supervisor imports (``callcentre calendar import FILE``).

The file is read with the list reader (encodings, delimiters, misnamed workbooks) and
parsed by the pure :func:`callcentre.fieldwork.calendar_file.parse_calendar_sheet`;
storing the rows (and building :class:`~callcentre.fieldwork.calendar.WorkCalendar`
from them) belongs to the calendar service.
"""

from __future__ import annotations

from pathlib import Path

from callcentre.fieldwork.calendar_file import CalendarParse, CalendarRowError, parse_calendar_sheet
from callcentre.fieldwork.notices import notice
from sampling.listfile.reader import ListFileError, _read_csv, _read_workbook


def read_calendar_file(path: Path | str) -> CalendarParse:
    """Read an xlsx / xls / csv holiday table (the first sheet with a header row).

    Reading goes through the list reader (encodings, delimiters, misnamed workbooks);
    an unreadable file is an error of the result (``fieldwork.calendar.unreadable``),
    never an exception.
    """
    path = Path(path)
    try:
        if path.suffix.lower() in (".csv", ".txt"):
            sheets = _read_csv(path)
        else:
            sheets = _read_workbook(path)
    except (ListFileError, OSError, UnicodeDecodeError) as exc:
        detail = getattr(exc, "detail", "") or str(exc)
        return CalendarParse((), (CalendarRowError(0, "", notice(
            "fieldwork.calendar.unreadable", file=path.name, detail=detail)),), path.name)
    first: CalendarParse | None = None
    for name, grid, lines in sheets:
        parsed = parse_calendar_sheet(grid, lines)
        parsed = CalendarParse(parsed.entries, parsed.errors, path.name, name)
        if not (len(parsed.errors) == 1 and parsed.errors[0].message.key
                == "fieldwork.calendar.no_header"):
            return parsed
        first = first or parsed
    if first is None:
        return CalendarParse((), (CalendarRowError(0, "", notice("fieldwork.calendar.empty")),),
                             path.name)
    return first
