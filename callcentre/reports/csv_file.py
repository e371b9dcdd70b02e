"""CSV files the tool writes: every text field neutralised, written atomically."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from callcentre.reports.atomic import atomic_output
from callcentre.reports.cells import is_plain, neutralise


def csv_field(value: object) -> object:
    """One field: text neutralised (see :mod:`callcentre.reports.cells`), ``None``
    empty, numbers as they are."""
    if value.__class__ is str:
        return value if is_plain(value) else neutralise(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *,
              create_folder: bool = False, encoding: str = "utf-8") -> int:
    """Write ``header`` and ``rows`` to ``path`` whole or not at all; returns the
    number of rows (not counting the header)."""
    n = 0
    with (atomic_output(Path(path), create_folder=create_folder) as tmp,
          open(tmp, "w", newline="", encoding=encoding) as fh):
        writer = csv.writer(fh)
        writer.writerow([csv_field(v) for v in header])
        field = csv_field
        for row in rows:
            writer.writerow([field(v) for v in row])
            n += 1
    return n
