"""Sample design, draw, reserve release, export, listing and dropping.

The maths lives in :mod:`sampling` (allocation, draw, strata); the SQL in
:mod:`callcentre.db.queries`; this module decides, checks roles, takes the write
lock and audits.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlmodel import Session

from callcentre import __version__
from callcentre.db.engine import writing
from callcentre.db.models.sample import SampleDesign
from callcentre.db.queries import queue as queue_q
from callcentre.db.queries import samples as q
from callcentre.db.queries.frame import Frame, load_frame
from callcentre.errors import Conflict, InvalidInput, NotFound, UserError
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from callcentre.services.sampling_options import DesignOptions, check_options
from callcentre.services.waves import resolve_wave
from sampling.identifiers.region import TIANJIN, RegionFacts


def user_error_from(exc: ValueError) -> UserError:
    """The user's message for a ``ValueError`` raised by the sampling maths."""
    from sampling.allocation import InfeasibleAllocation

    if isinstance(exc, InfeasibleAllocation):
        return InvalidInput(f"sample.error.infeasible_{exc.bound}", total=exc.total, n=exc.n)
    return InvalidInput("sample.error.value", detail=str(exc))


def stratum_named(name: str, labels: Sequence[str], region: RegionFacts = TIANJIN) -> str:
    """The stored label of the stratum a user named, by its label (``item=5``) or by
    the name people see (``第5项``, ``第5项 · 和平区``, spaces optional; district names
    of ``region``)."""
    from callcentre.i18n.display import stratum_display

    if name in labels:
        return name
    wanted = name.replace(" ", "")
    for label in labels:
        if stratum_display(label, region).replace(" ", "") == wanted:
            return label
    raise NotFound("sample.error.stratum_unknown", label=name)


@dataclass
class DesignPlan:
    """A computed allocation, ready to draw."""

    frame: Frame
    options: DesignOptions
    labels: list[str]
    values: list[dict[str, str]]
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


def plan_design(*, session: Session, actor: Actor, wave: str | None,
                options: DesignOptions, region: RegionFacts = TIANJIN) -> DesignPlan:
    """Stratify the wave's frame and allocate the sample (nothing is stored). Strata
    may be named with the district names of ``region`` (the settings' region)."""
    from sampling.strata import stratify

    require(actor, "sample.design")
    options.check()
    w = resolve_wave(session, wave=wave)
    frame = load_frame(session, wave=w)
    if frame is None:
        raise NotFound("sample.error.empty_frame", wave=w.code)
    if "department" not in options.by:
        frame = frame.one_per_enterprise_item()
    strata = stratify(frame.columns, options.by, len(frame))
    code = strata.code
    if "item" not in options.by and len(set(zip(code.tolist(), frame.key.tolist()))) < len(frame):
        # an enterprise listed under several items is a unit of each, with one random
        # number (coordinated across items): they must not share a stratum
        raise InvalidInput("sample.error.item_needed", by=",".join(options.by) or "—")
    big_n = strata.sizes
    try:
        p_h = np.full(len(strata.labels), options.p, dtype=float)
        for lab, val in options.p_stratum.items():
            p_h[strata.labels.index(stratum_named(lab, strata.labels, region))] = val
        take_all = big_n <= options.take_all_below
        sizes = _allocate(options, big_n, p_h, take_all)
        reserve = np.minimum(np.ceil(options.reserve_factor * sizes - 1e-9).astype(np.int64),
                             big_n - sizes)
        rep = np.maximum(np.ceil(options.replicate_share * sizes - 1e-9).astype(np.int64), 1)
    except ValueError as exc:
        raise user_error_from(exc) from None
    return DesignPlan(frame, options, strata.labels, strata.values, code, big_n,
                      sizes.astype(np.int64), reserve, rep, p_h)


def _allocate(options: DesignOptions, big_n: np.ndarray, p_h: np.ndarray,
              take_all: np.ndarray) -> np.ndarray:
    from sampling.allocation import allocate
    from sampling.size import sample_size

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
        n = int(sample_size(options.p, options.margin, population=int(big_n.sum()), **kw))
    else:
        raise InvalidInput("sample.error.need_size")
    n = min(n, int(big_n.sum()))
    return allocate(big_n, n, method=options.method,  # type: ignore[arg-type]
                    p=p_h, power=options.power, minimum=options.minimum,
                    maximum=options.maximum, take_all=take_all)


def draw_plan(plan: DesignPlan, *, seed: int) -> Any:
    """Run :func:`sampling.draw` on a plan (pure)."""
    from sampling.selection import coordination_shifts, draw

    f = plan.frame
    stream = shift = None
    if plan.options.coordination == "independent":
        stream = f.item_id
    elif plan.options.coordination == "spread":
        shift = coordination_shifts(f.item_id, "spread")
    kw: dict[str, Any] = {"reserve": plan.reserve, "replicate_size": plan.replicate_size,
                          "stream": stream, "shift": shift}
    if plan.options.max_items:
        from sampling.selection import cap_burden

        return cap_burden(plan.stratum_index, f.key, plan.sizes, f.enterprise_id,
                          plan.options.max_items, seed=seed, **kw)
    return draw(plan.stratum_index, f.key, plan.sizes, seed=seed, **kw)


@dataclass(frozen=True)
class DrawResult:
    design: str
    wave: str
    seed: int
    version: str
    frame_digest: str
    size: int
    cases: int
    strata: list[dict[str, object]]


def draw_sample(*, session: Session, actor: Actor, wave: str | None, options: DesignOptions,
                seed: int, name: str, region: RegionFacts = TIANJIN,
                now: datetime | None = None) -> DrawResult:
    """Plan, draw with ``seed`` and store design, strata, units and the main sample's
    cases, in one transaction holding the write lock. ``now``: when the main sample is
    released (default now; the demo dates it back to before its simulated fieldwork)."""
    from sampling.strata import frame_digest

    require(actor, "sample.draw")
    check_options({"seed": seed})
    with writing(session):
        plan = plan_design(session=session, actor=actor, wave=wave, options=options,
                           region=region)
        f = plan.frame
        if q.find_design(session, wave_id=f.wave_id, name=name) is not None:
            raise Conflict("sample.error.design_exists", name=name)
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
            frame_units=len(f),
            frame_digest=frame_digest(plan.labels, plan.stratum_index, f.key),
        )
        session.add(design)
        session.flush()
        design_id = int(design.id or 0)
        n_rep = result.n_replicates
        stratum_ids = q.insert_strata(session, design_id=design_id, rows=[
            {
                "position": h, "label": plan.labels[h],
                "stratum_values": json.dumps(plan.values[h], ensure_ascii=False),
                "population": int(result.population_sizes[h]), "size": int(result.sizes[h]),
                "reserve": int(result.reserve_sizes[h]),
                "replicate_size": int(result.replicate_sizes[h]), "replicates": int(n_rep[h]),
                "released_replicates": 0, "released": int(result.sizes[h]),
                "expected_p": float(plan.expected_p[h]),
            }
            for h in range(len(plan.labels))
        ])
        keep = np.flatnonzero(result.replicate >= 0)
        keep = keep[np.lexsort((result.rank[keep], result.stratum_index[keep]))]
        now = now or datetime.now(UTC)
        q.insert_units(session, rows=[
            {
                "design_id": design_id,
                "stratum_id": stratum_ids[int(result.stratum_index[i])],
                "membership_id": int(f.membership_id[i]),
                "enterprise_id": int(f.enterprise_id[i]),
                "item_id": int(f.item_id[i]), "prn_key": str(f.key[i]),
                "prn": float(result.prn[i]), "rank": int(result.rank[i]),
                "replicate": int(result.replicate[i]),
                "released": bool(result.replicate[i] == 0),
                "released_at": now if result.replicate[i] == 0 else None,
            }
            for i in keep
        ])
        q.materialise_cases(session, design=design, replicate=0)
        queue_q.populate(session, design_id=design_id, now=now)
        cases = q.count_cases(session, design_id=design_id)
        out = DrawResult(design.name, f.wave_code, int(seed), __version__, design.frame_digest,
                         int(plan.sizes.sum()), cases,
                         q.strata_rows(session, design_id=design_id))
        record(session, actor=actor, action="sample.draw", object_type="design",
               object_id=name, wave_id=f.wave_id, after={
                   "seed": seed, "size": out.size, "cases": cases, "params": params,
                   "frame_digest": design.frame_digest})
    return out


def get_design(session: Session, *, wave: str | None, name: str) -> SampleDesign:
    w = resolve_wave(session, wave=wave)
    design = q.find_design(session, wave_id=int(w.id or 0), name=name)
    if design is None:
        raise NotFound("sample.error.design_unknown", name=name)
    return design


@dataclass
class ReleaseResult:
    units: int
    strata: int
    new_cases: int
    per_stratum: list[tuple[str, int, int]]  # label, replicate released, units


def release_reserve(*, session: Session, actor: Actor, wave: str | None, name: str,
                    strata: Sequence[str] | None = None,
                    region: RegionFacts = TIANJIN) -> ReleaseResult:
    """Release the next reserve replicate of the chosen strata (all if None).

    Holds the write lock from the start (SQLite) and locks the strata rows
    (PostgreSQL), so two supervisors releasing at once release each replicate once.
    """
    require(actor, "sample.release")
    with writing(session):
        design = get_design(session, wave=wave, name=name)
        rows = q.strata_of(session, design_id=int(design.id or 0), lock=True)
        by_label = {s.label: s for s in rows}
        chosen = rows if not strata else []
        for lab in strata or ():
            chosen.append(by_label[stratum_named(lab, list(by_label), region)])
        per: list[tuple[str, int, int]] = []
        for s in chosen:
            if s.released_replicates >= s.replicates:
                continue
            k = s.released_replicates + 1
            per.append((s.label, k, q.release_units(session, stratum=s, replicate=k)))
        new_cases = q.materialise_cases(session, design=design,
                                        replicate=max((k for _, k, _ in per), default=0))
        queue_q.populate(session, design_id=int(design.id or 0))
        out = ReleaseResult(units=sum(u for _, _, u in per), strata=len(per),
                            new_cases=new_cases, per_stratum=per)
        if per:
            record(session, actor=actor, action="sample.release", object_type="design",
                   object_id=name, wave_id=design.wave_id,
                   after={"released": [{"stratum": s, "replicate": k, "units": u}
                                       for s, k, u in per], "new_cases": new_cases})
    return out


def stored_strata(*, session: Session, actor: Actor, wave: str | None,
                  name: str) -> list[dict[str, object]]:
    require(actor, "sample.design")
    design = get_design(session, wave=wave, name=name)
    return q.strata_rows(session, design_id=int(design.id or 0))


def list_samples(*, session: Session, actor: Actor, wave: str | None) -> list[dict[str, object]]:
    require(actor, "frame.read")
    w = resolve_wave(session, wave=wave)
    return q.designs_of(session, wave_id=int(w.id or 0))


def drop_sample(*, session: Session, actor: Actor, wave: str | None, name: str) -> None:
    """Delete a drawn sample; refused once fieldwork has begun on it."""
    require(actor, "sample.drop")
    with writing(session):
        design = get_design(session, wave=wave, name=name)
        design_id = int(design.id or 0)
        if q.fieldwork_begun(session, design_id=design_id):
            raise Conflict("sample.error.fieldwork_begun", name=name)
        before = {"seed": design.seed, "size": design.target,
                  "cases": q.count_cases(session, design_id=design_id),
                  "params": json.loads(design.params)}
        q.delete_design(session, design_id=design_id)
        record(session, actor=actor, action="sample.drop", object_type="design",
               object_id=name, wave_id=design.wave_id, before=before)


def export_sample(*, session: Session, actor: Actor, wave: str | None, name: str, path: Path,
                  full_phones: bool = False, region: RegionFacts = TIANJIN) -> Path:
    """Write the allocation table, the released sample and the design to xlsx, with
    the district names of ``region`` (the settings' region).
    Full phone numbers only when asked (audited either way)."""
    from callcentre.sampling_service import export_xlsx

    require(actor, "sample.export")
    design = get_design(session, wave=wave, name=name)
    written = export_xlsx(session, design=design, path=Path(path), full_phones=full_phones,
                          region=region)
    session.rollback()
    with writing(session):
        record(session, actor=actor, action="sample.export", object_type="design",
               object_id=name, wave_id=design.wave_id,
               after={"path": str(written), "full_phones": full_phones})
    return written
