"""SVG snapshots of every caller screen at 80×24 and 120×40 (pytest-textual-snapshot).

The data is the seeded database, the clock is fixed (:data:`tests.tui_support.T0`)
and the cursor does not blink, so the pictures are the same on every run. Update
them after a deliberate change with ``pytest tests/test_tui_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.widgets import Input

from tests.tui_support import app_for, log_in, seeded, settle, to_case

SIZES = [(80, 24), (120, 40)]


async def _freeze(pilot: Any) -> None:
    for inp in pilot.app.screen.query(Input):
        inp.cursor_blink = False
    await pilot.pause()


async def login(pilot: Any) -> None:
    await settle(pilot)
    await pilot.press(*"wangfang", "enter", *"wrong-pw", "enter")
    await settle(pilot)


async def line(pilot: Any) -> None:
    await log_in(pilot)


async def case(pilot: Any) -> None:
    await to_case(pilot)
    await pilot.press("d")


async def script(pilot: Any) -> None:
    await case(pilot)
    await pilot.press("s")
    await settle(pilot)


async def question(pilot: Any) -> None:
    await script(pilot)
    await pilot.press("enter", "1", "enter", "2")
    await settle(pilot)


async def typed(pilot: Any) -> None:
    await script(pilot)
    await pilot.press("enter", "1", "enter", "1", "enter", "1", "enter", *"li")
    await settle(pilot)


async def outcome(pilot: Any) -> None:
    await case(pilot)
    await pilot.press("o")
    await settle(pilot)
    await pilot.press("4", *"10:30")


async def pause(pilot: Any) -> None:
    await to_case(pilot)
    await pilot.press("p")
    await settle(pilot)


SCREENS: dict[str, Callable[[Any], Awaitable[None]]] = {
    "login": login, "line": line, "case": case, "script": script, "question": question,
    "typed": typed, "outcome": outcome, "pause": pause,
}


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "120x40"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(screen: str, size: tuple[int, int], sqlite_url: str, snap_compare: Any) -> None:
    engine = seeded(sqlite_url)

    async def run_before(pilot: Any) -> None:
        await SCREENS[screen](pilot)
        await _freeze(pilot)

    assert snap_compare(app_for(sqlite_url, engine), run_before=run_before, terminal_size=size)
    engine.dispose()


def test_light_theme(sqlite_url: str, snap_compare: Any) -> None:
    engine = seeded(sqlite_url)

    async def run_before(pilot: Any) -> None:
        await question(pilot)
        await pilot.press("f2")
        await _freeze(pilot)

    assert snap_compare(app_for(sqlite_url, engine), run_before=run_before,
                        terminal_size=(80, 24))
    engine.dispose()
