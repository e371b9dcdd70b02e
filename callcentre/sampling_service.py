"""Sampling against the database: load the frame into arrays, plan a design,
store a draw, release reserve replicates, export to xlsx.

The maths lives in :mod:`sampling`; this module only moves data between the
database and numpy. Functions take a ``session`` and keyword-only arguments.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import exists, func, insert, update
from sqlmodel import Session, select

from callcentre import __version__
from callcentre.db.models.frame import (
    Department,
    Enterprise,
    Item,
    ItemMembership,
    ListRow,
    Wave,
)
from callcentre.db.models.sample import (
    SampleCase,
    SampleCaseItem,
    SampleDesign,
    SampleStratum,
    SampleUnit,
)
from callcentre.errors import UserError
from callcentre.i18n import t

FRAME_COLUMNS = ("item", "area", "district", "department")
COORDINATION = ("overlap", "spread", "independent")


def user_error_from(exc: ValueError) -> UserError:
    """The user's message for a ``ValueError`` raised by the sampling maths."""
    from sampling.allocation import InfeasibleAllocation

    if isinstance(exc, InfeasibleAllocation):
        return UserError(f"sample.error.infeasible_{exc.bound}", total=exc.total, n=exc.n)
    return UserError("sample.error.value", detail=str(exc))


def mask_phone(number: str | None) -> str:
    """Masked phone for reports (``138****5678``)."""
    if not number:
        return ""
    from sampling.identifiers.phone import mask_phone as _mask

    return _mask(number)


# --- frame -------------------------------------------------------------------


@dataclass
class Frame:
    """The frame units of a wave as parallel arrays (one row per item membership)."""

    wave_id: int
    wave_code: str
    membership_id: np.ndarray
    enterprise_id: np.ndarray
    item_id: np.ndarray
    key: np.ndarray
    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.membership_id.size)

    def subset(self, rows: np.ndarray) -> Frame:
        return Frame(self.wave_id, self.wave_code, self.membership_id[rows],
                     self.enterprise_id[rows], self.item_id[rows], self.key[rows],
                     {k: v[rows] for k, v in self.columns.items()})


def resolve_wave(session: Session, *, wave: str | None) -> Wave:
    """The wave with code ``wave``, or the only wave when ``wave`` is None."""
    if wave is not None:
        found = session.exec(select(Wave).where(Wave.code == wave)).first()
        if found is None:
            raise UserError("sample.error.wave_unknown", wave=wave)
        return found
    waves = session.exec(select(Wave).order_by(Wave.id)).all()
    if not waves:
        raise UserError("sample.error.no_wave")
    if len(waves) > 1:
        raise UserError("sample.error.wave_ambiguous", waves="、".join(w.code for w in waves))
    return waves[0]


def _on_a_list():  # type: ignore[no-untyped-def]
    """``EXISTS`` clause: the membership is supported by at least one list row.

    A membership whose every list row went away (a department re-sent a corrected
    list without the enterprise) is kept by the importer when a sample refers to
    it, but it is no longer on any list and is not a frame unit any more.
    """
    return exists().where(ListRow.membership_id == ItemMembership.id)


def load_frame(session: Session, *, wave: Wave) -> Frame:
    """Load the item memberships of ``wave`` that are on a list (at least one
    :class:`ListRow` refers to them) with their stratification columns.

    The PRN key is the enterprise's credit code, else its old registration number,
    else ``id:<enterprise id>`` (stable within one database only).
    """
    stmt = (
        select(
            ItemMembership.id, ItemMembership.enterprise_id, ItemMembership.item_id,
            Enterprise.uscc, Enterprise.reg_no, Enterprise.district_code,
            Item.number, Item.area_number, Department.name,
        )
        .join(Enterprise, Enterprise.id == ItemMembership.enterprise_id)
        .join(Item, Item.id == ItemMembership.item_id)
        .join(Department, Department.id == ItemMembership.department_id)
        .where(ItemMembership.wave_id == wave.id, _on_a_list())
        .order_by(ItemMembership.id)
    )
    rows = session.exec(stmt).all()
    if not rows:
        raise UserError("sample.error.empty_frame", wave=wave.code)
    cols = list(zip(*rows))
    keys = [u or (f"reg:{r}" if r else f"id:{e}") for u, r, e in zip(cols[3], cols[4], cols[1])]
    return Frame(
        wave_id=int(wave.id),  # type: ignore[arg-type]
        wave_code=wave.code,
        membership_id=np.asarray(cols[0], dtype=np.int64),
        enterprise_id=np.asarray(cols[1], dtype=np.int64),
        item_id=np.asarray(cols[2], dtype=np.int64),
        key=np.asarray(keys, dtype=str),
        columns={
            "item": np.asarray(cols[6], dtype=np.int64),
            "area": np.asarray(cols[7], dtype=np.int64),
            "district": np.asarray([d or "" for d in cols[5]], dtype=str),
            "department": np.asarray(cols[8], dtype=str),
        },
    )


# --- option checks -------------------------------------------------------------

# Made before any maths so that the message names the option and the value typed
# (the maths would name its own parameter, in English, or a derived per-stratum count).
# rule -> (test, catalogue key)
OPTION_RULES: dict[str, tuple[Callable[[float], bool], str]] = {
    "open01": (lambda v: 0.0 < v < 1.0, "sample.error.range_open01"),
    "closed01": (lambda v: 0.0 <= v <= 1.0, "sample.error.range_closed01"),
    "rate": (lambda v: 0.0 < v <= 1.0, "sample.error.range_rate"),
    "positive": (lambda v: v > 0 and math.isfinite(v), "sample.error.range_positive"),
    "non_negative": (lambda v: v >= 0 and math.isfinite(v), "sample.error.range_non_negative"),
    "at_least_one": (lambda v: v >= 1, "sample.error.range_at_least_one"),
}
# parameter name -> (option as typed, rule)
OPTION_CHECKS: dict[str, tuple[str, str]] = {
    "p": ("--p", "open01"),
    "margin": ("--margin", "open01"),
    "confidence": ("--confidence", "open01"),
    "deff": ("--deff", "positive"),
    "population": ("--population", "non_negative"),
    "response_rate": ("--response-rate", "rate"),
    "eligibility_rate": ("--eligibility-rate", "rate"),
    "n": ("--n", "at_least_one"),
    "completes": ("--completes", "at_least_one"),
    "power": ("--power", "closed01"),
    "minimum": ("--minimum", "non_negative"),
    "maximum": ("--maximum", "non_negative"),
    "take_all_below": ("--take-all-below", "non_negative"),
    "reserve_factor": ("--reserve", "non_negative"),
    "replicate_share": ("--replicate", "positive"),
    "max_items": ("--max-items", "at_least_one"),
    "seed": ("--seed", "non_negative"),
}


def _shown(value: float) -> str:
    """A number as the user typed it (``0`` not ``0.0``, ``-1`` not ``-1.0``)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def check_options(values: dict[str, Any]) -> None:
    """Refuse an out-of-range option with a message naming it and the value typed."""
    for name, value in values.items():
        if name not in OPTION_CHECKS or value is None:
            continue
        option, rule = OPTION_CHECKS[name]
        test, key = OPTION_RULES[rule]
        if not test(value):
            raise UserError(key, option=option, value=_shown(value))
    lo, hi = values.get("minimum"), values.get("maximum")
    if lo is not None and hi is not None and lo > hi:
        raise UserError("sample.error.minimum_above_maximum", minimum=lo, maximum=hi)


# --- design --------------------------------------------------------------------


@dataclass
class DesignOptions:
    """Everything that decides the allocation (stored with the draw)."""

    by: tuple[str, ...] = ("item",)
    n: int | None = None
    completes: int | None = None
    margin: float | None = None
    margin_level: str = "overall"
    p: float = 0.5
    p_stratum: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.95
    deff: float = 1.0
    response_rate: float = 1.0
    eligibility_rate: float = 1.0
    method: str = "proportional"
    power: float = 0.5
    minimum: int = 0
    maximum: int | None = None
    take_all_below: int = 0
    reserve_factor: float = 1.0
    replicate_share: float = 0.25
    coordination: str = "overlap"
    max_items: int | None = None


@dataclass
class DesignPlan:
    """A computed allocation, ready to draw."""

    frame: Frame
    options: DesignOptions
    labels: list[str]
    values: list[dict[str, object]]
    stratum_index: np.ndarray
    population: np.ndarray
    sizes: np.ndarray
    reserve: np.ndarray
    replicate_size: np.ndarray
    expected_p: np.ndarray

    def rows(self) -> list[dict[str, object]]:
        out = []
        for h, label in enumerate(self.labels):
            big_n, n_h = int(self.population[h]), int(self.sizes[h])
            out.append({
                "stratum": label,
                "population": big_n,
                "size": n_h,
                "fraction": n_h / big_n if big_n else 0.0,
                "reserve": int(self.reserve[h]),
                "replicate_size": int(self.replicate_size[h]),
            })
        return out


def stratum_label(by: Sequence[str], values: Sequence[object]) -> str:
    """Machine label of a stratum, e.g. ``item=12|district=120101``."""
    if not by:
        return "all"
    return "|".join(f"{c}={v}" for c, v in zip(by, values))


def stratum_display(label: str) -> str:
    """A stratum label for people: ``item=12|district=120101`` → ``第12项 · 和平区``."""
    from sampling.identifiers.district import DISTRICTS

    if label == "all":
        return t("sample.stratum.all")
    parts = []
    for part in label.split("|"):
        column, _, value = part.partition("=")
        if column == "item":
            parts.append(t("sample.stratum.item", n=value))
        elif column == "area":
            parts.append(t("sample.stratum.area", n=value))
        elif column == "district":
            parts.append(DISTRICTS.get(value, t("sample.stratum.no_district")
                                       if value in ("", "None") else value))
        else:
            parts.append(value)
    return " · ".join(parts)


def plan_design(session: Session, *, wave: str | None, options: DesignOptions) -> DesignPlan:
    """Stratify the wave's frame and allocate the sample (nothing is stored)."""
    for c in options.by:
        if c not in FRAME_COLUMNS:
            raise UserError("sample.error.bad_column", column=c, allowed=", ".join(FRAME_COLUMNS))
    if options.coordination not in COORDINATION:
        raise UserError("sample.error.value", detail=f"coordination={options.coordination!r}")
    check_options({k: v for k, v in asdict(options).items() if k in OPTION_CHECKS})
    for text, value in options.p_stratum.items():
        if not 0.0 <= value <= 1.0:
            raise UserError("sample.error.range_closed01", option="--p-stratum",
                            value=f"{text}={_shown(value)}")
    w = resolve_wave(session, wave=wave)
    frame = load_frame(session, wave=w)
    if "department" not in options.by:
        # one frame unit per enterprise × item: keep its first membership
        pair = frame.enterprise_id * (int(frame.item_id.max()) + 1) + frame.item_id
        _, first = np.unique(pair, return_index=True)
        frame = frame.subset(np.sort(first))

    by = tuple(options.by)
    if by:
        parts = [frame.columns[c].astype(str) for c in by]
        combined = parts[0].astype(object)
        for part in parts[1:]:
            combined = combined + "\x1f" + part.astype(object)
        labels_raw, code = np.unique(combined.astype(str), return_inverse=True)
        tuples = [lab.split("\x1f") for lab in labels_raw]
    else:
        code = np.zeros(len(frame), dtype=np.int64)
        tuples = [[]]
    if "item" not in by and len(set(zip(code.tolist(), frame.key.tolist()))) < len(frame):
        # an enterprise listed under several items is a unit of each, with one random
        # number (coordinated across items): they must not share a stratum
        raise UserError("sample.error.item_needed", by=",".join(by) or "—")
    labels = [stratum_label(by, tup) for tup in tuples]
    values = [dict(zip(by, tup)) for tup in tuples]
    big_n = np.bincount(code, minlength=len(labels)).astype(np.int64)

    try:
        p_h = np.full(len(labels), options.p, dtype=float)
        for lab, val in options.p_stratum.items():
            if lab not in labels:
                raise UserError("sample.error.stratum_unknown", label=lab)
            p_h[labels.index(lab)] = val
        take_all = big_n <= options.take_all_below
        sizes = _allocate(options, big_n, p_h, take_all)
        reserve = np.minimum(np.ceil(options.reserve_factor * sizes - 1e-9).astype(np.int64),
                             big_n - sizes)
        rep = np.maximum(np.ceil(options.replicate_share * sizes - 1e-9).astype(np.int64), 1)
    except ValueError as exc:
        raise user_error_from(exc) from None
    return DesignPlan(frame, options, labels, values, code.astype(np.int64), big_n,
                      sizes.astype(np.int64), reserve, rep, p_h)


def _allocate(options: DesignOptions, big_n: np.ndarray, p_h: np.ndarray,
              take_all: np.ndarray) -> np.ndarray:
    from sampling import allocate, sample_size

    kw = {"confidence": options.confidence, "deff": options.deff,
              "response_rate": options.response_rate, "eligibility_rate": options.eligibility_rate}
    if options.margin is not None and options.margin_level == "stratum":
        sizes = sample_size(p_h, options.margin, population=big_n, **kw)
        sizes = np.maximum(sizes, np.minimum(options.minimum, big_n))
        if options.maximum is not None:
            sizes = np.minimum(sizes, options.maximum)
        return np.where(take_all, big_n, sizes)
    if options.n is not None:
        n = int(options.n)
    elif options.completes is not None:
        n = math.ceil(options.completes / (options.response_rate * options.eligibility_rate)
                      - 1e-9)
    elif options.margin is not None:
        n = sample_size(options.p, options.margin, population=int(big_n.sum()), **kw)
    else:
        raise UserError("sample.error.need_size")
    n = min(n, int(big_n.sum()))
    return allocate(big_n, n, method=options.method,  # type: ignore[arg-type]
                    p=p_h, power=options.power, minimum=options.minimum,
                    maximum=options.maximum, take_all=take_all)


# --- draw ------------------------------------------------------------------------


def frame_digest(labels: Sequence[str], code: np.ndarray, keys: np.ndarray) -> str:
    """sha256 of the sorted (stratum label, key) pairs: same frame ⇔ same digest."""
    pairs = sorted(zip((labels[c] for c in code), keys.tolist()))
    h = hashlib.sha256()
    for lab, key in pairs:
        h.update(f"{lab}\x1f{key}\n".encode())
    return h.hexdigest()


def draw_plan(plan: DesignPlan, *, seed: int):  # type: ignore[no-untyped-def]
    """Run :func:`sampling.draw` on a plan (pure; used by :func:`store_draw`)."""
    from sampling import coordination_shifts, draw

    f = plan.frame
    stream = shift = None
    if plan.options.coordination == "independent":
        stream = f.item_id
    elif plan.options.coordination == "spread":
        shift = coordination_shifts(f.item_id, "spread")
    kw = {"reserve": plan.reserve, "replicate_size": plan.replicate_size, "stream": stream,
              "shift": shift}
    if plan.options.max_items:
        from sampling import cap_burden

        return cap_burden(plan.stratum_index, f.key, plan.sizes, f.enterprise_id,
                          plan.options.max_items, seed=seed, **kw)
    return draw(plan.stratum_index, f.key, plan.sizes, seed=seed, **kw)  # type: ignore[arg-type]


def store_draw(session: Session, *, plan: DesignPlan, seed: int, name: str) -> SampleDesign:
    """Draw with ``seed`` and store design, strata, units and the main sample's cases."""
    check_options({"seed": seed})
    f = plan.frame
    found = session.exec(select(SampleDesign).where(
        SampleDesign.wave_id == f.wave_id, SampleDesign.name == name)).first()
    if found is not None:
        raise UserError("sample.error.design_exists", name=name)
    try:
        result = draw_plan(plan, seed=seed)
    except ValueError as exc:
        raise user_error_from(exc) from None

    params = asdict(plan.options)
    params["by"] = list(plan.options.by)
    design = SampleDesign(
        wave_id=f.wave_id, name=name, stratify_by=json.dumps(list(plan.options.by)),
        method=plan.options.method, target=int(plan.sizes.sum()), seed=int(seed),
        software_version=__version__, params=json.dumps(params, ensure_ascii=False),
        frame_units=len(f), frame_digest=frame_digest(plan.labels, plan.stratum_index, f.key),
    )
    session.add(design)
    session.flush()
    n_rep = result.n_replicates
    session.execute(insert(SampleStratum), [
        {
            "design_id": design.id, "position": h, "label": plan.labels[h],
            "stratum_values": json.dumps(plan.values[h], ensure_ascii=False),
            "population": int(result.population_sizes[h]), "size": int(result.sizes[h]),
            "reserve": int(result.reserve_sizes[h]),
            "replicate_size": int(result.replicate_sizes[h]), "replicates": int(n_rep[h]),
            "released_replicates": 0, "released": int(result.sizes[h]),
            "expected_p": float(plan.expected_p[h]),
        }
        for h in range(len(plan.labels))
    ])
    stratum_ids = dict(session.exec(
        select(SampleStratum.position, SampleStratum.id).where(
            SampleStratum.design_id == design.id)).all())
    keep = np.flatnonzero(result.replicate >= 0)
    keep = keep[np.lexsort((result.rank[keep], result.stratum_index[keep]))]
    now = _now()
    rows = [
        {
            "design_id": design.id, "stratum_id": stratum_ids[int(result.stratum_index[i])],
            "membership_id": int(f.membership_id[i]), "enterprise_id": int(f.enterprise_id[i]),
            "item_id": int(f.item_id[i]), "prn_key": str(f.key[i]),
            "prn": float(result.prn[i]), "rank": int(result.rank[i]),
            "replicate": int(result.replicate[i]), "released": bool(result.replicate[i] == 0),
            "released_at": now if result.replicate[i] == 0 else None,
        }
        for i in keep
    ]
    for start in range(0, len(rows), 5000):
        session.execute(insert(SampleUnit), rows[start:start + 5000])
    _materialise_cases(session, design=design, replicate=0)
    session.commit()
    session.refresh(design)
    return design


def _now() -> datetime:
    return datetime.now(UTC)


def _materialise_cases(session: Session, *, design: SampleDesign, replicate: int) -> int:
    """Give every released unit without a case one: one case per enterprise.
    Returns the number of new cases."""
    pending = session.exec(select(SampleUnit.id, SampleUnit.enterprise_id, SampleUnit.item_id)
                           .where(SampleUnit.design_id == design.id,
                                  SampleUnit.released == True,
                                  SampleUnit.case_id == None)
                           .order_by(SampleUnit.id)).all()
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
        by_case.setdefault(case_id, []).append(unit_id)
        items.append({"case_id": case_id, "unit_id": unit_id, "item_id": item})
    session.execute(insert(SampleCaseItem), items)
    for case_id, unit_ids in by_case.items():
        for start in range(0, len(unit_ids), 500):
            session.execute(update(SampleUnit).where(SampleUnit.id.in_(unit_ids[start:start + 500]))  # type: ignore[attr-defined]
                            .values(case_id=case_id))
        session.execute(update(SampleCase).where(SampleCase.id == case_id)
                        .values(n_items=SampleCase.n_items + len(unit_ids)))
    return len(new_ents)


def get_design(session: Session, *, wave: str | None, name: str) -> SampleDesign:
    w = resolve_wave(session, wave=wave)
    design = session.exec(select(SampleDesign).where(
        SampleDesign.wave_id == w.id, SampleDesign.name == name)).first()
    if design is None:
        raise UserError("sample.error.design_unknown", name=name)
    return design


@dataclass
class ReleaseResult:
    units: int
    strata: int
    new_cases: int
    per_stratum: list[tuple[str, int, int]]  # label, replicate released, units


def release_replicate(session: Session, *, design: SampleDesign,
                      strata: Sequence[str] | None = None) -> ReleaseResult:
    """Release the next reserve replicate of the chosen strata (all if None)."""
    rows = session.exec(select(SampleStratum).where(SampleStratum.design_id == design.id)
                        .order_by(SampleStratum.position)).all()
    by_label = {s.label: s for s in rows}
    chosen = rows if not strata else []
    for lab in strata or ():
        if lab not in by_label:
            raise UserError("sample.error.stratum_unknown", label=lab)
        chosen.append(by_label[lab])
    now = _now()
    per: list[tuple[str, int, int]] = []
    total = 0
    for s in chosen:
        if s.released_replicates >= s.replicates:
            continue
        k = s.released_replicates + 1
        res = session.execute(
            update(SampleUnit)
            .where(SampleUnit.stratum_id == s.id, SampleUnit.replicate == k)  # type: ignore[arg-type]
            .values(released=True, released_at=now)
        )
        count = int(res.rowcount or 0)
        s.released_replicates = k
        s.released += count
        session.add(s)
        per.append((s.label, k, count))
        total += count
    session.flush()
    new_cases = _materialise_cases(session, design=design, replicate=max((k for _, k, _ in per),
                                                                         default=0))
    session.commit()
    return ReleaseResult(units=total, strata=len(per), new_cases=new_cases, per_stratum=per)


def strata_rows(session: Session, *, design: SampleDesign) -> list[dict[str, object]]:
    """The stored allocation table with released counts and base weights."""
    out = []
    for s in session.exec(select(SampleStratum).where(SampleStratum.design_id == design.id)
                          .order_by(SampleStratum.position)).all():
        out.append({
            "stratum": s.label, "population": s.population, "size": s.size,
            "fraction": s.size / s.population if s.population else 0.0,
            "reserve": s.reserve, "replicate_size": s.replicate_size,
            "replicates": s.replicates, "released_replicates": s.released_replicates,
            "released": s.released,
            "weight": s.population / s.released if s.released else 0.0,
        })
    return out


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


def list_designs(session: Session, *, wave: str | None) -> list[dict[str, object]]:
    w = resolve_wave(session, wave=wave)
    out = []
    for d in session.exec(select(SampleDesign).where(SampleDesign.wave_id == w.id)
                          .order_by(SampleDesign.id)).all():
        cases = session.exec(select(SampleCase.id).where(SampleCase.design_id == d.id)).all()
        off_list = session.exec(select(func.count(SampleUnit.id)).where(  # type: ignore[arg-type]
            SampleUnit.design_id == d.id, SampleUnit.released == True,
            ~exists().where(ListRow.membership_id == SampleUnit.membership_id))).one()
        out.append({"design": d.name, "seed": d.seed, "version": d.software_version,
                    "size": d.target, "cases": len(cases), "off_list": int(off_list),
                    "created": d.created_at.isoformat()})
    return out
