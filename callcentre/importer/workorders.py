"""Import departments' system work orders (附件5) for later checks of claimed durations.

Layout: a title row, a header row (序号, 工单号, 企业名称, 统一社会信用代码, 联系人,
联系电话, 业务描述, 环节1, 环节2 …, 各环节累计总时长, 备注) whose stage cells are merged
over a second header row (开始时间, 完成时间, 环节N总时长). Each row is linked to the
enterprise with the same valid credit code, else to the one enterprise of that
normalised name; every row is stored, linked or not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from callcentre.db.engine import write_transaction
from callcentre.db.models import Enterprise, SourceFile, WorkOrder
from callcentre.db.models.frame import utcnow
from callcentre.importer.setup import IMPORT_LOCK, ensure_department, ensure_items, ensure_wave
from sampling.identifiers.names import name_key, normalise_name
from sampling.identifiers.phone import normalise_phones
from sampling.identifiers.uscc import normalise_credit_code
from sampling.listfile.headers import normalise_header
from sampling.listfile.normalise import raw_json
from sampling.listfile.reader import (
    ListFileError,
    ListSheet,
    department_from_preamble,
    read_list_file,
    sha256_file,
)

_EXCEL_EPOCH = date(1899, 12, 30)


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


def parse_date(value: object) -> date | None:
    """A date from an ISO text, a Chinese date text or an Excel serial number."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)) and 1 < float(value) < 100000:
        return _EXCEL_EPOCH + timedelta(days=int(float(value)))
    text = str(value).strip()
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
    if isinstance(value, (int, float)):
        return float(value)
    m = re.search(r"-?\d+(?:\.\d+)?", str(value))
    return float(m.group()) if m else None


def stage_columns(header: tuple[str, ...], sub: Sequence[object]) -> list[StageColumns]:
    """Stage groups from the merged header row and the sub-header below it."""
    stages: list[StageColumns] = []
    current: StageColumns | None = None
    for col, cell in enumerate(sub):
        text = normalise_header(cell)
        if not text:
            continue
        if text.startswith("开始"):
            label = ""
            for back in range(col, -1, -1):
                if back < len(header) and header[back].strip():
                    label = normalise_header(header[back])
                    break
            current = StageColumns(name=label or f"环节{len(stages) + 1}", start=col)
            stages.append(current)
        elif current is not None and (text.startswith(("完成", "结束"))):
            current.end = col
        elif current is not None and "时长" in text:
            current.days = col
    return stages


def _sub_header(sheet: ListSheet) -> Sequence[object] | None:
    if sheet.rows and any(normalise_header(c).startswith("开始") for c in sheet.rows[0].cells):
        return sheet.rows.pop(0).cells
    return None


def import_workorders(
    engine: Engine, path: Path, *, wave: str, department: str | None, item: int | None
) -> WorkOrderResult:
    """Import one work-order file (replacing its earlier rows if it changed)."""
    path = path.resolve() if path.exists() else path
    result = WorkOrderResult(path=path)
    try:
        listfile = read_list_file(path)
    except ListFileError as exc:
        result.error, result.detail = exc.code, exc.detail
        return result
    department = department or next(
        (d for s in listfile.sheets if (d := department_from_preamble(s.preamble))), None)
    if department is None:
        result.error = "no_department"
        return result
    if item is None:
        result.error = "no_item"
        return result
    sha = sha256_file(path)
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    wo = WorkOrder.__table__  # type: ignore[attr-defined]
    ent = Enterprise.__table__  # type: ignore[attr-defined]
    with write_transaction(engine, lock_key=IMPORT_LOCK) as conn:
        wave_id = ensure_wave(conn, wave)
        dept_id = ensure_department(conn, department)
        item_id = ensure_items(conn, wave_id, [item])[item]
        existing = conn.execute(select(sf.c.id, sf.c.sha256).where(
            sf.c.wave_id == wave_id, sf.c.path == str(path))).first()
        if existing is not None and existing.sha256 == sha:
            result.outcome = "unchanged"
            return result
        values = {"wave_id": wave_id, "department_id": dept_id, "item_id": item_id, "kind": "workorder",
                      "path": str(path), "name": path.name, "sha256": sha, "size": path.stat().st_size,
                      "imported_at": utcnow()}
        if existing is None:
            file_id = conn.execute(insert(sf).returning(sf.c.id), values).scalar_one()
        else:
            file_id = existing.id
            conn.execute(delete(wo).where(wo.c.source_file_id == file_id))
            conn.execute(update(sf).where(sf.c.id == file_id).values(**values))
            result.outcome = "replaced"
        by_code: dict[str, int] = dict(conn.execute(select(ent.c.uscc, ent.c.id).where(ent.c.uscc.is_not(None))).all())
        by_name: dict[str, list[int]] = {}
        for key, eid in conn.execute(select(ent.c.name_key, ent.c.id)):
            by_name.setdefault(key, []).append(eid)
        batch = []
        for sheet in listfile.sheets:
            sub = _sub_header(sheet)
            stages = stage_columns(sheet.header.labels, sub) if sub else []
            for row in sheet.rows:
                batch.append(_order_values(sheet, row, stages, file_id, item_id, dept_id,
                                           by_code, by_name, result))
        if batch:
            conn.execute(insert(wo), batch)
        conn.execute(update(sf).where(sf.c.id == file_id).values(
            rows_total=result.rows, rows_accepted=result.linked))
    return result


def _order_values(sheet, row, stages, file_id, item_id, dept_id, by_code, by_name, result):  # type: ignore[no-untyped-def]
    reasons: list[str] = []
    code = normalise_credit_code(sheet.cell(row, "uscc"))
    name = normalise_name(sheet.cell(row, "name"))
    enterprise_id = by_code.get(code.code) if code.code else None
    if enterprise_id is None and name:
        candidates = by_name.get(name_key(name), [])
        if len(candidates) == 1:
            enterprise_id = candidates[0]
    if enterprise_id is None:
        reasons.append("wo_no_enterprise")
    stage_values = []
    total_from_stages = 0.0
    for st in stages:
        cells = row.cells

        def cell(col: int | None, cells: Sequence[object] = cells) -> object:
            return cells[col] if col is not None and col < len(cells) else None

        start, end = parse_date(cell(st.start)), parse_date(cell(st.end))
        if (cell(st.start) not in (None, "") and start is None) or (
                cell(st.end) not in (None, "") and end is None):
            reasons.append("wo_bad_date")
        days = parse_days(cell(st.days))
        if days is None and start and end:
            days = float((end - start).days)
        total_from_stages += days or 0.0
        stage_values.append({"name": st.name, "start": start.isoformat() if start else None,
                             "end": end.isoformat() if end else None, "days": days})
    total = parse_days(sheet.cell(row, "total_days"))
    if total is not None and stage_values and abs(total - total_from_stages) > 0.5:
        reasons.append("wo_days_mismatch")
    phones = normalise_phones(sheet.cell(row, "phone"))
    result.rows += 1
    if enterprise_id is not None:
        result.linked += 1
    for r in reasons:
        result.reasons[r] = result.reasons.get(r, 0) + 1
    order_no = sheet.cell(row, "order_no")
    if isinstance(order_no, float) and order_no.is_integer():
        order_no = int(order_no)
    return {
        "source_file_id": file_id, "sheet": sheet.name, "row": row.row,
        "order_no": "" if order_no is None else str(order_no).strip(),
        "enterprise_id": enterprise_id, "item_id": item_id, "department_id": dept_id,
        "name": name, "uscc": code.code,
        "contact": str(sheet.cell(row, "contact") or "").strip(),
        "phone_e164": phones.primary.e164 if phones.primary else None,
        "business": str(sheet.cell(row, "business") or "").strip(),
        "stages": json.dumps(stage_values, ensure_ascii=False),
        "total_days": total if total is not None else (total_from_stages if stage_values else None),
        "reasons": ",".join(dict.fromkeys(reasons)),
        "raw": raw_json(row.cells),
    }
