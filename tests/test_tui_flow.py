"""The caller TUI driven by key presses (Textual's Pilot) on a seeded database, on
SQLite and PostgreSQL: log-in, line, case card, a whole interview, outcomes,
appointments, resuming, pausing, and one caller never seeing another's case."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, col, select

from callcentre.db.models.fieldwork import Answer, CallAttempt, CallerSession, CaseQueue
from callcentre.errors import Conflict
from callcentre.services import queue as qs
from callcentre.services.accounts import get_actor
from callcentre.settings import DEFAULT_LINES, Line
from tests.tui_support import (
    PASSWORD,
    T0,
    answers_of,
    app_for,
    finish_interview,
    log_in,
    seeded,
    settle,
    sync,
    to_case,
)

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@sync
async def test_log_in_refuses_a_wrong_password_in_chinese(db_url: str) -> None:
    engine = seeded(db_url)
    app = app_for(db_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await log_in(pilot, "wangfang", "wrong-password")
        assert type(app.screen).__name__ == "LoginScreen"
        status = str(app.screen.query_one("#status").render())
        assert "用户名或密码" in status, status
        assert app.desk.actor is None
        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "LineScreen"
        assert app.desk.actor is not None and app.desk.actor.username == "wangfang"
    engine.dispose()


@sync
async def test_a_whole_interview_lands_in_the_database(db_url: str) -> None:
    engine = seeded(db_url)
    app = app_for(db_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        assert type(app.screen).__name__ == "CaseScreen"
        case_id = app.desk.case_id
        assert case_id is not None
        await pilot.press("d", "s")
        await settle(pilot)
        assert type(app.screen).__name__ == "InterviewScreen"
        shown = await finish_interview(pilot)
        assert app.saver is not None and app.saver.flush(10)
        typed = answers_of(engine, case_id)
        # every answer given on screen is in the database, as the engine holds it
        assert typed == app.desk.interview.interview.answers()
        assert {"right_enterprise", "right_person", "consent"} <= set(typed)
        assert typed["consent"] == "yes"
        assert shown[0] == "hello"
        # the finished interview suggests "complete"; Enter records it
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OutcomeScreen"
        assert app.screen.chosen is not None and app.screen.chosen.key == "complete"
        await pilot.press("m", *"good", "enter")
        await settle(pilot)
        await settle(pilot)
        # the next case is on screen
        assert type(app.screen).__name__ == "CaseScreen", app.screen.query_one("#status").render()
        assert app.desk.case_id not in (None, case_id)
    with Session(engine) as s:
        attempt = s.exec(select(CallAttempt).where(CallAttempt.case_id == case_id)).one()
        assert (attempt.disposition, attempt.code, attempt.note) == ("complete", "1.1", "good")
        row = s.get(CaseQueue, case_id)
        assert row is not None and row.status == "closed" and row.holder_id is None
        rows = s.exec(select(Answer).where(Answer.case_id == case_id)).all()
        assert {r.attempt_id for r in rows} == {attempt.id}
    engine.dispose()


@sync
async def test_skip_logic_shows_only_the_questions_that_apply(db_url: str) -> None:
    engine = seeded(db_url)
    app = app_for(db_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        case_id = app.desk.case_id
        await pilot.press("s")
        await settle(pilot)
        # "no": not the enterprise on the line → no respondent, no consent asked
        await pilot.press("enter")                    # the greeting
        assert app.screen.prompt.name == "right_enterprise"
        await pilot.press("2", "enter")
        await pilot.pause()
        after = app.screen.prompt
        assert after is None or after.name not in ("right_person", "consent")
        # back (Esc) and "yes": the respondent question appears
        await pilot.press("escape")
        assert app.screen.prompt.name == "right_enterprise"
        await pilot.press("1", "enter", "1", "enter", "1", "enter")
        await pilot.pause()
        assert app.screen.prompt.name == "respondent"
        await pilot.press(*"li", "enter")
        # the first item: "not used" skips its channel, visits and satisfaction
        while app.screen.prompt is not None and not app.screen.prompt.name.endswith(".used"):
            await pilot.press("enter")
        used = app.screen.prompt.name
        module = used.rsplit(".", 1)[0]
        await pilot.press("2", "enter")
        await pilot.pause()
        assert app.screen.prompt.name == f"{module}.comment"
        # an integer question refuses letters inline
        await pilot.press("escape")
        await pilot.press("1", "enter")
        await pilot.pause()
        shown = [app.screen.prompt.name]
        while app.screen.prompt.type != "integer":
            await pilot.press(*("1", "enter") if app.screen.prompt.type.startswith("select")
                              else ("enter",))
            shown.append(app.screen.prompt.name)
        assert f"{module}.channel" in shown
        await pilot.press("x", "enter")
        error = str(app.screen.query_one("#iv-error").render())
        assert error and app.screen.prompt.type == "integer"
        assert app.saver is not None and app.saver.flush(10)
        assert answers_of(engine, case_id)[used] == "yes"
    engine.dispose()


@sync
async def test_an_appointment_is_booked_for_the_same_caller(db_url: str) -> None:
    engine = seeded(db_url)
    app = app_for(db_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        case_id = app.desk.case_id
        await pilot.press("d", "o")
        await settle(pilot)
        await pilot.press("3")          # hard appointment: the time field has the focus
        await pilot.press("ctrl+a", *"14:30")
        await pilot.press("escape", "k")   # leave the field, book it for myself
        # a time outside calling hours is refused, with the reason
        await pilot.press("m", *"lunch", "escape")
        app.screen.query_one("#appt-time").value = "12:30"
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "OutcomeScreen"
        assert "预约时间不可用" in str(app.screen.query_one("#status").render())
        app.screen.query_one("#appt-time").value = "14:30"
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "CaseScreen"
    with Session(engine) as s:
        row = s.get(CaseQueue, case_id)
        assert row is not None and row.appt_at is not None and row.appt_hard
        at = row.appt_at if row.appt_at.tzinfo else row.appt_at.replace(tzinfo=UTC)
        local = at.astimezone(ZoneInfo("Asia/Shanghai"))
        assert (local.date().isoformat(), local.strftime("%H:%M")) == ("2026-12-04", "14:30")
        me = get_actor(session=s, username="wangfang")
        assert row.appt_caller_id == me.id
        attempt = s.exec(select(CallAttempt).where(CallAttempt.case_id == case_id)).one()
        assert (attempt.disposition, attempt.note) == ("appointment_hard", "lunch")
    engine.dispose()


@sync
async def test_a_partial_interview_resumes_at_its_first_unanswered_question(
        db_url: str) -> None:
    engine = seeded(db_url)
    app = app_for(db_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        case_id = app.desk.case_id
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter", "1", "enter", "1", "enter", "1", "enter")
        await pilot.pause()
        assert app.screen.prompt.name == "respondent"
        assert app.saver is not None and app.saver.flush(10)
    # the terminal was closed without an outcome: the case is still the caller's
    app = app_for(db_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        assert app.desk.case_id == case_id
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.prompt.name == "respondent"
        assert app.desk.interview.interview.answers()["consent"] == "yes"
    engine.dispose()


@sync
async def test_a_caller_never_sees_another_callers_case(db_url: str) -> None:
    engine = seeded(db_url)
    first, second = app_for(db_url, engine), app_for(db_url, engine)
    async with first.run_test(size=(80, 24)) as p1, second.run_test(size=(80, 24)) as p2:
        await to_case(p1, "wangfang")
        await to_case(p2, "zhangwei")
        mine, theirs = first.desk.case_id, second.desk.case_id
        assert mine is not None and theirs is not None and mine != theirs
        card = str(second.screen.query_one("#card-body").render())
        assert first.desk.card is not None
        assert first.desk.card.view.enterprise not in card
    with Session(engine) as s:
        zhang = get_actor(session=s, username="zhangwei")
        with pytest.raises(Conflict, match="无权查看"):
            qs.show_case(session=s, actor=zhang, case_id=mine)
    engine.dispose()


@sync
async def test_pause_releases_an_undialled_case_and_log_out_ends_the_session(
        db_url: str) -> None:
    engine = seeded(db_url)
    app = app_for(db_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        case_id = app.desk.case_id
        await pilot.press("p")
        await settle(pilot)
        assert type(app.screen).__name__ == "PauseScreen"
        with Session(engine) as s:
            row = s.get(CaseQueue, case_id)
            assert row is not None and row.holder_id is None
            attempt = s.exec(select(CallAttempt).where(CallAttempt.case_id == case_id)).one()
            assert attempt.disposition == "abandoned"
            assert s.exec(select(CallerSession.paused).where(
                col(CallerSession.ended_at).is_(None))).one() is True
        await pilot.press("r")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "CaseScreen" and app.desk.case_id is not None
        # dialled: log-out asks for the outcome first, then ends the session
        await pilot.press("d", "q")
        await settle(pilot)
        assert type(app.screen).__name__ == "OutcomeScreen"
        await pilot.press("8", "enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "LoginScreen"
    with Session(engine) as s:
        assert s.exec(select(CallerSession).where(
            col(CallerSession.ended_at).is_(None))).all() == []
        assert s.exec(select(CaseQueue).where(col(CaseQueue.holder_id).is_not(None))).all() == []
        done = s.exec(select(CallAttempt.disposition).order_by(col(CallAttempt.id))).all()
        assert done == ["abandoned", "no_answer"]
    engine.dispose()


@sync
async def test_only_lines_with_room_are_offered(sqlite_url: str) -> None:
    engine = seeded(sqlite_url)
    with Session(engine) as s:
        zhang = get_actor(session=s, username="zhangwei")
        lines = tuple(Line(n, 1) for n in DEFAULT_LINES)
        from callcentre.settings import Settings
        qs.start_session(session=s, actor=zhang, line=DEFAULT_LINES[0],
                         settings=Settings(lines=lines))
    app = app_for(sqlite_url, engine, lines=lines)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot)
        await settle(pilot)
        from textual.widgets import OptionList
        options = app.screen.query_one("#lines", OptionList)
        offered = [str(options.get_option_at_index(i).id) for i in range(options.option_count)]
        assert offered == list(DEFAULT_LINES[1:])
        assert "今日" in str(app.screen.query_one("#today").render())
    engine.dispose()


@sync
async def test_keys_are_remapped_from_the_settings(sqlite_url: str) -> None:
    engine = seeded(sqlite_url)
    app = app_for(sqlite_url, engine, keymap={"case.dial": "z", "case.interview": "i"})
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        await pilot.press("z")
        assert app.desk.call_started is not None
        assert "请拨打" in str(app.screen.query_one("#status").render())
        await pilot.press("i")
        await settle(pilot)
        assert type(app.screen).__name__ == "InterviewScreen"
    engine.dispose()


def test_answers_keep_their_entry_time() -> None:
    # the saver stamps an answer when it is entered, not when the database takes it
    from callcentre.tui.saver import PendingAnswer

    before = datetime.now(UTC)
    p = PendingAnswer(1, "q", "v")
    assert before <= p.entered_at <= datetime.now(UTC)
    assert json.dumps(p.value) == '"v"'


@sync
async def test_a_case_taken_over_after_its_lease_ran_out_does_not_block_the_caller(
        sqlite_url: str) -> None:
    from datetime import timedelta

    from tests.helpers import admin
    from tests.tui_support import T0

    engine = seeded(sqlite_url)
    app = app_for(sqlite_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        lost = app.desk.case_id
        # the lease ran out (the terminal slept) and a supervisor gave the case back
        with Session(engine) as s:
            qs.release_case(session=s, actor=admin(engine), case_id=lost,
                            now=T0 + timedelta(minutes=20))
        await pilot.press("d", "o")
        await settle(pilot)
        await pilot.press("8", "enter")
        await settle(pilot)
        await settle(pilot)
        # told why, and on to the next claim (which may be the same case again)
        assert type(app.screen).__name__ == "CaseScreen" and app.desk.case_id is not None
        assert "不在您手上" in str(app.screen.query_one("#status").render())
    with Session(engine) as s:
        done = s.exec(select(CallAttempt.disposition).where(CallAttempt.case_id == lost)
                      .order_by(col(CallAttempt.id))).all()
        assert done[0] == "abandoned" and "no_answer" not in done
    engine.dispose()


@sync
async def test_the_demo_sign_in_goes_through_the_log_in_service(sqlite_url: str) -> None:
    """``CallerApp(sign_in=…)`` (the demo's caller) is checked like typed credentials: a
    right password reaches the line screen, a wrong one stays at the log-in, refused."""
    from callcentre.settings import Settings
    from callcentre.tui.app import CallerApp

    engine = seeded(sqlite_url)
    for password, screen in ((PASSWORD, "LineScreen"), ("not-the-password", "LoginScreen")):
        app = CallerApp(settings=Settings(), db_url=sqlite_url, clock=lambda: T0,
                        engine=engine, sign_in=("wangfang", password))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert type(app.screen).__name__ == screen
            assert (app.desk.actor is not None) == (screen == "LineScreen")
    engine.dispose()
