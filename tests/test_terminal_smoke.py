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


def _wait_for(session: str, text: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = _tmux("capture-pane", "-p", "-t", session, "-S", "-200")
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; screen was:\n{screen}")


def test_questionnaire_preview_in_tmux(tmp_path: Path) -> None:
    assert TMUX is not None, "tmux is required in CI"
    exe = Path(sys.executable).with_name("callcentre")
    session = f"cc-{uuid.uuid4().hex[:8]}"
    env = "CALLCENTRE_LANG=zh LANG=C.UTF-8 COLUMNS=120"
    _tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "50",
          f"env {env} {exe} questionnaire preview --items 28 --set enterprise=天津甲公司; "
          "echo EXIT=$?; sleep 30")
    try:
        _wait_for(session, "调研员")
        _tmux("send-keys", "-t", session, "Enter")
        screen = _wait_for(session, "请问这里是天津甲公司吗")
        assert "请选择（输入序号）" in screen
        _tmux("send-keys", "-t", session, "1", "Enter")
        _wait_for(session, "是否经办")
        _tmux("send-keys", "-t", session, "1", "Enter")
        _wait_for(session, "请问现在方便吗")
        _tmux("send-keys", "-t", session, "q", "Enter")
        screen = _wait_for(session, "EXIT=")
        assert "问卷结束" in screen and "EXIT=0" in screen
        assert "是,由我经办或了解" in screen
    finally:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", session], capture_output=True,
                       check=False)
