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

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from callcentre.db.engine import write_transaction
from callcentre.db.models import Enterprise, SourceFile, Wave, WorkOrder
from callcentre.db.models.frame import utcnow
from callcentre.importer.setup import IMPORT_LOCK, ensure_department, ensure_items, ensure_wave
from sampling.identifiers.names import name_key
from sampling.identifiers.region import TIANJIN, RegionFacts
from sampling.listfile.reader import (
    ListFileError,
    ListSheet,
    department_from_preamble,
    read_list_file,
    sha256_file,
)
from sampling.listfile.workorders import (  # noqa: F401 (parse_date, parse_days: re-exported)
    parse_date,
    parse_days,
    read_orders,
)

_NO_ENTERPRISE = "wo_no_enterprise"
_CHUNK = 500

SF = SourceFile.__table__  # type: ignore[attr-defined]
WO = WorkOrder.__table__  # type: ignore[attr-defined]
ENT = Enterprise.__table__  # type: ignore[attr-defined]


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
    engine: Engine, path: Path, *, wave: str, department: str | None, item: int | None,
    region: RegionFacts = TIANJIN,
) -> WorkOrderResult:
    """Import one work-order file. The same content for the same item and department
    again is unchanged (but earlier orders are relinked); anything else replaces the
    file's earlier orders. A path imported as a list is refused. ``region``: the area
    of a bare local phone number."""
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
        _write(engine, path, result, wave=wave, department=department, item=item, sheets=sheets,
               region=region)
    except _Refused:
        result.error = "already_list"      # a SourceFile never changes its kind
    return result


def _write(engine: Engine, path: Path, result: WorkOrderResult, *, wave: str, department: str,
           item: int, sheets: list[ListSheet], region: RegionFacts) -> None:
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
        orders, result.blank = read_orders(sheets, region)
        _store_orders(conn, orders,
                      {"source_file_id": file_id, "item_id": item_id, "department_id": dept_id},
                      result)
        conn.execute(update(SF).where(SF.c.id == file_id).values(
            rows_total=result.rows, rows_accepted=result.linked))
        result.relinked = relink_workorders(conn)
