"""Choose the outbound line (only lines with room), with the caller's counts for today."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from callcentre.i18n import t
from callcentre.services.caller_desk import LineLoad, MyDay
from callcentre.tui.widgets import CallerFooter, CallerScreen, StatusLine


@dataclass(frozen=True)
class _Loaded:
    lines: list[LineLoad]
    day: MyDay
    held: int | None


class LineScreen(CallerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "reload", t("tui.key.reload"), id="line.reload"),
        Binding("q", "logout", t("tui.key.logout"), id="line.logout"),
    ]
    DEFAULT_CSS = """
    LineScreen #lines { height: auto; max-height: 10; margin: 1 2; width: 60; }
    LineScreen #today { padding: 1 2 0 2; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self.caller_bar(), id="bar", classes="bar")
        yield Static(t("tui.line.title"), classes="title")
        yield OptionList(id="lines")
        yield Static("", id="today")
        yield StatusLine(t("tui.line.loading"), id="status")
        yield CallerFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        from callcentre.services import caller_desk

        app = self.caller_app
        actor = app.desk.actor
        assert actor is not None
        now = app.clock()

        def job(s: object) -> _Loaded:
            return _Loaded(
                caller_desk.lines(session=s, actor=actor, settings=app.settings),  # type: ignore[arg-type]
                caller_desk.my_day(session=s, actor=actor, now=now, settings=app.settings),  # type: ignore[arg-type]
                caller_desk.held_case(session=s, actor=actor))  # type: ignore[arg-type]

        app.run_db(job, self.loaded)

    def loaded(self, got: _Loaded) -> None:
        options = self.query_one("#lines", OptionList)
        options.clear_options()
        free = [ln for ln in got.lines if ln.free > 0]
        for ln in free:
            options.add_option(Option(t("tui.line.option", line=ln.line, busy=ln.open_sessions,
                                        max=ln.max_calls), id=ln.line))
        self.query_one("#today", Static).update(t(
            "tui.line.today", attempts=got.day.attempts, completes=got.day.completes,
            appointments=got.day.appointments))
        if got.held is not None:
            self.set_status(t("tui.line.held", case=got.held))
        elif free:
            self.set_status(t("tui.line.help"))
        else:
            self.set_status(t("tui.line.all_full"), error=True)
        options.focus()
        if free:
            options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from callcentre.services.queue import start_session

        line = str(event.option.id)
        app = self.caller_app
        actor = app.desk.actor
        assert actor is not None
        self.set_status(t("tui.line.joining", line=line))
        app.run_db(lambda s: start_session(session=s, actor=actor, line=line,
                                           settings=app.settings, now=app.clock()),
                   lambda _sid: self.joined(line), exclusive=True, group="line")

    def joined(self, line: str) -> None:
        from callcentre.tui.screens.case import CaseScreen

        self.caller_app.desk.line = line
        self.app.switch_screen(CaseScreen())

    def action_logout(self) -> None:
        from callcentre.tui.screens.login import LoginScreen

        self.caller_app.desk.actor = None
        self.app.switch_screen(LoginScreen())
