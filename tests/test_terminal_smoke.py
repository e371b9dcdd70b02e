"""Smoke test in a real terminal: tmux runs the interactive questionnaire preview,
keys are typed with send-keys and the screen is read with capture-pane."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(
    TMUX is None and os.environ.get("CALLCENTRE_REQUIRE_PG") != "1",
    reason="tmux not installed (.ci/run installs it)",
)


def _tmux(*args: str) -> str:
    return subprocess.run([TMUX or "tmux", *args], capture_output=True, text=True,
                          check=True).stdout


def _in_order(screen: str, texts: tuple[str, ...]) -> bool:
    at = 0
    for text in texts:
        found = screen.find(text, at)
        if found < 0:
            return False
        at = found + len(text)
    return True


def _wait_for(session: str, *texts: str, timeout: float = 20.0) -> str:
    """Wait until ``texts`` are all on the screen, in this order, and return the screen.

    Wait for exactly what is read next: a question *and* the prompt line drawn after it
    (the question appears a moment before its prompt)."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session, "-S", "-200")
        if _in_order(screen, texts):
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{texts!r} never appeared in this order; screen was:\n{screen}")


def test_questionnaire_preview_in_tmux(tmp_path: Path) -> None:
    assert TMUX is not None, "tmux is required in CI"
    exe = Path(sys.executable).with_name("callcentre")
    session = f"cc-{uuid.uuid4().hex[:8]}"
    env = "CALLCENTRE_LANG=zh LANG=C.UTF-8 COLUMNS=120"
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "50",
          f"env {env} {exe} questionnaire preview --items 28 --set enterprise=天津甲公司; "
          "echo EXIT=$?; sleep 30")
    try:
        _wait_for(session, "调研员", "↵")
        _tmux("send-keys", "-t", session, "Enter")
        screen = _wait_for(session, "请问这里是天津甲公司吗", "3. 不清楚", "请选择（输入序号）")
        assert "1. 是" in screen
        _tmux("send-keys", "-t", session, "1", "Enter")
        _wait_for(session, "请问这里是天津甲公司吗", "是否经办", "3. 不是,无法转接",
                  "请选择（输入序号）")
        _tmux("send-keys", "-t", session, "1", "Enter")
        _wait_for(session, "是否经办", "请问现在方便吗", "3. 拒绝访问", "请选择（输入序号）")
        _tmux("send-keys", "-t", session, "q", "Enter")
        _wait_for(session, "请问现在方便吗", "问卷结束", "是,由我经办或了解", "EXIT=0")
    finally:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True,
                       check=False)
