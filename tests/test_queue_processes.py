"""The queue with real processes: many claimers at once, and a caller killed mid-interview.
Also answers saved one by one and an interview resumed at its first unanswered question."""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import time
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, select

from callcentre.db.models.fieldwork import Answer, CallAttempt, CaseQueue
from callcentre.db.models.questionnaire import QuestionnaireVersion
from callcentre.errors import Conflict
from callcentre.services import interviews
from callcentre.services import queue as qs
from callcentre.services.questionnaires import load_questionnaires
from questionnaires.bank import BANK_DIR, module_path
from tests.helpers import admin
from tests.queue_support import (
    LINE,
    answer_next,
    callers,
    case_ids,
    morning_after,
    only_callable,
    queued_sample,
)
from tests.queue_workers import claimer, interviewer

T0 = morning_after()


def check_no_double_holds(reports: list[dict[str, Any]], url: str) -> tuple[int, int]:
    """Every claim reported has exactly one ended attempt in the database, no attempt is
    unaccounted for, and no case was in two callers' hands at once. Returns (claims,
    cases claimed more than once)."""
    errors = [r["error"] for r in reports if "error" in r]
    assert not errors, errors[0]
    spans: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    reported: dict[int, str] = {}
    lost: set[int] = set()
    for r in reports:
        for case_id, attempt_id, start, end in r["held"] + r["lost"]:
            spans[case_id].append((start, end, r["user"]))
            assert attempt_id not in reported
            reported[attempt_id] = r["user"]
        lost.update(a for _, a, _, _ in r["lost"])
    for case_id, items in spans.items():
        items.sort()
        for (_s1, e1, u1), (s2, _e2, u2) in itertools.pairwise(items):
            assert s2 >= e1, f"case {case_id} held by {u1} and {u2} at once"
    from callcentre.db.engine import open_engine

    engine = open_engine(url)
    with Session(engine) as s:
        rows = s.exec(select(CallAttempt)).all()
        names = dict(s.execute(text("SELECT id, username FROM useraccount")).all())
        assert len(rows) == len(reported), "attempts in the database != claims reported"
        for a in rows:
            assert a.ended_at is not None
            assert a.disposition == ("abandoned" if a.id in lost else "busy"), a
            assert reported[int(a.id or 0)] == names[a.caller_id]
        assert not s.exec(select(CaseQueue).where(col(CaseQueue.holder_id).is_not(None))).all()
    engine.dispose()
    return len(reported), sum(1 for v in spans.values() if len(v) > 1)


def test_many_processes_never_hold_a_case_twice(db_url: str) -> None:
    engine = queued_sample(db_url, n=60)
    cases = len(case_ids(engine))
    people = callers(engine, 8)
    engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    wall0 = time.time() + 8      # processes take a few seconds to start
    procs = [ctx.Process(target=claimer, args=(db_url, p.username, LINE, T0, wall0, 120.0,
                                               15.0, 10, start, results))
             for p in people]
    for p in procs:
        p.start()
    time.sleep(max(0.0, wall0 - time.time()))
    start.set()
    reports = [results.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    claims, repeated = check_no_double_holds(reports, db_url)
    # every case was claimed, and some came round again (busy: 15 min = 7.5 s here)
    assert claims > cases and repeated > 0, (claims, cases, repeated)


def _load_bank(engine: Any, items: list[int]) -> None:
    paths = [BANK_DIR / "2021" / "opening_2021.xlsx", BANK_DIR / "2021" / "closing_2021.xlsx",
             *(module_path(n, 2021) for n in items)]
    with Session(engine) as s:
        load_questionnaires(session=s, actor=admin(engine), wave=None, paths=paths)


def test_answers_are_saved_one_by_one_and_resume_where_they_stopped(db_url: str) -> None:
    engine = queued_sample(db_url)
    _load_bank(engine, [1, 2, 3])
    target = case_ids(engine)[0]
    only_callable(engine, [target])
    a, b = callers(engine, 2)
    with Session(engine) as s:
        for who in (a, b):
            qs.start_session(session=s, actor=who, line=LINE)
        got = qs.claim_next_case(session=s, actor=a, line=LINE, now=T0)
        assert got is not None
        with pytest.raises(Conflict):
            interviews.start_interview(session=s, actor=b, case_id=target)
        ci = interviews.start_interview(session=s, actor=a, case_id=target)
        assert all(v.locked for v in s.exec(select(QuestionnaireVersion)).all()
                   if v.id in ci.parts.version_of.values())
        iv = ci.interview
        names = []
        for _ in range(4):
            name, value = answer_next(iv)
            interviews.save_answer(session=s, actor=a, case_id=target, question=name,
                                   value=value)
            names.append(name)
        expected_next = iv.current()
        assert expected_next is not None
        with pytest.raises(Conflict):
            interviews.save_answer(session=s, actor=b, case_id=target, question=names[0],
                                   value="x")
        with pytest.raises(Conflict):
            interviews.resume_interview(session=s, actor=b, case_id=target)
        rows = s.exec(select(Answer).order_by(col(Answer.id))).all()
        assert [r.question for r in rows] == names
        assert {r.attempt_id for r in rows} == {got.attempt_id}
        assert all(r.caller_id == a.id for r in rows)
        # a supervisor reads it; it reopens at the first unanswered question
        again = interviews.resume_interview(session=s, actor=admin(engine), case_id=target)
        current = again.interview.current()
        assert current is not None and current.name == expected_next.name, (
            current.name if current else None)
        assert again.interview.answers() == iv.answers()
        d = qs.end_attempt(session=s, actor=a, case_id=target, disposition="partial",
                           now=T0 + timedelta(minutes=10))
        assert not d.closed and d.final is not None
    engine.dispose()


def test_a_caller_killed_mid_interview_loses_nothing(db_url: str) -> None:
    engine = queued_sample(db_url)
    _load_bank(engine, [1, 2, 3])
    target = case_ids(engine)[0]
    only_callable(engine, [target])
    a, b = callers(engine, 2)
    engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    progress = ctx.Queue()
    proc = ctx.Process(target=interviewer, args=(db_url, a.username, T0, 5, 1, progress))
    proc.start()
    events = []
    while True:
        ev = progress.get(timeout=120)
        events.append(ev)
        if ev[0] == "waiting":
            break
    os.kill(proc.pid or 0, signal.SIGKILL)
    proc.join(timeout=30)
    assert proc.exitcode == -signal.SIGKILL
    claimed = next(e for e in events if e[0] == "claimed")
    saved = [(e[1], e[2]) for e in events if e[0] == "saved"]
    assert claimed[1] == target and len(saved) == 5
    from callcentre.db.engine import open_engine
    from tests.queue_support import settings_with

    engine = open_engine(db_url)
    settings = settings_with(lease_minutes=1)
    with Session(engine) as s:
        rows = s.exec(select(Answer).where(Answer.case_id == target)
                      .order_by(col(Answer.id))).all()
        import json
        assert [(r.question, json.loads(r.value)) for r in rows] == saved
        qs.start_session(session=s, actor=b, line=LINE, settings=settings)
        # still leased 30 seconds after the claim; the case returns once the lease is over
        assert qs.claim_next_case(session=s, actor=b, line=LINE, settings=settings,
                                  now=T0 + timedelta(seconds=30)) is None
        got = qs.claim_next_case(session=s, actor=b, line=LINE, settings=settings,
                                 now=T0 + timedelta(minutes=2))
        assert got is not None and got.case_id == target and got.took_over == claimed[2]
        old = s.get(CallAttempt, claimed[2])
        assert old is not None and old.abandoned and old.disposition == "abandoned"
        resumed = interviews.resume_interview(session=s, actor=b, case_id=target)
        current = resumed.interview.current()
        waiting = events[-1][1]
        assert current is not None and current.name == waiting
        assert resumed.interview.answers() == dict(saved)
    engine.dispose()
