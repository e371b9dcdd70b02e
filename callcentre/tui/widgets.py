"""Small pieces shared by the caller's screens: the top bar, the status line."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Footer, Static

from callcentre.i18n import t

if TYPE_CHECKING:
    from callcentre.tui.app import CallerApp


def local(app: CallerApp, value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(app.settings.calling.timezone)).strftime(fmt)


def duration(span: timedelta) -> str:
    """``02:13`` (minutes:seconds), ``1:02:13`` past an hour."""
    seconds = max(0, int(span.total_seconds()))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def waited(span: timedelta | None) -> str:
    if span is None:
        return ""
    days, hours = span.days, span.seconds // 3600
    if days:
        return t("tui.case.waited_days", d=days, h=hours)
    return t("tui.case.waited_hours", h=hours, m=span.seconds % 3600 // 60)


class StatusLine(Static):
    """One line of messages for the screen (errors in the error colour)."""

    DEFAULT_CLASSES = "status"

    def say(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        self.set_class(error, "-error")
        self.set_class(ok and not error, "-ok")
        self.update(text)


class CallerScreen(Screen[Any]):
    """A screen with a status line (``#status``) for messages."""

    @property
    def caller_app(self) -> CallerApp:
        return self.app  # type: ignore[return-value]

    def set_status(self, text: str, *, error: bool = False, ok: bool = False) -> None:
        with contextlib.suppress(NoMatches):  # not composed yet, or gone
            self.query_one("#status", StatusLine).say(text, error=error, ok=ok)

    def caller_bar(self) -> str:
        app = self.caller_app
        desk = app.desk
        who = desk.actor.shown if desk.actor else ""
        parts = [who]
        if desk.line:
            parts.append(t("tui.bar.line", line=desk.line))
        parts.append(local(app, app.clock(), "%H:%M"))
        return " · ".join(p for p in parts if p)


class CallerFooter(Footer):
    """Textual's footer, rebuilt only when the keys it shows change.

    Textual's own footer recomposes (a dozen new widgets, styles and layout) on every
    ``bindings_updated`` signal, which fires on each focus change and action check: on
    the interview screen that was most of a key press's time. The keys it would show
    are compared first; the same keys leave it alone."""

    _shown: tuple[object, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        shown = tuple(
            (key, binding.key, binding.description, binding.action, enabled, tooltip)
            for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
            if binding.show or key == self.app.COMMAND_PALETTE_BINDING)
        if shown == self._shown:
            return
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown       # what the recompose below will show
        super().bindings_changed(screen)
