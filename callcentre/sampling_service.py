"""The sample export workbook (allocation, released sample, design).

Everything else that was here moved: the design, draw and release to
:mod:`callcentre.services.sampling`, their SQL to :mod:`callcentre.db.queries`,
the strata to :mod:`sampling.strata`, the option checks to
:mod:`callcentre.services.sampling_options`.
"""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, select

from callcentre.db.models.frame import Department, Enterprise, Item, ItemMembership
from callcentre.db.models.sample import SampleDesign, SampleStratum, SampleUnit
from callcentre.db.queries.frame import on_a_list as _on_a_list
from callcentre.db.queries.samples import strata_rows as _strata_rows
from callcentre.i18n import t


def mask_phone(number: str | None) -> str:
    """Masked phone for reports (``138****5678``)."""
    if not number:
        return ""
    from sampling.identifiers.phone import mask_phone as _mask

    return _mask(number)


def strata_rows(session: Session, *, design: SampleDesign) -> list[dict[str, object]]:
    return _strata_rows(session, design_id=int(design.id or 0))


def export_xlsx(session: Session, *, design: SampleDesign, path: Path,
                full_phones: bool = False) -> Path:
    """Write the allocation table, the released sample and the design to xlsx."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(t("sample.sheet.allocation"))
    cols = ["stratum", "population", "size", "fraction", "reserve", "replicate_size",
            "replicates", "released_replicates", "released", "weight"]
    ws.append([t(f"sample.col.{c}") for c in cols])
    for row in strata_rows(session, design=design):
        ws.append([row[c] for c in cols])

    ws = wb.create_sheet(t("sample.sheet.sample"))
    ws.append([t(k) for k in ("sample.col.case", "sample.col.uscc", "sample.col.name",
                              "sample.col.district", "sample.col.item", "sample.col.department",
                              "sample.col.stratum", "sample.col.rank", "sample.col.replicate",
                              "sample.col.prn", "sample.col.weight", "sample.col.phone",
                              "sample.col.list_status")])
    stmt = (
        select(SampleUnit.case_id, Enterprise.uscc, Enterprise.name, Enterprise.district_code,
               Item.number, Department.name, SampleStratum.label, SampleUnit.rank,
               SampleUnit.replicate, SampleUnit.prn, SampleStratum.population,
               SampleStratum.released, Enterprise.phone_e164,
               _on_a_list().label("on_list"))
        .join(SampleStratum, SampleStratum.id == SampleUnit.stratum_id)
        .join(Enterprise, Enterprise.id == SampleUnit.enterprise_id)
        .join(Item, Item.id == SampleUnit.item_id)
        .join(ItemMembership, ItemMembership.id == SampleUnit.membership_id)
        .join(Department, Department.id == ItemMembership.department_id)
        .where(SampleUnit.design_id == design.id, SampleUnit.released == True)
        .order_by(SampleStratum.position, SampleUnit.rank)
    )
    removed = t("sample.list_status.removed")
    for (case_id, uscc, name, dist, item, dept, label, rank, rep, u, big_n, released,
         phone, on_list) in session.exec(stmt).all():
        ws.append([case_id, uscc or "", name, dist or "", item, dept, label, rank, rep, u,
                   big_n / released if released else None,
                   (phone or "") if full_phones else mask_phone(phone),
                   "" if on_list else removed])

    ws = wb.create_sheet(t("sample.sheet.design"))
    for k, v in (("sample.col.design", design.name), ("sample.col.seed", design.seed),
                 ("sample.col.version", design.software_version),
                 ("sample.col.created", design.created_at.isoformat()),
                 ("frame_digest", design.frame_digest), ("params", design.params)):
        ws.append([t(k) if k.startswith("sample.") else k, v])
    path = Path(path)
    wb.save(path)
    return path
