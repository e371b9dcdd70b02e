"""The grid of each sheet of a legacy .xls workbook, from its cell records, before
python-calamine reads it.

A 5 KB .xls with one cell at row 65,536, column 256 made the reader build a grid of
16.7 million cells (1.2 GB, half a minute). An .xls is an OLE compound file whose
``Workbook`` stream holds BIFF records; every cell record starts with its row and
column. This module follows the stream's sector chain (a few dozen lines of the
compound-file format) and reads the records' positions only, then compares each
sheet's grid (rows x columns from A1) with the limits. Anything it cannot follow is
left to calamine, which reports a damaged file as unreadable.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from sampling.listfile.limits import DEFAULT_LIMITS, ReadLimits, check_grid_shape

_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
# BIFF cell records whose first four bytes are row and column
_CELL = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0201, 0x0205, 0x0204, 0x00D6}
_MULTI = {0x00BD, 0x00BE}              # MULRK, MULBLANK: row, first column … last column
_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085


class _NotCompound(ValueError):
    pass


def _workbook_stream(data: bytes) -> bytes:
    """The ``Workbook`` (or BIFF5 ``Book``) stream of a compound file."""
    if len(data) < 512 or data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise _NotCompound("not a compound file")
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    if not 7 <= shift <= 16 or not 2 <= mini_shift < shift:
        raise _NotCompound("bad sector sizes")
    size = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_minifat, n_minifat, first_difat, n_difat = struct.unpack_from(
        "<IIIII", data, 0x38)
    sectors = (len(data) - size) // size + 1

    def sector(n: int) -> bytes:
        if n >= sectors:
            raise _NotCompound("sector out of range")
        return data[(n + 1) * size:(n + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    at, hops = first_difat, 0
    while at not in (_END_OF_CHAIN, _FREE) and hops <= n_difat:
        more = struct.unpack(f"<{size // 4}I", sector(at))
        difat.extend(more[:-1])
        at, hops = more[-1], hops + 1
    fat: list[int] = []
    for n in difat[:n_fat]:
        if n in (_END_OF_CHAIN, _FREE):
            continue
        fat.extend(struct.unpack(f"<{size // 4}I", sector(n)))

    def chain(start: int, table: list[int], read: object) -> bytes:
        out, at, hops = [], start, 0
        while at not in (_END_OF_CHAIN, _FREE):
            if at >= len(table) or hops > len(table):
                raise _NotCompound("broken sector chain")
            out.append(read(at))  # type: ignore[operator]
            at, hops = table[at], hops + 1
        return b"".join(out)

    directory = chain(first_dir, fat, sector)
    entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
    if not entries:
        raise _NotCompound("no directory")
    root = entries[0]
    for entry in entries:
        name_len = struct.unpack_from("<H", entry, 64)[0]
        name = entry[:max(name_len - 2, 0)].decode("utf-16-le", "replace")
        if entry[66] != 2 or name not in ("Workbook", "Book"):
            continue
        start = struct.unpack_from("<I", entry, 116)[0]
        length = struct.unpack_from("<I", entry, 120)[0]
        if length >= cutoff:
            return chain(start, fat, sector)[:length]
        return _mini_stream(chain, fat, sector, root, first_minifat if n_minifat else _FREE,
                            1 << mini_shift, start)[:length]
    raise _NotCompound("no Workbook stream")


def _mini_stream(chain: Any, fat: list[int], sector: Any, root: bytes, first_minifat: int,
                 mini: int, start: int) -> bytes:
    """A stream shorter than the cutoff: in the mini stream, by the mini FAT."""
    ministream = chain(struct.unpack_from("<I", root, 116)[0], fat, sector)
    raw = chain(first_minifat, fat, sector)
    minifat = list(struct.unpack(f"<{len(raw) // 4}I", raw[:len(raw) // 4 * 4]))
    return bytes(chain(start, minifat, lambda n: ministream[n * mini:(n + 1) * mini]))


def _sheet_name(record: bytes, biff8: bool) -> tuple[int, str]:
    """BOUNDSHEET: (stream offset of the sheet's BOF, sheet name). BIFF8 names carry a
    flags byte (bit 0: UTF-16); BIFF5 names are bytes in the workbook's code page."""
    offset = struct.unpack_from("<I", record, 0)[0]
    if len(record) < 7:
        return offset, ""
    chars = record[6]
    if not biff8:
        return offset, record[7:7 + chars].decode("gbk", "replace")
    flags = record[7] if len(record) > 7 else 0
    raw = record[8:8 + chars * (2 if flags & 1 else 1)]
    return offset, raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def check_xls(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Raise :class:`~sampling.listfile.limits.LimitExceeded` if a sheet of the .xls at
    ``path`` spans more rows, columns or cells (from A1) than ``limits`` allow."""
    try:
        stream = _workbook_stream(path.read_bytes())
    except (_NotCompound, struct.error, IndexError):
        return
    names: dict[int, str] = {}
    sheet, rows, columns, biff8 = "", 0, 0, True
    pos, end = 0, len(stream) - 4
    unpack = struct.unpack_from
    while pos <= end:
        kind, length = unpack("<HH", stream, pos)
        body = pos + 4
        if kind in _CELL and length >= 4:
            row, col = unpack("<HH", stream, body)
            rows, columns = max(rows, row + 1), max(columns, col + 1)
        elif kind in _MULTI and length >= 6:
            row = unpack("<H", stream, body)[0]
            last = unpack("<H", stream, body + length - 2)[0]
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind == _BOUNDSHEET:
            offset, name = _sheet_name(stream[body:body + length], biff8)
            names[offset] = name
        elif kind == _BOF:
            if pos == 0 and length >= 2:
                biff8 = unpack("<H", stream, body)[0] >= 0x0600
            sheet, rows, columns = names.get(pos, sheet), 0, 0
        elif kind == _EOF and (rows or columns):
            check_grid_shape(rows, columns, sheet, limits)
            rows = columns = 0
        pos = body + length
    if rows or columns:
        check_grid_shape(rows, columns, sheet, limits)
