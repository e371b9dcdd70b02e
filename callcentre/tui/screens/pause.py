"""A pause: no new case until the caller comes back (``r``) or logs out."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from callcentre.i18n import t
from callcentre.tui.widgets import CallerFooter, CallerScreen, StatusLine


class PauseScreen(CallerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "resume", t("tui.key.resume"), id="pause.resume"),
        Binding("q", "logout", t("tui.key.logout"), id="pause.logout"),
    ]
    DEFAULT_CSS = """
    PauseScreen #paused { height: 1fr; content-align: center middle; text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self.caller_bar(), id="bar", classes="bar")
        yield Static(t("tui.pause.text"), id="paused")
        yield StatusLine("", id="status")
        yield CallerFooter()

    def on_mount(self) -> None:
        self._mark(True, lambda _: self.set_status(t("tui.pause.help")))

    def _mark(self, paused: bool, then: object) -> None:
        from callcentre.services.caller_desk import set_paused

        app = self.caller_app
        actor = app.desk.actor
        assert actor is not None
        app.run_db(lambda s: set_paused(session=s, actor=actor, paused=paused),
                   then, group="pause")  # type: ignore[arg-type]

    def action_resume(self) -> None:
        from callcentre.tui.screens.case import CaseScreen

        self._mark(False, lambda _: self.app.switch_screen(CaseScreen()))

    def action_logout(self) -> None:
        from callcentre.tui.screens.case import finish_leaving

        finish_leaving(self, "logout")
