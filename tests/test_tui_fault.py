"""Fault test: PostgreSQL stopped and restarted in the middle of an interview driven by
Pilot. The screen says the database is away, the caller keeps answering, and once the
server is back every answer is written: zero answers lost.

The test starts its own throwaway cluster (``scripts/pg-throwaway.sh``), since it stops
the server under everyone using it."""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.tui_support import answers_of, app_for, build_seed, settle, sync, to_case

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "pg-throwaway.sh"

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class Cluster:
    def __init__(self, url: str, tmp: str) -> None:
        self.admin_url, self.tmp = url, tmp
        self.port = int(re.search(r":(\d+)/", url).group(1))  # type: ignore[union-attr]
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        self.pg_ctl = str(bins[-1] / "pg_ctl")
        self.runas = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []

    def stop(self) -> None:
        subprocess.run([*self.runas, self.pg_ctl, "-D", f"{self.tmp}/data", "-m", "fast", "-w",
                        "stop"], check=True, capture_output=True)

    def start(self) -> None:
        opts = (f"-p {self.port} -k {self.tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c max_connections=200")
        subprocess.run([*self.runas, self.pg_ctl, "-D", f"{self.tmp}/data", "-l",
                        f"{self.tmp}/log", "-w", "-o", opts, "start"], check=True,
                       capture_output=True)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if not Path("/usr/lib/postgresql").exists():
        pytest.skip("PostgreSQL server binaries not installed")
    out = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        pytest.skip(f"cannot start a throwaway PostgreSQL: {out.stderr.strip()}")
    url = re.search(r"CALLCENTRE_TEST_PG_URL=(\S+)", out.stdout).group(1)  # type: ignore[union-attr]
    tmp = re.search(r"PGTMP=(\S+)", out.stdout).group(1)  # type: ignore[union-attr]
    try:
        yield Cluster(url, tmp)
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", tmp], check=False, capture_output=True)


async def until(pilot: Any, cond: Callable[[], bool], timeout: float = 30.0) -> None:
    """Let the app run until ``cond()`` holds (what the screen or the saver says)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.05)


@sync
async def test_postgres_restarted_mid_interview_loses_no_answer(cluster: Cluster) -> None:
    import psycopg

    name = f"cc_fault_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{cluster.admin_url.rsplit('/', 1)[0]}/{name}"
    engine = build_seed(url)
    app = app_for(url, engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        case_id = app.desk.case_id
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("enter", "1", "enter", "1", "enter")      # two answers saved
        await until(pilot, lambda: app.saver_state.saved == 2)
        cluster.stop()
        # the caller goes on: consent, name, and into the first item
        await pilot.press("1", "enter", *"wang", "enter")
        await until(pilot, lambda: app.saver_state.offline)
        saved = str(app.screen.query_one("#iv-saved").render())
        status = str(app.screen.query_one("#status").render())
        assert "待保存" in saved and "数据库暂时连不上" in status, (saved, status)
        while app.screen.prompt is not None and app.screen.prompt.type == "note":
            await pilot.press("enter")
        await pilot.press("1", "enter")
        await pilot.pause()
        assert app.screen.prompt is not None        # the screen never waited
        pending = len(app.saver.pending())
        assert pending >= 3, pending
        cluster.start()
        await until(pilot, lambda: app.saver_state.pending == 0 and not app.saver_state.offline,
                    timeout=60)
        assert str(app.screen.query_one("#iv-saved").render()) == "已保存 ✓"
        assert app.saver_state.failed == 0
        expected = app.desk.interview.interview.answers()
        assert len(expected) == 5
        assert answers_of(engine, case_id) == expected
        # and the outcome goes through on the reconnected database
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("2", "enter")
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "CaseScreen", app.screen.query_one("#status").render()
    engine.dispose()
