"""Import departments' system work orders (附件5) for later checks of claimed durations.

Layout: a title row, a header row (序号, 工单号, 企业名称, 统一社会信用代码, 联系人,
联系电话, 业务描述, 环节1, 环节2 …, 各环节累计总时长, 备注) whose stage cells are merged
over a second header row (开始时间/受理时间, 完成时间/办结时间, 环节N总时长/办理时长/天数).
Each row is linked to the enterprise with the same valid credit code, else to the one
enterprise of that normalised name; every row is stored, linked or not, with the codes
of its problems. Orders stored before their enterprise was imported are linked later
by :func:`relink_workorders`.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from callcentre.db.engine import write_transaction
from callcentre.db.models import Enterprise, SourceFile, Wave, WorkOrder
from callcentre.db.models.frame import utcnow
from callcentre.importer.setup import IMPORT_LOCK, ensure_department, ensure_items, ensure_wave
from sampling.identifiers.names import cut_name, name_key, normalise_name
from sampling.identifiers.phone import normalise_phones
from sampling.identifiers.uscc import normalise_credit_code
from sampling.listfile.headers import is_blank, normalise_header
from sampling.listfile.normalise import raw_json
from sampling.listfile.reader import (
    DataRow,
    ListFileError,
    ListSheet,
    department_from_preamble,
    read_list_file,
    sha256_file,
)

_EXCEL_EPOCH = date(1899, 12, 30)
#: Excel serial numbers taken for dates: 1954-10-03 to 2119-01-10
_SERIALS = (20000, 80000)
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
#: sub-header words of a stage's start, end and duration columns
_START, _END, _DAYS = ("开始", "受理"), ("完成", "结束", "办结"), ("时长", "天数")
_NO_ENTERPRISE = "wo_no_enterprise"
_CHUNK = 500

SF = SourceFile.__table__  # type: ignore[attr-defined]
WO = WorkOrder.__table__  # type: ignore[attr-defined]
ENT = Enterprise.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class StageColumns:
    name: str
    start: int | None = None
    end: int | None = None
    days: int | None = None


@dataclass(slots=True)
class WorkOrderResult:
    path: Path
    rows: int = 0
    linked: int = 0
    error: str | None = None
    detail: str = ""
    outcome: str = "imported"
    reasons: dict[str, int] = field(default_factory=dict)
    blank: int = 0          # empty rows, numbered template rows among them: not stored
    relinked: int = 0       # earlier unlinked orders (any file) linked by this run


# --- cell values ---------------------------------------------------------------------

def parse_date(value: object) -> date | None:
    """A date from an ISO text, a Chinese date text or an Excel serial number (also as
    text, as csv gives it); only serials of plausible dates count."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if _SERIALS[0] <= value < _SERIALS[1]:
            return _from_serial(float(value))
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip()
    if _SERIAL_TEXT.fullmatch(text):
        serial = float(text)
        return _from_serial(serial) if _SERIALS[0] <= serial < _SERIALS[1] else None
    return _date_from_text(text)


def _from_serial(serial: float) -> date:
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _date_from_text(text: str) -> date | None:
    text = re.sub(r"[年月/.]", "-", text).replace("日", "")
    try:
        return datetime.fromisoformat(text.split(" ")[0].split("T")[0]).date()
    except ValueError:
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
        return None


def parse_days(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    m = re.search(r"-?\d+(?:\.\d+)?", str(value))
    return float(m.group()) if m else None


# --- the stage columns ---------------------------------------------------------------

def _sub_kind(cell: object) -> str | None:
    """start / end / days for a sub-header cell, else ``None``."""
    text = normalise_header(cell)
    if text.startswith(_START):
        return "start"
    if text.startswith(_END):
        return "end"
    return "days" if any(w in text for w in _DAYS) else None


def stage_columns(header: tuple[str, ...], sub: Sequence[object]) -> list[StageColumns]:
    """Stage groups from the merged header row and the sub-header below it."""
    stages: list[StageColumns] = []
    current: StageColumns | None = None
    for col, cell in enumerate(sub):
        kind = _sub_kind(cell)
        if kind == "start":
            label = next((normalise_header(header[b]) for b in range(min(col, len(header) - 1), -1, -1)
                          if header[b].strip()), "")
            current = StageColumns(name=label or f"环节{len(stages) + 1}", start=col)
            stages.append(current)
        elif current is not None and kind == "end":
            current.end = col
        elif current is not None and kind == "days":
            current.days = col
    return stages


def _sub_header(sheet: ListSheet) -> Sequence[object] | None:
    """Take the stage sub-header (the first row under the header) off the data rows."""
    if sheet.rows:
        kinds = {_sub_kind(c) for c in sheet.rows[0].cells} - {None}
        if "start" in kinds and len(kinds) > 1:
            return sheet.rows.pop(0).cells
    return None


# --- one row -------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _workdays(start: date, end: date) -> int:
    """Official workdays after ``start`` up to ``end`` (Mon–Fri beyond the calendar's years)."""
    if end <= start:
        return 0
    first = start + timedelta(days=1)
    try:
        import chinese_calendar

        return len(chinese_calendar.get_workdays(first, end, include_weekends=False))
    except (ImportError, NotImplementedError):
        return sum((first + timedelta(days=i)).weekday() < 5 for i in range((end - start).days))


def _stage_problems(start: date | None, end: date | None, given: float | None) -> list[str]:
    """End before start; claimed days neither calendar days (±1) nor workdays (−1)."""
    if start is None or end is None:
        return []
    if end < start:
        return ["wo_end_before_start"]
    if given is None:
        return []
    elapsed = (end - start).days
    if given < 0 or given > elapsed + 1 or given < _workdays(start, end) - 1:
        return ["wo_stage_days_mismatch"]
    return []


def _stage_values(cells: Sequence[object], stages: list[StageColumns],
                  reasons: list[str]) -> tuple[list[dict[str, Any]], float]:
    def cell(col: int | None) -> object:
        return cells[col] if col is not None and col < len(cells) else None

    out: list[dict[str, Any]] = []
    total = 0.0
    for st in stages:
        start, end = parse_date(cell(st.start)), parse_date(cell(st.end))
        if (not is_blank(cell(st.start)) and start is None) or (
                not is_blank(cell(st.end)) and end is None):
            reasons.append("wo_bad_date")
        given = parse_days(cell(st.days))
        reasons += _stage_problems(start, end, given)
        days = given
        if days is None and start and end and end >= start:
            days = float((end - start).days)
        total += days or 0.0
        out.append({"name": st.name, "start": start.isoformat() if start else None,
                    "end": end.isoformat() if end else None, "days": days})
    return out, total


def _is_template_row(sheet: ListSheet, row: DataRow) -> bool:
    """Nothing filled but (perhaps) the 序号: a numbered row of an empty template."""
    seq = sheet.header.columns.get("seq")
    return all(is_blank(c) for i, c in enumerate(row.cells) if i != seq)


def _order_no(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _order_values(sheet: ListSheet, row: DataRow, stages: list[StageColumns]) -> dict[str, Any]:
    """The stored values of one row, but for its file, item, department and enterprise;
    its problem codes so far under ``_reasons``."""
    reasons: list[str] = []
    stage_values, total_from_stages = _stage_values(row.cells, stages, reasons)
    total = parse_days(sheet.cell(row, "total_days"))
    if total is not None and stage_values and abs(total - total_from_stages) > 0.5:
        reasons.append("wo_days_mismatch")
    phones = normalise_phones(sheet.cell(row, "phone"))
    name, cut = cut_name(normalise_name(sheet.cell(row, "name")))
    reasons.extend(cut)
    return {
        "sheet": sheet.name, "row": row.row,
        "order_no": _order_no(sheet.cell(row, "order_no"))[:100],
        "name": name,
        "uscc": normalise_credit_code(sheet.cell(row, "uscc")).code,
        "contact": str(sheet.cell(row, "contact") or "").strip()[:200],
        "phone_e164": phones.primary.e164 if phones.primary else None,
        "business": str(sheet.cell(row, "business") or "").strip(),
        "stages": json.dumps(stage_values, ensure_ascii=False),
        "total_days": total if total is not None else (total_from_stages if stage_values else None),
        "raw": raw_json(row.cells), "_reasons": reasons,
    }


def _read_orders(sheets: list[ListSheet], result: WorkOrderResult) -> list[dict[str, Any]]:
    orders = []
    for sheet in sheets:
        sub = _sub_header(sheet)
        stages = stage_columns(sheet.header.labels, sub) if sub else []
        result.blank += len(sheet.blank_rows)
        for row in sheet.rows:
            if _is_template_row(sheet, row):
                result.blank += 1
            else:
                orders.append(_order_values(sheet, row, stages))
    return orders


def _flag_repeated_order_nos(orders: list[dict[str, Any]]) -> None:
    seen = Counter(o["order_no"] for o in orders if o["order_no"])
    for o in orders:
        if seen[o["order_no"]] > 1:
            o["_reasons"].append("wo_duplicate_order_no")


# --- links to enterprises ------------------------------------------------------------

@dataclass(slots=True)
class _Enterprises:
    """The enterprises some orders may belong to: by credit code, by name key."""

    by_code: dict[str, int]
    by_key: dict[str, list[int]]

    def find(self, code: str | None, name: str) -> int | None:
        found = self.by_code.get(code) if code else None
        if found is None and name:
            candidates = self.by_key.get(name_key(name), [])
            if len(candidates) == 1:
                found = candidates[0]
        return found


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for i in range(0, len(items), _CHUNK):
        yield items[i:i + _CHUNK]


def _load_enterprises(conn: Connection, codes: Iterable[str | None],
                      names: Iterable[str]) -> _Enterprises:
    by_code: dict[str, int] = {}
    for part in _chunks(c for c in codes if c):
        by_code.update(conn.execute(select(ENT.c.uscc, ENT.c.id).where(ENT.c.uscc.in_(part))).all())
    by_key: dict[str, list[int]] = {}
    for part in _chunks(k for n in names if n and (k := name_key(n))):
        for key, eid in conn.execute(select(ENT.c.name_key, ENT.c.id).where(ENT.c.name_key.in_(part))):
            by_key.setdefault(key, []).append(eid)
    return _Enterprises(by_code, by_key)


def _without_no_enterprise(reasons: str) -> str:
    return ",".join(r for r in reasons.split(",") if r and r != _NO_ENTERPRISE)


def _recount_linked(conn: Connection, file_ids: Iterable[int]) -> None:
    for fid in sorted(set(file_ids)):
        linked = select(func.count()).select_from(WO).where(
            WO.c.source_file_id == fid, WO.c.enterprise_id.is_not(None)).scalar_subquery()
        conn.execute(update(SF).where(SF.c.id == fid).values(rows_accepted=linked))


def relink_workorders(conn: Connection) -> int:
    """Link every unlinked work order whose credit code (or unambiguous name) now
    matches an enterprise; drop its ``wo_no_enterprise`` code and recount its file's
    linked rows. Returns how many were linked. Call it inside the transaction that
    added the enterprises (after a list import)."""
    unlinked = conn.execute(select(WO.c.id, WO.c.uscc, WO.c.name, WO.c.reasons, WO.c.source_file_id)
                            .where(WO.c.enterprise_id.is_(None))).all()
    if not unlinked:
        return 0
    ents = _load_enterprises(conn, (r.uscc for r in unlinked), (r.name for r in unlinked))
    updates = [{"b_id": r.id, "b_enterprise": eid, "b_reasons": _without_no_enterprise(r.reasons)}
               for r in unlinked if (eid := ents.find(r.uscc, r.name)) is not None]
    if updates:
        conn.execute(update(WO).where(WO.c.id == bindparam("b_id")).values(
            enterprise_id=bindparam("b_enterprise"), reasons=bindparam("b_reasons")), updates)
        linked = {u["b_id"] for u in updates}
        _recount_linked(conn, (r.source_file_id for r in unlinked if r.id in linked))
    return len(updates)


# --- the file ------------------------------------------------------------------------

def _kind_before(engine: Engine, path: Path, wave: str) -> str | None:
    """The kind this path was imported as in the wave, if it was."""
    wv = Wave.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return conn.execute(select(SF.c.kind).join(wv, wv.c.id == SF.c.wave_id).where(
            wv.c.code == wave, SF.c.path == str(path))).scalar()


class _Refused(Exception):
    """Leave the transaction without writing anything (not even the wave)."""


def _stored_counts(conn: Connection, file_id: int, result: WorkOrderResult) -> None:
    """The counts of an unchanged file, as stored."""
    reasons: Counter[str] = Counter()
    for text, in conn.execute(select(WO.c.reasons).where(WO.c.source_file_id == file_id)):
        result.rows += 1
        reasons.update(r for r in text.split(",") if r)
    result.linked = conn.execute(select(SF.c.rows_accepted).where(SF.c.id == file_id)).scalar_one()
    result.reasons = dict(reasons)


def _file_record(conn: Connection, existing: Any, values: dict[str, Any],
                 result: WorkOrderResult) -> int:
    """Insert the SourceFile, or replace the earlier version's orders."""
    if existing is None:
        return int(conn.execute(insert(SF).returning(SF.c.id), values).scalar_one())
    conn.execute(delete(WO).where(WO.c.source_file_id == existing.id))
    conn.execute(update(SF).where(SF.c.id == existing.id).values(**values))
    result.outcome = "replaced"
    return int(existing.id)


def _store_orders(conn: Connection, orders: list[dict[str, Any]], fixed: dict[str, Any],
                  result: WorkOrderResult) -> None:
    ents = _load_enterprises(conn, (o["uscc"] for o in orders), (o["name"] for o in orders))
    _flag_repeated_order_nos(orders)
    reasons: Counter[str] = Counter()
    for o in orders:
        found = ents.find(o["uscc"], o["name"])
        codes = o.pop("_reasons") + ([_NO_ENTERPRISE] if found is None else [])
        codes = list(dict.fromkeys(codes))
        reasons.update(codes)
        o.update(fixed, enterprise_id=found, reasons=",".join(codes))
        result.linked += found is not None
    result.rows, result.reasons = len(orders), dict(reasons)
    if orders:
        conn.execute(insert(WO), orders)


def _open(path: Path, result: WorkOrderResult) -> list[ListSheet] | None:
    """The file's work-order sheets (those with a 工单号 column); ``None`` on error."""
    try:
        listfile = read_list_file(path)
    except ListFileError as exc:
        result.error, result.detail = exc.code, exc.detail
        return None
    sheets = [s for s in listfile.sheets if "order_no" in s.header.columns]
    if not sheets:
        result.error = "not_workorder"
    return sheets or None


def import_workorders(
    engine: Engine, path: Path, *, wave: str, department: str | None, item: int | None
) -> WorkOrderResult:
    """Import one work-order file. The same content for the same item and department
    again is unchanged (but earlier orders are relinked); anything else replaces the
    file's earlier orders. A path imported as a list is refused."""
    path = path.resolve() if path.exists() else path
    result = WorkOrderResult(path=path)
    sheets = _open(path, result)
    if sheets is None:
        if result.error == "not_workorder" and _kind_before(engine, path, wave) == "list":
            result.error = "already_list"
        return result
    department = department or next(
        (d for s in sheets if (d := department_from_preamble(s.preamble))), None)
    if department is None or item is None:
        result.error = "no_department" if department is None else "no_item"
        return result
    try:
        _write(engine, path, result, wave=wave, department=department, item=item, sheets=sheets)
    except _Refused:
        result.error = "already_list"      # a SourceFile never changes its kind
    return result


def _write(engine: Engine, path: Path, result: WorkOrderResult, *, wave: str, department: str,
           item: int, sheets: list[ListSheet]) -> None:
    sha = sha256_file(path)
    with write_transaction(engine, lock_key=IMPORT_LOCK) as conn:
        wave_id = ensure_wave(conn, wave)
        dept_id = ensure_department(conn, department)
        item_id = ensure_items(conn, wave_id, [item])[item]
        cols = (SF.c.id, SF.c.kind, SF.c.sha256, SF.c.department_id, SF.c.item_id)
        existing = conn.execute(select(*cols).where(
            SF.c.wave_id == wave_id, SF.c.path == str(path))).first()
        if existing is None:
            # re-sent from another folder (same name, department, item): a replacement,
            # as for lists, where exactly one earlier file matches
            named = conn.execute(select(*cols).where(
                SF.c.wave_id == wave_id, SF.c.name == path.name, SF.c.kind == "workorder",
                SF.c.department_id == dept_id, SF.c.item_id == item_id).limit(2)).all()
            existing = named[0] if len(named) == 1 else None
        if existing is not None and existing.kind != "workorder":
            raise _Refused
        if existing is not None and (existing.sha256, existing.department_id,
                                     existing.item_id) == (sha, dept_id, item_id):
            result.outcome = "unchanged"
            result.relinked = relink_workorders(conn)
            _stored_counts(conn, existing.id, result)
            return
        values = {"wave_id": wave_id, "department_id": dept_id, "item_id": item_id,
                  "kind": "workorder", "path": str(path), "name": path.name, "sha256": sha,
                  "size": path.stat().st_size, "imported_at": utcnow()}
        file_id = _file_record(conn, existing, values, result)
        _store_orders(conn, _read_orders(sheets, result),
                      {"source_file_id": file_id, "item_id": item_id, "department_id": dept_id},
                      result)
        conn.execute(update(SF).where(SF.c.id == file_id).values(
            rows_total=result.rows, rows_accepted=result.linked))
        result.relinked = relink_workorders(conn)
