"""The check workbook sent back to departments, and the same rows as CSV.

Every input row appears once, with its file, sheet and row as Excel shows them,
its status, reason codes with Chinese explanations and what normalisation made of
it. The summary sheet gives per department: rows, accepted, rejected by reason,
enterprises contributed and overlap with other departments.
"""

from __future__ import annotations

import csv
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from itertools import chain, islice
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection, Engine

from callcentre.db.models import Department, ListRow, SourceFile, Wave
from callcentre.i18n import t
from callcentre.xlsx_stream import MAX_ROWS, StreamSheet, save_xlsx_stream
from sampling.identifiers.district import DISTRICTS
from sampling.identifiers.phone import mask_phone
from sampling.listfile.normalise import rejection_kind, severity
from sampling.listfile.notes import NOTE_KINDS

CSV_COLUMNS = ("file", "sheet", "row", "status", "reasons", "uscc", "phone_e164", "phones",
               "district_code", "enterprise_id")
SHANGHAI = ZoneInfo("Asia/Shanghai")


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
    conn: Connection, *, wave: str, department: str | None = None, where: Any = None,
) -> Iterator[CheckRow]:
    """Every stored list row of the wave (optionally one department; ``where``: only
    those meeting that condition), in file order."""
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
               lr.c.district_code, lr.c.enterprise_id, lr.c.duplicate_of)
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
            enterprise_id=r.enterprise_id, duplicate_of=r.duplicate_of,
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
    """The row table as CSV with exactly :data:`CSV_COLUMNS`; returns rows written."""
    n = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn, open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for r in iter_check_rows(conn, wave=wave, department=department):
            writer.writerow([r.file, r.sheet, r.row, r.status, ",".join(r.reasons),
                             r.uscc or "", r.phone_e164 or "", r.phones,
                             r.district_code or "", r.enterprise_id or ""])
            n += 1
            if progress is not None and n % 10_000 == 0:
                progress(10_000)
    if progress is not None:
        progress(n % 10_000)
    return n


def _explain(reasons: tuple[str, ...]) -> str:
    return "；".join(t(f"reason.{code}") for code in reasons)


def _phone(value: str | None, mask: bool) -> str:
    if not value:
        return ""
    return mask_phone(value) if mask else value


def _row_labels() -> list[object]:
    return [t("import.col.file"), t("import.col.department"), t("check.col.sheet"),
            t("check.col.row"), t("check.col.status"), t("check.col.rejection"),
            t("check.col.reasons"), t("check.col.explanation"), t("check.col.name"),
            t("check.col.uscc"), t("check.col.phone"), t("check.col.phones"),
            t("check.col.district_code"), t("check.col.district_name"),
            t("check.col.enterprise_id"), t("check.col.duplicate_of")]


class _Tally:
    """What the summary sheets need, gathered while the row sheet streams out."""

    def __init__(self, mask_phones: bool, progress: Callable[[int], None] | None) -> None:
        self.mask = mask_phones
        self.progress = progress
        self.n = 0
        self.per_dept: dict[str, Counter[str]] = defaultdict(Counter)
        self.reasons_by_dept: dict[str, Counter[str]] = defaultdict(Counter)
        self.ents_by_dept: dict[str, set[int]] = defaultdict(set)

    def row(self, r: CheckRow) -> list[object]:
        kind = rejection_kind(r.reasons) if r.status == "rejected" else None
        self.n += 1
        if self.progress is not None and self.n % 10_000 == 0:
            self.progress(10_000)
        c = self.per_dept[r.department]
        c[r.status] += 1
        if kind:
            c[f"rejected_{'identify' if kind in ('identify', 'both') else 'call'}"] += 1
        for code in r.reasons:
            if severity(code) != "info":
                self.reasons_by_dept[r.department][code] += 1
        if r.enterprise_id and r.status in ("accepted", "warning"):
            self.ents_by_dept[r.department].add(r.enterprise_id)
        return [
            r.file, r.department, r.sheet, r.row, t(f"status.{r.status}"),
            t(f"reject.{kind}") if kind else "", ",".join(r.reasons), _explain(r.reasons),
            r.name, r.uscc or "", _phone(r.phone_e164, self.mask),
            ";".join(_phone(p, self.mask) for p in r.phones.split(";") if p),
            r.district_code or "", DISTRICTS.get(r.district_code or "", ""),
            r.enterprise_id or "", r.duplicate_of or "",
        ]


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
        yield StreamSheet(name, chain([labels], body, islice(rows, MAX_ROWS - 2)), header_rows=1)
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
) -> int:
    """Write the check workbook; returns the number of rows listed.

    ``failed_files`` lists (file, department, message) for files that could not be
    read at all, so the department sees those too. Streams: memory stays flat however
    many rows there are.
    """
    tally = _Tally(mask_phones, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    with engine.connect() as conn:
        rows = (tally.row(r) for r in iter_check_rows(conn, wave=wave, department=department))

        def sheets() -> Iterator[StreamSheet]:
            yield from _row_sheets(rows)
            if progress is not None:
                progress(tally.n % 10_000)
            overlap = (_all_department_enterprises(conn, wave) if department
                       else tally.ents_by_dept)
            yield _summary_sheet(tally, overlap)
            yield _scope_sheet(conn, wave=wave, department=department)
            yield _overlap_sheet(overlap)
            yield _files_sheet(conn, wave=wave, department=department,
                               failed_files=failed_files or [])
            yield _reason_legend_sheet()

        save_xlsx_stream(path, sheets())
    return tally.n


def _all_department_enterprises(conn: Connection, wave: str) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for r in iter_check_rows(conn, wave=wave):
        if r.enterprise_id and r.status in ("accepted", "warning"):
            out[r.department].add(r.enterprise_id)
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
            rows.append([dept, code, t(f"severity.{severity(code)}"), t(f"reason.{code}"), count])
    return StreamSheet(t("check.sheet.summary"), rows, header_rows=1)


#: reasons that put an enterprise possibly out of the survey's scope (a deregistered or
#: revoked code, an address outside Tianjin): listed for the supervisor before sampling
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


def _scope_sheet(conn: Connection, *, wave: str, department: str | None) -> StreamSheet:
    rows: list[list[object]] = [[
        t("check.col.enterprise_id"), t("check.col.uscc"), t("check.col.name"),
        t("check.col.explanation"), t("import.col.file"), t("import.col.department"),
        t("check.col.sheet"), t("check.col.row")]]
    for r in possibly_out_of_scope(conn, wave=wave, department=department):
        notes = tuple(code for code in r.reasons if code in SCOPE_REASONS)
        rows.append([r.enterprise_id or "", r.uscc or "", r.name, _explain(notes), r.file,
                     r.department, r.sheet, r.row])
    return StreamSheet(t("check.sheet.scope"), rows, header_rows=1)


def _overlap_sheet(ents_by_dept: dict[str, set[int]]) -> StreamSheet:
    depts = sorted(ents_by_dept)
    rows: list[list[object]] = [[t("import.col.department"), *depts]]
    rows += [[a, *[len(ents_by_dept[a] & ents_by_dept[b]) for b in depts]] for a in depts]
    return StreamSheet(t("check.sheet.overlap"), rows, header_rows=1)


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
        when = r.imported_at.replace(tzinfo=UTC).astimezone(SHANGHAI)
        rows.append([labels[r.id], r.department, t("import.outcome.imported"), r.rows_total,
                     r.rows_accepted, r.rows_warning, r.rows_rejected, r.rows_duplicate,
                     r.sha256, when.strftime("%Y-%m-%d %H:%M"), describe_sheets(r.sheets)])
    for name, dept, message in failed_files:
        if department is None or dept == department:
            rows.append([name, dept, t("import.outcome.failed"), 0, 0, 0, 0, 0, "", "", message])
    return StreamSheet(t("check.sheet.files"), rows, header_rows=1)


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


def _reason_legend_sheet() -> StreamSheet:
    from sampling.identifiers.reasons import REASONS
    from sampling.listfile.normalise import ROW_REASONS

    rows: list[list[object]] = [[t("check.col.code"), t("check.col.severity"),
                                 t("check.col.explanation")]]
    rows += [[code, t(f"severity.{severity(code)}"), t(f"reason.{code}")]
             for code in [*REASONS, *ROW_REASONS]]
    return StreamSheet(t("check.sheet.reasons"), rows, header_rows=1)
