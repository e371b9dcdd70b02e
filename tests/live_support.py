"""A seeded database the caller TUI can work *now*, on the wall clock: for the tests
that start ``callcentre tui`` or ``callcentre serve`` as real processes (tmux, browser),
where no test clock can be handed in.

On top of :func:`tests.tui_support.seeded`: every case callable from an hour ago,
today and tomorrow (Beijing) imported as make-up workdays, and a config file whose
calling window spans the whole day, so the queue hands out cases at any hour of any day.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from callcentre.services.calendar import import_calendar
from tests.helpers import admin
from tests.tui_support import PASSWORD, seeded

__all__ = ["PASSWORD", "callcentre_exe", "live_seeded", "process_env"]

WHOLE_DAY_CONFIG = """\
[calling]
windows = ["00:00-23:59"]
"""


def live_seeded(url: str, folder: Path) -> tuple[Engine, Path]:
    """The seeded database, workable now; returns it and the config file to use."""
    engine = seeded(url)
    now = datetime.now(UTC) - timedelta(hours=1)
    stamp = now.replace(tzinfo=None) if url.startswith("sqlite") else now
    with engine.begin() as conn:
        conn.execute(text("UPDATE casequeue SET released_at = :r, next_call_at = :r, "
                          "waiting_since = :r"), {"r": stamp})
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    days = folder / "workdays.csv"
    days.write_text("日期,类型,名称\n" + "".join(
        f"{(today + timedelta(days=n)).isoformat()},调休,测试\n" for n in (0, 1)),
        encoding="utf-8")
    with Session(engine) as s:
        import_calendar(session=s, actor=admin(engine), path=days)
    config = folder / "callcentre.toml"
    config.write_text(WHOLE_DAY_CONFIG, encoding="utf-8")
    return engine, config


def callcentre_exe() -> str:
    return str(Path(sys.executable).with_name("callcentre"))


def process_env(config: Path, **extra: str) -> dict[str, str]:
    """The environment for a ``callcentre`` process on the live database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTRE_")}
    env.update({"CALLCENTRE_CONFIG": str(config), "CALLCENTRE_LANG": "zh",
                "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **extra})
    return env
