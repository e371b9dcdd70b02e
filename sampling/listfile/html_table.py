"""Web pages saved as .xls: the tables of an HTML file as one sheet's grid.

Many government systems export a list as an HTML table with an .xls name, which
Excel opens as a worksheet. Excel puts the page's tables one below the other on
one sheet, so their rows are read here in document order into one grid, and row
numbers are those Excel shows. Cells spanning columns (``colspan``) hold their text
in their first column and blanks after it; cells spanning rows (``rowspan``) hold it
in their first row and come back as merged ranges, as a workbook's merged cells do,
so the reader treats both alike (values merged down the data rows fill each row).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sampling.listfile.limits import DEFAULT_LIMITS, LimitExceeded, ReadLimits, check_grid_shape

# ((first row, first col), (last row, last col)), 0-based, as calamine gives merged cells
MergedRange = tuple[tuple[int, int], tuple[int, int]]

_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<table|<\?xml[^>]*>\s*<html|<meta)",
                         re.IGNORECASE)
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\n\f]+")


def looks_like_html(head: bytes) -> bool:
    """Whether a file's first bytes are an HTML page with a table (a web page saved as
    .xls), after any byte-order mark."""
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head.startswith((b"<\x00", b"\x00<")):          # UTF-16
        head = head.decode("utf-16-le" if head[1] == 0 else "utf-16-be", "ignore").encode()
    return bool(_HTML_START.match(head)) and b"<table" in head.lower()


def decode_html(data: bytes) -> str:
    """The page's text: by its byte-order mark, else the charset its <meta> names,
    else UTF-8, else GB18030 (what such exports from Chinese systems mostly are)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    data = data.removeprefix(b"\xef\xbb\xbf")
    named = _CHARSET.search(data[:4096])
    candidates = [named.group(1).decode("ascii").lower()] if named else []
    for encoding in [*candidates, "utf-8", "gb18030"]:
        if encoding in ("gb2312", "gbk"):
            encoding = "gb18030"                        # a superset of both
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", "replace")


class _Tables(HTMLParser):
    """Collects every table row's cells (with their spans) in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[tuple[str, int, int]]] = []    # (text, colspan, rowspan)
        self._row: list[tuple[str, int, int]] | None = None
        self._cell: list[str] | None = None
        self._spans = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self._close_row()
            self._row = []
        elif tag in ("td", "th"):
            self._close_cell()
            if self._row is None:
                self._row = []
            found = dict(attrs)
            self._spans = (_span(found.get("colspan")), _span(found.get("rowspan")))
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._close_cell()
        elif tag in ("tr", "table"):
            self._close_row()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _close_cell(self) -> None:
        if self._cell is not None and self._row is not None:
            text = "\n".join(_SPACE.sub(" ", part).strip()
                             for part in "".join(self._cell).split("\n")).strip()
            self._row.append((text.replace("\xa0", " ").strip(), *self._spans))
        self._cell = None

    def close_all(self) -> None:
        self._close_row()

    def _close_row(self) -> None:
        self._close_cell()
        if self._row is not None:
            self.rows.append(self._row)
        self._row = None


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except ValueError:
        return 1


def html_grid(text: str, limits: ReadLimits = DEFAULT_LIMITS
              ) -> tuple[list[list[object]], list[MergedRange]]:
    """The page's table rows as a rectangular grid (blank cells as ``""``, as
    calamine gives them), with the ranges its row-spanning cells cover.

    Raises :class:`~sampling.listfile.limits.LimitExceeded` before the grid is built
    if its rows, columns (spans counted), cells or any cell's text are over ``limits``.
    """
    parser = _Tables()
    parser.feed(text)
    parser.close()
    parser.close_all()
    height = len(parser.rows)
    width = max((sum(span for _, span, _ in cells) for cells in parser.rows), default=0)
    check_grid_shape(height, width, "", limits)
    longest = max((len(value) for cells in parser.rows for value, _, _ in cells), default=0)
    if longest > limits.max_cell_chars:
        raise LimitExceeded("max_cell_chars", longest, limits.max_cell_chars)
    grid: list[list[object]] = []
    merged: list[MergedRange] = []
    taken: dict[tuple[int, int], bool] = {}       # cells covered by a rowspan from above
    covered = 0
    for r, cells in enumerate(parser.rows):
        row: list[object] = []
        col = 0
        for value, colspan, rowspan in cells:
            while taken.pop((r, col), False):
                row.append("")
                col += 1
            row.append(value)
            row.extend([""] * (colspan - 1))
            rowspan = min(rowspan, height - r)     # not beyond the table's last row
            covered += (rowspan - 1) * colspan
            if covered > limits.max_cells or col + colspan > limits.max_columns:
                check_grid_shape(height, col + colspan, "", limits)
                raise LimitExceeded("max_cells", covered, limits.max_cells)
            if rowspan > 1:
                merged.append(((r, col), (r + rowspan - 1, col + colspan - 1)))
                for below in range(r + 1, r + rowspan):
                    for c in range(col, col + colspan):
                        taken[(below, c)] = True
            col += colspan
        while taken.pop((r, col), False):
            row.append("")
            col += 1
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    for row in grid:
        row.extend([""] * (width - len(row)))
    return grid, merged
