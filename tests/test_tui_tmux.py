"""``callcentre tui`` in a real terminal (tmux) at 80×24 and 120×40: a caller logs in,
takes a case, keys through a whole interview and records the outcome; the screen is
read with capture-pane at every step and the database is checked at the end.

What is keyed comes from a shadow of the interview (the same questionnaire, built by
the same service, answered the same way), so each step waits for exactly the question
that must come next."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import Session

from callcentre.i18n import t as translate
from callcentre.services.interviews import case_parts, rebuild
from tests.live_support import PASSWORD, callcentre_exe, live_seeded, process_env
from tests.tmux_support import Terminal, needs_tmux, terminal
from tests.tui_support import answers_of


def zh(key: str, **params: object) -> str:
    """A message as the TUI process shows it (it runs in Chinese, whatever this
    process's language was left at by other tests)."""
    return translate(key, lang="zh", **params)

pytestmark = [needs_tmux, pytest.mark.slow]


def _held_case(engine: Any) -> int | None:
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT q.case_id FROM casequeue q JOIN useraccount u ON u.id = q.holder_id "
            "WHERE u.username = 'wangfang'")).first()
    return None if row is None else int(row[0])


def _disposition(engine: Any, case_id: int) -> tuple[str, str] | None:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT disposition, code FROM callattempt WHERE case_id = :c "
                                "AND disposition IS NOT NULL"), {"c": case_id}).first()
    return None if row is None else (row[0], row[1])


def _wait(probe: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    """Poll the database until ``probe`` returns something true; return it."""
    deadline = time.monotonic() + timeout
    while not (value := probe()):
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    return value


def _fragment(label: str) -> str:
    """The start of a question as the screen shows it (before any ``${…}`` filled in)."""
    head = re.split(r"\$\{", label, maxsplit=1)[0].strip() or label.strip()
    return head[:16]


def _step(prompt: Any) -> tuple[list[str], str | None, Any]:
    """(tmux keys, literal text to type first, the value the TUI will store)."""
    if prompt.type.startswith("select"):
        names = [c[0] for c in prompt.choices]
        index = names.index("yes") if "yes" in names else 0
        value = [names[index]] if prompt.type == "select_multiple" else names[index]
        return [str(index + 1), "Enter"], None, value
    typed = {"integer": "1", "decimal": "1", "date": "2026-06-01", "time": "10:00",
             "text": "ok"}
    if prompt.type in typed:
        return ["Enter"], typed[prompt.type], typed[prompt.type]
    return ["Enter"], None, None             # a note: read out, Enter goes on


def _log_in(term: Terminal) -> None:
    term.wait_for(zh("tui.login.title"), zh("tui.login.user"), zh("tui.login.password"))
    focused = term.focused_colour(zh("tui.login.user"), zh("tui.login.password"))
    term.type("wangfang")
    term.wait_for("wangfang", zh("tui.login.password"))
    term.send("Enter")
    term.wait_focus(zh("tui.login.password"), focused)
    term.type(PASSWORD)
    term.wait_for("•" * len(PASSWORD))
    term.send("Enter")


@pytest.mark.parametrize(("database", "size"), [
    ("sqlite", (80, 24)), ("sqlite", (120, 40)),
    pytest.param("postgresql", (80, 24), marks=pytest.mark.postgres),
], ids=["sqlite-80x24", "sqlite-120x40", "postgresql-80x24"])
def test_a_whole_interview_in_tmux(database: str, size: tuple[int, int], tmp_path: Path,
                                   request: pytest.FixtureRequest) -> None:
    url = (f"sqlite:///{tmp_path / 'test.db'}" if database == "sqlite"
           else request.getfixturevalue("pg_url"))
    engine, config = live_seeded(url, tmp_path)
    width, height = size
    env = process_env(config)
    command = f"{callcentre_exe()} --db {url} tui"
    with terminal(command, width=width, height=height, env=env) as term:
        _log_in(term)
        term.wait_for(zh("tui.line.title"), "96599966")
        term.send("Enter")
        screen = term.wait_for(zh("tui.key.interview"))
        case_id = _held_case(engine)
        assert case_id is not None
        assert zh("tui.case.title", case=case_id) in screen
        term.send("s")

        with Session(engine) as s:
            shadow = rebuild(case_parts(s, case_id), {})
        steps = 0
        before = ""
        while (prompt := shadow.current()) is not None:
            shown = _fragment(prompt.label)
            assert shown != before, f"two questions in a row start with {shown!r}"
            term.wait_for(shown)
            if before:
                term.wait_gone(before)
            before = shown
            keys, typed, value = _step(prompt)
            if typed is not None:
                term.type(typed)
                term.wait_for(typed)
            term.send(*keys)
            if prompt.type == "note":
                assert shadow.next()
            else:
                result = shadow.answer(prompt.name, value)
                assert result, (prompt.name, result.message)
            steps += 1
            assert steps < 200, "the interview does not end"
        term.wait_for(zh("tui.iv.done_title"))

        # every answer keyed is in the database, as the questionnaire engine holds it
        _wait(lambda: answers_of(engine, case_id) == shadow.answers(),
              f"answers in the database: {answers_of(engine, case_id)}, "
              f"keyed: {shadow.answers()}")
        assert {"right_enterprise", "right_person", "consent"} <= set(shadow.answers())

        term.send("Enter")                      # the outcome picker, "complete" proposed
        term.wait_for(zh("tui.outcome.title"), zh("tui.outcome.help_chosen"))
        term.send("Enter")
        # recorded, and the next case's card on screen
        attempt = _wait(lambda: _disposition(engine, case_id), "the outcome was never recorded")
        assert attempt == ("complete", "1.1")
        following = _wait(lambda: _held_case(engine) not in (None, case_id) and
                          _held_case(engine), "no next case was taken")
        term.wait_for(zh("tui.case.title", case=following))
        term.send("C-q")
        term.wait_for("EXIT=0")
    engine.dispose()
