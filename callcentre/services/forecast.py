"""When will each stratum reach its target of completes, and when is reserve needed?

Method (also in ``callcentre forecast --help``):

1. **A throwaway copy.** The survey's data are copied into a temporary SQLite file (a
   SQLite database with SQLite's online backup; PostgreSQL table by table, leaving out
   the import's raw rows, files, work orders, tokens and the audit trail). Everything
   below runs on the copy, which is deleted at the end: the real queue, its leases and
   its audit trail are never touched, and real callers keep working meanwhile.
2. **The respondents.** A :class:`~callcentre.fieldwork.simulation.RespondentModel` whose
   contact rate is the share of the attempts so far that reached someone, and whose
   cooperation is completes ÷ (completes + refusals + break-offs + hard appointments)
   among them (with fewer than :data:`MIN_OBSERVED` attempts, the model's defaults).
3. **The days.** :func:`callcentre.services.simulation.simulate` plays the following
   working days on the copy with ``callers`` simulated callers under the real rules
   (calling windows, retry delays, attempt limits, appointments, stratum targets), from
   the next calling moment, without saving answers.
4. **Reserve.** After each simulated day, a stratum below its target whose open cases
   can no longer be expected to yield the completes it lacks (open cases × its
   completion rate so far, :data:`DEFAULT_YIELD` before any case closed, is below what
   it lacks) gets its next reserve replicate released *in the copy*; that day is when
   the real one will be needed. The simulation stops when every stratum has its target,
   nothing is left to call, or after ``days`` working days.

The result is one simulated future, not a promise: run it with a few seeds to see the
spread.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from callcentre.db.engine import make_engine, open_engine
from callcentre.db.queries import queue as q
from callcentre.fieldwork.simulation import RespondentModel, StratumProfile
from callcentre.services.actor import Actor, require
from callcentre.services.sampling import release_reserve
from callcentre.services.simulation import simulate
from callcentre.services.waves import resolve_wave
from callcentre.settings import Settings

MIN_OBSERVED = 30
DEFAULT_YIELD = 0.3
#: tables a forecast does not need (the import's raw material and the trail of changes)
SKIPPED_TABLES = ("auditevent", "authtoken", "listrow", "sourcefile", "workorder")


@dataclass
class StratumForecast:
    label: str
    target: int
    completes_now: int
    completes_end: int = 0
    met_on: date | None = None
    """The simulated day the target is reached (``None``: not within the horizon)."""
    reserve: list[tuple[date, int]] = field(default_factory=list)
    """(day, replicate) releases the forecast needed."""
    reserve_out_on: date | None = None
    """The day it needed reserve but none was left."""

    @property
    def met_already(self) -> bool:
        return self.completes_now >= self.target


@dataclass
class ForecastResult:
    wave: str
    callers: int
    start: datetime
    days: int
    observed_attempts: int
    contact: float
    cooperation: float
    strata: list[StratumForecast]
    simulated_days: int = 0


def _copy_sqlite(source: Engine, target: Path) -> None:
    path = source.url.database
    assert path
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        with dst:
            src.backup(dst)
        dst.close()
    finally:
        src.close()


def _copy_tables(source: Engine, target: Engine) -> None:
    """Every table but :data:`SKIPPED_TABLES`, in dependency order (the copy's foreign
    keys are off while it is filled)."""
    meta = MetaData()
    meta.reflect(bind=target)
    with source.connect() as src, target.connect() as dst:
        dst.exec_driver_sql("PRAGMA foreign_keys=OFF")
        dst.commit()
        for table in meta.sorted_tables:
            if table.name in SKIPPED_TABLES or table.name == "alembic_version":
                continue
            dst.execute(table.delete())
            rows = src.execute(select(*table.columns)).mappings()
            batch = []
            for row in rows:
                batch.append(dict(row))
                if len(batch) == 5000:
                    dst.execute(table.insert(), batch)
                    batch = []
            if batch:
                dst.execute(table.insert(), batch)
        dst.commit()
        src.rollback()
        dst.exec_driver_sql("PRAGMA foreign_keys=ON")
        dst.commit()


def observed_model(session: Session, wave_id: int, seed: int) -> tuple[RespondentModel, int]:
    """The respondent model of step 2 of the module docstring, and how many attempts
    it rests on."""
    counts = dict(session.execute(text(
        "SELECT disposition, count(*) FROM callattempt WHERE wave_id = :w "
        "AND disposition IS NOT NULL GROUP BY disposition"), {"w": wave_id}).all())
    session.rollback()
    dead = sum(counts.get(k, 0) for k in ("not_working", "fax", "wrong_enterprise"))
    skip = dead + sum(counts.get(k, 0) for k in ("abandoned", "technical"))
    n = sum(counts.values()) - skip
    if n < MIN_OBSERVED:
        return RespondentModel(seed, vary_strata=False), n
    no_contact = sum(counts.get(k, 0) for k in ("busy", "no_answer", "voicemail"))
    contact = min(0.95, max(0.05, 1 - no_contact / n))
    done = counts.get("complete", 0)
    said_no = sum(counts.get(k, 0) for k in ("refusal_soft", "refusal_hard", "do_not_call",
                                              "break_off", "appointment_hard"))
    cooperation = min(0.95, max(0.05, done / (done + said_no))) if done + said_no else 0.55
    profile = StratumProfile(contact=contact, cooperation=cooperation)
    return RespondentModel(seed, default=profile, vary_strata=False), n


def forecast(*, session: Session, actor: Actor, callers: int, days: int = 60, seed: int = 1,
             wave: str | None = None, settings: Settings | None = None,
             start: datetime | None = None,
             progress: Callable[[date], None] | None = None) -> ForecastResult:
    """Simulate the rest of fieldwork on a throwaway copy (module docstring)."""
    require(actor, "work.read_all")
    require(actor, "fieldwork.simulate")
    w = resolve_wave(session, wave=wave)
    wave_id = int(w.id or 0)
    model, observed = observed_model(session, wave_id, seed)
    now_progress = q.stratum_progress(session, wave_id=wave_id)
    session.rollback()
    source = session.get_bind()
    assert isinstance(source, Engine)
    folder = Path(tempfile.mkdtemp(prefix="callcentre-forecast-"))
    copy_url = f"sqlite:///{folder / 'copy.db'}"
    try:
        if source.dialect.name == "sqlite" and source.url.database not in (None, "", ":memory:"):
            _copy_sqlite(source, folder / "copy.db")
            engine = make_engine(copy_url)
        else:
            engine = open_engine(copy_url)
            _copy_tables(source, engine)
        result = _run(engine, actor, callers, days, seed, w.code, wave_id, settings, start,
                      model, observed, now_progress, progress)
        engine.dispose()
        return result
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(engine: Engine, actor: Actor, callers: int, days: int, seed: int, wave: str,
         wave_id: int, settings: Settings | None, start: datetime | None,
         model: RespondentModel, observed: int, now_progress: list[q.StratumProgress],
         progress: Callable[[date], None] | None) -> ForecastResult:
    begin = (start or datetime.now(UTC)).astimezone(UTC)
    strata = {p.stratum_id: StratumForecast(p.label, p.target, p.completes)
              for p in now_progress}
    with Session(engine) as s:
        names = {int(r[0]): str(r[1]) for r in s.execute(text(
            "SELECT id, name FROM sampledesign WHERE wave_id = :w"), {"w": wave_id})}
        # the real callers' sessions do not occupy the copy's lines
        s.execute(text("UPDATE callersession SET ended_at = last_seen WHERE ended_at IS NULL"))
        s.commit()
    out = ForecastResult(wave, callers, begin, days, observed, model.default.contact,
                         model.default.cooperation, list(strata.values()))

    def after_day(session: Session, day: date, end: datetime) -> bool:
        out.simulated_days += 1
        if progress is not None:
            progress(day)
        rows = q.stratum_progress(session, wave_id=wave_id)
        session.rollback()
        anything_open = False
        for p in rows:
            f = strata.get(p.stratum_id)
            if f is None:
                continue
            f.completes_end = p.completes
            if p.full:
                if f.met_on is None and not f.met_already:
                    f.met_on = day
                continue
            anything_open = anything_open or p.open_cases > 0
            closed = session.execute(text(
                "SELECT count(DISTINCT q.case_id) FROM casequeue q JOIN samplecaseitem ci "
                "ON ci.case_id = q.case_id JOIN sampleunit u ON u.id = ci.unit_id "
                "WHERE u.stratum_id = :s AND q.status = 'closed'"), {"s": p.stratum_id}
            ).scalar_one()
            session.rollback()
            rate = p.completes / closed if closed else DEFAULT_YIELD
            if p.open_cases * rate >= p.target - p.completes:
                continue
            if p.released_replicates >= p.replicates:
                if f.reserve_out_on is None:
                    f.reserve_out_on = day
                continue
            release_reserve(session=session, actor=actor, wave=wave, name=names[p.design_id],
                            strata=[p.label])
            f.reserve.append((day, p.released_replicates + 1))
            anything_open = True
        return anything_open

    with Session(engine) as s:
        played = simulate(session=s, actor=actor, days=days, callers=callers, seed=seed,
                          start=begin, wave=wave, settings=settings, answers=False,
                          model=model, after_day=after_day)
    out.start = played.start
    for f in out.strata:
        if f.completes_end == 0:
            f.completes_end = f.completes_now
    return out
