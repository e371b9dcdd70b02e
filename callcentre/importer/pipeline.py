"""Import list files into the frame: read, normalise, de-duplicate, store.

Each file is imported in its own transaction: a file that cannot be read is
reported and skipped while the others go on; a file whose content changed
replaces its earlier rows atomically; an unchanged file (same sha256) is left
alone. Every data row is stored (``ListRow``) whatever its status, so that per
file ``rows in = accepted + warning + rejected + duplicate``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, exists, insert, select, update
from sqlalchemy.engine import Connection, Engine

from callcentre.db.models import Enterprise, ItemMembership, ListRow, SourceFile
from callcentre.db.models.frame import utcnow
from callcentre.importer.frame_index import EnterpriseState, FrameIndex, phone_text
from callcentre.importer.jobs import ImportJob
from callcentre.importer.setup import ensure_department, ensure_items, ensure_wave
from sampling.listfile.normalise import STATUSES, NormalisedRow, normalise_row, raw_json, row_status
from sampling.listfile.reader import (
    ListFile,
    ListFileError,
    department_from_preamble,
    read_list_file,
    sha256_file,
)

ProgressFn = Callable[[int], None]


@dataclass(slots=True)
class FileResult:
    """What happened to one file."""

    path: Path
    outcome: str                      # imported | replaced | unchanged | failed
    kind: str = "list"                # list | workorder
    department: str | None = None
    item: int | None = None
    error: str | None = None          # catalogue suffix: import.file.<error>
    detail: str = ""
    same_as: str | None = None        # unchanged: the earlier file with this content
    counts: Counter[str] = field(default_factory=Counter)   # status -> rows
    reasons: Counter[str] = field(default_factory=Counter)  # reason -> rows
    sheets: list[dict[str, object]] = field(default_factory=list)
    new_enterprises: int = 0
    workorders: int = 0               # work-order files: rows stored
    workorders_linked: int = 0        # … of which linked to an enterprise

    @property
    def rows(self) -> int:
        return sum(self.counts[s] for s in STATUSES)


@dataclass(slots=True)
class ImportSummary:
    wave: str
    files: list[FileResult] = field(default_factory=list)

    def total(self, status: str) -> int:
        return sum(f.counts[status] for f in self.files)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "failed"]


def count_rows(path: Path) -> int:
    """Cheap upper bound used to size a progress bar (file size in bytes)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def import_files(
    engine: Engine,
    jobs: Sequence[ImportJob],
    *,
    wave: str = "2021",
    on_file: Callable[[ImportJob, int], None] | None = None,
    progress: ProgressFn | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> ImportSummary:
    """Import list files; never raises for a bad file (it is reported in the result).

    Parameters
    ----------
    on_file
        Called before each file with the job and its number of data rows (0 if it
        could not be read).
    progress
        Called with the number of rows just processed.
    on_result
        Called with each file's result as soon as it is known.
    """
    summary = ImportSummary(wave=wave)
    with engine.begin() as conn:
        wave_id = ensure_wave(conn, wave)
    index: FrameIndex | None = None
    for job in jobs:
        path = job.path.resolve() if job.path.exists() else job.path
        result = FileResult(path=path, outcome="failed", department=job.department, item=job.item)
        try:
            listfile = read_list_file(path)
        except ListFileError as exc:
            result.error, result.detail = exc.code, exc.detail
            _finish(summary, result, on_file, job, on_result)
            continue
        except OSError as exc:
            result.error, result.detail = "unreadable", str(exc)
            _finish(summary, result, on_file, job, on_result)
            continue
        department = job.department or _department_from_file(listfile)
        result.department = department
        if department is None:
            result.error = "no_department"
            _finish(summary, result, on_file, job, on_result)
            continue
        if job.item is None:
            result.error = "no_item"
            _finish(summary, result, on_file, job, on_result)
            continue
        if is_workorder_file(listfile):
            _import_workorder_file(engine, job, result, wave=wave)
            index = None  # new enterprises may not exist, but keep the index honest
            _finish(summary, result, on_file, job, on_result)
            continue
        if on_file is not None:
            on_file(job, listfile.data_rows)
        if index is None:
            with engine.connect() as conn:
                index = FrameIndex.load(conn)
        try:
            with engine.begin() as conn:
                _import_list(conn, index, listfile, result, wave_id=wave_id,
                             department=department, item=job.item, progress=progress)
        except Exception:
            index = None  # the in-memory index may hold rows that were rolled back
            raise
        summary.files.append(result)
        if on_result is not None:
            on_result(result)
    return summary


def _finish(summary: ImportSummary, result: FileResult, on_file, job, on_result) -> None:  # type: ignore[no-untyped-def]
    if on_file is not None:
        on_file(job, 0)
    summary.files.append(result)
    if on_result is not None:
        on_result(result)


def is_workorder_file(listfile: ListFile) -> bool:
    """A 附件5 work-order file: its header names a work-order number column."""
    return any("order_no" in sheet.header.columns for sheet in listfile.sheets)


def _import_workorder_file(engine: Engine, job: ImportJob, result: FileResult, *, wave: str) -> None:
    from callcentre.importer.workorders import import_workorders

    result.kind = "workorder"
    wo = import_workorders(engine, job.path, wave=wave, department=result.department,
                           item=job.item) if job.item is not None else None
    if wo is None:
        result.error = "no_item"
        return
    if wo.error:
        result.error, result.detail = wo.error, wo.detail
        return
    result.outcome = wo.outcome
    result.workorders, result.workorders_linked = wo.rows, wo.linked


def _department_from_file(listfile: ListFile) -> str | None:
    for sheet in listfile.sheets:
        name = department_from_preamble(sheet.preamble)
        if name:
            return name
    return None


def _import_list(
    conn: Connection,
    index: FrameIndex,
    listfile: ListFile,
    result: FileResult,
    *,
    wave_id: int,
    department: str,
    item: int,
    progress: ProgressFn | None,
) -> None:
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    sha = sha256_file(listfile.path)
    path_text = str(listfile.path)
    dept_id = ensure_department(conn, department)
    item_id = ensure_items(conn, wave_id, [item])[item]

    existing = conn.execute(
        select(sf.c.id, sf.c.sha256).where(sf.c.wave_id == wave_id, sf.c.path == path_text)
    ).first()
    if existing is not None and existing.sha256 == sha:
        result.outcome = "unchanged"
        return
    same = conn.execute(
        select(sf.c.path).where(sf.c.wave_id == wave_id, sf.c.sha256 == sha, sf.c.kind == "list",
                                sf.c.department_id == dept_id, sf.c.item_id == item_id)
    ).first()
    if same is not None:
        result.outcome, result.same_as = "unchanged", same.path
        return

    values = dict(wave_id=wave_id, department_id=dept_id, item_id=item_id, kind="list",
                  path=path_text, name=listfile.path.name, sha256=sha,
                  size=listfile.path.stat().st_size, imported_at=utcnow())
    if existing is None:
        file_id = conn.execute(insert(sf).returning(sf.c.id), values).scalar_one()
        result.outcome = "imported"
    else:
        file_id = existing.id
        _delete_file_rows(conn, file_id)
        conn.execute(update(sf).where(sf.c.id == file_id).values(**values))
        result.outcome = "replaced"

    pending: list[tuple[dict[str, object], EnterpriseState | None, bool]] = []
    seen: dict[tuple[object, ...], tuple[str, EnterpriseState | None]] = {}
    for sheet in listfile.sheets:
        columns = sheet.header.columns
        seq_col = columns.get("seq")
        done = 0
        for data_row in sheet.rows:
            cells = data_row.cells
            key = tuple(c for i, c in enumerate(cells) if i != seq_col and c not in ("", None))
            where = f"{sheet.name}!{data_row.row}"
            row = normalise_row(columns, cells)
            first = seen.get(key)
            duplicate_of = None
            if first is not None:
                duplicate_of, ent = first
                row.reasons.append("duplicate_row")
            else:
                ent = index.resolve(row) if "not_identifiable" not in row.reasons else None
                seen[key] = (where, ent)
            status = row_status(row.reasons)
            result.counts[status] += 1
            result.reasons.update(row.reasons)
            pending.append((_row_values(file_id, sheet.name, data_row.row, cells, row, status,
                                        duplicate_of), ent, status in ("accepted", "warning")))
            done += 1
            if progress is not None and done % 2000 == 0:
                progress(2000)
        if progress is not None and done % 2000:
            progress(done % 2000)
        result.sheets.append({
            "sheet": sheet.name, "header_row": sheet.header_row, "data_rows": len(sheet.rows),
            "blank_rows": sheet.blank_rows, "note_rows": sheet.note_rows,
            "repeated_header_rows": sheet.repeated_header_rows,
            "columns": {k: sheet.header.labels[v] for k, v in sheet.header.columns.items()},
        })
    for skip in listfile.skipped:
        result.sheets.append({"sheet": skip.sheet, "skipped": skip.reason,
                              "nonblank_rows": skip.nonblank_rows})

    result.new_enterprises = _write_enterprises(conn, index)
    memberships = _write_memberships(conn, pending, wave_id=wave_id, item_id=item_id,
                                     dept_id=dept_id)
    batch = []
    for values_, ent, member in pending:
        if ent is not None:
            values_["enterprise_id"] = ent.id
            if member or values_["status"] == "duplicate":
                values_["membership_id"] = memberships.get(ent.id)
        batch.append(values_)
        if len(batch) >= 5000:
            conn.execute(insert(ListRow.__table__), batch)  # type: ignore[attr-defined]
            batch = []
    if batch:
        conn.execute(insert(ListRow.__table__), batch)  # type: ignore[attr-defined]
    conn.execute(update(sf).where(sf.c.id == file_id).values(
        rows_total=result.rows,
        rows_accepted=result.counts["accepted"],
        rows_warning=result.counts["warning"],
        rows_rejected=result.counts["rejected"],
        rows_duplicate=result.counts["duplicate"],
        sheets=json.dumps(result.sheets, ensure_ascii=False),
    ))


def _row_values(
    file_id: int, sheet: str, excel_row: int, cells: tuple[object, ...], row: NormalisedRow,
    status: str, duplicate_of: str | None,
) -> dict[str, object]:
    primary = row.primary
    return {
        "source_file_id": file_id,
        "sheet": sheet,
        "row": excel_row,
        "raw": raw_json(cells),
        "status": status,
        "reasons": ",".join(row.reasons),
        "name": row.name[:300],
        "uscc": row.uscc,
        "reg_no": row.reg_no,
        "district_code": row.district_code,
        "zone": row.zone,
        "phone_e164": primary.e164 if primary else None,
        "phone_ext": primary.ext if primary else None,
        "phones": ";".join(phone_text(p) for p in row.phones)[:500],
        "contact": row.contact[:200],
        "business": row.business,
        "enterprise_id": None,
        "membership_id": None,
        "duplicate_of": duplicate_of,
    }


def _write_enterprises(conn: Connection, index: FrameIndex) -> int:
    """Insert new enterprises (provisional ids), update changed ones; clear flags."""
    t = Enterprise.__table__  # type: ignore[attr-defined]
    new = [e for e in index.by_id.values() if e.id < 0]
    changed = [e for e in index.by_id.values() if e.id > 0 and e.dirty]
    if new:
        now = utcnow()
        params = [{**e.row_values(), "created_at": now} for e in new]
        ids = conn.execute(
            insert(t).returning(t.c.id, sort_by_parameter_order=True), params
        ).scalars().all()
        index.assign_ids({e.id: real for e, real in zip(new, ids)})
    if changed:
        from sqlalchemy import bindparam

        stmt = update(t).where(t.c.id == bindparam("eid")).values(
            {c: bindparam(c) for c in ("name", "name_key", "district_code", "phone_e164",
                                        "phone_ext", "phone_kind", "phones", "conflicts")}
        )
        params = []
        for e in changed:
            values = e.row_values()
            params.append({"eid": e.id, **{k: values[k] for k in (
                "name", "name_key", "district_code", "phone_e164", "phone_ext", "phone_kind",
                "phones", "conflicts")}})
        conn.execute(stmt, params)
    for e in new + changed:
        e.dirty = False
    return len(new)


def _write_memberships(
    conn: Connection,
    pending: list[tuple[dict[str, object], EnterpriseState | None, bool]],
    *,
    wave_id: int,
    item_id: int,
    dept_id: int,
) -> dict[int, int]:
    """enterprise id -> membership id for this item and department (created as needed)."""
    t = ItemMembership.__table__  # type: ignore[attr-defined]
    have = dict(conn.execute(
        select(t.c.enterprise_id, t.c.id).where(t.c.item_id == item_id, t.c.department_id == dept_id)
    ).all())
    wanted = []
    for _values, ent, member in pending:
        if ent is not None and member and ent.id not in have:
            have[ent.id] = 0
            wanted.append(ent.id)
    if wanted:
        params = [dict(wave_id=wave_id, enterprise_id=e, item_id=item_id, department_id=dept_id)
                  for e in wanted]
        ids = conn.execute(
            insert(t).returning(t.c.id, sort_by_parameter_order=True), params
        ).scalars().all()
        have.update(zip(wanted, ids))
    return have


def _delete_file_rows(conn: Connection, file_id: int) -> None:
    """Remove a file's rows and the memberships that no other row supports."""
    lr = ListRow.__table__  # type: ignore[attr-defined]
    im = ItemMembership.__table__  # type: ignore[attr-defined]
    affected = conn.execute(
        select(lr.c.membership_id)
        .where(lr.c.source_file_id == file_id, lr.c.membership_id.is_not(None))
        .distinct()
    ).scalars().all()
    conn.execute(delete(lr).where(lr.c.source_file_id == file_id))
    for start in range(0, len(affected), 500):
        chunk = affected[start:start + 500]
        conn.execute(delete(im).where(
            im.c.id.in_(chunk), ~exists().where(lr.c.membership_id == im.c.id)
        ))


__all__ = ["FileResult", "ImportJob", "ImportSummary", "import_files"]
