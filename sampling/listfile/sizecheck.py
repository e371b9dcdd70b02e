"""Check a workbook's declared and actual size before a spreadsheet reader opens it.

python-calamine builds each sheet as one grid from its first to its last cell, and
the reader pads it to A1: a single cell at ``XFD1048576`` asks for 512 GiB and aborts
the process (a Rust allocation failure cannot be caught). So before calamine sees a
zipped workbook (xlsx, xlsm, xlsb, ods) this module reads the zip's directory and
streams every part through zlib, a few MiB at a time:

- each part's declared inflated size, and its ratio to the compressed size, against
  the limits (a zip bomb is refused before one byte is inflated); while streaming, the
  inflated bytes are counted and the CRC checked, so a part that lies about its size
  is refused too;
- in each worksheet, the cells' references: the sheet's grid (rows x columns from A1)
  against the row, column and cell limits. The declared ``<dimension>`` is not trusted
  either way (calamine ignores it too);
- the text of any one cell (shared strings, inline strings) against the cell limit.

Cheap on ordinary files: one pass of a regular expression proves that every cell's
reference has one column letter and at most five row digits (so the grid is under
26 x 100,000 cells); only sheets where that fails are read reference by reference.
The cost is about a third of calamine's own reading time.
"""

from __future__ import annotations

import html
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from sampling.listfile.limits import DEFAULT_LIMITS, LimitExceeded, ReadLimits, check_grid_shape

_CHUNK = 4 * 1024 * 1024
# what the fast path proves of a sheet: at most 99,999 rows of at most 26 columns
_FAST_ROWS, _FAST_COLUMNS = 99_999, 26
# a cell element not written as `<c r="X12345"` (one letter, up to five digits, first)
_UNUSUAL_CELL = re.compile(rb'<c(?:[\t\r\n/>]| (?!r="[A-Z]\d{1,5}"))')
# cells or rows with a namespace prefix (<x:c …>; also matches such text, which only
# sends the sheet down the slower exact path)
_PREFIXED = re.compile(rb':(?:c|row)[\s/>]')
# a cell whose first attribute is not its reference
_REFLESS = re.compile(rb'<c(?:[\t\r\n/>]| (?!r="))')
_REFS = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>')
_R_ATTR = re.compile(rb'(?<![\w:.-])r\s*=\s*["\']([A-Za-z]*)(\d*)["\']')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')


@lru_cache(maxsize=8)
def _long_text(chars: int, element: bool) -> re.Pattern[bytes]:
    """A text node of at least ``chars`` bytes (the only ones that may hold more
    characters): in a ``<t>`` element (shared strings: anchoring on ``<t`` is a third
    faster), or anywhere (a sheet's inline strings and formula results)."""
    if element:
        return re.compile(rb"<t(?:\s[^>]*)?>([^<]{%d,})" % chars)
    return re.compile(rb">([^<]{%d,})" % chars)


def column_number(letters: bytes | str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27, ``XFD`` → 16,384."""
    number = 0
    for ch in letters.upper() if isinstance(letters, str) else letters.upper().decode():
        number = number * 26 + ord(ch) - 64
    return number


class _Grid:
    """The extent of one sheet's cells, read reference by reference."""

    def __init__(self) -> None:
        self.rows = 0          # the last row (1-based) any cell is in
        self.columns = 0       # the last column (1-based) any cell is in
        self.row = 0           # the row being read (for cells without a reference)
        self.column = 0        # the last column read in it

    def bound(self, rows: int, columns: int) -> None:
        self.rows, self.columns = max(self.rows, rows), max(self.columns, columns)

    def by_refs(self, region: bytes) -> None:
        """Every cell of ``region`` starts ``<c r="…"``: their maximum, at C speed."""
        refs = _REFS.findall(region)
        if not refs:
            return
        letters = max({c for c, _ in refs}, key=lambda c: (len(c), c))
        self.bound(max(map(int, (r for _, r in refs))), column_number(letters))
        self.row, self.column = int(refs[-1][1]), column_number(refs[-1][0])

    def sequential(self, region: bytes) -> None:
        """Rows and cells in order, as a reader places those without a reference."""
        for tag, attrs in _TAG.findall(region):
            m = _R_ATTR.search(attrs)
            if tag == b"row":
                self.row = int(m.group(2)) if m and m.group(2) else self.row + 1
                self.column = 0
                continue
            if m and (m.group(1) or m.group(2)):
                self.column = column_number(m.group(1)) if m.group(1) else self.column + 1
                if m.group(2):
                    self.row = int(m.group(2))
            else:
                self.column += 1
            self.bound(max(self.row, 1), self.column)


def _check_text(region: bytes, where: str, limits: ReadLimits, *, element: bool) -> None:
    for m in _long_text(limits.max_cell_chars, element).finditer(region):
        text = html.unescape(m.group(1).decode("utf-8", "replace"))
        if len(text) > limits.max_cell_chars:
            raise LimitExceeded("max_cell_chars", len(text), limits.max_cell_chars, where)


def _inflate(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str,
             limits: ReadLimits) -> Iterator[bytes]:
    """The part's inflated bytes, a chunk at a time, never more than the limit.

    Deflated and stored parts are inflated here with zlib (no CRC: the inflated size
    is compared with the declared one instead, which is what a zip bomb lies about);
    other methods through :mod:`zipfile`.
    """
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) or info.flag_bits & 1:
        with zf.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                yield chunk
        return
    with open(path, "rb") as fh:
        fh.seek(info.header_offset)
        local = fh.read(30)
        if len(local) != 30 or local[:4] != b"PK\x03\x04":
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        fh.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little")
                + int.from_bytes(local[28:30], "little"))
        left = info.compress_size
        inflated = 0
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0:
            data = fh.read(min(left, _CHUNK))
            if not data:
                raise zipfile.BadZipFile(f"{info.filename} is cut short")
            left -= len(data)
            while data:
                if inflater is None:
                    out, data = data, b""
                else:
                    out = inflater.decompress(data, _CHUNK)
                    data = inflater.unconsumed_tail
                inflated += len(out)
                if inflated > limits.max_part_bytes:
                    raise LimitExceeded("max_part_bytes", inflated, limits.max_part_bytes,
                                        where)
                if out:
                    yield out
        if inflater is not None and (tail := inflater.flush()):
            inflated += len(tail)
            yield tail
        if inflated != info.file_size:
            raise zipfile.BadZipFile(
                f"{info.filename} inflates to {inflated} bytes, declares {info.file_size}")


def _scan_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, *,
               sheet: bool, text: bool, limits: ReadLimits) -> None:
    """Stream one part: its actual size, and for a sheet its grid, for text its cells."""
    grid = _Grid() if sheet else None
    # a sheet read reference by reference (after an unusual cell, or from the start when
    # the limits are too low for the fast path's bound to prove anything)
    exact = not (limits.max_rows >= _FAST_ROWS and limits.max_columns >= _FAST_COLUMNS
                 and limits.max_cells >= _FAST_ROWS * _FAST_COLUMNS)
    cells_before = False   # cells read on the fast path before that
    carry = b""
    for chunk in itertools.chain(_inflate(path, zf, info, where, limits), (b"",)):
        if not (sheet or text):
            continue
        buffer = carry + chunk if carry else chunk
        cut = len(buffer) if not chunk else buffer.rfind(b">") + 1
        region, carry = (buffer, b"") if cut == len(buffer) else (buffer[:cut], buffer[cut:])
        if len(carry) > _CHUNK:       # more than a whole chunk of text in one node
            raise LimitExceeded("max_cell_chars", len(carry) // 4, limits.max_cell_chars, where)
        # in a sheet, text is in inline strings only (others are in the shared strings)
        if text and (not sheet or b"inlineStr" in region or b't="str"' in region):
            _check_text(region, where, limits, element=not sheet)
        if grid is not None and region:
            if not exact and (_UNUSUAL_CELL.search(region) or _PREFIXED.search(region)):
                if cells_before:   # what was read so far: at most 26 x 99,999
                    grid.bound(_FAST_ROWS, _FAST_COLUMNS)
                exact = True
            elif not exact and not cells_before:
                cells_before = b'<c r="' in region
            if exact:
                if _REFLESS.search(region) or _PREFIXED.search(region):
                    grid.sequential(region)
                else:
                    grid.by_refs(region)
                check_grid_shape(grid.rows, grid.columns, where, limits)


def _sheet_names(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Worksheet part → the sheet's name as Excel shows it (best effort: {} if unknown)."""
    try:
        if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
            return {}
        if zf.getinfo("xl/workbook.xml").file_size > (1 << 22) or zf.getinfo(
                "xl/_rels/workbook.xml.rels").file_size > (1 << 22):
            return {}
        book = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {rid: target for rid, target in _REL.findall(rels)}
    targets.update({rid: target for target, rid in _REL_REVERSED.findall(rels)})
    out: dict[str, str] = {}
    for name, rid in _SHEET.findall(book):
        target = targets.get(rid)
        if target is None:
            continue
        part = target.decode("utf-8", "replace").lstrip("/")
        if not part.startswith("xl/"):
            part = "xl/" + part
        out[part] = html.unescape(name.decode("utf-8", "replace"))
    return out


def check_zip_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Raise :class:`LimitExceeded` if the zipped workbook at ``path`` is over a limit.

    A file that is not a readable zip (damaged, encrypted, a compression method zlib
    does not have, a part whose size is not what it declares) raises
    :class:`zipfile.BadZipFile`; the caller reports it as unreadable.
    """
    try:
        _check_zip_workbook(path, limits)
    except (zlib.error, RuntimeError, NotImplementedError, EOFError, ValueError) as exc:
        if isinstance(exc, LimitExceeded):
            raise
        raise zipfile.BadZipFile(str(exc) or type(exc).__name__) from None


def _check_zip_workbook(path: Path, limits: ReadLimits) -> None:
    size = path.stat().st_size
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        sheets = _sheet_names(zf, {i.filename for i in infos})
        total = 0
        for info in infos:
            where = sheets.get(info.filename, info.filename)
            total += info.file_size
            if info.file_size > limits.max_part_bytes:
                raise LimitExceeded("max_part_bytes", info.file_size, limits.max_part_bytes,
                                    where)
            if info.file_size > limits.ratio_from_bytes and \
                    info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise LimitExceeded("max_ratio", info.file_size // max(info.compress_size, 1),
                                    limits.max_ratio, where)
        if total > limits.ratio_from_bytes and total > limits.max_ratio * max(size, 1):
            raise LimitExceeded("max_ratio", total // max(size, 1), limits.max_ratio)
        for info in infos:
            name = info.filename
            lower = name.lower()
            is_sheet = lower.startswith("xl/worksheets/") and lower.endswith(".xml")
            is_text = is_sheet or lower in ("xl/sharedstrings.xml", "content.xml")
            _scan_part(path, zf, info, sheets.get(name, name), sheet=is_sheet, text=is_text,
                       limits=limits)
        if "content.xml" in zf.NameToInfo and "xl/workbook.xml" not in zf.NameToInfo:
            from sampling.listfile.ods_size import check_ods_content

            check_ods_content(zf.read("content.xml"), limits)     # an .ods: its repeats


def check_file_size(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """A csv, text, web-page or xls file: its size on disk against the part limit (it is
    read into memory whole)."""
    size = path.stat().st_size
    if size > limits.max_part_bytes:
        raise LimitExceeded("max_file_bytes", size, limits.max_part_bytes)


def guard_records(records: Iterable[list[str]], sheet: str,
                  limits: ReadLimits = DEFAULT_LIMITS) -> Iterator[list[str]]:
    """Pass a csv reader's records on, raising :class:`LimitExceeded` as soon as they go
    over the row, column, cell or cell-text limits."""
    width = 0
    chars = limits.max_cell_chars
    for rows, record in enumerate(records, start=1):
        if len(record) > width:
            width = len(record)
            if width > limits.max_columns:
                raise LimitExceeded("max_columns", width, limits.max_columns, sheet)
        if rows > limits.max_rows or rows * width > limits.max_cells:
            check_grid_shape(rows, width, sheet, limits)
        if record and max(map(len, record)) > chars:
            raise LimitExceeded("max_cell_chars", max(map(len, record)), chars, sheet)
        yield record


def check_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Any workbook by its content: zipped (xlsx, xlsm, xlsb, ods) as above, an OLE
    compound file (xls) by its size and its cell records (:mod:`.xls_size`)."""
    with open(path, "rb") as fh:
        magic = fh.read(8)
    # a zip by its central directory, as the spreadsheet reader finds it (a damaged
    # first header does not stop calamine from reading an .xlsx)
    if magic.startswith(b"PK") or zipfile.is_zipfile(path):
        check_zip_workbook(path, limits)
        return
    check_file_size(path, limits)
    if magic == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        from sampling.listfile.xls_size import check_xls

        check_xls(path, limits)
