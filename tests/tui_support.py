"""A seeded database and Pilot helpers for the caller TUI tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from callcentre.services import interviews
from callcentre.services.questionnaires import load_questionnaires
from questionnaires.bank import BANK_DIR, module_path
from tests.helpers import admin, user
from tests.queue_support import queued_sample

#: 09:30 Beijing time on Thursday 3 December 2026, an ordinary workday
T0 = datetime(2026, 12, 3, 1, 30, tzinfo=UTC)
PASSWORD = "demo-caller"


_templates: dict[str, str] = {}


def seeded(url: str) -> Engine:
    """:func:`build_seed` into ``url`` (a fresh database), from a template made once per
    test process (a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on PostgreSQL):
    the seed takes seconds, a copy a fraction of one."""
    from callcentre.db.engine import open_engine

    if url.startswith("sqlite"):
        _copy_sqlite(url)
    else:
        _copy_postgres(url)
    return open_engine(url)


def _copy_sqlite(url: str) -> None:
    import shutil
    import sqlite3
    import tempfile

    template = _templates.get("sqlite")
    if template is None:
        template = str(Path(tempfile.mkdtemp(prefix="cc-tui-")) / "seed.db")
        build_seed(f"sqlite:///{template}").dispose()
        with sqlite3.connect(template) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _templates["sqlite"] = template
    target = url.removeprefix("sqlite:///")
    shutil.copyfile(template, target)


def _copy_postgres(url: str) -> None:
    import os
    import uuid

    import psycopg

    admin_url = os.environ["CALLCENTRE_TEST_PG_URL"]
    base, name = url.rsplit("/", 1)
    template = _templates.get(admin_url)
    if template is None:
        template = f"cc_tui_seed_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{template}"')
        build_seed(f"{base}/{template}").dispose()
        _templates[admin_url] = template
        import atexit

        def drop() -> None:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        atexit.register(drop)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def build_seed(url: str) -> Engine:
    """A drawn sample in the queue, the bank's questionnaires for items 1-3 and two
    callers (wangfang 王芳, zhangwei 张伟); every case callable from a fixed time."""
    engine = queued_sample(url)
    paths = [BANK_DIR / "2021" / "opening_2021.xlsx", BANK_DIR / "2021" / "closing_2021.xlsx",
             *(module_path(n, 2021) for n in (1, 2, 3))]
    with Session(engine) as s:
        load_questionnaires(session=s, actor=admin(engine), wave=None, paths=paths)
    user(engine, "wangfang", "caller", password=PASSWORD, display_name="王芳")
    user(engine, "zhangwei", "caller", password=PASSWORD, display_name="张伟")
    released = T0 - timedelta(days=1, hours=3)
    with engine.begin() as conn:
        conn.execute(text("UPDATE casequeue SET released_at = :r, next_call_at = :r, "
                          "waiting_since = :r"), {"r": released.replace(tzinfo=None)
                                                  if url.startswith("sqlite") else released})
    return engine


def app_for(url: str, engine: Engine | None = None, **kw: Any) -> Any:
    from callcentre.settings import Settings
    from callcentre.tui.app import CallerApp

    return CallerApp(settings=Settings(**kw), db_url=url, clock=lambda: T0, engine=engine)


async def settle(pilot: Any) -> None:
    """Wait for the database workers, then for the screen to draw what they brought."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def log_in(pilot: Any, username: str = "wangfang", password: str = PASSWORD) -> None:
    await pilot.click("#username")
    await pilot.press(*username, "enter", *password, "enter")
    await settle(pilot)


async def to_case(pilot: Any, username: str = "wangfang") -> None:
    """Log in, take the first line, wait for the case card."""
    await log_in(pilot, username)
    await pilot.press("enter")
    await settle(pilot)
    await settle(pilot)


def answers_of(engine: Engine, case_id: int) -> dict[str, Any]:
    with Session(engine) as s:
        return interviews._latest_answers(s, case_id)


def keys_for(prompt: Any, prefer: str = "yes") -> list[str]:
    """Key presses that answer ``prompt``: the number of ``prefer`` (else the first
    choice), a 1, a date, or some text; notes just Enter."""
    if prompt.type.startswith("select"):
        names = [c[0] for c in prompt.choices]
        index = names.index(prefer) if prefer in names else 0
        return [str(index + 1), "enter"]
    if prompt.type in ("integer", "decimal"):
        return ["1", "enter"]
    if prompt.type == "date":
        return [*"2026-06-01", "enter"]
    if prompt.type == "time":
        return [*"10:00", "enter"]
    if prompt.type == "text":
        return [*"ok", "enter"]
    return ["enter"]


async def answer_current(pilot: Any, prefer: str = "yes") -> tuple[str, str]:
    """Answer the question on screen by keys; returns its name and type."""
    prompt = pilot.app.screen.prompt
    assert prompt is not None, "the interview has ended"
    await pilot.press(*keys_for(prompt, prefer))
    await pilot.pause()
    return prompt.name, prompt.type


async def finish_interview(pilot: Any, prefer: str = "yes", limit: int = 60) -> list[str]:
    """Answer every question on screen; returns the names shown, in order."""
    shown = []
    for _ in range(limit):
        if pilot.app.screen.prompt is None:
            return shown
        name, _type = await answer_current(pilot, prefer)
        shown.append(name)
    raise AssertionError(f"interview not finished after {limit} questions: {shown}")


def sync(scenario: Any) -> Any:
    """Run an async Pilot scenario as a plain test (no async plugin needed)."""
    import asyncio
    import functools

    @functools.wraps(scenario)
    def run(*args: Any, **kwargs: Any) -> Any:
        return asyncio.run(scenario(*args, **kwargs))

    return run
