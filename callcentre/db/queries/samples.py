"""Stored samples: designs, strata, units and cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, exists, func, insert, update
from sqlmodel import Session, col, select

from callcentre.db.engine import lock_rows
from callcentre.db.models.frame import ListRow
from callcentre.db.models.sample import (
    SampleCase,
    SampleCaseItem,
    SampleDesign,
    SampleStratum,
    SampleUnit,
)


def _now() -> datetime:
    return datetime.now(UTC)


def find_design(session: Session, *, wave_id: int, name: str) -> SampleDesign | None:
    return session.exec(select(SampleDesign).where(
        SampleDesign.wave_id == wave_id, SampleDesign.name == name)).first()


def insert_strata(session: Session, *, design_id: int, rows: Sequence[dict[str, Any]]) -> dict[int, int]:
    """Insert the strata; returns position -> stratum id."""
    session.execute(insert(SampleStratum), [{"design_id": design_id, **r} for r in rows])
    return dict(session.exec(select(SampleStratum.position, SampleStratum.id).where(
        SampleStratum.design_id == design_id)).all())  # type: ignore[arg-type]


def insert_units(session: Session, *, rows: Sequence[dict[str, Any]], chunk: int = 5000) -> None:
    for start in range(0, len(rows), chunk):
        session.execute(insert(SampleUnit), rows[start:start + chunk])


def materialise_cases(session: Session, *, design: SampleDesign, replicate: int) -> int:
    """Give every released unit without a case one: one case per enterprise.
    Returns the number of new cases."""
    pending = session.exec(select(SampleUnit.id, SampleUnit.enterprise_id, SampleUnit.item_id)
                           .where(SampleUnit.design_id == design.id,
                                  col(SampleUnit.released).is_(True),
                                  col(SampleUnit.case_id).is_(None))
                           .order_by(col(SampleUnit.id))).all()
    if not pending:
        return 0
    existing = dict(session.exec(select(SampleCase.enterprise_id, SampleCase.id)
                                 .where(SampleCase.design_id == design.id)).all())
    new_ents = sorted({e for _, e, _ in pending} - set(existing))
    if new_ents:
        session.execute(insert(SampleCase), [
            {"design_id": design.id, "wave_id": design.wave_id, "enterprise_id": e,
             "replicate": replicate, "n_items": 0, "status": "new", "created_at": _now()}
            for e in new_ents
        ])
        existing = dict(session.exec(select(SampleCase.enterprise_id, SampleCase.id)
                                     .where(SampleCase.design_id == design.id)).all())
    by_case: dict[int, list[int]] = {}
    items = []
    for unit_id, ent, item in pending:
        case_id = existing[ent]
        by_case.setdefault(case_id, []).append(unit_id)  # type: ignore[arg-type]
        items.append({"case_id": case_id, "unit_id": unit_id, "item_id": item})
    session.execute(insert(SampleCaseItem), items)
    for case_id, unit_ids in by_case.items():
        for start in range(0, len(unit_ids), 500):
            session.execute(update(SampleUnit)
                            .where(col(SampleUnit.id).in_(unit_ids[start:start + 500]))
                            .values(case_id=case_id))
        session.execute(update(SampleCase).where(col(SampleCase.id) == case_id)
                        .values(n_items=SampleCase.n_items + len(unit_ids)))
    return len(new_ents)


def strata_of(session: Session, *, design_id: int, lock: bool = False) -> list[SampleStratum]:
    """The design's strata in position order; ``lock``: ``FOR UPDATE`` on PostgreSQL."""
    stmt = select(SampleStratum).where(SampleStratum.design_id == design_id).order_by(
        col(SampleStratum.position))
    return list(session.exec(lock_rows(stmt) if lock else stmt).all())


def release_units(session: Session, *, stratum: SampleStratum, replicate: int) -> int:
    """Mark the units of reserve ``replicate`` of ``stratum`` released; counts computed
    in SQL (no stale read-modify-write). Returns the units released."""
    res = session.execute(
        update(SampleUnit)
        .where(col(SampleUnit.stratum_id) == stratum.id, col(SampleUnit.replicate) == replicate,
               col(SampleUnit.released).is_(False))
        .values(released=True, released_at=_now()))
    count = int(res.rowcount or 0)  # type: ignore[attr-defined]
    session.execute(update(SampleStratum).where(col(SampleStratum.id) == stratum.id).values(
        released_replicates=replicate, released=SampleStratum.released + count))
    return count


def strata_rows(session: Session, *, design_id: int) -> list[dict[str, object]]:
    """The stored allocation table with released counts and base weights."""
    out = []
    for s in strata_of(session, design_id=design_id):
        out.append({
            "stratum": s.label, "population": s.population, "size": s.size,
            "fraction": s.size / s.population if s.population else 0.0,
            "reserve": s.reserve, "replicate_size": s.replicate_size,
            "replicates": s.replicates, "released_replicates": s.released_replicates,
            "released": s.released,
            "weight": s.population / s.released if s.released else 0.0,
        })
    return out


def count_cases(session: Session, *, design_id: int) -> int:
    return int(session.exec(select(func.count()).select_from(SampleCase).where(
        SampleCase.design_id == design_id)).one())


def fieldwork_begun(session: Session, *, design_id: int) -> bool:
    """Whether any case of the design has left its initial state or been called."""
    from callcentre.db.models.fieldwork import CallAttempt

    if session.exec(select(func.count()).select_from(CallAttempt).where(
            col(CallAttempt.case_id).in_(select(SampleCase.id).where(
                SampleCase.design_id == design_id)))).one():
        return True
    return bool(session.exec(select(func.count()).select_from(SampleCase).where(
        SampleCase.design_id == design_id, SampleCase.status != "new")).one())


def designs_of(session: Session, *, wave_id: int) -> list[dict[str, object]]:
    out = []
    for d in session.exec(select(SampleDesign).where(SampleDesign.wave_id == wave_id)
                          .order_by(col(SampleDesign.id))).all():
        off_list = session.exec(select(func.count()).select_from(SampleUnit).where(
            SampleUnit.design_id == d.id, col(SampleUnit.released).is_(True),
            ~exists().where(ListRow.membership_id == SampleUnit.membership_id))).one()
        out.append({"design": d.name, "seed": d.seed, "version": d.software_version,
                    "size": d.target, "cases": count_cases(session, design_id=int(d.id or 0)),
                    "off_list": int(off_list), "created": d.created_at})
    return out


def delete_design(session: Session, *, design_id: int) -> None:
    """Delete a design with its strata, units and cases."""
    from callcentre.db.models.fieldwork import CasePhone, CaseQueue

    case_ids = select(SampleCase.id).where(SampleCase.design_id == design_id)
    session.execute(delete(CasePhone).where(col(CasePhone.case_id).in_(case_ids)))
    session.execute(delete(CaseQueue).where(col(CaseQueue.design_id) == design_id))
    session.execute(delete(SampleCaseItem).where(col(SampleCaseItem.case_id).in_(case_ids)))
    session.execute(delete(SampleUnit).where(col(SampleUnit.design_id) == design_id))
    session.execute(delete(SampleCase).where(col(SampleCase.design_id) == design_id))
    session.execute(delete(SampleStratum).where(col(SampleStratum.design_id) == design_id))
    session.execute(delete(SampleDesign).where(col(SampleDesign.id) == design_id))
