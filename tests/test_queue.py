"""The call queue on both databases: filling, claim order, lines, leases, assignment,
ending attempts, and the case's own explanation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from callcentre.db.models.fieldwork import CallAttempt, CasePhone, CaseQueue
from callcentre.db.models.frame import Enterprise
from callcentre.db.models.sample import SampleCase
from callcentre.errors import Conflict, InvalidInput, PermissionDenied
from callcentre.services import queue as qs
from callcentre.services import sampling
from tests.helpers import admin, user
from tests.helpers import cli as run
from tests.queue_support import (
    LINE,
    callers,
    case_ids,
    morning_after,
    only_callable,
    queued_sample,
    settings_with,
)

T0 = morning_after()


def test_drawn_and_released_cases_enter_the_queue_with_their_numbers(db_url: str) -> None:
    engine = queued_sample(db_url)
    boss = admin(engine)
    with Session(engine) as s:
        cases = s.exec(select(func.count()).select_from(SampleCase)).one()
        queued = s.exec(select(func.count()).select_from(CaseQueue)).one()
        assert cases == queued > 0
        for case, ent in s.exec(select(SampleCase, Enterprise).join(
                Enterprise, col(Enterprise.id) == col(SampleCase.enterprise_id))).all():
            first = s.exec(select(CasePhone).where(CasePhone.case_id == case.id,
                                                   CasePhone.position == 0)).one()
            assert first.e164 == ent.phone_e164
        out = sampling.release_reserve(session=s, actor=boss, wave=None, name="main")
        assert out.new_cases > 0
        assert s.exec(select(func.count()).select_from(CaseQueue)).one() == queued + out.new_cases
        # nothing is left to add; every queue row is a case of its own (never substituted)
        assert qs.sync_queue(session=s, actor=boss) == 0
        assert s.exec(select(func.count()).select_from(CaseQueue)).one() == \
            s.exec(select(func.count()).select_from(SampleCase)).one()
    engine.dispose()


def test_sync_queue_adds_cases_drawn_before_the_queue(db_url: str) -> None:
    engine = queued_sample(db_url)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM casephone"))
        conn.execute(text("DELETE FROM casequeue"))
    with Session(engine) as s:
        n = qs.sync_queue(session=s, actor=admin(engine))
        assert n == s.exec(select(func.count()).select_from(SampleCase)).one()
        with pytest.raises(PermissionDenied):
            qs.sync_queue(session=s, actor=user(engine, "c", "caller"))
    engine.dispose()


def test_claim_order(db_url: str) -> None:
    """Due hard appointment, due soft appointment, priority, not yet tried in this
    half-day (longest waiting first among those), then tried in this half-day."""
    engine = queued_sample(db_url)
    ids = case_ids(engine)[:7]
    hard, soft, prio, untried_old, untried_new, tried, hard_later = ids
    only_callable(engine, ids)
    yesterday = T0 - timedelta(days=1)
    with engine.begin() as conn:
        def set_(cid: int, **values: object) -> None:
            sets = ", ".join(f"{k} = :{k}" for k in values)
            conn.execute(text(f"UPDATE casequeue SET {sets} WHERE case_id = :cid"),
                         {"cid": cid, **values})
        base = T0 - timedelta(hours=20)
        for cid in ids:
            set_(cid, waiting_since=base, next_call_at=base)
        # the hard appointment is due 5 minutes early; the later one is not due yet
        set_(hard, appt_at=T0 + timedelta(minutes=4), appt_hard=True,
             waiting_since=T0 - timedelta(minutes=1))
        set_(hard_later, appt_at=T0 + timedelta(hours=2), appt_hard=True,
             next_call_at=T0 + timedelta(hours=2, minutes=-5),
             waiting_since=T0 - timedelta(hours=30))
        set_(soft, appt_at=T0 - timedelta(minutes=1), appt_hard=False, waiting_since=T0)
        set_(prio, priority=3, last_attempt_at=T0 - timedelta(minutes=5))
        set_(untried_old, last_attempt_at=yesterday, waiting_since=T0 - timedelta(hours=3))
        set_(untried_new, waiting_since=T0 - timedelta(hours=2))
        set_(tried, last_attempt_at=T0 - timedelta(minutes=10),
             waiting_since=T0 - timedelta(hours=40))
    people = callers(engine, 7)
    got = []
    with Session(engine) as s:
        for who in people:
            qs.start_session(session=s, actor=who, line=LINE)
            c = qs.claim_next_case(session=s, actor=who, line=LINE, now=T0)
            got.append(c.case_id if c else None)
    # the appointment two hours ahead is not callable yet, however long it waited
    assert got == [hard, soft, prio, untried_old, untried_new, tried, None]
    engine.dispose()


def test_a_line_carries_at_most_its_calls(db_url: str) -> None:
    engine = queued_sample(db_url)
    settings = settings_with(max_calls=2)
    a, b, c = callers(engine, 3)
    with Session(engine) as s:
        with pytest.raises(Conflict, match="尚未登录线路"):
            qs.claim_next_case(session=s, actor=a, line=LINE, now=T0, settings=settings)
        qs.start_session(session=s, actor=a, line=LINE, settings=settings)
        qs.start_session(session=s, actor=b, line=LINE, settings=settings)
        with pytest.raises(Conflict, match="已满"):
            qs.start_session(session=s, actor=c, line=LINE, settings=settings)
        with pytest.raises(InvalidInput, match="不存在"):
            qs.start_session(session=s, actor=c, line="12345", settings=settings)
        qs.start_session(session=s, actor=c, line="96599977", settings=settings)
        qs.end_session(session=s, actor=a)
        qs.start_session(session=s, actor=c, line=LINE, settings=settings)  # moves line
        claim = qs.claim_next_case(session=s, actor=c, line=LINE, now=T0, settings=settings)
        assert claim is not None
        attempt = s.get(CallAttempt, claim.attempt_id)
        assert attempt is not None and attempt.line == LINE and attempt.caller_id == c.id
        with pytest.raises(Conflict, match="手上还有案例"):
            qs.claim_next_case(session=s, actor=c, line=LINE, now=T0, settings=settings)
        st = qs.queue_status(session=s, actor=admin(engine), now=T0, settings=settings)
        line = next(x for x in st.by_line if x[0] == LINE)
        assert line == (LINE, 2, 2, 1)
        assert st.held == 1
    engine.dispose()


def test_claims_only_inside_calling_hours(db_url: str) -> None:
    engine = queued_sample(db_url)
    (a,) = callers(engine, 1)
    with Session(engine) as s:
        qs.start_session(session=s, actor=a, line=LINE)
        with pytest.raises(Conflict, match="现在不能拨打"):
            qs.claim_next_case(session=s, actor=a, line=LINE, now=T0 + timedelta(hours=3))
    engine.dispose()


def test_assign_and_release(db_url: str) -> None:
    engine = queued_sample(db_url)
    target = case_ids(engine)[3]
    only_callable(engine, [target])
    boss = admin(engine)
    a, b = callers(engine, 2)
    with Session(engine) as s:
        for who in (a, b):
            qs.start_session(session=s, actor=who, line=LINE)
        with pytest.raises(PermissionDenied):
            qs.assign_case(session=s, actor=a, case_id=target, username="caller0")
        qs.assign_case(session=s, actor=boss, case_id=target, username="caller0")
        assert qs.claim_next_case(session=s, actor=b, line=LINE, now=T0) is None
        got = qs.claim_next_case(session=s, actor=a, line=LINE, now=T0)
        assert got is not None and got.case_id == target
        # another caller may neither release nor read it; a supervisor may release it
        with pytest.raises(PermissionDenied):
            qs.release_case(session=s, actor=b, case_id=target)
        with pytest.raises(Conflict):
            qs.show_case(session=s, actor=b, case_id=target, now=T0)
        qs.release_case(session=s, actor=boss, case_id=target, now=T0 + timedelta(minutes=1))
        attempt = s.get(CallAttempt, got.attempt_id)
        assert attempt is not None and attempt.disposition == "abandoned"
        assert attempt.ended_at is not None
        qs.unassign(session=s, actor=boss, case_id=target)
        again = qs.claim_next_case(session=s, actor=b, line=LINE, now=T0 + timedelta(minutes=2))
        assert again is not None and again.case_id == target
        # the holder releases their own case
        qs.release_case(session=s, actor=b, case_id=target, now=T0 + timedelta(minutes=3))
        row = s.get(CaseQueue, target)
        assert row is not None and row.holder_id is None and row.attempts == 0
    engine.dispose()


def test_an_expired_lease_returns_the_case_and_abandons_its_attempt(db_url: str) -> None:
    engine = queued_sample(db_url)
    target = case_ids(engine)[0]
    only_callable(engine, [target])
    a, b = callers(engine, 2)
    with Session(engine) as s:
        for who in (a, b):
            qs.start_session(session=s, actor=who, line=LINE)
        first = qs.claim_next_case(session=s, actor=a, line=LINE, now=T0)
        assert first is not None
        # a heartbeat keeps it: 16 minutes after the claim it is still held
        qs.heartbeat(session=s, actor=a, case_id=target, now=T0 + timedelta(minutes=10))
        assert qs.claim_next_case(session=s, actor=b, line=LINE,
                                  now=T0 + timedelta(minutes=16)) is None
        # the lease runs out 15 minutes after the last heartbeat: the case is taken over
        late = T0 + timedelta(minutes=26)
        second = qs.claim_next_case(session=s, actor=b, line=LINE, now=late)
        assert second is not None and second.case_id == target
        assert second.took_over == first.attempt_id
        old = s.get(CallAttempt, first.attempt_id)
        assert old is not None and old.abandoned and old.disposition == "abandoned"
        assert old.ended_at is not None
        with pytest.raises(Conflict, match="不在您手上"):
            qs.end_attempt(session=s, actor=a, case_id=target, disposition="no_answer",
                           now=late)
        with pytest.raises(Conflict):
            qs.heartbeat(session=s, actor=a, case_id=target, now=late)
        # the reaper: b's lease runs out and nobody claims; reap closes it at the lease end
        assert qs.reap_expired(session=s, now=late + timedelta(minutes=14)) == 0
        assert qs.reap_expired(session=s, now=late + timedelta(minutes=16)) == 1
        closed = s.get(CallAttempt, second.attempt_id)
        assert closed is not None and closed.abandoned
        assert closed.ended_at == late + timedelta(minutes=15)
        row = s.get(CaseQueue, target)
        assert row is not None and row.holder_id is None and row.status == "open"
    engine.dispose()


def test_end_attempt_stores_the_schedulers_verdict(db_url: str) -> None:
    engine = queued_sample(db_url)
    target = case_ids(engine)[0]
    only_callable(engine, [target])
    (a,) = callers(engine, 1)
    with Session(engine) as s:
        qs.start_session(session=s, actor=a, line=LINE)
        c = qs.claim_next_case(session=s, actor=a, line=LINE, now=T0)
        assert c is not None and c.number == 0
        end = T0 + timedelta(minutes=2)
        with pytest.raises(InvalidInput, match="未知"):
            qs.end_attempt(session=s, actor=a, case_id=target, disposition="abandoned", now=end)
        with pytest.raises(InvalidInput, match="预约时间"):
            qs.end_attempt(session=s, actor=a, case_id=target, disposition="appointment_hard",
                           now=end)
        lunch = T0.replace(minute=0) + timedelta(hours=3, minutes=30)   # 12:30 Beijing
        with pytest.raises(InvalidInput, match="预约时间不可用"):
            qs.end_attempt(session=s, actor=a, case_id=target, disposition="appointment_hard",
                           appointment=lunch, now=end)
        d = qs.end_attempt(session=s, actor=a, case_id=target, disposition="no_answer",
                           note="无人接", now=end)
        assert not d.closed and d.next_at is not None and d.next_at >= end + timedelta(hours=2)
        row = s.get(CaseQueue, target)
        assert row is not None
        s.refresh(row)
        assert row.attempts == 1 and row.holder_id is None and row.status == "open"
        assert row.next_call_at == d.next_at and row.last_attempt_at == T0
        assert row.final_code == "3.13"
        # not callable before next_call_at, callable at it
        assert qs.claim_next_case(session=s, actor=a, line=LINE, now=end) is None
        c2 = qs.claim_next_case(session=s, actor=a, line=LINE, now=d.next_at)
        assert c2 is not None and c2.case_id == target
        appt = d.next_at + timedelta(days=1)
        appt = qs.rules_for(s).times.earliest_callable(appt) + timedelta(minutes=30)
        d2 = qs.end_attempt(session=s, actor=a, case_id=target, disposition="appointment_hard",
                            appointment=appt, same_caller=True,
                            now=d.next_at + timedelta(minutes=1))
        s.refresh(row)
        assert row.appt_at == appt and row.appt_hard and row.appt_caller_id == a.id
        assert d2.next_at == appt - timedelta(minutes=5)
        view = qs.show_case(session=s, actor=admin(engine), case_id=target,
                            now=d.next_at + timedelta(minutes=2))
        assert "预约" in view.explain and len(view.attempts) == 2
        c3 = qs.claim_next_case(session=s, actor=a, line=LINE, now=appt)
        assert c3 is not None
        done = qs.end_attempt(session=s, actor=a, case_id=target, disposition="complete",
                              now=appt + timedelta(minutes=20))
        s.refresh(row)
        assert done.closed and row.status == "closed" and row.final_code == "1.1"
        assert row.next_call_at is None
        assert qs.claim_next_case(session=s, actor=a, line=LINE,
                                  now=appt + timedelta(minutes=30)) is None
    engine.dispose()


def test_queue_and_case_commands_speak_chinese(db_url: str) -> None:
    engine = queued_sample(db_url)
    target = case_ids(engine)[0]
    user(engine, "wangfang", "caller")
    user(engine, "boss", "supervisor")
    engine.dispose()
    env = {"CALLCENTRE_USER": "boss", "CALLCENTRE_PASSWORD": "password-1"}

    def cli(*args: str):  # type: ignore[no-untyped-def]
        return run(db_url, *args, env=env)

    out = cli("queue", "status")
    assert out.exit_code == 0, out.output
    assert "待拨" in out.output and "96599966" in out.output
    out = cli("queue", "assign", str(target), "wangfang")
    assert out.exit_code == 0 and "已分派给 wangfang" in out.output
    out = cli("queue", "assign", str(target), "nobody")
    assert out.exit_code != 0 and "不存在" in out.output
    out = cli("case", "show", str(target))
    assert out.exit_code == 0, out.output
    assert "尚未拨打" in out.output and "138****" in out.output
    out = cli("queue", "release", str(target))
    assert out.exit_code != 0 and "没有人在拨打" in out.output
