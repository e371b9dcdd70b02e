"""A hand-built fieldwork for the rates tests: cases, units and attempts inserted directly.

Twelve released cases of wave 2021 (items 5 and 18, districts 和平区 and 滨海新区,
departments 市税务局 and ``[b]政务办``, lines 96599966 / 96599977, callers 王芳 and
李强, Shanghai days 12-01 and 12-02), one case whose only unit is not released, one
reserve unit without a case and one case of another wave. ``EXPECTED`` says, per
case, the group it must count in and the attempt that gave it (line, caller, day).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from callcentre.db.models.accounts import UserAccount
from callcentre.db.models.fieldwork import CallAttempt, CasePhone, CaseQueue
from callcentre.db.models.frame import Department, Enterprise, Item, ItemMembership, Wave
from callcentre.db.models.sample import (
    SampleCase,
    SampleCaseItem,
    SampleDesign,
    SampleStratum,
    SampleUnit,
)
from callcentre.fieldwork.dispositions import DISPOSITIONS

L66, L77 = "96599966", "96599977"
DAY1 = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)     # 12-01 09:00 in Shanghai
DAY2 = datetime(2026, 12, 1, 17, 0, tzinfo=UTC)    # 12-02 01:00 in Shanghai (UTC still 12-01)
DAY2B = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)    # 12-02 11:00

HEPING, BINHAI = "120101", "120116"

# case: (district, [(item, department)], replicate, status, final group, phones,
#        [(disposition key or None, caller, line, start, number)])
CASES: dict[str, tuple[Any, ...]] = {
    "c1": (HEPING, [(5, "A"), (18, "B")], 0, "closed", "I", 1,
           [("no_answer", "wang", L66, DAY1, 0), ("complete", "li", L77, DAY2, 0)]),
    "c2": (HEPING, [(5, "A")], 0, "closed", "R", 1,
           [("busy", "wang", L66, DAY1, 0), ("refusal_hard", "wang", L66, DAY1, 0)]),
    "c3": (BINHAI, [(5, "A")], 0, "open", None, 1,
           [("no_answer", "li", L77, DAY1, 0), ("appointment_soft", "li", L77, DAY2B, 0)]),
    "c4": (BINHAI, [(18, "B")], 0, "open", None, 1,
           [("busy", "li", L77, DAY1, 0), ("busy", "wang", L66, DAY2, 0)]),
    "c5": (BINHAI, [(18, "B")], 0, "held", None, 1,
           [(None, "wang", L66, DAY2B, 0)]),            # in progress only: never dialled
    "c6": (HEPING, [(18, "B")], 0, "open", None, 1,
           [("not_working", "wang", L66, DAY1, 0)]),    # its only number dead
    "c7": (HEPING, [(5, "A")], 0, "open", None, 2,
           [("not_working", "li", L77, DAY1, 0), ("no_answer", "li", L77, DAY2, 1)]),
    "c8": (BINHAI, [(5, "B"), (18, "B")], 0, "open", None, 1,
           [("no_answer", "li", L77, DAY1, 0), ("partial", "wang", L66, DAY2, 0)]),
    "c9": (HEPING, [(5, "A")], 0, "open", None, 1,
           [("refusal_soft", "li", L77, DAY1, 0), ("no_answer", "wang", L66, DAY2, 0)]),
    "c10": (BINHAI, [(18, "B")], 0, "closed", "NE", 1,
            [("enterprise_closed", "wang", L66, DAY1, 0)]),
    "c11": (HEPING, [(5, "A")], 0, "open", None, 1,
            [("abandoned", "wang", L66, DAY1, 0)]),
    "c12": (BINHAI, [(5, "A")], 1, "closed", "O", 1,
            [("other_eligible", "li", L77, DAY2B, 0)]),
}

# case -> (group, line, caller, Shanghai day) of the attempt behind its disposition
EXPECTED: dict[str, tuple[str, str | None, str | None, str | None]] = {
    "c1": ("I", L77, "li", "2026-12-02"),
    "c2": ("R", L66, "wang", "2026-12-01"),
    "c3": ("NC", L77, "li", "2026-12-02"),
    "c4": ("UH", L66, "wang", "2026-12-02"),
    "c5": ("UH", None, None, None),
    "c6": ("NE", L66, "wang", "2026-12-01"),
    "c7": ("UH", L77, "li", "2026-12-02"),
    "c8": ("P", L66, "wang", "2026-12-02"),
    "c9": ("R", L77, "li", "2026-12-01"),
    "c10": ("NE", L66, "wang", "2026-12-01"),
    "c11": ("UH", L66, "wang", "2026-12-01"),
    "c12": ("O", L77, "li", "2026-12-02"),
}


def build(engine: Engine) -> dict[str, int]:
    """Insert the fixture; returns ids by name (cases, callers, departments, wave)."""
    ids: dict[str, int] = {}
    with Session(engine) as s:
        w1, w2 = Wave(code="2021"), Wave(code="2022")
        s.add_all([w1, w2])
        s.flush()
        ids["wave"], ids["wave2"] = int(w1.id or 0), int(w2.id or 0)
        dept = {"A": Department(name="市税务局"), "B": Department(name="[b]政务办")}
        s.add_all(dept.values())
        items = {5: Item(wave_id=ids["wave"], number=5, area_number=1, area_name="企业开办"),
                 18: Item(wave_id=ids["wave"], number=18, area_number=3, area_name="政务服务")}
        s.add_all(items.values())
        users = {"wang": UserAccount(username="wang", display_name="王芳", role="caller"),
                 "li": UserAccount(username="li", display_name="", role="caller")}
        s.add_all(users.values())
        design = SampleDesign(name="main", wave_id=ids["wave"])
        s.add(design)
        s.flush()
        for k, d in dept.items():
            ids[f"dept{k}"] = int(d.id or 0)
        for k, u in users.items():
            ids[k] = int(u.id or 0)
        strata = {n: SampleStratum(design_id=design.id, position=i, label=f"item={n}",
                                   population=100, size=10)
                  for i, n in enumerate((5, 18))}
        s.add_all(strata.values())
        s.flush()

        def unit(ent: Enterprise, item: int, dep: str, released: bool, rank: int) -> SampleUnit:
            m = ItemMembership(wave_id=ids["wave"], enterprise_id=ent.id, item_id=items[item].id,
                               department_id=dept[dep].id)
            s.add(m)
            s.flush()
            u = SampleUnit(design_id=design.id, stratum_id=strata[item].id, membership_id=m.id,
                           enterprise_id=ent.id, item_id=items[item].id, prn_key=str(ent.id),
                           prn=0.5, rank=rank, replicate=0, released=released)
            s.add(u)
            s.flush()
            return u

        def case(name: str, district: str, units: list[tuple[int, str]], replicate: int,
                 released: bool = True, wave_id: int | None = None) -> SampleCase:
            ent = Enterprise(name=f"企业{name}", district_code=district)
            s.add(ent)
            s.flush()
            c = SampleCase(design_id=design.id, wave_id=wave_id or ids["wave"],
                           enterprise_id=ent.id, replicate=replicate, n_items=len(units))
            s.add(c)
            s.flush()
            for rank, (item, dep) in enumerate(units):
                u = unit(ent, item, dep, released, rank)
                u.case_id = c.id
                s.add(SampleCaseItem(case_id=c.id, unit_id=u.id, item_id=items[item].id))
            ids[name] = int(c.id or 0)
            return c

        def attempts(c: SampleCase, rows: list[tuple[Any, ...]]) -> None:
            for key, who, line, start, number in rows:
                d = DISPOSITIONS.get(key) if key else None
                s.add(CallAttempt(case_id=c.id, wave_id=c.wave_id, caller_id=users[who].id,
                                  line=line, number=number, started_at=start,
                                  ended_at=start if d else None,
                                  disposition=key, code=d.code if d else None,
                                  group=d.group.value if d else None,
                                  abandoned=key == "abandoned"))
                s.flush()

        for name, (district, units, rep, status, final, phones, rows) in CASES.items():
            c = case(name, district, units, rep)
            s.add(CaseQueue(case_id=c.id, wave_id=ids["wave"], design_id=design.id,
                            status=status, final_group=final,
                            final_code={"I": "1.1", "R": "2.112", "NE": "4.10", "O": "2.30"}
                            .get(final or "")))
            for pos in range(phones):
                s.add(CasePhone(case_id=c.id, position=pos, e164=f"+8622{c.id:04d}{pos:04d}"))
            attempts(c, rows)
        # a case whose only unit is not released (must never count), with a complete
        c13 = case("c13", HEPING, [(5, "A")], 0, released=False)
        s.add(CaseQueue(case_id=c13.id, wave_id=ids["wave"], design_id=design.id,
                        status="closed", final_group="I", final_code="1.1"))
        attempts(c13, [("complete", "wang", L66, DAY1, 0)])
        # a reserve unit without a case
        ent = Enterprise(name="后备企业", district_code=HEPING)
        s.add(ent)
        s.flush()
        unit(ent, 5, "A", False, 5)
        # a case of another wave
        c14 = case("c14", HEPING, [(5, "A")], 0, wave_id=ids["wave2"])
        s.add(CaseQueue(case_id=c14.id, wave_id=ids["wave2"], design_id=design.id,
                        status="closed", final_group="I", final_code="1.1"))
        attempts(c14, [("complete", "wang", L66, DAY1, 0)])
        s.commit()
    return ids
