"""The caller TUI's parts: the answer saver's retries, the heartbeat, the command
palette and other overlays with Chinese text, the ``callcentre tui`` command."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from rich.cells import cell_len
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from callcentre.db.models.fieldwork import CaseQueue
from callcentre.errors import Conflict
from callcentre.tui.saver import AnswerSaver, PendingAnswer, SaverState
from tests.helpers import cli
from tests.tui_support import T0, app_for, seeded, settle, sync, to_case


class FlakyDatabase:
    """Refuses the first ``down`` writes as an unreachable server would."""

    def __init__(self, down: int) -> None:
        self.down = down
        self.rows: list[tuple[str, Any]] = []
        self.states: list[SaverState] = []
        self.lock = threading.Lock()

    def save(self, answer: PendingAnswer) -> None:
        with self.lock:
            if self.down > 0:
                self.down -= 1
                raise OperationalError("INSERT", {}, ConnectionRefusedError("server closed"))
            if answer.question == "refused":
                raise Conflict("queue.not_holder", case=answer.case_id)
            self.rows.append((answer.question, answer.value))


def _saver(db: FlakyDatabase) -> AnswerSaver:
    return AnswerSaver(db.save, db.states.append,
                       lambda exc: isinstance(exc, OperationalError))


def test_the_saver_keeps_order_and_retries_until_the_database_is_back() -> None:
    db = FlakyDatabase(down=3)
    saver = _saver(db)
    for i in range(5):
        saver.submit(PendingAnswer(1, f"q{i}", i))
    assert saver.flush(20)
    saver.close()
    assert db.rows == [(f"q{i}", i) for i in range(5)]
    assert any(s.offline and s.pending for s in db.states)      # it said so meanwhile
    final = db.states[-1]
    assert (final.pending, final.saved, final.offline, final.failed) == (0, 5, False, 0)


def test_a_refused_answer_is_kept_and_shown_not_dropped() -> None:
    db = FlakyDatabase(down=0)
    saver = _saver(db)
    saver.submit(PendingAnswer(7, "refused", "x"))
    saver.submit(PendingAnswer(7, "q", "y"))
    assert saver.flush(10)
    saver.close()
    assert db.rows == [("q", "y")]
    assert [(a.question, a.value) for a, _ in saver.failed] == [("refused", "x")]
    assert "不在您手上" in saver.failed[0][1]
    assert db.states[-1].failed == 1


@sync
async def test_the_heartbeat_extends_the_lease(sqlite_url: str) -> None:
    engine = seeded(sqlite_url)
    now = [T0]
    app = app_for(sqlite_url, engine)
    app.clock = lambda: now[0]
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        case_id = app.desk.case_id
        now[0] = T0 + timedelta(minutes=10)
        app.heartbeat()
        await settle(pilot)
    with Session(engine) as s:
        row = s.get(CaseQueue, case_id)
        assert row is not None and row.lease_until is not None
        lease = row.lease_until.replace(tzinfo=None)
        assert lease == (T0 + timedelta(minutes=25)).replace(tzinfo=None)
    engine.dispose()


def _screen_lines(app: Any) -> list[str]:
    return ["".join(seg.text for seg in strip)
            for strip in app.screen._compositor.render_strips()]


@sync
async def test_the_command_palette_speaks_chinese_and_keeps_the_text_around_it(
        sqlite_url: str) -> None:
    """The palette is the one overlay the TUI uses (no toasts, tooltips or Select:
    textualize/textual #6357). Its entries are Chinese, and no line loses cells."""
    engine = seeded(sqlite_url)
    app = app_for(sqlite_url, engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await to_case(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press("拨")
        await settle(pilot)
        lines = _screen_lines(app)
        assert all(cell_len(line) == 120 for line in lines), [cell_len(x) for x in lines]
        assert any("拨号" in line for line in lines), "\n".join(lines)
        # the bar above the palette keeps its Chinese
        assert "王芳" in lines[0] and "线路 96599966" in lines[0]
        await pilot.press("enter")
        await settle(pilot)
        assert app.desk.call_started is not None
    engine.dispose()


def test_the_tui_command_says_when_the_database_cannot_be_opened(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from callcentre.cli import main_group

    out = CliRunner().invoke(main_group, ["tui", "--help"])
    assert out.exit_code == 0 and "调研员" in out.output
    missing = tmp_path / "nothing" / "x.db"
    res = cli(f"sqlite:///{missing}", "tui")
    assert res.exit_code != 0 and "数据库" in res.output
    assert not missing.exists()


@sync
async def test_a_busy_sqlite_database_is_shown_and_the_answer_written_later(
        sqlite_url: str) -> None:
    import sqlite3
    import time

    from tests.tui_support import answers_of

    engine = seeded(sqlite_url)
    app = app_for(sqlite_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        case_id = app.desk.case_id
        await pilot.press("s")
        await settle(pilot)
        blocker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), timeout=1)
        blocker.execute("BEGIN IMMEDIATE")         # another writer holds the database
        await pilot.press("enter", "1", "enter", "1", "enter")
        deadline = time.monotonic() + 30
        while not app.saver_state.offline:
            assert time.monotonic() < deadline
            await pilot.pause(0.05)
        assert "数据库正忙" in str(app.screen.query_one("#status").render())
        assert app.screen.prompt.name == "consent"        # the caller went on meanwhile
        blocker.rollback()
        blocker.close()
        assert app.saver is not None and app.saver.flush(60)
        while app.saver_state.offline:
            assert time.monotonic() < deadline + 60
            await pilot.pause(0.05)
        assert str(app.screen.query_one("#iv-saved").render()) == "已保存 ✓"
        assert answers_of(engine, case_id) == {"right_enterprise": "yes", "right_person": "yes"}
    engine.dispose()


@sync
async def test_chinese_text_keeps_the_card_aligned_at_80_columns(sqlite_url: str) -> None:
    """Every line is exactly 80 cells and the card's right border stays in the last
    column on every row, however much Chinese (two cells a character) it holds."""
    engine = seeded(sqlite_url)
    app = app_for(sqlite_url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        lines = _screen_lines(app)
        assert len(lines) == 24 and all(cell_len(line) == 80 for line in lines)
        card = lines[1:22]
        assert card[0].startswith("╭") and card[-1].startswith("╰")
        assert all(line.rstrip()[-1] in "│╮╯" for line in card), "\n".join(card)
        assert any("本次涉及" in line for line in card)
    engine.dispose()
