"""``callcentre serve`` in a real browser (Debian's chromium, driven by Playwright).

The page loads with no request leaving 127.0.0.1 (every request recorded, see
``tests/browser_support.py``); the served TUI starts at the log-in screen although the
server runs with a script's log-in in its environment and as an OS account mapped to a
user; a caller logs in, takes a case, keys through one question, and the answer is in
the database."""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from callcentre.i18n import t as translate
from tests.browser_support import CHROMIUM, browser
from tests.helpers import user
from tests.live_support import PASSWORD, callcentre_exe, live_seeded, process_env
from tests.tui_support import answers_of


def zh(key: str, **params: object) -> str:
    """A message as the TUI process shows it (it runs in Chinese, whatever this
    process's language was left at by other tests)."""
    return translate(key, lang="zh", **params)

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None and os.environ.get("CALLCENTRE_CI") != "1",
                       reason="chromium not installed (.ci/run installs Debian's chromium)"),
    pytest.mark.slow,
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, url: str, engine: object, port: int, log: Path) -> None:
        self.url, self.engine, self.port, self.log = url, engine, port, log

    @property
    def page(self) -> str:
        return f"http://127.0.0.1:{self.port}/"


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[Served]:
    """``callcentre serve`` on a live seeded database, started as a user would, with
    CALLCENTRE_USER/PASSWORD of a real caller in its environment."""
    engine, config = live_seeded(db_url, tmp_path)
    # the server's own OS account is a caller's too: still no way round the log-in
    user(engine, "oscaller", "caller", os_account=getpass.getuser())
    port = _free_port()
    log = tmp_path / "serve.log"
    env = process_env(config, CALLCENTRE_USER="wangfang", CALLCENTRE_PASSWORD=PASSWORD)
    with log.open("w") as out:
        proc = subprocess.Popen([callcentre_exe(), "--db", db_url, "serve", "--port",
                                 str(port)], env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, log.read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.05)
        yield Served(db_url, engine, port, log)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        engine.dispose()  # type: ignore[attr-defined]


def _held_case(served: Served) -> int | None:
    with served.engine.connect() as conn:  # type: ignore[attr-defined]
        row = conn.execute(text(
            "SELECT q.case_id FROM casequeue q JOIN useraccount u ON u.id = q.holder_id "
            "WHERE u.username = 'wangfang'")).first()
    return None if row is None else int(row[0])


def test_a_caller_logs_in_and_answers_in_the_browser(served: Served) -> None:
    # about 80×24 cells: the smallest terminal the screens are made for
    with browser(width=820, height=460) as b:
        b.page.goto(served.page)
        user_label, password_label = zh("tui.login.user"), zh("tui.login.password")
        screen = b.wait_for(zh("tui.login.title"), user_label, password_label)
        # nobody is logged in: not the environment's caller, not the OS account's
        assert "wangfang" not in screen.replace(zh("tui.login.user_hint"), "")
        assert b.page.title() == zh("serve.page.title")
        b.page.click("#terminal")                  # the app has the browser's focus
        deadline = time.monotonic() + 30
        while (focused := b.box_colour(user_label)) == b.box_colour(password_label):
            assert time.monotonic() < deadline, "the user name box never showed the focus"
            b.page.wait_for_timeout(20)
        assert focused is not None
        b.type("wangfang")
        b.wait_for("wangfang", password_label)
        b.press("Enter")
        b.wait_focus(password_label, focused)
        b.type(PASSWORD)
        b.wait_for("•" * len(PASSWORD))
        b.press("Enter")
        b.wait_for(zh("tui.line.title"), "96599966")  # the lines to log in on
        b.press("Enter")
        b.wait_for(zh("tui.key.interview"))         # the case card, its keys in the footer
        case_id = _held_case(served)
        assert case_id is not None
        b.wait_for(zh("tui.case.title", case=case_id))
        b.press("s")
        b.wait_for("您好", "王芳")                 # the greeting, with the caller's name
        b.press("Enter")
        b.wait_for("请问这里是", "不清楚")
        b.press("1", "Enter")
        b.wait_for("是否经办或了解")               # the next question is drawn
        deadline = time.monotonic() + 30
        while answers_of(served.engine, case_id).get("right_enterprise") != "yes":  # type: ignore[arg-type]
            assert time.monotonic() < deadline, answers_of(served.engine, case_id)  # type: ignore[arg-type]
            time.sleep(0.05)

        # every request went to this machine, and only to the server
        assert b.foreign() == [], b.foreign()
        assert b.failed == [], b.failed
        assert any(u.startswith(f"ws://127.0.0.1:{served.port}/ws") for u in b.websockets)
        assert f"http://127.0.0.1:{served.port}/static/js/textual.js" in b.requests
        assert not [m for m in b.console if "Content Security Policy" in m], b.console
