"""Read xlsx / xls / csv list files into sheets of data rows.

Every sheet is considered. Within a sheet the header row is detected
(:mod:`sampling.listfile.headers`); rows after it are data rows except blank
spacer rows and footnote lines ("注：…") or totals rows ("合计", "小计" … without
a credit code), which are counted and listed so the check workbook can account
for every line of the file. Row numbers are 1-based as Excel shows them; for csv
they are line numbers.

Cells merged down the data rows (所属区 merged over the rows of one district) hold
their value in the top cell only; it is copied into the rows below. Workbooks are
opened by their content, not their extension (an xlsx saved as .xls and the like);
a web page or delimited text saved as .xls is read as what it is.
A csv may be UTF-8 (with or without BOM), GBK/GB18030 (even behind a UTF-8 BOM) or
UTF-16 with BOM (Excel's "Unicode text"); the delimiter (comma, tab, semicolon) is
the one that splits the first lines into the most consistent columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

from sampling.listfile.headers import (
    LONG_DIGITS,
    HeaderMatch,
    find_header,
    is_blank,
    is_exact_label,
    match_field,
)
from sampling.listfile.html_table import decode_html, html_grid, looks_like_html
from sampling.listfile.limits import DEFAULT_LIMITS, LimitExceeded, ReadLimits
from sampling.listfile.notes import (
    EXAMPLE,
    HEADING,
    SIGNOFF,
    UNITS,
    example_row,
    heading_row,
    may_be_example,
    may_be_signoff,
    signoff_row,
    units_row,
)
from sampling.listfile.sizecheck import check_file_size, check_workbook, guard_records

SUPPORTED = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".txt")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".ods")
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_NOTE = re.compile(r"^\s*(注|说明|备注|填表人|制表人|审核人|填报人|填表说明|数据来源)\s*\d*\s*[:：.、]")
# a totals row: 合计 / 总计 / 小计 alone or with a count ("合计：5家", "小计（3户）"),
# not a name that starts so (合计科技有限公司, 小计算机服务部)
_TOTAL = re.compile(r"^\s*[合总小]\s*计\s*(?:$|[:：（(\d共]|\s)")
# merged cell range as calamine reports it: ((first row, first col), (last row, last col)), 0-based
MergedRange = tuple[tuple[int, int], tuple[int, int]]


class ListFileError(Exception):
    """A file that cannot be read as a list. ``code`` is a catalogue suffix
    (``import.file.<code>``); ``detail`` is the reader's own words."""

    def __init__(self, code: str, path: Path, detail: str = "") -> None:
        self.code = code
        self.path = path
        self.detail = detail
        super().__init__(f"{code}: {path}: {detail}")

    @classmethod
    def over_limit(cls, path: Path, exc: LimitExceeded) -> ListFileError:
        """A file over a :class:`ReadLimits` limit (``detail`` is the limit encoded:
        the application words it, :func:`sampling.listfile.limits.decode`)."""
        return cls("over_limit", path, exc.encoded())


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
    # note rows that are units, example, sign-off or heading lines: row -> kind
    note_kinds: dict[int, str] = field(default_factory=dict)
    repeated_header_rows: list[int] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)   # non-empty cells above the header
    continues: str | None = None  # a sheet without a header: the sheet whose header it uses
    hidden: bool = False          # hidden in the workbook (Excel does not show it)

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


def _is_number(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().isdigit()
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_total(raw: Sequence[object], uscc: int | None) -> bool:
    """A totals row: 合计/总计/小计 in the first text cell (after a 序号, if any) and no
    credit code."""
    if uscc is not None and uscc < len(raw) and not is_blank(raw[uscc]):
        return False
    for cell in raw:
        if is_blank(cell):
            continue
        if isinstance(cell, str) and not cell.strip().isdigit():
            return _TOTAL.match(cell) is not None
        if not _is_number(cell):
            return False
    return False


def _fill_merged_down(grid: Sequence[Sequence[object]], merged: Sequence[MergedRange],
                      below: int) -> None:
    """Copy the value of each range merged over rows below row index ``below`` (the
    header) into the blank cells under it, in the range's first column.

    Only downwards: a title, group label or footnote merged across columns stays in
    one cell (so a footnote stays a one-cell note), and ranges in or above the header
    are left to header detection.
    """
    for (top, col), (bottom, _right) in merged:
        if top <= below or bottom <= top or top >= len(grid):
            continue
        first = grid[top]
        if col >= len(first) or is_blank(value := first[col]):
            continue
        for index in range(top + 1, min(bottom, len(grid) - 1) + 1):
            row = grid[index]
            # a spacer row the range happens to cross stays blank
            if col < len(row) and is_blank(row[col]) and not all(is_blank(c) for c in row):
                row[col] = value  # type: ignore[index]  # grids are lists of lists


def split_sheet(name: str, grid: Sequence[Sequence[object]],
                merged: Sequence[MergedRange] = (), *,
                header: HeaderMatch | None = None) -> list[ListSheet] | SheetSkip:
    """Find the header in one sheet's grid (rows from A1) and classify the rest.

    Returns the sheet's tables: one, unless a second header further down (another
    table, with columns of its own) starts another. ``merged`` are the sheet's merged
    cell ranges (0-based, as calamine gives them); values merged down the data rows
    are copied into every row (in ``grid``). ``header``: a header from another sheet
    (a continuation sheet without one of its own), the data starting on row 1.
    """
    continues = header is not None
    if header is None:
        header = find_header(grid)
        if header is None:
            nonblank = sum(1 for r in grid if any(not is_blank(c) for c in r))
            return SheetSkip(sheet=name, reason="no_header" if nonblank else "empty",
                             nonblank_rows=nonblank)
    if merged:
        _fill_merged_down(grid, merged, header.row_index)
    tables: list[ListSheet] = []
    start = header.row_index
    preamble = [str(c).strip() for r in grid[:max(start, 0)] for c in r if not is_blank(c)]
    while True:
        sheet = ListSheet(name=name, header=header, header_row=start + 1, preamble=preamble)
        tables.append(sheet)
        after = _split_rows(sheet, grid, start + 1, None if continues else grid[start])
        if after is None:
            return tables
        header, first = after
        start = header.row_index          # a two-row header ends a row after it began
        continues = False
        preamble = _title_above(sheet, first)
        if preamble:
            sheet.rows.pop()
        else:
            preamble = _heading_above(sheet, first, grid)


def _split_rows(sheet: ListSheet, grid: Sequence[Sequence[object]], first: int,
                header_cells: Sequence[object] | None) -> tuple[HeaderMatch, int] | None:
    """Classify rows from index ``first`` on into ``sheet``; stop at the header of
    another table and return it with the index of its first row (else ``None``)."""
    rows, blank_rows, note_rows = sheet.rows, sheet.blank_rows, sheet.note_rows
    new_row = DataRow._make
    # a totals row has no credit code: only rows with that cell empty are looked at
    # (without a code column, rows whose name is empty or starts like 合计); a header
    # of another table has a label there, which starts with a CJK ideograph, as no
    # code does, not even one in full-width digits (only looked for with a code
    # column: names are words as labels are)
    uscc, seq = sheet.header.columns.get("uscc"), sheet.header.columns.get("seq")
    name_col = sheet.header.columns.get("name")
    name_at = 0 if name_col is None else name_col
    probe = uscc if uscc is not None else sheet.header.columns["name"]
    by_name = uscc is None
    kinds = sheet.note_kinds
    units_until = first + 2          # a units row comes right under the header
    hint = _EXAMPLE_HINT
    f0_hint = may_be_signoff
    notes_sheet = _NOTES_SHEET.search(sheet.name) is not None

    def other_line(raw: Sequence[object], index: int) -> str | None:
        """The kind of a units, sign-off or example line (module notes of
        :mod:`sampling.listfile.notes`), or None for a data row."""
        if index < units_until and units_row(raw):
            return UNITS
        f0 = raw[0]
        if (f0 is None or type(f0) is str) and may_be_signoff(f0) and signoff_row(raw):
            return SIGNOFF
        if (notes_sheet or (name_col is not None and name_col < len(raw)
                and may_be_example(raw[name_col]))) and example_row(raw, name_col, notes_sheet):
            return EXAMPLE
        return None

    for index in range(first, len(grid)):
        raw = grid[index]
        # counting in C first: most rows are full, and only rows of one or two
        # filled cells can be notes
        n = len(raw)
        empty = raw.count("") + raw.count(None)
        if empty < n - 2:
            v = raw[probe] if probe < n else None
            if raw == header_cells:
                sheet.repeated_header_rows.append(index + 1)
                if _title_above(sheet, index):   # its title line ("二、…") is a note
                    note_rows.append(sheet.rows.pop().row)
            # a row of spaces: its first cell is one (tested first, in C: most rows
            # start with a 序号, and a generator per row costs a microsecond)
            elif type(raw[0]) is str and not raw[0].strip() and all(
                    isinstance(c, str) and not c.strip() for c in raw):
                blank_rows.append(index + 1)
            elif (not v or (by_name and isinstance(v, str) and v.lstrip()[:1] in "合总小")) \
                    and _is_total(raw, uscc):
                note_rows.append(index + 1)
            elif not by_name and (not v or (type(v) is str and "\u4e00" <= v.lstrip()[:1] <= "\u9fff")) \
                    and (other := _header_at(grid, index)) is not None:
                return other, index
            # (cheap looks first: most rows start with a 序号 and have a plain name; a
            # number first is never a sign-off, so the call is skipped for it)
            elif (index < units_until or notes_sheet
                  or ((f0t := type(raw[0])) is not int and f0t is not float and f0_hint(raw[0]))
                  or (name_at < n and type(nm := raw[name_at]) is str and hint(nm))) \
                    and (kind := other_line(raw, index)) is not None:
                note_rows.append(index + 1)
                kinds[index + 1] = kind
            else:
                rows.append(new_row((index + 1, raw)))
            continue
        filled = [c for c in raw if c != "" and c is not None]
        if not filled or all(isinstance(c, str) and not c.strip() for c in filled) or (
                # a numbered row of an empty template: only its 序号 is filled, a number
                len(filled) == 1 and seq is not None and seq < n and _is_number(raw[seq])):
            blank_rows.append(index + 1)
        elif len(filled) <= 2 and ((isinstance(filled[0], str) and _NOTE.match(filled[0]))
                                   or _is_total(raw, uscc)):
            note_rows.append(index + 1)
        elif raw == header_cells:
            sheet.repeated_header_rows.append(index + 1)
        elif (kind := HEADING if heading_row(raw) else other_line(raw, index)) is not None:
            note_rows.append(index + 1)
            kinds[index + 1] = kind
        else:
            rows.append(new_row((index + 1, raw)))
    return None


def _title_above(sheet: ListSheet, header_index: int) -> list[str]:
    """The title of a table that starts within a sheet ("二、新设企业" just above its
    header, blank rows aside), if the sheet's last data row is one: the caller takes
    it from the rows (to be the new table's preamble, or a note)."""
    if not sheet.rows:
        return []
    last = sheet.rows[-1]
    between = range(last.row + 1, header_index + 1)   # 1-based rows between the two
    filled = [c for c in last.cells if not is_blank(c)]
    if len(filled) == 1 and isinstance(filled[0], str) and all(
            r in sheet.blank_rows for r in between):
        return [filled[0].strip()]
    return []


def _heading_above(sheet: ListSheet, header_index: int,
                   grid: Sequence[Sequence[object]]) -> list[str]:
    """The heading line just above another table's header ("二、新设企业", blank rows
    aside), taken from the sheet's note rows to be that table's preamble."""
    if not sheet.note_rows or sheet.note_kinds.get(last := sheet.note_rows[-1]) != HEADING:
        return []
    if (sheet.rows and sheet.rows[-1].row > last) or not all(
            r in sheet.blank_rows for r in range(last + 1, header_index + 1)):
        return []
    sheet.note_rows.pop()
    del sheet.note_kinds[last]
    return [str(c).strip() for c in grid[last - 1] if not is_blank(c)][:1]


def _header_at(grid: Sequence[Sequence[object]], index: int) -> HeaderMatch | None:
    """The header of another table starting at row ``index`` (with its sub-header, if
    it has one; row indices of the grid), or ``None`` for a data row. A header holds
    labels only: no numbers, no phone or code digits, and most of its cells name a
    field, two at least by its very words ("信用代码待补", "负责人" in a data row name two
    fields, but its 序号 is a number; "统一代码暂缺", "区县待定" only start like labels)."""
    cells = [c for c in grid[index] if not is_blank(c)]
    if len(cells) < 3 or any(not isinstance(c, str) or LONG_DIGITS.search(c) for c in cells):
        return None
    if sum(match_field(c) is not None for c in cells) * 4 < len(cells) * 3 or sum(
            map(is_exact_label, cells)) < 2:
        return None
    found = find_header(grid[index:index + 2], scan_rows=1, min_fields=3)
    return None if found is None else replace(found, row_index=index + found.row_index)


# a continuation sheet's rows: a credit code, or a cell with a phone's digits
_CODE_LIKE = re.compile(r"\s*[0-9A-Za-z]{15,20}\s*")
_DIGITS = re.compile(r"\d")


# a character an example row's placeholder name holds (XX, ××, 某某, 示例, ***)
_EXAMPLE_HINT = re.compile("[XxＸｘ×某例*]").search
_NOTES_SHEET = re.compile(r"说明|须知|注意|备注|指引|示例|样例|填表|目录")


def _continues(name: str, grid: Sequence[Sequence[object]], header: HeaderMatch) -> bool:
    """Whether a sheet without a header holds more rows of the table ``header`` heads
    (a 续表), not notes (a 填表说明, even one giving phone numbers): not named like
    notes, and most of its rows of three or more cells have a credit code in that
    table's code column (a phone number in its phone column, if it has no code
    column)."""
    code, phone = header.columns.get("uscc"), header.columns.get("phone")
    rows = [r for r in grid if sum(not is_blank(c) for c in r) >= 3]
    if not rows or _NOTES_SHEET.search(name) or (code is None and phone is None):
        return False

    def looks_like_data(row: Sequence[object]) -> bool:
        if code is not None:
            return code < len(row) and isinstance(row[code], str) \
                and _CODE_LIKE.fullmatch(str(row[code])) is not None
        return phone is not None and phone < len(row) and not is_blank(row[phone]) \
            and len(_DIGITS.findall(str(row[phone]))) >= 7

    return sum(map(looks_like_data, rows)) * 2 >= len(rows)


# (sheet name, cells from A1 row by row, csv line number of each row or [] for workbooks)
RawSheet = tuple[str, Sequence[Sequence[object]], list[int]]


def _decode_csv(data: bytes) -> str:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return data.decode("utf-32")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")      # Excel's "Unicode text"; the BOM gives the byte order
    data = data.removeprefix(b"\xef\xbb\xbf")  # also before GBK text (re-saved by some editors)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("gb18030", data, 0, 1, "neither UTF-8 nor GBK")


def _is_text(head: bytes) -> bool:
    """Whether a file's first bytes are delimited text (tab or comma), not a binary."""
    try:
        text = _decode_csv(head[: max(len(head) - 4, 0)] if len(head) > 4 else head)
    except UnicodeDecodeError:
        return False
    if any(ch < " " and ch not in "\t\r\n" for ch in text):
        return False
    return "\t" in text or "," in text


_DELIMITERS = (",", "\t", ";")
_SNIFF_CHARS = 1 << 16
_SNIFF_RECORDS = 200


def _sniff_delimiter(text: str, prefer_tab: bool) -> str:
    """The delimiter that splits the first records into the most consistent columns.

    Each candidate's score is (records of its most common width of two or more
    columns) x that width, so a title line without delimiters or a comma inside
    tab-separated cells ("138…,139…") does not decide. Ties go to tab for .txt,
    else to comma.
    """
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and (cut := sample.rfind("\n")) > 0:
        sample = sample[: cut + 1]          # no partial last line
    best, best_score = ",", (0, 0)
    for rank, delimiter in enumerate(_DELIMITERS):
        if delimiter not in sample:
            continue
        widths: Counter[int] = Counter()
        try:
            for number, record in enumerate(csv.reader(io.StringIO(sample, newline=""),
                                                       delimiter=delimiter)):
                if number >= _SNIFF_RECORDS:
                    break
                if len(record) > 1:
                    widths[len(record)] += 1
        except csv.Error:
            pass                            # e.g. the sample ends inside a quoted cell
        if not widths:
            continue
        width, count = max(widths.items(), key=lambda wc: (wc[1], wc[0]))
        preference = 3 if prefer_tab and delimiter == "\t" else -rank
        score = (count * width, preference)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> list[RawSheet]:
    check_file_size(path, limits)
    text = _decode_csv(path.read_bytes())
    # a cell may be longer than csv's default limit (131072): no cell exceeds the text
    if len(text) >= csv.field_size_limit():
        csv.field_size_limit(min(len(text) + 1, 2**31 - 1))
    delimiter = _sniff_delimiter(text, prefer_tab=path.suffix.lower() == ".txt")
    reader = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    rows: list[list[object]] = []
    lines: list[int] = []
    last = 0
    for record in guard_records(reader, path.stem, limits):
        rows.append(list(record))
        lines.append(last + 1)
        last = reader.line_num
    return [(path.stem, rows, lines)]


def _read_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> list[RawSheet]:
    return [(name, grid, []) for name, grid, _merged, _hidden in _load_workbook(path, limits)]


LoadedSheet = tuple[str, Sequence[Sequence[object]], list[MergedRange], bool]


def _load_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> list[LoadedSheet]:
    """Every sheet's grid (from A1), merged ranges and whether it is hidden. The format
    is taken from the content (zip: xlsx …, OLE: xls), whatever the extension says.
    Its size is checked against ``limits`` first (:mod:`sampling.listfile.sizecheck`)."""
    import zipfile

    import python_calamine as pc

    with open(path, "rb") as fh:
        magic = fh.read(8)
    try:
        check_workbook(path, limits)
    except LimitExceeded as exc:
        raise ListFileError.over_limit(path, exc) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
        raise ListFileError("unreadable", path, str(exc)) from None
    suffix = path.suffix.lower()
    misnamed = (magic.startswith(_ZIP_MAGIC) and suffix not in _ZIP_SUFFIXES) or (
        magic.startswith(_OLE_MAGIC) and suffix != ".xls")
    try:
        if misnamed:
            # calamine picks the reader by extension from a path, by content from bytes
            workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
        else:
            workbook = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise ListFileError("encrypted", path, str(exc)) from exc
    except Exception as exc:  # calamine raises several types for a bad file
        if magic.startswith(_OLE_MAGIC) and _ENCRYPTED_MARK in path.read_bytes():
            raise ListFileError("encrypted", path) from exc
        raise ListFileError("unreadable", path, str(exc)) from exc
    sheets: list[LoadedSheet] = []
    try:
        hidden = {m.name for m in workbook.sheets_metadata if m.visible != pc.SheetVisibleEnum.Visible}
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            grid = sheet.to_python(skip_empty_area=False)
            sheets.append((name, grid, list(sheet.merged_cell_ranges or ()), name in hidden))
    except Exception as exc:
        raise ListFileError("unreadable", path, str(exc)) from exc
    finally:
        workbook.close()
    return sheets


def read_list_file(path: Path | str, *, limits: ReadLimits = DEFAULT_LIMITS) -> ListFile:
    """Read a list file: every sheet, header found, data rows numbered as Excel shows.

    Raises
    ------
    ListFileError
        ``missing``, ``empty``, ``encrypted``, ``unsupported``, ``unreadable``,
        ``no_header`` (no sheet has a recognisable header) or ``over_limit`` (the file
        is over one of ``limits``, checked before it is read).
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
    workbook = head.startswith((_ZIP_MAGIC, _OLE_MAGIC))   # whatever the extension says
    raw_sheets: list[tuple[str, Sequence[Sequence[object]], list[int], list[MergedRange]]]
    hidden_sheets: set[str] = set()
    if not workbook and looks_like_html(head):
        # a web page saved as .xls: Excel shows its tables on one sheet named after the file
        try:
            check_file_size(path, limits)
            page, merged = html_grid(decode_html(path.read_bytes()), limits)
        except LimitExceeded as exc:
            exc.sheet = exc.sheet or path.stem[:31]
            raise ListFileError.over_limit(path, exc) from None
        raw_sheets = [(path.stem[:31], page, [], merged)]
    elif not workbook and (suffix in (".csv", ".txt") or (suffix == ".xls" and _is_text(head))):
        # (text saved as .xls by older systems is read as the csv it is)
        try:
            raw_sheets = [(name, grid, lines, [])
                          for name, grid, lines in _read_csv(path, limits)]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ListFileError("unreadable", path, str(exc)) from exc
        except LimitExceeded as exc:
            raise ListFileError.over_limit(path, exc) from None
    else:
        loaded = _load_workbook(path, limits)
        hidden_sheets = {name for name, _grid, _merged, hidden in loaded if hidden}
        raw_sheets = [(name, grid, [], merged) for name, grid, merged, _hidden in loaded]
    result = ListFile(path=path, sheets=[], skipped=[])
    later: list[tuple[str, Sequence[Sequence[object]], list[MergedRange]]] = []
    for name, grid, lines, merged in raw_sheets:
        split = split_sheet(name, grid, merged)
        if isinstance(split, SheetSkip):
            if split.reason == "no_header":
                later.append((name, grid, merged))
            result.skipped.append(split)
            continue
        for sheet in split:
            if lines:
                _renumber(sheet, lines)
            result.sheets.append(sheet)
    # a sheet without a header that holds more of the first table's rows (续表) is
    # read with that table's header, so that none of its rows is left out
    lists = [s for s in result.sheets if "order_no" not in s.header.columns]
    for name, grid, merged in later:
        if lists and _continues(name, grid, lists[0].header):
            main = lists[0]
            split = split_sheet(name, grid, merged, header=replace(main.header, row_index=-1))
            assert isinstance(split, list)
            for sheet in split:
                sheet.continues = main.name
            result.skipped = [s for s in result.skipped if s.sheet != name]
            result.sheets.extend(split)
    for sheet in result.sheets:
        sheet.hidden = sheet.name in hidden_sheets   # imported, but said so
    if not result.sheets:
        reasons = {s.reason for s in result.skipped}
        raise ListFileError("empty" if reasons == {"empty"} else "no_header", path)
    return result


_DEPARTMENT = re.compile(
    r"(?:上报|报送|提供)?部门(?:[（(]单位[)）])?\s*[:：]\s*([^\s:：]+)(\s*[:：])?")


_SEAL_NOTE = re.compile(r"[（(]?(?:加盖公章|盖章|公章|签章|章)[)）]?$")


def department_from_preamble(lines: Sequence[str]) -> str | None:
    """The department named in a title row such as "部门：市税务局  联系人：…"."""
    from sampling.identifiers.names import strip_invisible

    for text in lines:
        m = _DEPARTMENT.search(strip_invisible(text))
        if m is None:
            continue
        name = m.group(1)
        if m.group(2) is not None:
            # the next label runs on ("部门：市税务局联系人：…"), or stands where the
            # name goes in a blank template ("部门：   联系人：…")
            label = next((x for x in _NEXT_LABELS if name.endswith(x)), name)
            name = name[: len(name) - len(label)]
        # a seal note written after the name: "部门：市税务局（盖章）"
        name = _SEAL_NOTE.sub("", name)
        if name and "×" not in name and "XX" not in name.upper():
            return name.strip()
    return None


# labels that follow the department in a title row, longest first
_NEXT_LABELS = ("联系人电话", "联系电话", "联系方式", "手机号码", "填报日期", "联系人", "填报人", "填表人",
                "手机", "电话", "日期", "时间")


def _renumber(sheet: ListSheet, lines: list[int]) -> None:
    """csv: replace grid positions (1-based) by the line each record starts on."""
    sheet.header_row = lines[sheet.header_row - 1]
    sheet.rows = [DataRow(row=lines[r.row - 1], cells=r.cells) for r in sheet.rows]
    sheet.blank_rows = [lines[r - 1] for r in sheet.blank_rows]
    sheet.note_rows = [lines[r - 1] for r in sheet.note_rows]
    sheet.note_kinds = {lines[r - 1]: kind for r, kind in sheet.note_kinds.items()}
    sheet.repeated_header_rows = [lines[r - 1] for r in sheet.repeated_header_rows]
