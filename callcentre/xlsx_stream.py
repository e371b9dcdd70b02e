"""The streaming xlsx writer for test fixtures and demo input lists.

The tool's own workbooks are written by :mod:`callcentre.reports` (formulas
neutralised, written atomically). Input lists made up for the demo, the tests
and the benchmarks must hold whatever a department might send, so this writes
cells as given (only characters XML cannot hold are replaced).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from callcentre.reports.xlsx import MAX_ROWS, StreamSheet
from callcentre.reports.xlsx import save_xlsx_stream as _save

__all__ = ["MAX_ROWS", "StreamSheet", "save_xlsx_stream"]


def save_xlsx_stream(path: Path, sheets: Iterable[object], compresslevel: int = 1) -> int:
    """Write ``sheets`` to ``path`` with every text cell as given. A sheet is a
    :class:`StreamSheet` or any object with ``name`` and ``rows`` (and optionally
    ``merges`` and ``header_rows``), as the demo generator's sheets are."""
    return _save(path, (s if isinstance(s, StreamSheet) else StreamSheet(
        s.name, s.rows, getattr(s, "merges", []), getattr(s, "header_rows", 0))  # type: ignore[attr-defined]
        for s in sheets), compresslevel, neutralise=False)
