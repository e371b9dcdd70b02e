"""A real terminal for tests: tmux runs a command, ``send-keys`` types, ``capture-pane``
reads the screen. Waits are for what is read (polled, with a deadline), never fixed."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest

TMUX = shutil.which("tmux")
#: skip where tmux is missing, except in CI (.ci/run installs it): there it must run
needs_tmux = pytest.mark.skipif(
    TMUX is None and os.environ.get("CALLCENTRE_REQUIRE_PG") != "1",
    reason="tmux not installed (.ci/run installs it)",
)


def tmux(*args: str) -> str:
    return subprocess.run([TMUX or "tmux", *args], capture_output=True, text=True,
                          check=True).stdout


def in_order(screen: str, texts: tuple[str, ...]) -> bool:
    at = 0
    for text in texts:
        found = screen.find(text, at)
        if found < 0:
            return False
        at = found + len(text)
    return True


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def _colour_at(line: str, char: str) -> str | None:
    """The foreground colour (SGR parameters) in force where ``char`` first appears in
    an escaped ``capture-pane -e`` line."""
    colour = ""
    at = 0
    for match in _SGR.finditer(line):
        if char in line[at:match.start()]:
            return colour
        params = match.group(1).split(";")
        i = 0
        while i < len(params):
            p = params[i]
            if p in ("", "0", "39"):
                colour = ""
            elif p.isdigit() and (30 <= int(p) <= 37 or 90 <= int(p) <= 97):
                colour = p
            elif p == "38":             # 38;5;N or 38;2;R;G;B
                size = 3 if params[i + 1:i + 2] == ["5"] else 5
                colour = ";".join(params[i:i + size])
                i += size - 1
            i += 1
        at = match.end()
    return colour if char in line[at:] else None


class Terminal:
    """One tmux session of ``width`` × ``height`` cells."""

    def __init__(self, name: str, width: int, height: int) -> None:
        self.name, self.width, self.height = name, width, height

    def screen(self, history: int = 0) -> str:
        """The visible screen (plus ``history`` lines scrolled off above)."""
        args = ["capture-pane", "-p", "-t", self.name]
        if history:
            args += ["-S", f"-{history}"]
        return tmux(*args)

    def wait_for(self, *texts: str, timeout: float = 30.0, history: int = 0) -> str:
        """Wait until ``texts`` are all on the screen, in this order; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(history)
            if in_order(screen, texts):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{texts!r} never appeared in this order; screen was:\n{screen}")

    def box_colour(self, label: str) -> str | None:
        """The colour of the left edge (▊) of the input box under ``label``: Textual
        draws the focused input's edge in another colour, the only sign on screen of
        where typed keys go."""
        lines = tmux("capture-pane", "-p", "-e", "-t", self.name).splitlines()
        for y, line in enumerate(lines):
            if label not in _SGR.sub("", line):
                continue
            for below in lines[y + 1:y + 4]:
                colour = _colour_at(below, "▊")
                if colour is not None:
                    return colour
        return None

    def focused_colour(self, label: str, other: str, timeout: float = 30.0) -> str:
        """Wait until the input under ``label`` is drawn focused (another colour than
        the one under ``other``) and return that colour."""
        deadline = time.monotonic() + timeout
        while True:
            colour = self.box_colour(label)
            if colour is not None and colour != self.box_colour(other):
                return colour
            if time.monotonic() > deadline:
                raise AssertionError(f"the input under {label!r} never showed the focus:\n"
                                     f"{self.screen()}")
            time.sleep(0.02)

    def wait_focus(self, label: str, focused_colour: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while self.box_colour(label) != focused_colour:
            if time.monotonic() > deadline:
                raise AssertionError(f"the input under {label!r} never got the focus:\n"
                                     f"{self.screen()}")
            time.sleep(0.02)

    def wait_gone(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} stayed on the screen:\n{screen}")

    def send(self, *keys: str) -> None:
        """Press tmux keys: ``Enter``, ``Escape``, ``C-q``, ``1`` … (text: :meth:`type`)."""
        tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        tmux("send-keys", "-t", self.name, "-l", text)


@contextmanager
def terminal(command: str, *, width: int = 80, height: int = 24,
             env: Mapping[str, str] | None = None,
             after: str = "echo EXIT=$?; sleep 60") -> Iterator[Terminal]:
    """Run ``command`` (a shell command line) in a fresh tmux session; ``after`` runs
    when it ends, so its exit status and last screen can still be read."""
    assert TMUX is not None, "tmux is required in CI"
    name = f"cc-{uuid.uuid4().hex[:8]}"
    prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in (env or {}).items())
    line = f"env {prefix} {command}; {after}" if prefix else f"{command}; {after}"
    tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), line)
    try:
        yield Terminal(name, width, height)
    finally:
        subprocess.run([TMUX or "tmux", "kill-session", "-t", name], capture_output=True,
                       check=False)
