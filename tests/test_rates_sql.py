"""AAPOR rates from SQL counts, on SQLite and PostgreSQL, against hand-computed figures
(the fixture: ``tests/rates_fixture.py``)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from callcentre.db.engine import open_engine
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
from callcentre.db.queries.rates import grouped_counts, refresh_outcomes
from callcentre.errors import InvalidInput, PermissionDenied
from callcentre.fieldwork.case import Attempt
from callcentre.fieldwork.dispositions import DISPOSITIONS, CustomDisposition, Group, Retry
from callcentre.fieldwork.final import derive_final
from callcentre.services.rates import outcome_rates
from tests import rates_fixture as fx
from tests.helpers import admin, user

G = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")


def counts(**kw: int) -> dict[str, int]:
    return {g: kw.get(g, 0) for g in G}


# hand-computed from the fixture's EXPECTED groups
TOTAL = counts(I=1, P=1, R=2, NC=1, O=1, UH=4, NE=2)
BY_ITEM = {(5,): counts(I=1, P=1, R=2, NC=1, O=1, UH=2),
           (18,): counts(I=1, P=1, UH=2, NE=2)}
BY_DISTRICT = {(fx.HEPING,): counts(I=1, R=2, UH=2, NE=1),
               (fx.BINHAI,): counts(P=1, NC=1, O=1, UH=2, NE=1)}
BY_LINE = {(fx.L66,): counts(P=1, R=1, UH=2, NE=2),
           (fx.L77,): counts(I=1, R=1, NC=1, O=1, UH=1),
           (None,): counts(UH=1)}
BY_DAY = {("2026-12-01",): counts(R=2, UH=1, NE=2),
          ("2026-12-02",): counts(I=1, P=1, NC=1, O=1, UH=2),
          (None,): counts(UH=1)}
BY_REPLICATE = {(0,): counts(I=1, P=1, R=2, NC=1, UH=4, NE=2), (1,): counts(O=1)}
BY_ITEM_DISTRICT = {(5, fx.HEPING): counts(I=1, R=2, UH=2),
                    (5, fx.BINHAI): counts(P=1, NC=1, O=1),
                    (18, fx.HEPING): counts(I=1, NE=1),
                    (18, fx.BINHAI): counts(P=1, UH=2, NE=1)}


@pytest.fixture
def fixture_db(db_url: str):  # type: ignore[no-untyped-def]
    engine = open_engine(db_url)
    boss = admin(engine)
    ids = fx.build(engine)
    yield engine, boss, ids
    engine.dispose()


def as_dict(result) -> dict[tuple, dict[str, int]]:  # type: ignore[no-untyped-def]
    return {r.key: r.counts for r in result.rows}


def test_total_counts_and_every_rate_by_hand(fixture_db) -> None:  # type: ignore[no-untyped-def]
    engine, boss, _ = fixture_db
    with Session(engine) as s:
        res = outcome_rates(session=s, actor=boss, wave="2021")
    assert res.total.counts == TOTAL
    # D = 6, U = 4, NE = 2: e = 6 / 8
    assert res.total.e == pytest.approx(0.75)
    want = {"RR1": 1 / 10, "RR2": 2 / 10, "RR3": 1 / 9, "RR4": 2 / 9, "RR5": 1 / 6,
            "RR6": 2 / 6, "COOP1": 1 / 5, "COOP2": 2 / 5, "COOP3": 1 / 4, "COOP4": 2 / 4,
            "REF1": 2 / 10, "REF2": 2 / 9, "REF3": 2 / 6, "CON1": 5 / 10, "CON2": 5 / 9,
            "CON3": 5 / 6}
    assert res.total.rates == pytest.approx(want)
    # the unreleased case (a complete), the reserve unit and the other wave's case do not count
    assert res.total.cases == 12


@pytest.mark.parametrize(("by", "expected"), [
    ("item", BY_ITEM), ("district", BY_DISTRICT), ("line", BY_LINE), ("day", BY_DAY),
    ("replicate", BY_REPLICATE), ("item,district", BY_ITEM_DISTRICT),
])
def test_counts_per_grouping(fixture_db, by: str, expected) -> None:  # type: ignore[no-untyped-def]
    engine, boss, _ = fixture_db
    with Session(engine) as s:
        res = outcome_rates(session=s, actor=boss, wave="2021", by=by.split(","))
    assert as_dict(res) == expected
    assert [r.key for r in res.rows] == list(expected)  # sorted, "never dialled" last


def test_item_level_groupings_count_a_case_once_per_group(fixture_db) -> None:  # type: ignore[no-untyped-def]
    engine, boss, ids = fixture_db
    with Session(engine) as s:
        area = as_dict(outcome_rates(session=s, actor=boss, wave="2021", by=["area"]))
        dept = as_dict(outcome_rates(session=s, actor=boss, wave="2021", by=["department"]))
        stratum = outcome_rates(session=s, actor=boss, wave="2021", by=["stratum"])
        caller = as_dict(outcome_rates(session=s, actor=boss, wave="2021", by=["caller"]))
    assert area == {((1, "企业开办"),): BY_ITEM[(5,)], ((3, "政务服务"),): BY_ITEM[(18,)]}
    # c8 has two units with department B (items 5 and 18): counted once there
    assert dept == {((ids["deptA"], "市税务局"),): counts(I=1, R=2, NC=1, O=1, UH=2),
                    ((ids["deptB"], "[b]政务办"),): counts(I=1, P=1, UH=2, NE=2)}
    assert [r.key[0][1] for r in stratum.rows] == ["item=5", "item=18"]
    assert [r.counts for r in stratum.rows] == [BY_ITEM[(5,)], BY_ITEM[(18,)]]
    # caller: the name shown, else the user name
    assert caller == {((ids["wang"], "王芳"),): BY_LINE[(fx.L66,)],
                      ((ids["li"], "li"),): BY_LINE[(fx.L77,)],
                      ((None, None),): counts(UH=1)}


def test_e_default_per_group_and_override(fixture_db) -> None:  # type: ignore[no-untyped-def]
    engine, boss, _ = fixture_db
    with Session(engine) as s:
        est = {r.key: r for r in outcome_rates(session=s, actor=boss, wave="2021",
                                               by=["item"]).rows}
        given = {r.key: r for r in outcome_rates(session=s, actor=boss, wave="2021",
                                                 by=["item"], e=0.8).rows}
        with pytest.raises(InvalidInput, match="0 到 1"):
            outcome_rates(session=s, actor=boss, wave="2021", e=1.5)
        with pytest.raises(InvalidInput, match="nope"):
            outcome_rates(session=s, actor=boss, wave="2021", by=["nope"])
    # item 5: D = 6, NE = 0 -> e = 1; RR3 = 1 / (6 + 2)
    assert est[(5,)].e == pytest.approx(1.0)
    assert est[(5,)].rates["RR3"] == pytest.approx(1 / 8)
    # item 18: D = 2, NE = 2 -> e = 0.5; RR3 = 1 / (2 + 0.5 * 2), RR1 = 1/4, RR5 = 1/2
    assert est[(18,)].e == pytest.approx(0.5)
    assert est[(18,)].rates["RR3"] == pytest.approx(1 / 3)
    assert est[(18,)].rates["RR1"] == pytest.approx(1 / 4)
    assert est[(18,)].rates["REF1"] == 0.0
    # e = 0.8 given: RR3 = 1 / (2 + 1.6), item 5: 1 / (6 + 1.6)
    assert given[(18,)].e == pytest.approx(0.8)
    assert given[(18,)].rates["RR3"] == pytest.approx(1 / 3.6)
    assert given[(5,)].rates["RR4"] == pytest.approx(2 / 7.6)


def test_only_released_sample_counts_and_a_release_adds_cases(fixture_db) -> None:  # type: ignore[no-untyped-def]
    engine, boss, ids = fixture_db
    with Session(engine) as s:
        before = outcome_rates(session=s, actor=boss, wave="2021", by=["item"])
        assert before.total.cases == 12
        # release the unit of c13 (its complete now counts, in item 5 and in the total)
        unit_id = s.exec(select(SampleCaseItem.unit_id).where(
            SampleCaseItem.case_id == ids["c13"])).one()
        u = s.get(SampleUnit, unit_id)
        assert u is not None
        u.released = True
        s.add(u)
        s.commit()
        after = outcome_rates(session=s, actor=boss, wave="2021", by=["item"])
        by_case = outcome_rates(session=s, actor=boss, wave="2021", by=["replicate"])
    assert after.total.cases == 13 and after.total.counts["I"] == 2
    assert as_dict(after)[(5,)]["I"] == 2
    assert as_dict(by_case)[(0,)]["I"] == 2


def test_a_released_case_not_yet_in_the_queue_counts(fixture_db) -> None:  # type: ignore[no-untyped-def]
    engine, boss, ids = fixture_db
    with Session(engine) as s:
        s.delete(s.get(CaseQueue, ids["c12"]))
        s.commit()
        res = outcome_rates(session=s, actor=boss, wave="2021")
    # c12's O attempt is still there: without a queue row it counts as open (O, rank 6)
    assert res.total.counts == TOTAL
    with Session(engine) as s:  # a released case without queue row nor attempt: UH
        ent = Enterprise(name="新", district_code=fx.HEPING)
        s.add(ent)
        s.flush()
        case = SampleCase(design_id=1, wave_id=ids["wave"], enterprise_id=ent.id)
        s.add(case)
        s.flush()
        unit_id = s.exec(select(SampleCaseItem.unit_id).where(
            SampleCaseItem.case_id == ids["c12"])).one()
        s.add(SampleCaseItem(case_id=case.id, unit_id=unit_id, item_id=1))
        s.commit()
        res = outcome_rates(session=s, actor=boss, wave="2021")
    assert res.total.counts == {**TOTAL, "UH": 5}


def test_the_cache_follows_new_and_ended_attempts(fixture_db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # read again only what is new or was open (not the newest 1000 as usual)
    monkeypatch.setattr("callcentre.db.queries.rates.REREAD", 1)
    engine, boss, ids = fixture_db
    with Session(engine) as s:
        assert outcome_rates(session=s, actor=boss, wave="2021").total.counts == TOTAL
        # c5's call in progress ends with a complete; c4 gets a refusal
        a = s.exec(select(CallAttempt).where(CallAttempt.case_id == ids["c5"])).one()
        a.disposition, a.group, a.code = "refusal_soft", "R", "2.111"
        s.add(a)
        s.add(CallAttempt(case_id=ids["c4"], wave_id=ids["wave"], caller_id=ids["li"],
                          line=fx.L77, number=0, started_at=fx.DAY2B, ended_at=fx.DAY2B,
                          disposition="complete", code="1.1", group="I"))
        s.commit()
        res = outcome_rates(session=s, actor=boss, wave="2021", by=["line"])
    assert res.total.counts == {**TOTAL, "I": 2, "R": 3, "UH": 2}
    assert as_dict(res)[(fx.L77,)]["I"] == 2 and (None,) not in as_dict(res)
    with Session(engine) as s:  # other rules: the cache is rebuilt (c6: every number dead)
        other = outcome_rates(session=s, actor=boss, wave="2021",
                              dead_numbers_ineligible=False)
        again = outcome_rates(session=s, actor=boss, wave="2021")
    assert other.total.counts["UO"] == 1 and other.total.counts["NE"] == 1
    assert again.total.counts["NE"] == 2 and again.total.counts["UO"] == 0


def test_a_caller_may_not_read_the_rates(fixture_db) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = fixture_db
    caller = user(engine, "zhao", "caller")
    with Session(engine) as s, pytest.raises(PermissionDenied):
        outcome_rates(session=s, actor=caller, wave="2021")


CUSTOM = DISPOSITIONS.with_custom([
    # a dialled outcome of unknown eligibility in group UO, retried like a no-answer
    CustomDisposition(key="line_noise", code="3.91", group=Group.UO, label_zh="杂音",
                      label_en="noise", retry=Retry.NO_ANSWER),
    # another number-killing outcome, and a contact that is a final custom NC code
    CustomDisposition(key="number_moved", code="4.51", group=Group.NE, label_zh="改号",
                      label_en="moved", retry=Retry.NEXT_NUMBER, contact=False),
    CustomDisposition(key="gatekeeper", code="2.291", group=Group.NC, label_zh="前台拒转",
                      label_en="gatekeeper"),
])


@pytest.mark.parametrize("custom", [False, True], ids=["standard", "custom"])
def test_open_cases_follow_derive_final(db_url: str, custom: bool) -> None:
    """Random attempt histories: the SQL's group of every open case is derive_final's
    (with the standard outcomes, and with custom UO, NE and NC codes added)."""
    engine = open_engine(db_url)
    rng = random.Random(20261202)
    dispositions = CUSTOM if custom else DISPOSITIONS
    keys = [d.key for d in dispositions if d.key not in ("not_attempted",)]
    start = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    expected: Counter[str] = Counter()
    with Session(engine) as s:
        w = Wave(code="r")
        s.add(w)
        s.flush()
        design = SampleDesign(name="d", wave_id=w.id)
        s.add(design)
        s.flush()
        dep, item = Department(name="d"), Item(wave_id=w.id, number=1)
        s.add_all([dep, item])
        s.flush()
        stratum = SampleStratum(design_id=design.id, position=0, label="all", population=1,
                                size=1)
        s.add(stratum)
        s.flush()
        caller = UserAccount(username="c", role="caller")
        s.add(caller)
        s.flush()
        for n in range(300):
            ent = Enterprise(name=f"e{n}")
            s.add(ent)
            s.flush()
            m = ItemMembership(wave_id=w.id, enterprise_id=ent.id, item_id=item.id,
                               department_id=dep.id)
            c = SampleCase(design_id=design.id, wave_id=w.id, enterprise_id=ent.id)
            s.add_all([m, c])
            s.flush()
            u = SampleUnit(design_id=design.id, stratum_id=stratum.id, membership_id=m.id,
                           enterprise_id=ent.id, item_id=item.id, prn_key=str(n), prn=0.1,
                           rank=n, replicate=0, released=True, case_id=c.id)
            s.add(u)
            s.flush()
            s.add(SampleCaseItem(case_id=c.id, unit_id=u.id, item_id=item.id))
            s.add(CaseQueue(case_id=c.id, wave_id=w.id, design_id=design.id))
            phones = rng.choice([0, 1, 2])
            for pos in range(phones):
                s.add(CasePhone(case_id=c.id, position=pos, e164=f"+86221{n:04d}{pos}"))
            # histories biased to no contact, so the rules late in the order get tried
            pool = keys if rng.random() < 0.4 else [
                "busy", "no_answer", "voicemail", "technical", "abandoned", "fax",
                "not_working", "wrong_enterprise", "unknown_other",
                *(["line_noise", "line_noise", "number_moved"] if custom else [])]
            history = []
            for k in range(rng.choice([0, 1, 2, 3, 4])):
                key = rng.choice(pool)
                number = rng.randrange(max(phones, 1))
                at = start + timedelta(hours=k)
                history.append(Attempt(at, key, number))
                d = dispositions.get(key)
                s.add(CallAttempt(case_id=c.id, wave_id=w.id, caller_id=caller.id, line="1",
                                  number=number, started_at=at, ended_at=at, disposition=key,
                                  code=d.code, group=d.group.value))
                s.flush()
            expected[derive_final(history, numbers=phones,
                                  dispositions=dispositions).group.value] += 1
        s.commit()
        refresh_outcomes(s, wave_id=int(w.id or 0), dispositions=dispositions)
        rows = grouped_counts(s, wave_id=int(w.id or 0), by=())
    got = Counter({r.group: r.cases for r in rows})
    assert got == expected
    assert len(expected) >= 6  # the histories reached most rules
    if custom:  # a dialled custom UO outcome decided some cases
        assert expected["UO"] > 0
    engine.dispose()
