"""The fieldwork simulator on the real queue (both databases): invariants, determinism,
simulated callers; the forecast on a throwaway copy; and the queue's gaps it exercises
(stratum targets, the [fieldwork] settings, claims in the audit trail)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from callcentre.errors import InvalidInput, PermissionDenied
from callcentre.fieldwork.simulation import CallContext, RespondentModel, StratumProfile
from callcentre.fieldwork.targets import completes_target
from callcentre.services import queue as qs
from callcentre.services.rates import outcome_rates
from callcentre.services.simulation import simulate
from callcentre.settings import Settings, load_settings
from tests.helpers import admin, user
from tests.helpers import cli as run
from tests.queue_support import LINE, callers, case_ids, morning_after, queued_sample
from tests.test_queue_processes import _load_bank

T0 = morning_after()


def _aware(v: Any) -> datetime:
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    return v if v.tzinfo is not None else v.replace(tzinfo=UTC)


def _fresh(url: str) -> Engine:
    engine = queued_sample(url, n=60)
    _load_bank(engine, [1, 2, 3])
    return engine


def _attempts(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT a.case_id, a.caller_id, a.started_at, a.ended_at, a.disposition, a.code, "
            "u.username FROM callattempt a JOIN useraccount u ON u.id = a.caller_id "
            "ORDER BY a.started_at, a.id"))]


# --- the pure model -----------------------------------------------------------------


def test_the_respondent_model_is_a_function_of_seed_case_and_attempt() -> None:
    model = RespondentModel(7)
    ctx = CallContext(attempts_before=2, number=0)
    assert model.call(11, "item=1", 2, ctx) == model.call(11, "item=1", 2, ctx)
    outcomes = {model.call(c, "item=1", 2, CallContext(n, 0)).disposition
                for c in range(200) for n in range(3)}
    assert {"complete", "no_answer", "busy", "refusal_soft", "appointment_hard"} <= outcomes
    # nobody answers: only non-contacts (and dead numbers)
    mute = RespondentModel(7, default=StratumProfile(contact=0.0, spread=0.0, dead_number=0.0,
                                                     technical=0.0), vary_strata=False)
    assert {mute.call(c, "x", 1, CallContext(0, 0)).disposition for c in range(100)} <= \
        {"busy", "no_answer", "voicemail"}
    # a kept appointment reaches the respondent
    keen = RespondentModel(7, default=StratumProfile(contact=0.0, keeps_appointment=1.0,
                                                     out_of_scope=0.0, dead_number=0.0,
                                                     technical=0.0), vary_strata=False)
    kept = {keen.call(c, "x", 1, CallContext(0, 0, appointment_due=True)).disposition
            for c in range(100)}
    assert not kept & {"busy", "no_answer", "voicemail"}
    with pytest.raises(ValueError, match="contact"):
        StratumProfile(contact=1.5)
    assert completes_target(20, response_rate=0.5) == 10
    assert completes_target(7, response_rate=0.5, eligibility_rate=0.9) == 4
    assert completes_target(3, response_rate=0.01) == 1 and completes_target(0) == 0


# --- the simulator on the real services -----------------------------------------------


def test_simulated_fieldwork_keeps_the_queue_invariants(db_url: str) -> None:
    engine = _fresh(db_url)
    boss = admin(engine)
    with Session(engine) as s:
        result = simulate(session=s, actor=boss, days=2, callers=3, seed=3,
                          start=T0 - timedelta(minutes=30))
    assert result.attempts > 40 and result.completes > 0 and result.answers > 0
    assert result.callers == ["sim01", "sim02", "sim03"]
    rows = _attempts(engine)
    # every attempt ended with exactly one disposition and a code
    assert all(r[3] is not None and r[4] and r[5] for r in rows)
    assert sum(1 for r in rows if r[4] != "abandoned") == result.attempts
    assert {r[6] for r in rows} == {"sim01", "sim02", "sim03"}
    # no case held by two callers at once: its attempts never overlap
    by_case: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for r in rows:
        by_case[r[0]].append((_aware(r[2]), _aware(r[3])))
    for spans in by_case.values():
        spans.sort()
        for (_s0, e0), (s1, _e1) in pairwise(spans):
            assert s1 >= e0
    # every claim inside calling hours
    with Session(engine) as s:
        times = qs.rules_for(s).times
    assert all(times.is_callable_at(_aware(r[2])) for r in rows)
    with engine.connect() as conn:
        # completes have their answers; nobody holds a case after the simulation
        done = conn.execute(text(
            "SELECT q.case_id, (SELECT count(*) FROM answer a WHERE a.case_id = q.case_id) "
            "FROM casequeue q WHERE q.final_code = '1.1' AND q.status = 'closed'")).all()
        assert len(done) == result.completes
        assert all(n > 0 for _c, n in done)
        assert conn.execute(text("SELECT count(*) FROM casequeue WHERE holder_id IS NOT NULL"
                                 )).scalar_one() == 0
        groups = dict(conn.execute(text(
            "SELECT final_group, count(*) FROM casequeue WHERE final_group IS NOT NULL "
            "AND status = 'closed' GROUP BY final_group")).all())
        queued = conn.execute(text("SELECT count(*) FROM casequeue")).scalar_one()
        sim_users = conn.execute(text(
            "SELECT username, role, password_hash, refusal_converter FROM useraccount "
            "WHERE username LIKE 'sim%' ORDER BY username")).all()
        audit = dict(conn.execute(text(
            "SELECT action, count(*) FROM auditevent GROUP BY action")).all())
    # the rates agree with the queue's counts
    with Session(engine) as s:
        rates = outcome_rates(session=s, actor=boss).total
    assert rates.counts["I"] == groups.get("I", 0) == result.completes
    assert rates.cases == queued
    assert rates.rates["RR1"] == pytest.approx(result.rates.rates["RR1"]) if result.rates else True
    # simulated callers: callers nobody can log in as, sim01 converts refusals; audited
    assert [(u, r, p) for u, r, p, _c in sim_users] == [(f"sim0{i}", "caller", "")
                                                        for i in (1, 2, 3)]
    assert [c for *_x, c in sim_users] == [True, False, False]
    assert audit["users.add_simulated"] == 3 and audit["fieldwork.simulate"] == 1
    # claims and ends in the audit trail
    assert audit["queue.claim"] == len(rows) and audit["queue.end_attempt"] == result.attempts
    # a second run uses the same callers
    with Session(engine) as s:
        again = simulate(session=s, actor=boss, days=1, callers=2, seed=4,
                         start=result.end + timedelta(hours=1), answers=False)
    assert again.callers == ["sim01", "sim02"]
    engine.dispose()


def test_a_fixed_seed_gives_the_same_fieldwork(db_url: str, tmp_path: Path) -> None:
    def once(url: str) -> list[tuple[Any, ...]]:
        engine = _fresh(url)
        with Session(engine) as s:
            simulate(session=s, actor=admin(engine), days=1, callers=2, seed=9,
                     start=T0, answers=False)
        rows = [(c, str(_aware(st)), str(_aware(en)), d, u)
                for c, _i, st, en, d, _code, u in _attempts(engine)]
        engine.dispose()
        return rows

    first = once(db_url)
    if db_url.startswith("sqlite"):
        second = once(f"sqlite:///{tmp_path / 'again.db'}")
    else:   # the same state again on the same server: empty it and rebuild
        _wipe(db_url)
        second = once(db_url)
    assert first == second and len(first) > 10


def _wipe(url: str) -> None:
    from sqlmodel import SQLModel

    from callcentre.db.engine import open_engine

    engine = open_engine(url)
    with engine.begin() as conn:
        names = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def test_simulation_needs_a_supervisor_and_refuses_a_real_users_name(db_url: str) -> None:
    engine = queued_sample(db_url, n=30)
    caller = user(engine, "c1", "caller")
    boss = user(engine, "boss", "supervisor")
    user(engine, "sim02", "caller")            # a real person with a password
    with Session(engine) as s:
        with pytest.raises(PermissionDenied):
            simulate(session=s, actor=caller, days=1, callers=1, seed=1, start=T0)
        with pytest.raises(Exception, match="sim02"):
            simulate(session=s, actor=boss, days=1, callers=2, seed=1, start=T0)
        with pytest.raises(InvalidInput):
            simulate(session=s, actor=boss, days=0, callers=1, seed=1, start=T0)
    engine.dispose()


# --- stratum targets -------------------------------------------------------------------


def test_no_new_cases_from_a_stratum_whose_target_is_reached(db_url: str) -> None:
    """A design whose targets are 3 completes per stratum (response rate 0.1 of 30): after
    one complete in stratum item=1, its cases nobody reached are held back (those that
    also cover a stratum still short of its target stay open), claims skip them, and
    `case show` says why."""
    engine = queued_sample(db_url, n=90)
    with engine.begin() as conn:
        params = json.loads(conn.execute(text("SELECT params FROM sampledesign")).scalar_one())
        params.update(response_rate=0.1)
        conn.execute(text("UPDATE sampledesign SET params = :p"), {"p": json.dumps(params)})
        strata = dict(conn.execute(text("SELECT label, id FROM samplestratum")).all())
        items = defaultdict(set)
        for case, stratum in conn.execute(text(
                "SELECT ci.case_id, u.stratum_id FROM samplecaseitem ci "
                "JOIN sampleunit u ON u.id = ci.unit_id")):
            items[case].add(stratum)
    one = strata["item=1"]
    only_one = sorted(c for c, st in items.items() if st == {one})
    mixed = sorted(c for c, st in items.items() if one in st and len(st) > 1)
    assert len(only_one) >= 5 and mixed
    boss = admin(engine)
    (a,) = callers(engine, 1)
    done = only_one[:3]
    with Session(engine) as s:
        qs.start_session(session=s, actor=a, line=LINE)
        for i, target in enumerate(done):
            qs.set_priority(session=s, actor=boss, case_id=target, priority=9)
            at = T0 + timedelta(minutes=10 * i)
            got = qs.claim_next_case(session=s, actor=a, line=LINE, now=at)
            assert got is not None and got.case_id == target
            qs.end_attempt(session=s, actor=a, case_id=target, disposition="complete",
                           now=at + timedelta(minutes=9))
            with engine.connect() as conn:
                status = dict(conn.execute(text("SELECT case_id, status FROM casequeue")).all())
            # not full before the third complete
            assert all(status[c] == ("held" if i == 2 else "open") for c in only_one[3:])
    assert all(status[c] == "open" for c in mixed)
    with Session(engine) as s:
        view = qs.show_case(session=s, actor=boss, case_id=only_one[3], now=T0)
        assert "完成目标已达到" in view.explain
        assert view.strata == [("item=1", 3, 3)]
        claimed = []
        while (c := qs.claim_next_case(session=s, actor=a, line=LINE,
                                       now=T0 + timedelta(minutes=30))) is not None:
            claimed.append(c.case_id)
            qs.end_attempt(session=s, actor=a, case_id=c.case_id, disposition="busy",
                           now=T0 + timedelta(minutes=30))
        assert claimed and not set(claimed) & set(only_one)
        # reserve released into the full stratum is held at once
        from callcentre.services.sampling import release_reserve

        release_reserve(session=s, actor=boss, wave=None, name="main", strata=["item=1"])
    with engine.connect() as conn:
        fresh = conn.execute(text(
            "SELECT q.status FROM casequeue q JOIN samplecase c ON c.id = q.case_id "
            "WHERE c.replicate > 0")).scalars().all()
    assert fresh and set(fresh) <= {"held", "open"} and "held" in fresh
    user(engine, "boss2", "supervisor")
    out = run(db_url, "case", "show", str(only_one[3]),
              env={"CALLCENTRE_USER": "boss2", "CALLCENTRE_PASSWORD": "password-1"})
    assert out.exit_code == 0, out.output
    assert "完成 3 / 目标 3（已达目标）" in out.output
    engine.dispose()


# --- [fieldwork] settings in the queue ----------------------------------------------------


def test_fieldwork_settings_reach_the_queue(db_url: str, tmp_path: Path) -> None:
    cfg = tmp_path / "callcentre.toml"
    cfg.write_text("""
[fieldwork]
max_attempts_per_day = 2
[fieldwork.retry]
busy = { minutes = 40 }
[[fieldwork.custom_dispositions]]
key = "moved_away"
code = "4.11"
group = "NE"
label_zh = "企业已迁出本市"
label_en = "Moved out of the city"
retry = "none"
hotkey = "m"
""", encoding="utf-8")
    settings = load_settings(cwd=tmp_path, env={})
    assert settings.fieldwork["retry"]["busy"]["minutes"] == 40
    engine = queued_sample(db_url, n=30)
    ids = case_ids(engine)
    (a,) = callers(engine, 1)
    with Session(engine) as s:
        rules = qs.rules_for(s, settings)
        assert rules.scheduler.max_attempts_per_day == 2 and "moved_away" in rules.dispositions
        qs.start_session(session=s, actor=a, line=LINE, settings=settings)
        c = qs.claim_next_case(session=s, actor=a, line=LINE, now=T0, settings=settings)
        assert c is not None
        end = T0 + timedelta(minutes=1)
        d = qs.end_attempt(session=s, actor=a, case_id=c.case_id, disposition="busy", now=end,
                           settings=settings)
        assert d.next_at == end + timedelta(minutes=40)
        c2 = qs.claim_next_case(session=s, actor=a, line=LINE, now=end, settings=settings)
        assert c2 is not None and c2.case_id in ids
        with pytest.raises(InvalidInput):        # not known without the settings
            qs.end_attempt(session=s, actor=a, case_id=c2.case_id, disposition="moved_away",
                           now=end)
        d2 = qs.end_attempt(session=s, actor=a, case_id=c2.case_id, disposition="moved_away",
                            now=end + timedelta(minutes=1), settings=settings)
        assert d2.closed and d2.final is not None and d2.final.disposition.code == "4.11"
        # the default rules are unchanged
        assert qs.rules_for(s, Settings()).scheduler.max_attempts_per_day == 3
    # the rates command counts the custom outcome as not eligible
    user(engine, "boss", "supervisor")
    env = {"CALLCENTRE_CONFIG": str(cfg), "CALLCENTRE_USER": "boss",
           "CALLCENTRE_PASSWORD": "password-1"}
    out = run(db_url, "rates", "--json", env=env)
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["total"]["counts"]["NE"] == 1
    engine.dispose()
    # a bad value names the file and the key
    cfg.write_text("[fieldwork.retry]\nbusy = { minutes = -5 }\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"retry\.busy\.minutes"):
        load_settings(cwd=tmp_path, env={})


# --- the command line --------------------------------------------------------------------


def test_simulate_and_forecast_commands(db_url: str) -> None:
    engine = _fresh(db_url)
    user(engine, "boss", "supervisor")
    env = {"CALLCENTRE_USER": "boss", "CALLCENTRE_PASSWORD": "password-1"}
    out = run(db_url, "simulate", "--days", "1", "--callers", "2", "--seed", "5",
              "--start", T0.astimezone(UTC).strftime("%Y-%m-%d"),
              "--yes", env=env)
    assert out.exit_code == 0, out.output
    for text_ in ("模拟调查实施", "拨打", "完成访问", "各层进度", "第1项", "RR1"):
        assert text_ in out.output, out.output
    assert "拨打 0 次" not in out.output
    no = run(db_url, "simulate", "--days", "1", env=env, input="n\n")
    assert no.exit_code != 0

    def state() -> tuple[Any, ...]:
        with engine.connect() as conn:
            return tuple(conn.execute(text(q)).scalar_one() for q in (
                "SELECT count(*) FROM callattempt",
                "SELECT count(*) FROM auditevent WHERE action NOT LIKE 'auth.%'",
                "SELECT count(*) FROM casequeue WHERE status = 'open'",
                "SELECT count(*) FROM sampleunit WHERE released = true",
                "SELECT count(*) FROM useraccount"))

    before = state()
    out = run(db_url, "forecast", "--callers", "3", "--days", "30", env=env)
    assert out.exit_code == 0, out.output
    assert "预测" in out.output and "第1项" in out.output and "item=" not in out.output, out.output
    assert "达到目标" in out.output or "达不到目标" in out.output
    assert state() == before            # the real database is untouched
    helped = run(db_url, "forecast", "--help")
    assert "副本" in helped.output
    engine.dispose()


def test_forecast_says_when_reserve_is_needed(db_url: str) -> None:
    """Targets every main-sample case cannot meet (a design drawn by size: response rate
    1): the forecast releases reserve replicates in its copy, says when, and the real
    database keeps its releases."""
    from callcentre.services.forecast import forecast

    engine = queued_sample(db_url, n=30)
    boss = admin(engine)
    with engine.connect() as conn:
        released = conn.execute(text("SELECT sum(released_replicates) FROM samplestratum")
                                ).scalar_one()
    with Session(engine) as s:
        result = forecast(session=s, actor=boss, callers=3, days=6, seed=2, start=T0)
    assert [f.label for f in result.strata] == ["item=1", "item=2", "item=3"]
    assert all(f.target == 10 and f.completes_now == 0 for f in result.strata)
    needed = [r for f in result.strata for r in f.reserve]
    assert needed and all(k >= 1 for _day, k in needed)
    assert all(f.met_on is None or f.met_on >= needed[0][0] for f in result.strata)
    assert 1 <= result.simulated_days <= 6
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sum(released_replicates) FROM samplestratum")
                            ).scalar_one() == released
        assert conn.execute(text("SELECT count(*) FROM callattempt")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM useraccount WHERE username LIKE 'sim%'")
                            ).scalar_one() == 0
    engine.dispose()
