"""Importing departments' lists and work orders, on behalf of a supervisor.

Before anything is written the jobs are checked against what the wave holds, so a
typo cannot silently re-file a list: an item outside the wave's catalogue is
refused, a department name one character away from an existing one and a list
already filed under another department or item need confirmation
(:class:`~callcentre.errors.ConfirmationRequired`, with the details of what would
move). The import itself runs file by file in its own transactions
(:mod:`callcentre.importer.pipeline`); each file's outcome is audited.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from callcentre.db.models.frame import Department, Item, SourceFile, Wave
from callcentre.errors import ConfirmationRequired, InvalidInput
from callcentre.i18n import t
from callcentre.importer.jobs import ImportJob
from callcentre.importer.pipeline import FileResult, ImportSummary
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from callcentre.services.waves import resolve_wave
from sampling.identifiers.names import normalise_name
from sampling.identifiers.region import RegionFacts


def wave_items(session: Session, wave: Wave) -> set[int] | None:
    """Item numbers of the wave's catalogue (the bundled one for its year, plus any
    item the wave already holds); None when the wave has no catalogue at all."""
    numbers = set(session.exec(select(Item.number).where(Item.wave_id == wave.id)).all())
    try:
        from questionnaires.catalogue import load_catalogue

        numbers |= {it.item for it in load_catalogue(int(wave.code[:4]))}
    except (ValueError, LookupError, OSError):
        pass
    return numbers or None


def one_apart(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one character (typed, missing or extra)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def near_department(name: str, existing: Sequence[str]) -> str | None:
    """An existing department ``name`` is probably a typo of (same after
    normalising width and spaces, or one character apart), else None."""
    key = normalise_name(name)
    if key in existing:
        return None
    folded = unicodedata.normalize("NFKC", key).replace(" ", "")
    for other in existing:
        if unicodedata.normalize("NFKC", other).replace(" ", "") == folded or one_apart(
                key, other):
            return other
    return None


def check_jobs(session: Session, *, wave: Wave, jobs: Sequence[ImportJob]) -> list[str]:
    """Refuse items outside the catalogue; return what needs confirming (one line each)."""
    items = wave_items(session, wave)
    for job in jobs:
        if job.item is not None and items is not None and job.item not in items:
            raise InvalidInput("import.item_outside", item=job.item, wave=wave.code,
                               lo=min(items), hi=max(items), file=job.path.name)
    departments = list(session.exec(select(Department.name)).all())
    asks: list[str] = []
    for name in sorted({j.department for j in jobs if j.department}):
        near = near_department(name, departments)
        if near is not None:
            asks.append(t("import.confirm.near_department", given=name, existing=near))
    known = {path: (name, number, dept) for path, name, number, dept in session.exec(
        select(SourceFile.path, SourceFile.name, Item.number, Department.name)
        .join(Item, col(Item.id) == SourceFile.item_id)
        .join(Department, col(Department.id) == SourceFile.department_id)
        .where(SourceFile.wave_id == wave.id, SourceFile.kind == "list")).all()}
    for job in jobs:
        path = job.path.resolve() if job.path.exists() else job.path
        was = known.get(str(path))
        if was is None:
            continue
        name, old_item, old_dept = was
        dept = normalise_name(job.department) if job.department else old_dept
        item = job.item if job.item is not None else old_item
        if (dept, item) != (old_dept, old_item):
            asks.append(t("import.confirm.refile", file=name, old_dept=old_dept,
                          old_item=old_item, new_dept=dept, new_item=item))
    return asks


@dataclass
class ImportOutcome:
    wave: str
    summary: ImportSummary


def import_lists(*, session: Session, actor: Actor, jobs: Sequence[ImportJob],
                 wave: str | None, confirmed: bool = False,
                 on_file: Callable[[ImportJob, int], None] | None = None,
                 progress: Callable[[int], None] | None = None,
                 workers: int | None = None, region: RegionFacts) -> ImportOutcome:
    """Import ``jobs`` into ``wave`` (the current wave when None), reading districts
    and local phone numbers as ``region`` (the settings' region) has them.

    Raises :class:`ConfirmationRequired` (nothing written) when a list would be
    re-filed or a department looks like a typo, unless ``confirmed``.
    """
    require(actor, "import")
    if not jobs:
        raise InvalidInput("import.no_files")
    w = resolve_wave(session, wave=wave)
    asks = check_jobs(session, wave=w, jobs=jobs)
    if asks and not confirmed:
        raise ConfirmationRequired("import.confirm.title", details=asks)
    code, wave_id = w.code, int(w.id or 0)
    # no read transaction may stay open through the import: SQLite's final
    # checkpoint would wait for it (the busy timeout, a minute)
    session.rollback()
    from callcentre.importer.pipeline import import_files

    engine = session.get_bind()
    summary = import_files(engine, jobs, wave=code, on_file=on_file,  # type: ignore[arg-type]
                           progress=progress, workers=workers, region=region)
    _audit_files(session, actor=actor, wave_id=wave_id, files=summary.files)
    return ImportOutcome(code, summary)


def _audit_files(session: Session, *, actor: Actor, wave_id: int,
                 files: Sequence[FileResult]) -> None:
    from callcentre.db.engine import writing

    session.rollback()
    with writing(session):
        for f in files:
            record(session, actor=actor, action=f"import.{f.outcome}", object_type="file",
                   object_id=f.path.name[:100], wave_id=wave_id, after={
                       "path": str(f.path), "kind": f.kind, "department": f.department,
                       "item": f.item, "error": f.error, "replaces": f.replaces,
                       "same_as": f.same_as, "counts": dict(f.counts),
                       "new_enterprises": f.new_enterprises})


def import_workorder_files(*, session: Session, actor: Actor, paths: Sequence[Path],
                           wave: str | None, department: str | None,
                           item: int, region: RegionFacts) -> list[tuple[Path, object]]:
    """Import 附件5 work-order files; returns (path, result) per file."""
    from callcentre.importer.workorders import import_workorders

    require(actor, "import")
    w = resolve_wave(session, wave=wave)
    check_jobs(session, wave=w, jobs=[ImportJob(p, department, item) for p in paths])
    code, wave_id = w.code, int(w.id or 0)
    session.rollback()
    engine = session.get_bind()
    out: list[tuple[Path, object]] = []
    for path in paths:
        result = import_workorders(engine, path, wave=code,  # type: ignore[arg-type]
                                   department=department, item=item, region=region)
        out.append((path, result))
    from callcentre.db.engine import writing

    with writing(session):
        for path, r in out:
            record(session, actor=actor, action="workorders.failed" if getattr(r, "error", None)
                   else f"workorders.{getattr(r, 'outcome', 'imported')}",
                   object_type="file", object_id=path.name[:100], wave_id=wave_id,
                   after={"path": str(path), "error": getattr(r, "error", None),
                          "rows": getattr(r, "rows", 0), "linked": getattr(r, "linked", 0)})
    return out
