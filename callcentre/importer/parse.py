"""Read and normalise one list file into plain tuples, ready to be written.

This is the CPU-heavy half of an import and needs no database, so the pipeline
runs it in helper processes while the main process writes the previous file.
Rows are tuples of plain values (:data:`ROW_FIELDS` names their fields); to cross
to another process they are serialised with :mod:`marshal`, several times faster
than pickle for such data. Everything the writer only passes through
(phone text, primary number) is computed here.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from pathlib import Path

from sampling.identifiers.names import NAME_MAX, cut_name, key_of_normalised
from sampling.identifiers.region import TIANJIN, RegionFacts
from sampling.listfile.normalise import raw_json, row_normaliser, row_status
from sampling.listfile.reader import (
    ListFile,
    ListFileError,
    SheetSkip,
    department_from_preamble,
    read_list_file,
    sha256_file,
)

# A parsed row. Its first 16 fields are the ListRow columns of LISTROW_COLUMNS (the
# writer adds the file, enterprise and membership ids); the rest are what resolving
# the row to an enterprise needs:
#   name_key, phones: tuple of (e164, ext, kind), duplicate_of_index (the identical
#   earlier row of this file, or -1)
# status and reasons are as normalisation leaves them: resolution may add reasons
# (joined by name, conflicts), and with them turn an accepted row into a warning.
LISTROW_COLUMNS = ("sheet", "row", "raw", "status", "reasons", "name", "uscc", "reg_no",
                   "district_code", "zone", "phone_e164", "phone_ext", "phones", "contact",
                   "business", "duplicate_of")
ROW_FIELDS = (*LISTROW_COLUMNS, "name_key", "phone_list", "duplicate_index")
ParsedRow = tuple

@dataclass(slots=True)
class ParsedFile:
    path: Path
    sha256: str = ""
    size: int = 0
    error: str | None = None           # ListFileError code
    detail: str = ""
    department: str | None = None      # named in a title row, if any
    workorder: bool = False            # a 附件5 work-order file, imported separately
    unchanged: bool = False            # already imported with this content: not read
    rows_list: list[ParsedRow] | None = None   # the rows, in this process
    rows_blob: bytes = b""             # … or marshalled, to go to another process
    n_rows: int = 0
    reason_rows: dict[str, int] = field(default_factory=dict)  # reasons text -> rows
    sheets: list[dict[str, object]] = field(default_factory=list)

    def rows(self) -> list[ParsedRow]:
        if self.rows_list is not None:
            return self.rows_list
        return marshal.loads(self.rows_blob) if self.rows_blob else []


def is_workorder_file(listfile: ListFile) -> bool:
    """A 附件5 work-order file: every table's header names a work-order number column.
    (A workbook that also holds a list is a list: see :func:`set_aside_workorders`.)"""
    return all("order_no" in sheet.header.columns for sheet in listfile.sheets)


def set_aside_workorders(listfile: ListFile) -> None:
    """Take the work-order tables out of a workbook that also holds a list: the list
    is imported, and they are reported as skipped (to be imported on their own)."""
    orders = [s for s in listfile.sheets if "order_no" in s.header.columns]
    if not orders:
        return
    listfile.sheets = [s for s in listfile.sheets if "order_no" not in s.header.columns]
    listfile.skipped += [SheetSkip(sheet=s.name, reason="workorder", nonblank_rows=len(s.rows))
                         for s in orders]


def _without_trailing_blanks(key: tuple[object, ...]) -> tuple[object, ...]:
    end = len(key)
    while end and (key[end - 1] is None or key[end - 1] == ""):
        end -= 1
    return key[:end]


def parse_list_file(path: Path, *, transfer: bool = False,
                    region: RegionFacts = TIANJIN) -> ParsedFile:
    """Read, normalise and mark exact duplicate rows; never raises for a bad file.

    ``transfer``: the rows are to go to another process, so marshal them (several
    times faster than pickle for such data). ``region``: its districts and area
    code (:func:`sampling.listfile.normalise.row_normaliser`).
    """
    parsed = ParsedFile(path=path)
    try:
        listfile = read_list_file(path)
        parsed.sha256 = sha256_file(path)
        parsed.size = path.stat().st_size
    except ListFileError as exc:
        parsed.error, parsed.detail = exc.code, exc.detail
        return parsed
    except OSError as exc:
        parsed.error, parsed.detail = "unreadable", str(exc)
        return parsed
    parsed.department = next(
        (d for s in listfile.sheets if (d := department_from_preamble(s.preamble))), None)
    if is_workorder_file(listfile):
        parsed.workorder = True
        return parsed
    set_aside_workorders(listfile)
    seen: dict[tuple[object, ...], int] = {}
    out: list[ParsedRow] = []
    reason_rows: dict[str, int] = {}
    # reasons -> (reasons text, status): a few dozen combinations in a million rows
    outcome: dict[tuple[str, ...], tuple[str, str]] = {}
    # sheets of different widths (a note out in column H of one): a row repeated on
    # another sheet differs only in trailing empty cells, which the key then drops
    ragged = len({len(s.rows[0].cells) for s in listfile.sheets if s.rows}) > 1
    for sheet in listfile.sheets:
        columns = sheet.header.columns
        seq = columns.get("seq")
        name = sheet.name
        normalise = row_normaliser(columns, sheet.name, region)
        for excel_row, cells in sheet.rows:
            if seq is not None and seq < len(cells):
                key_cells = list(cells)
                key_cells[seq] = None
                key = tuple(key_cells)
            else:
                key = tuple(cells)
            if ragged:
                key = _without_trailing_blanks(key)
            first = seen.get(key, -1)
            (n_name, n_key, uscc, reg_no, district, zone, phones, phones_text, e164, ext,
             contact, business, reasons) = normalise(cells)
            if len(n_name) > NAME_MAX:       # cut, and said so (raw cells keep it whole)
                n_name, cut = cut_name(n_name)
                n_key = key_of_normalised(n_name)
                reasons += cut
            if first < 0:
                seen[key] = len(out)
                duplicate_of = None
            else:
                reasons += ("duplicate_row",)
                duplicate_of = f"{out[first][0]}!{out[first][1]}"
            known = outcome.get(reasons)
            if known is None:
                known = outcome[reasons] = (",".join(reasons), row_status(reasons))
            reasons_text, status = known
            reason_rows[reasons_text] = reason_rows.get(reasons_text, 0) + 1
            out.append((
                name, excel_row, raw_json(cells), status, reasons_text, n_name, uscc,
                reg_no, district, zone, e164, ext, phones_text, contact[:200], business,
                duplicate_of, n_key, phones, first,
            ))
        parsed.sheets.append({
            "sheet": sheet.name, "header_row": sheet.header_row, "data_rows": len(sheet.rows),
            "blank_rows": sheet.blank_rows, "note_rows": sheet.note_rows,
            "repeated_header_rows": sheet.repeated_header_rows,
            "columns": {k: sheet.header.labels[v] for k, v in sheet.header.columns.items()},
            **({"note_kinds": {str(r): k for r, k in sheet.note_kinds.items()}}
               if sheet.note_kinds else {}),
            "column_index": dict(columns),  # the check workbook shows the cells as sent
            **({"continues": sheet.continues} if sheet.continues else {}),
            **({"hidden": True} if sheet.hidden else {}),
        })
    for skip in listfile.skipped:
        parsed.sheets.append({"sheet": skip.sheet, "skipped": skip.reason,
                              "nonblank_rows": skip.nonblank_rows})
    if transfer:
        parsed.rows_blob = marshal.dumps(out, 2)  # version 2: no object refs, twice as fast here
    else:
        parsed.rows_list = out
    parsed.n_rows = len(out)
    parsed.reason_rows = reason_rows
    return parsed

