"""A real browser on a served page: Debian's chromium driven by Playwright.

:class:`Browser` records every request the page makes, two ways: Playwright's request
and websocket events, and the Chrome DevTools network log of the page. Both catch
textual-serve's own template asking a CDN for its font (checked by hand when this was
written). Besides, chromium sends everything not for 127.0.0.1 to a proxy trap, a local
socket that answers 403: nothing leaves the machine during a test. The trap also sees
chromium's own background traffic (update checks, Google account probes), which the
page cannot cause, so it is shown when a test fails, not counted.

The terminal's screen is read from xterm.js's own buffer (``textualTerminal``, hung on
the terminal element by ``callcentre/serve/vendor.py``): what the caller sees, as text.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = shutil.which("chromium")

_SCREEN_JS = """() => {
  const term = document.getElementById('terminal')?.textualTerminal;
  if (!term) return null;
  const buffer = term.buffer.active, lines = [];
  for (let i = 0; i < term.rows; i++) {
    const line = buffer.getLine(buffer.viewportY + i);
    lines.push(line ? line.translateToString(true) : '');
  }
  return lines.join('\\n');
}"""


_BOX_COLOUR_JS = """(label) => {
  // the foreground colour of the left edge (▊) of the input box under a label
  const term = document.getElementById('terminal')?.textualTerminal;
  if (!term) return null;
  const buffer = term.buffer.active;
  for (let y = 0; y < term.rows - 2; y++) {
    const line = buffer.getLine(buffer.viewportY + y);
    if (!line || !line.translateToString(true).includes(label)) continue;
    for (let dy = 1; dy <= 3; dy++) {
      const below = buffer.getLine(buffer.viewportY + y + dy);
      const text = below.translateToString(false);
      const x = text.indexOf('▊');
      if (x >= 0) { const cell = below.getCell(x); return cell.getFgColorMode() + ':' + cell.getFgColor(); }
    }
  }
  return null;
}"""


class ProxyTrap:
    """A listening socket posing as an HTTP proxy: records the first line of every
    request that reaches it and answers 403."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    head = conn.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    head = b"(no request line)"
                self.requests.append(head.decode("latin-1"))
                with suppress(OSError):
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def close(self) -> None:
        self._sock.close()


@dataclass
class Browser:
    page: Any
    trap: ProxyTrap
    requests: list[str] = field(default_factory=list)  # Playwright: every request
    devtools: list[str] = field(default_factory=list)  # DevTools network log
    websockets: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def all_urls(self) -> list[str]:
        return [*self.requests, *self.devtools, *self.websockets]

    def foreign(self, host: str = "127.0.0.1") -> list[str]:
        """Every request not for ``host`` (data: URLs stay in the page)."""
        out = [u for u in self.all_urls()
               if not u.startswith("data:") and urlsplit(u).hostname != host]
        return out

    def screen(self) -> str:
        return self.page.evaluate(_SCREEN_JS) or ""

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        """Wait until all ``texts`` are on the terminal's screen; return the screen."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{texts!r} never appeared; the browser showed:\n{screen}\n"
                             f"console: {self.console}")

    def box_colour(self, label: str) -> str | None:
        """The colour of the input box under ``label``: Textual draws the focused
        input's edge in another colour, the only sign on screen of where keys go."""
        return self.page.evaluate(_BOX_COLOUR_JS, label)

    def wait_focus(self, label: str, focused_colour: str, timeout: float = 30.0) -> None:
        """Wait until the input under ``label`` has the focused colour."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.box_colour(label) == focused_colour:
                return
            self.page.wait_for_timeout(20)
        raise AssertionError(f"the input under {label!r} never got the focus:\n{self.screen()}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)


@contextmanager
def browser(*, width: int = 1280, height: int = 800) -> Iterator[Browser]:
    """A headless chromium page recording every request (see module docstring)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None
    trap = ProxyTrap()
    try:
        with sync_playwright() as pw:
            chromium = pw.chromium.launch(
                executable_path=CHROMIUM, headless=True,
                # only 127.0.0.1 bypasses the proxy: everything else hits the trap
                proxy={"server": f"http://127.0.0.1:{trap.port}", "bypass": "127.0.0.1"},
                args=["--no-first-run", "--no-default-browser-check"])
            try:
                context = chromium.new_context(viewport={"width": width, "height": height},
                                               locale="zh-CN")
                page = context.new_page()
                b = Browser(page=page, trap=trap)
                context.on("request", lambda r: b.requests.append(r.url))
                context.on("requestfailed", lambda r: b.failed.append(
                    f"{r.url} {r.failure}"))
                page.on("websocket", lambda ws: b.websockets.append(ws.url))
                page.on("console", lambda m: b.console.append(f"{m.type}: {m.text}"))
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.on("Network.requestWillBeSent",
                       lambda e: b.devtools.append(e["request"]["url"]))
                cdp.on("Network.webSocketCreated", lambda e: b.devtools.append(e["url"]))
                yield b
            finally:
                chromium.close()
    finally:
        trap.close()
