"""Record the call's outcome (required before the next case), with a note and, for an
appointment, its date and time.

A full screen rather than an overlay (textualize/textual #6357). Each outcome has its
own key (``callcentre.fieldwork.dispositions``, DESIGN §7), grouped as the sketch shows;
Enter records it. The answers still waiting in the saver are written first: an outcome
is never recorded ahead of the answers it closes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Label, Static

from callcentre.errors import Conflict, InvalidInput, StorageError
from callcentre.fieldwork.dispositions import DISPOSITIONS, Disposition
from callcentre.i18n import t
from callcentre.tui.widgets import CallerFooter, CallerScreen, StatusLine

#: how long recording an outcome waits for unsaved answers before it says so (seconds)
FLUSH_WAIT = 10.0
#: cells for a section's name in the picker
HEAD = 8


class OutcomeScreen(CallerScreen):
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "record", t("tui.key.record"), id="outcome.record"),
        Binding("m", "note", t("tui.key.note"), id="outcome.note"),
        Binding("k", "same_caller", t("tui.key.same_caller"), id="outcome.same_caller"),
        Binding("escape", "cancel", t("tui.key.cancel"), id="outcome.cancel"),
    ]
    DEFAULT_CSS = """
    OutcomeScreen #picker { height: auto; padding: 0 1; }
    OutcomeScreen #chosen { height: 1; padding: 0 1; text-style: bold; }
    OutcomeScreen #appt { height: 3; padding: 0 1; display: none; }
    OutcomeScreen #appt.-on { display: block; }
    OutcomeScreen #appt Label { padding: 1 1 0 0; }
    OutcomeScreen #appt-date { width: 16; }
    OutcomeScreen #appt-time { width: 12; }
    OutcomeScreen #appt-who { height: 1; padding: 0 0 0 11; display: none; }
    OutcomeScreen #appt-who.-on { display: block; }
    OutcomeScreen #note-row { height: 3; padding: 0 1; }
    OutcomeScreen #note-row Label { padding: 1 1 0 0; }
    OutcomeScreen #note { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.chosen: Disposition | None = None
        self.same_caller = False

    def compose(self) -> ComposeResult:
        yield Static(self.caller_bar(), id="bar", classes="bar")
        yield Static(t("tui.outcome.title"), classes="title")
        yield Static(self.picker_text(), id="picker")
        yield Static("", id="chosen")
        with Horizontal(id="appt"):
            yield Label(t("tui.outcome.appt_date"))
            yield Input(id="appt-date", placeholder="2027-03-01")
            yield Label(t("tui.outcome.appt_time"))
            yield Input(id="appt-time", placeholder="10:00")
        yield Static("", id="appt-who")
        with Horizontal(id="note-row"):
            yield Label(t("tui.outcome.note"))
            yield Input(id="note")
        yield StatusLine(t("tui.outcome.help"), id="status")
        yield CallerFooter()

    def on_mount(self) -> None:
        iv = self.caller_app.desk.interview
        if iv is not None and iv.interview.progress().answered:
            suggestion = {"complete": "complete", "partial": "partial",
                          "breakoff": "break_off"}[iv.interview.status()]
            self.choose(DISPOSITIONS.get(suggestion))
        self.set_focus(None)

    def picker_text(self) -> Text:
        """The outcomes by section, each behind its key, wrapped to the screen."""
        width = max(40, self.app.size.width - 2)
        out = Text()
        for section, items in DISPOSITIONS.picker():
            head = t(f"tui.section.{section.value}")
            out.append(head + " " * max(1, HEAD - cell_len(head)), style="bold")
            used = HEAD
            for d in items:
                label = f" {d.label()}  "
                need = 3 + cell_len(label)
                if used + need > width and used > HEAD:
                    out.append("\n" + " " * HEAD)
                    used = HEAD
                out.append(f" {d.hotkey} ", style="bold reverse")
                out.append(label)
                used += need
            out.append("\n")
        return out

    # --- choosing ---------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        if self.focused is not None and isinstance(self.focused, Input):
            return
        if event.character is None:
            return
        picked = DISPOSITIONS.by_hotkey(event.character)
        if picked is not None:
            self.choose(picked)
            event.stop()

    def choose(self, d: Disposition) -> None:
        self.chosen = d
        self.query_one("#chosen", Static).update(t("tui.outcome.chosen", label=d.label()))
        appt = self.query_one("#appt")
        appt.set_class(d.appointment, "-on")
        self.query_one("#appt-who").set_class(d.appointment, "-on")
        if d.appointment:
            date_in = self.query_one("#appt-date", Input)
            if not date_in.value:
                date_in.value = self.default_day().isoformat()
            self.draw_who()
            self.set_status(t("tui.outcome.appt_help"))
            self.set_focus(self.query_one("#appt-time", Input))
        else:
            self.set_status(t("tui.outcome.help_chosen"))

    def default_day(self) -> date:
        """Tomorrow, local time (the caller changes it as agreed on the phone)."""
        app = self.caller_app
        tz = ZoneInfo(app.settings.calling.timezone)
        return (app.clock().astimezone(tz) + timedelta(days=1)).date()

    def draw_who(self) -> None:
        kind = t("tui.case.appt_hard" if self.chosen and self.chosen.hard_appointment
                 else "tui.case.appt_soft")
        who = t("tui.outcome.same_caller" if self.same_caller else "tui.outcome.any_caller")
        self.query_one("#appt-who", Static).update(f"{kind} · {who}")

    def action_same_caller(self) -> None:
        self.same_caller = not self.same_caller
        self.draw_who()

    def action_note(self) -> None:
        self.set_focus(self.query_one("#note", Input))

    def action_cancel(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(None)
            return
        from callcentre.tui.screens.case import CaseScreen
        from callcentre.tui.screens.interview import InterviewScreen

        desk = self.caller_app.desk
        desk.after_outcome = "next"
        self.app.switch_screen(InterviewScreen() if desk.interview is not None
                               else CaseScreen())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "appt-date":
            self.set_focus(self.query_one("#appt-time", Input))
            return
        self.action_record()

    # --- recording --------------------------------------------------------------------

    def appointment(self) -> datetime:
        """The appointment typed in, as an aware local time (InvalidInput if unreadable)."""
        app = self.caller_app
        day_text = self.query_one("#appt-date", Input).value.strip()
        time_text = self.query_one("#appt-time", Input).value.strip().replace("：", ":")
        try:
            day = date.fromisoformat(day_text)
            at = time.fromisoformat(time_text if len(time_text) > 4 else f"0{time_text}")
        except ValueError:
            raise InvalidInput("tui.outcome.appt_unreadable", date=day_text,
                               time=time_text) from None
        return datetime.combine(day, at, tzinfo=ZoneInfo(app.settings.calling.timezone))

    def action_record(self) -> None:
        from callcentre.services.queue import end_attempt

        d = self.chosen
        if d is None:
            self.set_status(t("tui.outcome.choose_first"), error=True)
            return
        app = self.caller_app
        desk = app.desk
        actor, case_id = desk.actor, desk.case_id
        assert actor is not None and case_id is not None
        try:
            appointment = self.appointment() if d.appointment else None
        except InvalidInput as exc:
            self.set_status(str(exc), error=True)
            return
        note = self.query_one("#note", Input).value.strip()
        iv = desk.interview
        progress = iv.interview.progress() if iv is not None else None
        saver = app.saver
        now = app.clock()
        self.set_status(t("tui.outcome.recording"))

        def job(s: object) -> object:
            if saver is not None and not saver.flush(FLUSH_WAIT):
                raise StorageError("tui.outcome.unsaved", n=len(saver.pending()))
            try:
                return end_attempt(session=s, actor=actor, case_id=case_id,  # type: ignore[arg-type]
                                   disposition=d.key, note=note, appointment=appointment,
                                   same_caller=self.same_caller, now=now,
                                   settings=app.settings, interview=progress)
            except Conflict as exc:
                if exc.key != "queue.not_holder":
                    raise
                return exc       # the lease ran out and someone else has the case now

        app.run_db(job, self.recorded, exclusive=True, group="outcome")

    def recorded(self, result: object) -> None:
        from callcentre.tui.screens.case import finish_leaving

        app = self.caller_app
        if isinstance(result, Conflict):
            app.desk.notes.append(str(result))
        if app.saver is not None:
            app.saver.close(0.5)
            app.saver = None
        app.desk.drop_case()
        finish_leaving(self, app.desk.after_outcome)
