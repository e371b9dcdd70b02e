"""Read xlsx / xls / csv list files into sheets of data rows.

Every sheet is considered. Within a sheet the header row is detected
(:mod:`sampling.listfile.headers`); rows after it are data rows except blank
spacer rows and footnote lines ("注：…"), which are counted and listed so the
check workbook can account for every line of the file. Row numbers are 1-based
as Excel shows them; for csv they are line numbers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from sampling.listfile.headers import HeaderMatch, find_header

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_NOTE = re.compile(r"^\s*(注|说明|备注|填表人|制表人|审核人|填报人|填表说明|数据来源)\s*\d*\s*[:：.、]")


class ListFileError(Exception):
    """A file that cannot be read as a list. ``code`` is a catalogue suffix
    (``import.file.<code>``); ``detail`` is the reader's own words."""

    def __init__(self, code: str, path: Path, detail: str = "") -> None:
        self.code = code
        self.path = path
        self.detail = detail
        super().__init__(f"{code}: {path}: {detail}")


class DataRow(NamedTuple):
    """A tuple, not a dataclass: a million of them are made per million rows read."""

    row: int                      # 1-based, as Excel shows it (csv: line number)
    cells: Sequence[object]       # as read (str, float, bool, datetime …; "" when empty)


@dataclass(frozen=True, slots=True)
class SheetSkip:
    sheet: str
    reason: str                   # "no_header" | "empty"
    nonblank_rows: int


@dataclass(slots=True)
class ListSheet:
    name: str
    header: HeaderMatch
    header_row: int               # 1-based
    rows: list[DataRow] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)
    note_rows: list[int] = field(default_factory=list)
    repeated_header_rows: list[int] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)   # non-empty cells above the header

    def cell(self, row: DataRow, field_name: str) -> object:
        col = self.header.columns.get(field_name)
        if col is None or col >= len(row.cells):
            return None
        return row.cells[col]


@dataclass(slots=True)
class ListFile:
    path: Path
    sheets: list[ListSheet]
    skipped: list[SheetSkip]

    @property
    def data_rows(self) -> int:
        return sum(len(s.rows) for s in self.sheets)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def split_sheet(name: str, grid: Sequence[Sequence[object]]) -> ListSheet | SheetSkip:
    """Find the header in one sheet's grid (rows from A1) and classify the rest."""
    header = find_header(grid)
    if header is None:
        nonblank = sum(1 for r in grid if any(not _blank(c) for c in r))
        return SheetSkip(sheet=name, reason="no_header" if nonblank else "empty",
                         nonblank_rows=nonblank)
    sheet = ListSheet(name=name, header=header, header_row=header.row_index + 1)
    sheet.preamble = [
        str(c).strip() for r in grid[: header.row_index] for c in r if not _blank(c)
    ]
    header_cells = grid[header.row_index]
    rows, blank_rows, note_rows = sheet.rows, sheet.blank_rows, sheet.note_rows
    new_row = DataRow._make
    for index in range(header.row_index + 1, len(grid)):
        raw = grid[index]
        # counting in C first: most rows are full, and only rows of one or two
        # filled cells can be notes
        empty = raw.count("") + raw.count(None)
        if empty < len(raw) - 2:
            if raw == header_cells:
                sheet.repeated_header_rows.append(index + 1)
            elif all(isinstance(c, str) and not c.strip() for c in raw):
                blank_rows.append(index + 1)
            else:
                rows.append(new_row((index + 1, raw)))
            continue
        filled = [c for c in raw if c != "" and c is not None]
        if not filled or all(isinstance(c, str) and not c.strip() for c in filled):
            blank_rows.append(index + 1)
        elif len(filled) <= 2 and isinstance(filled[0], str) and _NOTE.match(filled[0]):
            note_rows.append(index + 1)
        elif raw == header_cells:
            sheet.repeated_header_rows.append(index + 1)
        else:
            rows.append(new_row((index + 1, raw)))
    return sheet


# (sheet name, cells from A1 row by row, csv line number of each row or [] for workbooks)
RawSheet = tuple[str, Sequence[Sequence[object]], list[int]]


def _decode_csv(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GBK")


def _read_csv(path: Path) -> list[RawSheet]:
    text = _decode_csv(path.read_bytes())
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows: list[list[object]] = []
    lines: list[int] = []
    last = 0
    for record in reader:
        rows.append(list(record))
        lines.append(last + 1)
        last = reader.line_num
    return [(path.stem, rows, lines)]


def _read_workbook(path: Path) -> list[RawSheet]:
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise ListFileError("encrypted", path, str(exc)) from exc
    except Exception as exc:  # calamine raises several types for a bad file
        raise ListFileError("unreadable", path, str(exc)) from exc
    sheets: list[RawSheet] = []
    try:
        for name in workbook.sheet_names:
            grid = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            sheets.append((name, grid, []))
    except Exception as exc:
        raise ListFileError("unreadable", path, str(exc)) from exc
    finally:
        workbook.close()
    return sheets


def read_list_file(path: Path | str) -> ListFile:
    """Read a list file: every sheet, header found, data rows numbered as Excel shows.

    Raises
    ------
    ListFileError
        ``missing``, ``empty``, ``encrypted``, ``unsupported``, ``unreadable`` or
        ``no_header`` (no sheet has a recognisable header).
    """
    path = Path(path)
    if not path.is_file():
        raise ListFileError("missing", path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise ListFileError("unsupported", path, suffix)
    with open(path, "rb") as fh:
        head = fh.read(1 << 16)
    if not head:
        raise ListFileError("empty", path)
    if head.startswith(_OLE_MAGIC) and suffix != ".xls":
        # an xlsx inside an OLE container is an encrypted (password) workbook
        whole = path.read_bytes()
        if _ENCRYPTED_MARK in whole:
            raise ListFileError("encrypted", path)
    if suffix in (".csv", ".txt"):
        try:
            raw_sheets = _read_csv(path)
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ListFileError("unreadable", path, str(exc)) from exc
    else:
        raw_sheets = _read_workbook(path)
    result = ListFile(path=path, sheets=[], skipped=[])
    for name, grid, lines in raw_sheets:
        sheet = split_sheet(name, grid)
        if lines and isinstance(sheet, ListSheet):
            _renumber(sheet, lines)
        if isinstance(sheet, ListSheet):
            result.sheets.append(sheet)
        else:
            result.skipped.append(sheet)
    if not result.sheets:
        reasons = {s.reason for s in result.skipped}
        raise ListFileError("empty" if reasons == {"empty"} else "no_header", path)
    return result


_DEPARTMENT = re.compile(r"(?:上报|报送|提供)?部门(?:[（(]单位[)）])?\s*[:：]\s*([^\s:：]+)")


def department_from_preamble(lines: Sequence[str]) -> str | None:
    """The department named in a title row such as "部门：市税务局  联系人：…"."""
    from sampling.identifiers.names import strip_invisible

    for text in lines:
        m = _DEPARTMENT.search(strip_invisible(text))
        if m and "×" not in m.group(1) and "XX" not in m.group(1).upper():
            return m.group(1).strip()
    return None


def _renumber(sheet: ListSheet, lines: list[int]) -> None:
    """csv: replace grid positions (1-based) by the line each record starts on."""
    sheet.header_row = lines[sheet.header_row - 1]
    sheet.rows = [DataRow(row=lines[r.row - 1], cells=r.cells) for r in sheet.rows]
    sheet.blank_rows = [lines[r - 1] for r in sheet.blank_rows]
    sheet.note_rows = [lines[r - 1] for r in sheet.note_rows]
    sheet.repeated_header_rows = [lines[r - 1] for r in sheet.repeated_header_rows]
