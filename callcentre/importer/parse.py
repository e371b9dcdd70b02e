"""Read and normalise one list file into plain tuples, ready to be written.

This is the CPU-heavy half of an import and needs no database, so the pipeline
runs it in worker processes while the main process writes the previous file.
Rows travel as tuples of plain values, serialised with :mod:`marshal` (several
times faster than pickle for such data, and the main process is the bottleneck);
:data:`ROW_FIELDS` names their fields. Everything the writer only passes through
(phone text, primary number) is computed here.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field
from pathlib import Path

from sampling.listfile.normalise import normalise_row, raw_json
from sampling.listfile.reader import (
    ListFile,
    ListFileError,
    department_from_preamble,
    read_list_file,
    sha256_file,
)

# A parsed row: (sheet, row, raw, reasons, name, name_key, uscc, reg_no, district_code,
#                zone, phones, phones_text, phone_e164, phone_ext, contact, business,
#                duplicate_of)
# phones: tuple of (e164, ext, kind); duplicate_of: index (in this file's rows) of the
# identical earlier row, or -1.
ROW_FIELDS = ("sheet", "row", "raw", "reasons", "name", "name_key", "uscc", "reg_no",
              "district_code", "zone", "phones", "phones_text", "phone_e164", "phone_ext",
              "contact", "business", "duplicate_of")
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
    rows_blob: bytes = b""             # marshal.dumps(list of ParsedRow)
    n_rows: int = 0
    sheets: list[dict[str, object]] = field(default_factory=list)

    def rows(self) -> list[ParsedRow]:
        return marshal.loads(self.rows_blob) if self.rows_blob else []


def is_workorder_file(listfile: ListFile) -> bool:
    """A 附件5 work-order file: its header names a work-order number column."""
    return any("order_no" in sheet.header.columns for sheet in listfile.sheets)


def parse_list_file(path: Path) -> ParsedFile:
    """Read, normalise and mark exact duplicate rows; never raises for a bad file."""
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
    seen: dict[tuple[object, ...], int] = {}
    out: list[ParsedRow] = []
    for sheet in listfile.sheets:
        columns = sheet.header.columns
        seq = columns.get("seq")
        name = sheet.name
        for data_row in sheet.rows:
            cells = data_row.cells
            key_cells = list(cells)
            if seq is not None and seq < len(key_cells):
                key_cells[seq] = None
            key = tuple(key_cells)
            first = seen.get(key, -1)
            n = normalise_row(columns, cells)
            if first < 0:
                seen[key] = len(out)
            else:
                n.reasons.append("duplicate_row")
            primary = n.phones[0] if n.phones else None
            out.append((
                name, data_row.row, raw_json(cells), n.reasons, n.name[:300], n.name_key,
                n.uscc, n.reg_no, n.district_code, n.zone,
                tuple((p.e164, p.ext, p.kind) for p in n.phones),
                ";".join([phone_text(p.e164, p.ext) for p in n.phones])[:500],
                primary.e164 if primary else None, primary.ext if primary else None,
                n.contact[:200], n.business, first,
            ))
        parsed.sheets.append({
            "sheet": sheet.name, "header_row": sheet.header_row, "data_rows": len(sheet.rows),
            "blank_rows": sheet.blank_rows, "note_rows": sheet.note_rows,
            "repeated_header_rows": sheet.repeated_header_rows,
            "columns": {k: sheet.header.labels[v] for k, v in sheet.header.columns.items()},
        })
    for skip in listfile.skipped:
        parsed.sheets.append({"sheet": skip.sheet, "skipped": skip.reason,
                              "nonblank_rows": skip.nonblank_rows})
    parsed.rows_blob = marshal.dumps(out)
    parsed.n_rows = len(out)
    return parsed


def phone_text(e164: str, ext: str | None) -> str:
    """One phone as text: E.164, then `` ext N`` when there is an extension."""
    return f"{e164} ext {ext}" if ext else e164
