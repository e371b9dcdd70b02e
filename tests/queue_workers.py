"""Worker processes for the queue tests and the benchmark (spawned: importable by name)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from callcentre.errors import Conflict
from callcentre.services import interviews
from callcentre.services import queue as qs
from tests.queue_support import LINE, actor_named, answer_next, scaled_clock, settings_with


def claimer(url: str, username: str, line: str, t0: datetime, wall0: float, speed: float,
            seconds: float, max_calls: int, start: Any, results: Any) -> None:
    """Claim and end cases (busy) until time is up; report every claim with the wall-clock
    span it was surely held in: from the claim's return to the call that ends it."""
    try:
        engine, actor = actor_named(url, username)
        settings = settings_with(max_calls)
        held: list[tuple[int, int, float, float]] = []
        lost: list[tuple[int, int, float, float]] = []
        latencies: list[float] = []
        with Session(engine) as s:
            qs.start_session(session=s, actor=actor, line=line, settings=settings)
            start.wait()
            deadline = time.time() + seconds
            while time.time() < deadline:
                began = time.perf_counter()
                got = qs.claim_next_case(session=s, actor=actor, line=line, settings=settings,
                                         now=scaled_clock(t0, wall0, speed))
                latencies.append(time.perf_counter() - began)
                if got is None:
                    time.sleep(0.005)
                    continue
                claimed = time.time()
                time.sleep(0.002)          # the call
                ending = time.time()
                try:
                    qs.end_attempt(session=s, actor=actor, case_id=got.case_id,
                                   disposition="busy", settings=settings,
                                   now=scaled_clock(t0, wall0, speed))
                except Conflict:       # the lease ran out first and another caller took it
                    lost.append((got.case_id, got.attempt_id, claimed, claimed))
                    continue
                held.append((got.case_id, got.attempt_id, claimed, ending))
            qs.end_session(session=s, actor=actor)
        engine.dispose()
        results.put({"user": username, "held": held, "lost": lost, "latencies": latencies})
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        import traceback
        results.put({"user": username, "error": f"{exc!r}\n{traceback.format_exc()}"})


def interviewer(url: str, username: str, now: datetime, answers: int, lease_minutes: int,
                progress: Any) -> None:
    """Claim a case, start its interview and save ``answers`` answers, reporting each
    after it is saved; then wait to be killed."""
    engine, actor = actor_named(url, username)
    settings = settings_with(lease_minutes=lease_minutes)
    with Session(engine) as s:
        qs.start_session(session=s, actor=actor, line=LINE, settings=settings)
        got = qs.claim_next_case(session=s, actor=actor, line=LINE, now=now, settings=settings)
        assert got is not None
        progress.put(("claimed", got.case_id, got.attempt_id))
        ci = interviews.start_interview(session=s, actor=actor, case_id=got.case_id)
        iv = ci.interview
        for i in range(answers):
            name, value = answer_next(iv)
            interviews.save_answer(session=s, actor=actor, case_id=got.case_id,
                                   question=name, value=value, parts=ci.parts,
                                   now=now + timedelta(seconds=10 * (i + 1)))
            progress.put(("saved", name, value))
        progress.put(("waiting", iv.current().name if iv.current() else None, None))
        time.sleep(600)
