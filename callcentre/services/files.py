"""What the database holds for a wave: imported files and departments; removing a file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from callcentre.db.models.frame import Department, Item, ItemMembership, SourceFile
from callcentre.db.models.sample import SampleCase, SampleDesign
from callcentre.errors import Conflict, NotFound
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from callcentre.services.waves import resolve_wave


@dataclass(frozen=True)
class FileRow:
    id: int
    name: str
    path: str
    kind: str
    department: str
    item: int | None
    imported_at: datetime
    rows: int
    accepted: int
    warning: int
    rejected: int
    duplicate: int


def list_files(*, session: Session, actor: Actor, wave: str | None,
               department: str | None = None, item: int | None = None) -> list[FileRow]:
    require(actor, "frame.read")
    w = resolve_wave(session, wave=wave)
    stmt = (select(SourceFile, Department.name, Item.number)
            .outerjoin(Department, col(Department.id) == SourceFile.department_id)
            .outerjoin(Item, col(Item.id) == SourceFile.item_id)
            .where(SourceFile.wave_id == w.id).order_by(col(SourceFile.id)))
    if department:
        stmt = stmt.where(Department.name == department)
    if item is not None:
        stmt = stmt.where(Item.number == item)
    return [FileRow(int(f.id or 0), f.name, f.path, f.kind, dept or "", number, f.imported_at,
                    f.rows_total, f.rows_accepted, f.rows_warning, f.rows_rejected,
                    f.rows_duplicate)
            for f, dept, number in session.exec(stmt).all()]


@dataclass(frozen=True)
class DepartmentRow:
    name: str
    files: int
    items: int
    memberships: int


def list_departments(*, session: Session, actor: Actor, wave: str | None) -> list[DepartmentRow]:
    require(actor, "frame.read")
    w = resolve_wave(session, wave=wave)
    out = []
    for d in session.exec(select(Department).order_by(col(Department.name))).all():
        files = session.exec(select(func.count()).select_from(SourceFile).where(
            SourceFile.department_id == d.id, SourceFile.wave_id == w.id)).one()
        items = session.exec(select(func.count(func.distinct(SourceFile.item_id))).where(
            SourceFile.department_id == d.id, SourceFile.wave_id == w.id)).one()
        members = session.exec(select(func.count()).select_from(ItemMembership).where(
            ItemMembership.department_id == d.id, ItemMembership.wave_id == w.id)).one()
        if files or members:
            out.append(DepartmentRow(d.name, int(files), int(items), int(members)))
    return out


def remove_file(*, session: Session, actor: Actor, wave: str | None, file: str) -> FileRow:
    """Remove an imported file (by id, name or path) and everything only it brought.

    Refused once fieldwork has begun on a sample drawn in the wave: the frame those
    cases came from must stay as it was (send a corrected list instead).
    """
    require(actor, "files.remove")
    w = resolve_wave(session, wave=wave)
    rows = list_files(session=session, actor=actor, wave=w.code)
    matches = [r for r in rows if file in (str(r.id), r.name, r.path)]
    if not matches:
        raise NotFound("files.unknown", file=file, wave=w.code)
    if len(matches) > 1:
        raise Conflict("files.ambiguous", file=file,
                       ids="、".join(f"{r.id}（{r.path}）" for r in matches))
    target = matches[0]
    started = session.exec(select(func.count()).select_from(SampleCase)
                           .join(SampleDesign, col(SampleDesign.id) == SampleCase.design_id)
                           .where(SampleDesign.wave_id == w.id,
                                  SampleCase.status != "new")).one()
    if started:
        raise Conflict("files.fieldwork_begun", file=target.name)
    wave_id = int(w.id or 0)
    session.rollback()  # no read transaction open through the removal
    from callcentre.importer.pipeline import remove_file as _remove

    _remove(session.get_bind(), target.id, before_commit=lambda conn: record(  # type: ignore[arg-type]
        conn, actor=actor, action="files.remove", object_type="file",
        object_id=target.name, wave_id=wave_id, before=target.__dict__))
    return target


def frame_counts(*, session: Session, actor: Actor, wave: str | None) -> tuple[int, int]:
    """Enterprises (in the database) and item memberships (of the wave)."""
    from callcentre.db.models.frame import Enterprise

    require(actor, "frame.read")
    w = resolve_wave(session, wave=wave)
    ents = session.exec(select(func.count()).select_from(Enterprise)).one()
    mems = session.exec(select(func.count()).select_from(ItemMembership).where(
        ItemMembership.wave_id == w.id)).one()
    return int(ents), int(mems)
