"""The check workbook sent back to departments, and the same rows as CSV.

Every input row appears once, with its file, sheet and row as Excel shows them,
its status, reason codes with Chinese explanations and what normalisation made of
it. The summary sheet gives per department: rows, accepted, rejected by reason,
enterprises contributed and overlap with other departments.
"""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from callcentre.db.models import Department, ListRow, SourceFile, Wave
from callcentre.i18n import t
from sampling.identifiers.district import DISTRICTS
from sampling.identifiers.phone import mask_phone
from sampling.listfile.normalise import rejection_kind, severity

CSV_COLUMNS = ("file", "sheet", "row", "status", "reasons", "uscc", "phone_e164", "phones",
               "district_code", "enterprise_id")
EXCEL_MAX_ROWS = 1_048_576
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


def iter_check_rows(
    conn: Connection, *, wave: str, department: str | None = None
) -> Iterator[CheckRow]:
    """Every stored list row of the wave (optionally one department), in file order."""
    lr = ListRow.__table__  # type: ignore[attr-defined]
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    d = Department.__table__  # type: ignore[attr-defined]
    wave_id = _wave_id(conn, wave)
    if wave_id is None:
        return
    stmt = (
        select(sf.c.name.label("file"), d.c.name.label("department"), lr.c.sheet, lr.c.row,
               lr.c.status, lr.c.reasons, lr.c.name, lr.c.uscc, lr.c.phone_e164, lr.c.phones,
               lr.c.district_code, lr.c.enterprise_id, lr.c.duplicate_of)
        .join(sf, sf.c.id == lr.c.source_file_id)
        .join(d, d.c.id == sf.c.department_id)
        .where(sf.c.wave_id == wave_id)
        .order_by(sf.c.id, lr.c.id)
    )
    if department is not None:
        stmt = stmt.where(d.c.name == department)
    for r in conn.execution_options(yield_per=10_000).execute(stmt):
        yield CheckRow(
            file=r.file, department=r.department, sheet=r.sheet, row=r.row, status=r.status,
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


def _clean(row: list[object]) -> list[object]:
    """Drop the characters xlsx cannot hold (control characters in department data)."""
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]


def _explain(reasons: tuple[str, ...]) -> str:
    return "；".join(t(f"reason.{code}") for code in reasons)


def _header(ws, labels: list[str]) -> None:  # type: ignore[no-untyped-def]
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    cells = []
    for label in _clean(list(labels)):
        c = WriteOnlyCell(ws, value=label)
        c.font, c.fill = bold, fill
        cells.append(c)
    ws.append(cells)


def _phone(value: str | None, mask: bool) -> str:
    if not value:
        return ""
    return mask_phone(value) if mask else value


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
    read at all, so the department sees those too.
    """
    wb = Workbook(write_only=True)
    rows_ws = wb.create_sheet(t("check.sheet.rows"))
    labels = [t("import.col.file"), t("import.col.department"), t("check.col.sheet"),
              t("check.col.row"), t("check.col.status"), t("check.col.rejection"),
              t("check.col.reasons"), t("check.col.explanation"), t("check.col.name"),
              t("check.col.uscc"), t("check.col.phone"), t("check.col.phones"),
              t("check.col.district_code"), t("check.col.district_name"),
              t("check.col.enterprise_id"), t("check.col.duplicate_of")]
    _header(rows_ws, labels)
    per_dept: dict[str, Counter[str]] = defaultdict(Counter)
    reasons_by_dept: dict[str, Counter[str]] = defaultdict(Counter)
    ents_by_dept: dict[str, set[int]] = defaultdict(set)
    n = 0
    sheet_no = 1
    with engine.connect() as conn:
        for r in iter_check_rows(conn, wave=wave, department=department):
            if n and n % (EXCEL_MAX_ROWS - 1) == 0:
                sheet_no += 1
                rows_ws = wb.create_sheet(f"{t('check.sheet.rows')}{sheet_no}")
                _header(rows_ws, labels)
            kind = rejection_kind(r.reasons) if r.status == "rejected" else None
            rows_ws.append(_clean([
                r.file, r.department, r.sheet, r.row, t(f"status.{r.status}"),
                t(f"reject.{kind}") if kind else "", ",".join(r.reasons), _explain(r.reasons),
                r.name, r.uscc or "", _phone(r.phone_e164, mask_phones),
                ";".join(_phone(p, mask_phones) for p in r.phones.split(";") if p),
                r.district_code or "", DISTRICTS.get(r.district_code or "", ""),
                r.enterprise_id or "", r.duplicate_of or "",
            ]))
            n += 1
            if progress is not None and n % 10_000 == 0:
                progress(10_000)
            c = per_dept[r.department]
            c[r.status] += 1
            if kind:
                c[f"rejected_{'identify' if kind in ('identify', 'both') else 'call'}"] += 1
            for code in r.reasons:
                if severity(code) != "info":
                    reasons_by_dept[r.department][code] += 1
            if r.enterprise_id and r.status in ("accepted", "warning"):
                ents_by_dept[r.department].add(r.enterprise_id)
        overlap_all = _all_department_enterprises(conn, wave) if department else ents_by_dept
    if progress is not None:
        progress(n % 10_000)
    _write_summary(wb, per_dept, reasons_by_dept, ents_by_dept, overlap_all)
    _write_overlap(wb, overlap_all)
    _write_files(engine, wb, wave=wave, department=department, failed_files=failed_files or [])
    _write_reason_legend(wb)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return n


def _all_department_enterprises(conn: Connection, wave: str) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for r in iter_check_rows(conn, wave=wave):
        if r.enterprise_id and r.status in ("accepted", "warning"):
            out[r.department].add(r.enterprise_id)
    return out


def _write_summary(wb, per_dept, reasons_by_dept, ents_by_dept, overlap_all) -> None:  # type: ignore[no-untyped-def]
    ws = wb.create_sheet(t("check.sheet.summary"))
    _header(ws, [t("import.col.department"), t("check.col.count"), t("check.col.accepted"),
                 t("check.col.warning"), t("check.col.rejected"), t("check.col.rejected_call"),
                 t("check.col.rejected_identify"), t("check.col.duplicate"),
                 t("check.col.enterprises"), t("check.col.overlap")])
    for dept in sorted(per_dept):
        c = per_dept[dept]
        mine = ents_by_dept.get(dept, set())
        others: set[int] = set()
        for other, ents in overlap_all.items():
            if other != dept:
                others |= ents
        total = sum(c[s] for s in ("accepted", "warning", "rejected", "duplicate"))
        ws.append(_clean([dept, total, c["accepted"], c["warning"], c["rejected"],
                          c["rejected_call"], c["rejected_identify"], c["duplicate"], len(mine),
                          len(mine & others)]))
    ws.append([])
    ws.append([t("check.reasons_by_code")])
    _header(ws, [t("import.col.department"), t("check.col.code"), t("check.col.severity"),
                 t("check.col.explanation"), t("check.col.count")])
    for dept in sorted(reasons_by_dept):
        for code, count in reasons_by_dept[dept].most_common():
            ws.append(_clean([dept, code, t(f"severity.{severity(code)}"),
                              t(f"reason.{code}"), count]))


def _write_overlap(wb, ents_by_dept: dict[str, set[int]]) -> None:  # type: ignore[no-untyped-def]
    ws = wb.create_sheet(t("check.sheet.overlap"))
    depts = sorted(ents_by_dept)
    _header(ws, [t("import.col.department"), *depts])
    for a in depts:
        ws.append(_clean([a, *[len(ents_by_dept[a] & ents_by_dept[b]) for b in depts]]))


def _write_files(engine, wb, *, wave, department, failed_files) -> None:  # type: ignore[no-untyped-def]
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    d = Department.__table__  # type: ignore[attr-defined]
    ws = wb.create_sheet(t("check.sheet.files"))
    _header(ws, [t("import.col.file"), t("import.col.department"), t("import.col.outcome"),
                 t("check.col.count"), t("check.col.accepted"), t("check.col.warning"),
                 t("check.col.rejected"), t("check.col.duplicate"), t("check.col.sha256"),
                 t("check.col.imported_at"), t("check.col.sheets")])
    with engine.connect() as conn:
        wave_id = _wave_id(conn, wave)
        stmt = (select(sf, d.c.name.label("department")).join(d, d.c.id == sf.c.department_id)
                .where(sf.c.wave_id == wave_id, sf.c.kind == "list").order_by(sf.c.id))
        if department is not None:
            stmt = stmt.where(d.c.name == department)
        for r in conn.execute(stmt):
            when = r.imported_at.replace(tzinfo=UTC).astimezone(SHANGHAI)
            ws.append(_clean([r.name, r.department, t("import.outcome.imported"), r.rows_total,
                       r.rows_accepted, r.rows_warning, r.rows_rejected, r.rows_duplicate,
                       r.sha256, when.strftime("%Y-%m-%d %H:%M"), describe_sheets(r.sheets)]))
    for name, dept, message in failed_files:
        if department is None or dept == department:
            ws.append(_clean([name, dept, t("import.outcome.failed"), 0, 0, 0, 0, 0, "", "",
                              message]))


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
        text = t("check.sheet_read", sheet=sheet["sheet"], header=sheet["header_row"],
                 rows=sheet["data_rows"])
        for key in ("blank_rows", "note_rows", "repeated_header_rows"):
            if sheet.get(key):
                text += t(f"check.sheet_{key}", rows=_rows_text(sheet[key]))
        parts.append(text)
    return "；".join(parts)


def _write_reason_legend(wb) -> None:  # type: ignore[no-untyped-def]
    from sampling.identifiers.reasons import REASONS
    from sampling.listfile.normalise import ROW_REASONS

    ws = wb.create_sheet(t("check.sheet.reasons"))
    _header(ws, [t("check.col.code"), t("check.col.severity"), t("check.col.explanation")])
    for code in [*REASONS, *ROW_REASONS]:
        ws.append([code, t(f"severity.{severity(code)}"), t(f"reason.{code}")])
