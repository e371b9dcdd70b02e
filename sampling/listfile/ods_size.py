"""The grid of each sheet of an OpenDocument spreadsheet (.ods), before calamine reads it.

An .ods row or cell may say it repeats (``table:number-rows-repeated``,
``table:number-columns-repeated``): one short element can stand for a million rows of
a thousand cells, and calamine builds every one of them that holds a value (it refuses
only beyond 100 million cells, 3 GB). Empty repeated cells and rows, which LibreOffice
writes to the end of every sheet, are not part of the grid. This module walks the
table elements of ``content.xml`` (already size-checked) and compares each table's
grid up to its last cell with a value against the limits.
"""

from __future__ import annotations

import html
import re

from sampling.listfile.limits import DEFAULT_LIMITS, ReadLimits, check_grid_shape

_TAG = re.compile(
    rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>")
_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_REPEAT_COLUMNS = re.compile(rb'table:number-columns-repeated="(\d+)"')
_NAME = re.compile(rb'table:name="([^"]*)"')
_VALUE = re.compile(rb"office:value-type=")


def check_ods_content(content: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> None:
    """Raise :class:`~sampling.listfile.limits.LimitExceeded` if a table of ``content``
    (an .ods ``content.xml``) spans more rows, columns or cells than ``limits`` allow."""
    sheet = ""
    row = 0                    # rows before the current one (repeats counted)
    row_repeat = 1
    col = 0                    # columns before the current cell in this row
    row_has_value = False
    rows = columns = 0         # the grid: last row and column with a value
    for match in _TAG.finditer(content):
        closing, tag, attrs, empty = match.groups()
        if tag == b"table":
            if closing:
                check_grid_shape(rows, columns, sheet, limits)
            else:
                m = _NAME.search(attrs)
                sheet = html.unescape(m.group(1).decode("utf-8", "replace")) if m else ""
                row = rows = columns = 0
            continue
        if tag == b"table-row":
            if closing:
                if row_has_value:
                    rows = row + row_repeat
                    check_grid_shape(rows, columns, sheet, limits)
                row += row_repeat
                continue
            m = _REPEAT_ROWS.search(attrs)
            row_repeat = int(m.group(1)) if m else 1
            col, row_has_value = 0, False
            if empty:              # <table:table-row/>: no cells at all
                row += row_repeat
            continue
        if closing:
            continue
        m = _REPEAT_COLUMNS.search(attrs)
        repeat = int(m.group(1)) if m else 1
        # a cell with a value: a value type, or content (not self-closing)
        if _VALUE.search(attrs) or (not empty and tag == b"table-cell"):
            columns = max(columns, col + repeat)
            row_has_value = True
            check_grid_shape(row + row_repeat, columns, sheet, limits)
        col += repeat
