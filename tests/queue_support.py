"""Shared set-up for the call-queue tests and their worker processes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from callcentre.db.engine import open_engine
from callcentre.fieldwork.rules import default_times
from callcentre.services import accounts, sampling
from callcentre.services import queue as qs
from callcentre.services.actor import Actor
from callcentre.services.sampling_options import DesignOptions
from callcentre.settings import DEFAULT_LINES, Calling, Line, Settings
from tests.helpers import admin, user

LINE = "96599966"


def morning_after(moment: datetime | None = None) -> datetime:
    """09:30 Beijing time on the first workday after ``moment`` (default: now)."""
    start = default_times().next_day_start(moment or datetime.now(UTC))
    return start + timedelta(minutes=30)


def queued_sample(url: str, *, n: int = 30, n_ent: int = 240) -> Engine:
    """A frame, a drawn sample (its cases queued) and the first administrator."""
    from tests.test_sampling_cli import build_frame

    build_frame(url, n_ent=n_ent)
    engine = open_engine(url)
    with Session(engine) as s:
        sampling.draw_sample(session=s, actor=admin(engine), wave=None,
                             options=DesignOptions(by=("item",), n=n, reserve_factor=2,
                                                   replicate_share=0.5), seed=7, name="main")
    return engine


def callers(engine: Engine, count: int, prefix: str = "caller") -> list[Actor]:
    return [user(engine, f"{prefix}{i}", "caller") for i in range(count)]


def only_callable(engine: Engine, case_ids: list[int]) -> None:
    """Make every other case uncallable (next_call_at NULL)."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE casequeue SET next_call_at = NULL"))
        for cid in case_ids:
            conn.execute(text("UPDATE casequeue SET next_call_at = released_at "
                              "WHERE case_id = :c"), {"c": cid})


def case_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [int(r[0]) for r in conn.execute(text(
            "SELECT case_id FROM casequeue ORDER BY case_id"))]


def actor_named(url: str, username: str) -> tuple[Engine, Actor]:
    engine = open_engine(url)
    with Session(engine) as s:
        return engine, accounts.get_actor(session=s, username=username)


def value_for(prompt: Any) -> Any:
    """A valid answer for a prompt: 'yes' to consent, the first choice, 1, or text."""
    if prompt.type.startswith("select"):
        names = [c[0] for c in prompt.choices]
        pick = "yes" if "yes" in names else names[0]
        return [pick] if prompt.type == "select_multiple" else pick
    if prompt.type in ("integer", "decimal"):
        return 1
    if prompt.type == "date":
        return "2026-06-01"
    if prompt.type == "time":
        return "10:00"
    return "答"


def scaled_clock(t0: datetime, wall0: float, speed: float) -> datetime:
    """Fieldwork time: ``t0`` plus the wall time since ``wall0``, ``speed`` times faster."""
    return t0 + timedelta(seconds=(time.time() - wall0) * speed)


def settings_with(max_calls: int = 10, lease_minutes: int = 15) -> Settings:
    """Default settings with room for ``max_calls`` calls per line."""
    return Settings(lines=tuple(Line(n, max_calls) for n in DEFAULT_LINES),
                    calling=Calling(lease_minutes=lease_minutes))


def claim_loop(url: str, username: str, t0: datetime, wall0: float, speed: float,
               seconds: float, disposition: str = "busy", line: str = LINE,
               max_calls: int = 10) -> dict[str, Any]:
    """Claim and end cases until ``seconds`` of wall time are up; returns counts and the
    claim latencies in seconds (used by the concurrency test and the benchmark)."""
    engine, actor = actor_named(url, username)
    latencies: list[float] = []
    claims = ended = empty = 0
    settings = settings_with(max_calls)
    with Session(engine) as s:
        qs.start_session(session=s, actor=actor, line=line, settings=settings)
        deadline = time.time() + seconds
        while time.time() < deadline:
            started = time.perf_counter()
            got = qs.claim_next_case(session=s, actor=actor, line=line,
                                     now=scaled_clock(t0, wall0, speed), settings=settings)
            latencies.append(time.perf_counter() - started)
            if got is None:
                empty += 1
                time.sleep(0.01)
                continue
            claims += 1
            qs.end_attempt(session=s, actor=actor, case_id=got.case_id,
                           disposition=disposition, now=scaled_clock(t0, wall0, speed),
                           settings=settings)
            ended += 1
        qs.end_session(session=s, actor=actor)
    engine.dispose()
    return {"claims": claims, "ended": ended, "empty": empty, "latencies": latencies}


def answer_next(iv: Any) -> tuple[str, Any]:
    """Read past notes, then answer the next question with :func:`value_for`."""
    while True:
        prompt = iv.current()
        assert prompt is not None, "the interview ended"
        if prompt.type != "note":
            break
        iv.next()
    value = value_for(prompt)
    result = iv.answer(prompt.name, value)
    assert result, result
    return prompt.name, value
