"""The check workbook sent back to departments, and the same rows as CSV.

Every input row appears once, with its file, sheet and row as Excel shows them,
its status, reason codes with Chinese explanations and what normalisation made of
it. The summary sheet gives per department: rows, accepted, rejected by reason,
enterprises contributed and overlap with other departments.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import literal, or_, select
from sqlalchemy.engine import Connection, Engine

from callcentre.db.models import Department, ListRow, SourceFile, Wave
from callcentre.i18n import t
from callcentre.i18n.display import reason_text
from callcentre.reports.csv_file import write_csv
from callcentre.reports.notes import note_lines, notes_sheet, shanghai_time
from callcentre.reports.xlsx import MAX_ROWS, StreamSheet, write_workbook
from sampling.identifiers.phone import mask_phone
from sampling.identifiers.region import TIANJIN, RegionFacts
from sampling.listfile.headers import phone_columns
from sampling.listfile.normalise import rejection_kind, severity
from sampling.listfile.notes import NOTE_KINDS

CSV_COLUMNS = ("file", "sheet", "row", "status", "reasons", "uscc", "phone_e164", "phones",
               "district_code", "enterprise_id")


@dataclass(frozen=True, slots=True)
class CheckRow:
    file: str
    department: str
    sheet: str
    row: int
    status: str
    reasons: tuple[str, ...]
    name: str
    uscc: str | None
    phone_e164: str | None
    phones: str
    district_code: str | None
    enterprise_id: int | None
    duplicate_of: str | None
    file_id: int = 0
    contact: str = ""
    raw: str = "[]"


def _wave_id(conn: Connection, wave: str) -> int | None:
    w = Wave.__table__  # type: ignore[attr-defined]
    return conn.execute(select(w.c.id).where(w.c.code == wave)).scalar()


def file_labels(conn: Connection, wave_id: int) -> dict[int, str]:
    """Source file id -> how rows name their file: the file name, or where two files
    of the wave share a name (two departments' "名单.xlsx"), the path from the
    folder they have in common, so that no two files read alike."""
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    by_name: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in conn.execute(select(sf.c.id, sf.c.name, sf.c.path).where(sf.c.wave_id == wave_id)):
        by_name[r.name].append((r.id, r.path))
    labels: dict[int, str] = {}
    for name, files in by_name.items():
        if len(files) == 1:
            labels[files[0][0]] = name
            continue
        common = os.path.commonpath([path for _, path in files])
        for file_id, path in files:
            labels[file_id] = Path(os.path.relpath(path, common)).as_posix()
    return labels


def iter_check_rows(
    conn: Connection, *, wave: str, department: str | None = None, cells: bool = False,
    where: Any = None,
) -> Iterator[CheckRow]:
    """Every stored list row of the wave (optionally one department; ``where``: only
    those meeting that condition), in file order; with ``cells``, its cells as sent
    too (``raw``; else ``"[]"``)."""
    lr = ListRow.__table__  # type: ignore[attr-defined]
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    d = Department.__table__  # type: ignore[attr-defined]
    wave_id = _wave_id(conn, wave)
    if wave_id is None:
        return
    labels = file_labels(conn, wave_id)
    stmt = (
        select(sf.c.id.label("file"), d.c.name.label("department"), lr.c.sheet, lr.c.row,
               lr.c.status, lr.c.reasons, lr.c.name, lr.c.uscc, lr.c.phone_e164, lr.c.phones,
               lr.c.district_code, lr.c.enterprise_id, lr.c.duplicate_of, lr.c.contact,
               (lr.c.raw if cells else literal("[]")).label("raw"))
        .join(sf, sf.c.id == lr.c.source_file_id)
        .join(d, d.c.id == sf.c.department_id)
        .where(sf.c.wave_id == wave_id)
        .order_by(sf.c.id, lr.c.id)
    )
    if department is not None:
        stmt = stmt.where(d.c.name == department)
    if where is not None:
        stmt = stmt.where(where)
    for r in conn.execution_options(yield_per=10_000).execute(stmt):
        yield CheckRow(
            file=labels[r.file], department=r.department, sheet=r.sheet, row=r.row,
            status=r.status,
            reasons=tuple(x for x in r.reasons.split(",") if x), name=r.name, uscc=r.uscc,
            phone_e164=r.phone_e164, phones=r.phones, district_code=r.district_code,
            enterprise_id=r.enterprise_id, duplicate_of=r.duplicate_of, file_id=r.file,
            contact=r.contact, raw=r.raw,
        )


def count_rows(engine: Engine, *, wave: str, department: str | None = None) -> int:
    """How many list rows a check workbook or CSV of this wave (department) will hold."""
    from sqlalchemy import func

    lr = ListRow.__table__  # type: ignore[attr-defined]
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    d = Department.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        wave_id = _wave_id(conn, wave)
        stmt = (select(func.count()).select_from(lr).join(sf, sf.c.id == lr.c.source_file_id)
                .join(d, d.c.id == sf.c.department_id).where(sf.c.wave_id == wave_id))
        if department is not None:
            stmt = stmt.where(d.c.name == department)
        return int(conn.execute(stmt).scalar_one())


def write_rows_csv(engine: Engine, path: Path, *, wave: str, department: str | None = None,
                   progress: Callable[[int], None] | None = None) -> int:
    """The row table as CSV with exactly :data:`CSV_COLUMNS`; returns rows written.
    Written whole or not at all, text neutralised (:mod:`callcentre.reports`)."""

    def rows(conn: Connection) -> Iterator[list[object]]:
        n = 0
        for r in iter_check_rows(conn, wave=wave, department=department):
            yield [r.file, r.sheet, r.row, r.status, ",".join(r.reasons), r.uscc,
                   r.phone_e164, r.phones, r.district_code, r.enterprise_id]
            n += 1
            if progress is not None and n % 10_000 == 0:
                progress(10_000)
        if progress is not None:
            progress(n % 10_000)

    with engine.connect() as conn:
        return write_csv(path, CSV_COLUMNS, rows(conn), create_folder=True)


def _explain(reasons: tuple[str, ...], region: RegionFacts) -> str:
    return "；".join(reason_text(code, region) for code in reasons)


_NUMBER_RUN = re.compile(r"\d(?:[\s\-]?\d){6,}")  # 7+ digits, single spaces or dashes between


def _mask_number(match: re.Match[str]) -> str:
    text = match.group()
    digits = sum(ch.isdigit() for ch in text)
    keep_head = 3 if digits >= 10 else 0
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep_head or seen > digits - 4 else "*")
        else:
            out.append(ch)
    return "".join(out)


def _mask_digits(text: str) -> str:
    """Every number of 7 or more digits in a cell as sent, masked: the first 3 (of
    10 or more) and the last 4 digits stay, as :func:`mask_phone` shows a number."""
    return _NUMBER_RUN.sub(_mask_number, text)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 1, not 1.0: as Excel shows it (1.2e+17 stays: digits lost)
    return str(value)


class RowView:
    """One list row as the rows sheet shows it: the stored row, why it was rejected,
    and its cells as sent (by field, from the sheet's column map)."""

    __slots__ = ("cells", "columns", "kind", "mask", "phone_cols", "r", "region", "texts")

    def __init__(self, r: CheckRow, columns: tuple[dict[str, int], list[int]] | None,
                 mask: bool, texts: dict[object, str], region: RegionFacts = TIANJIN) -> None:
        self.r = r
        self.region = region
        self.texts = texts
        self.kind = rejection_kind(r.reasons) if r.status == "rejected" else None
        self.cells: list[object] = orjson.loads(r.raw) if r.raw else []
        self.columns, self.phone_cols = columns if columns else ({}, [])
        self.mask = mask

    def text(self, key: str) -> str:
        """``t(key)``, looked up once per workbook (a million rows, a few dozen texts)."""
        found = self.texts.get(key)
        if found is None:
            found = self.texts[key] = t(key)
        return found

    def explanation(self) -> str:
        """The row's reasons in words, once per combination of reasons."""
        reasons = self.r.reasons
        found = self.texts.get(reasons)
        if found is None:
            found = self.texts[reasons] = _explain(reasons, self.region)
        return found

    def original(self, field: str) -> object:
        """The cell as sent for ``field`` (text, number or empty)."""
        if not self.columns:
            return None
        if field == "phone":
            values = [self.cells[c] for c in self.phone_cols if c < len(self.cells)
                      and self.cells[c] not in (None, "")]
            if not values:
                return None
            if len(values) == 1 and not self.mask:
                return values[0]
            text = " / ".join(_cell_text(v) for v in values)
            return _mask_digits(text) if self.mask else text
        col = self.columns.get(field)
        return self.cells[col] if col is not None and col < len(self.cells) else None

    def whole_row(self) -> str:
        """Every cell as sent, in column order (phone cells masked when asked)."""
        cells = self.cells
        end = len(cells)
        while end and cells[end - 1] in (None, ""):
            end -= 1
        texts = [_cell_text(v) for v in cells[:end]]
        if self.mask:
            cols = self.phone_cols if self.columns else range(end)
            for c in cols:
                if c < end:
                    texts[c] = _mask_digits(texts[c])
        return " | ".join(texts)

    def phone(self, value: str | None) -> str:
        if not value:
            return ""
        return mask_phone(value) if self.mask else value


@dataclass(frozen=True, slots=True)
class CheckColumn:
    """A column of the rows sheet: its header (a message key), its width in
    characters, what it shows for a row, and whether its text differs from row to
    row (written in the cell instead of the shared-string table, so that memory
    stays flat). To add a column, add a spec to :data:`CHECK_COLUMNS`."""

    key: str
    width: float
    value: Callable[[RowView], object]
    inline: bool = False


CHECK_COLUMNS: list[CheckColumn] = [
    CheckColumn("import.col.file", 18, lambda v: v.r.file),
    CheckColumn("import.col.department", 14, lambda v: v.r.department),
    CheckColumn("check.col.sheet", 10, lambda v: v.r.sheet),
    CheckColumn("check.col.row", 7, lambda v: v.r.row),
    CheckColumn("check.col.status", 12, lambda v: v.text(f"status.{v.r.status}")),
    CheckColumn("check.col.rejection", 20,
                lambda v: v.text(f"reject.{v.kind}") if v.kind else ""),
    CheckColumn("check.col.reasons", 18, lambda v: ",".join(v.r.reasons)),
    CheckColumn("check.col.explanation", 40, RowView.explanation),
    CheckColumn("check.col.name_raw", 30, lambda v: v.original("name"), inline=True),
    CheckColumn("check.col.name", 30, lambda v: v.r.name, inline=True),
    CheckColumn("check.col.uscc_raw", 22, lambda v: v.original("uscc"), inline=True),
    CheckColumn("check.col.uscc", 22, lambda v: v.r.uscc or "", inline=True),
    CheckColumn("check.col.contact", 12, lambda v: v.r.contact, inline=True),
    CheckColumn("check.col.phone_raw", 24, lambda v: v.original("phone"), inline=True),
    CheckColumn("check.col.phone", 18, lambda v: v.phone(v.r.phone_e164), inline=True),
    CheckColumn("check.col.phones", 24, lambda v: ";".join(
        v.phone(p) for p in v.r.phones.split(";") if p), inline=True),
    CheckColumn("check.col.district_raw", 14, lambda v: v.original("district")),
    CheckColumn("check.col.district_code", 10, lambda v: v.r.district_code or ""),
    CheckColumn("check.col.district_name", 10,
                lambda v: v.region.district_name(v.r.district_code or "") or ""),
    CheckColumn("check.col.enterprise_id", 10, lambda v: v.r.enterprise_id or ""),
    CheckColumn("check.col.duplicate_of", 12, lambda v: v.r.duplicate_of or ""),
    CheckColumn("check.col.raw_row", 60, RowView.whole_row, inline=True),
]


def _row_labels() -> list[object]:
    return [t(c.key) for c in CHECK_COLUMNS]


SheetColumns = dict[tuple[int, str], tuple[dict[str, int], list[int]]]


def sheet_columns(conn: Connection, *, wave: str) -> SheetColumns:
    """(source file id, sheet) -> (field -> 0-based column, the phone columns), as
    the importer found them (files imported before the map was stored have none)."""
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    wave_id = _wave_id(conn, wave)
    out: SheetColumns = {}
    for r in conn.execute(select(sf.c.id, sf.c.sheets).where(sf.c.wave_id == wave_id)):
        for sheet in json.loads(r.sheets or "[]"):
            columns = sheet.get("column_index")
            if isinstance(columns, dict):
                out[(r.id, sheet["sheet"])] = (columns, phone_columns(columns))
    return out


class _Tally:
    """What the summary sheets need, gathered while the row sheet streams out."""

    def __init__(self, mask_phones: bool, progress: Callable[[int], None] | None,
                 columns: SheetColumns, region: RegionFacts = TIANJIN) -> None:
        self.mask = mask_phones
        self.region = region
        self.progress = progress
        self.columns = columns
        self.texts: dict[object, str] = {}
        self.n = 0
        self.per_dept: dict[str, Counter[str]] = defaultdict(Counter)
        self.reasons_by_dept: dict[str, Counter[str]] = defaultdict(Counter)
        self.ents_by_dept: dict[str, set[int]] = defaultdict(set)

    def row(self, r: CheckRow) -> list[object]:
        view = RowView(r, self.columns.get((r.file_id, r.sheet)), self.mask, self.texts,
                       self.region)
        self.n += 1
        if self.progress is not None and self.n % 10_000 == 0:
            self.progress(10_000)
        c = self.per_dept[r.department]
        c[r.status] += 1
        if view.kind:
            c[f"rejected_{'identify' if view.kind in ('identify', 'both') else 'call'}"] += 1
        for code in r.reasons:
            if severity(code) != "info":
                self.reasons_by_dept[r.department][code] += 1
        if r.enterprise_id and r.status in ("accepted", "warning"):
            self.ents_by_dept[r.department].add(r.enterprise_id)
        return [col.value(view) for col in CHECK_COLUMNS]


def _row_sheets(rows: Iterator[list[object]]) -> Iterator[StreamSheet]:
    """The row table, split over as many sheets as Excel's row limit needs."""
    labels = _row_labels()
    number = 1
    while True:
        first = next(rows, None)
        if first is None and number > 1:
            return
        name = t("check.sheet.rows") + (str(number) if number > 1 else "")
        body = [] if first is None else [first]
        yield StreamSheet(name, chain([labels], body, islice(rows, MAX_ROWS - 2)), header_rows=1,
                          widths=[c.width for c in CHECK_COLUMNS], freeze=True, autofilter=True,
                          inline=frozenset(i for i, c in enumerate(CHECK_COLUMNS) if c.inline))
        if first is None:
            return
        number += 1


def write_check_workbook(
    engine: Engine,
    path: Path,
    *,
    wave: str,
    department: str | None = None,
    mask_phones: bool = False,
    failed_files: list[tuple[str, str, str]] | None = None,
    progress: Callable[[int], None] | None = None,
    region: RegionFacts = TIANJIN,
) -> int:
    """Write the check workbook; returns the number of rows listed.

    ``failed_files`` lists (file, department, message) for files that could not be
    read at all, so the department sees those too. ``region`` names the districts
    (the settings' region). Streams: memory stays flat however many rows there are.
    """
    with engine.connect() as conn:
        tally = _Tally(mask_phones, progress, sheet_columns(conn, wave=wave), region)
        rows = (tally.row(r) for r in iter_check_rows(conn, wave=wave, department=department,
                                                      cells=True))

        def sheets() -> Iterator[StreamSheet]:
            yield from _row_sheets(rows)
            if progress is not None:
                progress(tally.n % 10_000)
            overlap = (_all_department_enterprises(conn, wave) if department
                       else tally.ents_by_dept)
            yield _summary_sheet(tally, overlap)
            yield _scope_sheet(conn, wave=wave, department=department, region=region)
            yield _overlap_sheet(overlap)
            yield _files_sheet(conn, wave=wave, department=department,
                               failed_files=failed_files or [])
            yield _reason_legend_sheet(region)
            yield notes_sheet([t("check.notes.rows"), *note_lines(masked=mask_phones)])

        write_workbook(path, sheets(), create_folder=True)
    return tally.n


def _all_department_enterprises(conn: Connection, wave: str) -> dict[str, set[int]]:
    lr = ListRow.__table__  # type: ignore[attr-defined]
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    d = Department.__table__  # type: ignore[attr-defined]
    out: dict[str, set[int]] = defaultdict(set)
    stmt = (select(d.c.name, lr.c.enterprise_id)
            .join(sf, sf.c.id == lr.c.source_file_id).join(d, d.c.id == sf.c.department_id)
            .where(sf.c.wave_id == _wave_id(conn, wave), lr.c.enterprise_id.is_not(None),
                   lr.c.status.in_(("accepted", "warning"))))
    for name, enterprise_id in conn.execution_options(yield_per=10_000).execute(stmt):
        out[name].add(enterprise_id)
    return out


def _summary_sheet(tally: _Tally, overlap: dict[str, set[int]]) -> StreamSheet:
    rows: list[list[object]] = [[
        t("import.col.department"), t("check.col.count"), t("check.col.accepted"),
        t("check.col.warning"), t("check.col.rejected"), t("check.col.rejected_call"),
        t("check.col.rejected_identify"), t("check.col.duplicate"), t("check.col.enterprises"),
        t("check.col.overlap")]]
    for dept in sorted(tally.per_dept):
        c = tally.per_dept[dept]
        mine = tally.ents_by_dept.get(dept, set())
        others: set[int] = set()
        for other, ents in overlap.items():
            if other != dept:
                others |= ents
        total = sum(c[s] for s in ("accepted", "warning", "rejected", "duplicate"))
        rows.append([dept, total, c["accepted"], c["warning"], c["rejected"], c["rejected_call"],
                     c["rejected_identify"], c["duplicate"], len(mine), len(mine & others)])
    rows += [[], [t("check.reasons_by_code")],
             [t("import.col.department"), t("check.col.code"), t("check.col.severity"),
              t("check.col.explanation"), t("check.col.count")]]
    for dept in sorted(tally.reasons_by_dept):
        for code, count in tally.reasons_by_dept[dept].most_common():
            rows.append([dept, code, t(f"severity.{severity(code)}"),
                         reason_text(code, tally.region), count])
    return StreamSheet(t("check.sheet.summary"), rows, header_rows=1, freeze=True)


#: reasons that put an enterprise possibly out of the survey's scope (a deregistered or
#: revoked code, an address outside the region): listed for the supervisor before sampling
SCOPE_REASONS = ("uscc_note_deregistered", "uscc_note_revoked", "uscc_note_other",
                 "address_outside_tianjin")


def possibly_out_of_scope(conn: Connection, *, wave: str,
                          department: str | None = None) -> list[CheckRow]:
    """The rows of the wave (optionally one department's) whose enterprise may be out
    of scope (:data:`SCOPE_REASONS`), in file order."""
    lr = ListRow.__table__  # type: ignore[attr-defined]
    like = or_(*[lr.c.reasons.like(f"%{code}%") for code in SCOPE_REASONS])
    return [r for r in iter_check_rows(conn, wave=wave, department=department, where=like)
            if any(code in r.reasons for code in SCOPE_REASONS)]


def _scope_sheet(conn: Connection, *, wave: str, department: str | None,
                 region: RegionFacts) -> StreamSheet:
    rows: list[list[object]] = [[
        t("check.col.enterprise_id"), t("check.col.uscc"), t("check.col.name"),
        t("check.col.explanation"), t("import.col.file"), t("import.col.department"),
        t("check.col.sheet"), t("check.col.row")]]
    for r in possibly_out_of_scope(conn, wave=wave, department=department):
        notes = tuple(code for code in r.reasons if code in SCOPE_REASONS)
        rows.append([r.enterprise_id or "", r.uscc or "", r.name, _explain(notes, region), r.file,
                     r.department, r.sheet, r.row])
    return StreamSheet(t("check.sheet.scope"), rows, header_rows=1)


def _overlap_sheet(ents_by_dept: dict[str, set[int]]) -> StreamSheet:
    depts = sorted(ents_by_dept)
    rows: list[list[object]] = [[t("import.col.department"), *depts]]
    rows += [[a, *[len(ents_by_dept[a] & ents_by_dept[b]) for b in depts]] for a in depts]
    return StreamSheet(t("check.sheet.overlap"), rows, header_rows=1, freeze=True)


def _files_sheet(conn: Connection, *, wave: str, department: str | None,
                 failed_files: list[tuple[str, str, str]]) -> StreamSheet:
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    d = Department.__table__  # type: ignore[attr-defined]
    rows: list[list[object]] = [[
        t("import.col.file"), t("import.col.department"), t("import.col.outcome"),
        t("check.col.count"), t("check.col.accepted"), t("check.col.warning"),
        t("check.col.rejected"), t("check.col.duplicate"), t("check.col.sha256"),
        t("check.col.imported_at"), t("check.col.sheets")]]
    wave_id = _wave_id(conn, wave)
    labels = file_labels(conn, wave_id) if wave_id is not None else {}
    stmt = (select(sf, d.c.name.label("department")).join(d, d.c.id == sf.c.department_id)
            .where(sf.c.wave_id == wave_id, sf.c.kind == "list").order_by(sf.c.id))
    if department is not None:
        stmt = stmt.where(d.c.name == department)
    for r in conn.execute(stmt):
        rows.append([labels[r.id], r.department, t("import.outcome.imported"), r.rows_total,
                     r.rows_accepted, r.rows_warning, r.rows_rejected, r.rows_duplicate,
                     r.sha256, shanghai_time(r.imported_at), describe_sheets(r.sheets)])
    for name, dept, message in failed_files:
        if department is None or dept == department:
            rows.append([name, dept, t("import.outcome.failed"), 0, 0, 0, 0, 0, "", "", message])
    return StreamSheet(t("check.sheet.files"), rows, header_rows=1, freeze=True, autofilter=True)


def _rows_text(rows: list[int]) -> str:
    shown = "、".join(str(r) for r in rows[:10])
    return shown + ("……" if len(rows) > 10 else "")


def describe_sheets(sheets_json: str) -> str:
    """What the importer made of each sheet, in a sentence per sheet (Chinese)."""
    parts = []
    for sheet in json.loads(sheets_json or "[]"):
        if "skipped" in sheet:
            parts.append(t(f"check.sheet_skipped.{sheet['skipped']}", sheet=sheet["sheet"],
                           rows=sheet.get("nonblank_rows", 0)))
            continue
        if sheet.get("continues"):
            text = t("check.sheet_continues", sheet=sheet["sheet"], of=sheet["continues"],
                     rows=sheet["data_rows"])
        else:
            text = t("check.sheet_read", sheet=sheet["sheet"], header=sheet["header_row"],
                     rows=sheet["data_rows"])
        kinds = {int(r): k for r, k in sheet.get("note_kinds", {}).items()}
        for key in ("blank_rows", "note_rows", "repeated_header_rows"):
            rows = [r for r in sheet.get(key, []) if r not in kinds]
            if rows:
                text += t(f"check.sheet_{key}", rows=_rows_text(rows))
        for kind in NOTE_KINDS:
            if rows := [r for r, k in kinds.items() if k == kind]:
                text += t(f"check.sheet_note_{kind}", rows=_rows_text(sorted(rows)))
        if sheet.get("hidden"):
            text += t("check.sheet_hidden")
        parts.append(text)
    return "；".join(parts)


def _reason_legend_sheet(region: RegionFacts) -> StreamSheet:
    from sampling.identifiers.reasons import REASONS
    from sampling.listfile.normalise import ROW_REASONS

    rows: list[list[object]] = [[t("check.col.code"), t("check.col.severity"),
                                 t("check.col.explanation")]]
    rows += [[code, t(f"severity.{severity(code)}"), reason_text(code, region)]
             for code in [*REASONS, *ROW_REASONS]]
    return StreamSheet(t("check.sheet.reasons"), rows, header_rows=1, freeze=True,
                       autofilter=True)
