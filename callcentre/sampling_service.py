"""The sample export workbook (allocation, released sample, design in words).

Everything else that was here moved: the design, draw and release to
:mod:`callcentre.services.sampling`, their SQL to :mod:`callcentre.db.queries`,
the strata to :mod:`sampling.strata`, the option checks to
:mod:`callcentre.services.sampling_options`; the workbook itself is written by
:mod:`callcentre.reports.sample_export`.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from callcentre.db.models.frame import Department, Enterprise, Item, ItemMembership, ListRow, Wave
from callcentre.db.models.sample import SampleDesign, SampleStratum, SampleUnit
from callcentre.db.queries.frame import on_a_list as _on_a_list
from callcentre.db.queries.samples import strata_rows as _strata_rows
from callcentre.i18n import t
from callcentre.i18n.display import stratum_display
from sampling.identifiers.region import TIANJIN, RegionFacts


def mask_phone(number: str | None) -> str:
    """Masked phone for reports (``138****5678``)."""
    if not number:
        return ""
    from sampling.identifiers.phone import mask_phone as _mask

    return _mask(number)


def strata_rows(session: Session, *, design: SampleDesign) -> list[dict[str, object]]:
    return _strata_rows(session, design_id=int(design.id or 0))


def export_xlsx(session: Session, *, design: SampleDesign, path: Path,
                full_phones: bool = False, region: RegionFacts = TIANJIN) -> Path:
    """Write the allocation table, the released sample and the design (in words)
    to xlsx (:mod:`callcentre.reports.sample_export`); district names of ``region``."""
    from callcentre.reports.atomic import check_folder
    from callcentre.reports.sample_export import SampleExport, write_sample_export

    path = Path(path)
    check_folder(path)  # before any work: a missing folder is the user's to fix
    strata = [{**row, "display": stratum_display(str(row["stratum"]), region)}
              for row in strata_rows(session, design=design)]
    contact = (select(func.max(ListRow.contact))
               .where(ListRow.membership_id == SampleUnit.membership_id)
               .correlate(SampleUnit).scalar_subquery())
    stmt = (
        select(SampleUnit.case_id, Enterprise.uscc, Enterprise.name, contact,
               Enterprise.district_code, Item.number, Department.name, SampleStratum.label,
               SampleUnit.rank, SampleUnit.replicate, SampleUnit.prn, SampleStratum.population,
               SampleStratum.released, Enterprise.phone_e164, _on_a_list().label("on_list"))
        .join(SampleStratum, SampleStratum.id == SampleUnit.stratum_id)
        .join(Enterprise, Enterprise.id == SampleUnit.enterprise_id)
        .join(Item, Item.id == SampleUnit.item_id)
        .join(ItemMembership, ItemMembership.id == SampleUnit.membership_id)
        .join(Department, Department.id == ItemMembership.department_id)
        .where(SampleUnit.design_id == design.id, SampleUnit.released == True)
        .order_by(SampleStratum.position, SampleUnit.rank)
    )
    removed = t("sample.list_status.removed")
    units = [
        [case_id, uscc or "", name, person or "", dist or "", region.district_name(dist or "") or "",
         item, dept, label, stratum_display(label, region), rank, rep, u,
         big_n / released if released else None,
         (phone or "") if full_phones else mask_phone(phone), "" if on_list else removed]
        for (case_id, uscc, name, person, dist, item, dept, label, rank, rep, u, big_n,
             released, phone, on_list) in session.exec(stmt).all()  # type: ignore[call-overload]
    ]
    wave = session.get(Wave, design.wave_id)
    return write_sample_export(path, SampleExport(
        name=design.name, wave=wave.code if wave else "", created_at=design.created_at,
        software_version=design.software_version, seed=design.seed,
        frame_units=design.frame_units, frame_digest=design.frame_digest, target=design.target,
        params=json.loads(design.params or "{}"), strata=strata, units=units,
        full_phones=full_phones))
