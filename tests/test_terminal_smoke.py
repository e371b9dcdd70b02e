"""Smoke test in a real terminal: tmux runs the interactive questionnaire preview,
keys are typed with send-keys and the screen is read with capture-pane."""

from __future__ import annotations

import sys
from pathlib import Path

from tests.tmux_support import needs_tmux, terminal

pytestmark = needs_tmux


def test_questionnaire_preview_in_tmux(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("callcentre")
    env = {"CALLCENTRE_LANG": "zh", "LANG": "C.UTF-8", "COLUMNS": "120"}
    command = f"{exe} questionnaire preview --items 28 --set enterprise=天津甲公司"
    # Wait for exactly what is read next: a question *and* the prompt line drawn after
    # it (the question appears a moment before its prompt).
    with terminal(command, width=120, height=50, env=env, after="echo EXIT=$?; sleep 30") as term:
        wait = term.wait_for
        wait("调研员", "↵", history=200)
        term.send("Enter")
        screen = wait("请问这里是天津甲公司吗", "3. 不清楚", "请选择（输入序号）", history=200)
        assert "1. 是" in screen
        term.send("1", "Enter")
        wait("请问这里是天津甲公司吗", "是否经办", "3. 不是,无法转接", "请选择（输入序号）",
             history=200)
        term.send("1", "Enter")
        wait("是否经办", "请问现在方便吗", "3. 拒绝访问", "请选择（输入序号）", history=200)
        term.send("q", "Enter")
        wait("请问现在方便吗", "问卷结束", "是,由我经办或了解", "EXIT=0", history=200)
