"""Size limits for reading files from outside: what a list, work-order or questionnaire
file may hold before the readers allocate anything for it.

A hostile or broken file must not abort the process or exhaust memory: one real cell at
``XFD1048576`` makes a spreadsheet reader ask for a grid of 16,384 x 1,048,576 cells
(512 GiB) and a 4 MB zip may inflate to gigabytes. The readers compare what a file
declares and what it holds with these limits first, and refuse the file, with a message
naming the limit, when it is over one.

The defaults fit any list a department sends: Excel's own row limit, far more columns
than a list has, and Excel's limit on a cell's text. A grid's cells (rows x columns from
A1, as the reader pads it) are limited on their own, since 1,048,576 rows x 200 columns
alone would be 8 GB of empty cells. ``ReadLimits`` is a plain frozen dataclass so that a
settings object can build one with other values (``dataclasses.replace``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What one file may hold.

    Attributes
    ----------
    max_rows, max_columns
        Rows and columns of a sheet, counted from A1 to its last cell (a csv: records
        and fields of the widest record).
    max_cells
        ``rows x columns`` of a sheet's grid from A1 (about 40 bytes each in memory).
    max_part_bytes
        Inflated size of one part of a zipped workbook (a sheet's XML, the shared
        strings), and the size of a csv, text or web-page file.
    max_ratio, ratio_from_bytes
        Inflated size over compressed size of a part, and of the whole file; checked
        for parts (files) that inflate to more than ``ratio_from_bytes``, since small
        parts of repeated markup compress far better than data does.
    max_cell_chars
        Characters of text in one cell (Excel's own limit).
    """

    max_rows: int = 1_048_576
    max_columns: int = 200
    max_cells: int = 10_000_000
    max_part_bytes: int = 100 * MIB
    max_ratio: int = 100
    ratio_from_bytes: int = 10 * MIB
    max_cell_chars: int = 32_767


DEFAULT_LIMITS = ReadLimits()


class LimitExceeded(ValueError):
    """A file over one of the :class:`ReadLimits`.

    ``limit`` names the attribute (``max_rows`` …), ``found`` is what the file holds
    (or declares) and ``allowed`` the limit; ``sheet`` is the sheet or zip part it was
    found in ("" for the whole file). The message for users is the catalogue's
    ``import.limit.<limit>``.
    """

    def __init__(self, limit: str, found: int, allowed: int, sheet: str = "") -> None:
        self.limit = limit
        self.found = found
        self.allowed = allowed
        self.sheet = sheet
        super().__init__(f"{limit}: {found} > {allowed}" + (f" in {sheet}" if sheet else ""))

    @property
    def key(self) -> str:
        return f"import.limit.{self.limit}"

    def describe(self, translate: Callable[..., str]) -> str:
        """The limit in words: ``translate(key, **params)`` is the application's message
        catalogue (this package is pure and holds no texts)."""
        return translate(self.key, sheet=self.sheet or "-", found=f"{self.found:,}",
                         allowed=f"{self.allowed:,}")

    def encoded(self) -> str:
        """A plain-text form that crosses processes and files (a helper's parse):
        :func:`decode` gives the exception back."""
        return f"{LIMIT_PREFIX}{self.limit}\x1f{self.found}\x1f{self.allowed}\x1f{self.sheet or ''}"


#: how an encoded :class:`LimitExceeded` begins (``ListFileError.detail``)
LIMIT_PREFIX = "limit\x1f"


def decode(text: str) -> LimitExceeded | None:
    """The :class:`LimitExceeded` of an :meth:`LimitExceeded.encoded` text, else None."""
    if not text.startswith(LIMIT_PREFIX):
        return None
    limit, found, allowed, sheet = text[len(LIMIT_PREFIX):].split("\x1f", 3)
    return LimitExceeded(limit, int(found), int(allowed), sheet)


def check_grid_shape(rows: int, columns: int, sheet: str, limits: ReadLimits) -> None:
    """Raise :class:`LimitExceeded` for a grid of ``rows x columns`` (from A1) over a limit."""
    if rows > limits.max_rows:
        raise LimitExceeded("max_rows", rows, limits.max_rows, sheet)
    if columns > limits.max_columns:
        raise LimitExceeded("max_columns", columns, limits.max_columns, sheet)
    if rows * columns > limits.max_cells:
        raise LimitExceeded("max_cells", rows * columns, limits.max_cells, sheet)
