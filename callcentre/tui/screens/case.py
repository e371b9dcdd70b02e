"""The case card: who to call, on which number, about what, and what happened before.

On arrival the screen takes the case the caller still holds (after a closed terminal)
or claims the next one. Every action is a key in the footer and in the palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from callcentre.i18n import t
from callcentre.i18n.display import district_name, phone_display
from callcentre.services.caller_desk import CaseCard
from callcentre.tui.widgets import CallerFooter, CallerScreen, StatusLine, duration, local, waited


@dataclass(frozen=True)
class _Taken:
    card: CaseCard | None
    number: int
    why_none: str = ""


class CaseScreen(CallerScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "dial", t("tui.key.dial"), id="case.dial"),
        Binding("c", "copy", t("tui.key.copy"), id="case.copy"),
        Binding("n", "next_number", t("tui.key.next_number"), id="case.next_number"),
        Binding("s", "interview", t("tui.key.interview"), id="case.interview"),
        Binding("o", "outcome", t("tui.key.outcome"), id="case.outcome"),
        Binding("r", "claim", t("tui.key.claim"), id="case.claim"),
        Binding("p", "pause", t("tui.key.pause"), id="case.pause"),
        Binding("q", "logout", t("tui.key.logout"), id="case.logout"),
    ]
    DEFAULT_CSS = """
    CaseScreen #card { border: round $primary; height: 1fr; padding: 0 1;
                       border-title-align: left; border-subtitle-align: right; }
    CaseScreen #card-body { height: auto; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self.caller_bar(), id="bar", classes="bar")
        with VerticalScroll(id="card"):
            yield Static("", id="card-body")
        yield StatusLine("", id="status")
        yield CallerFooter()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)
        if self.caller_app.desk.card is not None:
            self.show_card()
        else:
            self.action_claim()

    def tick(self) -> None:
        self.query_one("#bar", Static).update(self.bar_text())

    def bar_text(self) -> str:
        desk = self.caller_app.desk
        text = self.caller_bar()
        if desk.call_started is not None:
            text += " · " + t("tui.bar.call", time=duration(self.caller_app.clock()
                                                             - desk.call_started))
        return text

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        have = self.caller_app.desk.card is not None
        if action == "claim":
            return not have
        if action in ("dial", "copy", "next_number", "interview", "outcome"):
            return have
        return True

    # --- taking a case ----------------------------------------------------------------

    def action_claim(self) -> None:
        from callcentre.services import caller_desk
        from callcentre.services.queue import claim_next_case

        app = self.caller_app
        actor, line = app.desk.actor, app.desk.line
        assert actor is not None and line is not None
        now = app.clock()
        self.set_status(t("tui.case.claiming"))

        def job(s: object) -> _Taken:
            held = caller_desk.held_case(session=s, actor=actor)  # type: ignore[arg-type]
            number = 0
            if held is None:
                claim = claim_next_case(session=s, actor=actor, line=line, now=now,  # type: ignore[arg-type]
                                        settings=app.settings)
                if claim is None:
                    return _Taken(None, 0)
                held, number = claim.case_id, claim.number
            card = caller_desk.case_card(session=s, actor=actor, case_id=held, now=now,  # type: ignore[arg-type]
                                         settings=app.settings)
            if number == 0:
                number = _open_number(card)
            return _Taken(card, number)

        app.run_db(job, self.taken, self.not_taken, exclusive=True, group="claim")

    def not_taken(self, text: str) -> None:
        self.query_one("#card-body", Static).update(t("tui.case.none_help"))
        self.set_status(text, error=True)
        self.refresh_bindings()

    def taken(self, got: _Taken) -> None:
        desk = self.caller_app.desk
        if got.card is None:
            self.query_one("#card-body", Static).update(t("tui.case.none_help"))
            self.set_status(t("tui.case.none"), error=True)
            self.refresh_bindings()
            return
        desk.card, desk.case_id, desk.number = got.card, got.card.view.case_id, got.number
        desk.call_started = None
        desk.interview = None
        self.show_card()
        # a message the last screen left (e.g. the previous case was taken over)
        note = desk.notes.pop() if desk.notes else ""
        self.set_status(note or t("tui.case.help"), error=bool(note))

    # --- the card ---------------------------------------------------------------------

    def show_card(self) -> None:
        app = self.caller_app
        card = app.desk.card
        assert card is not None
        view = card.view
        box = self.query_one("#card")
        box.border_title = t("tui.case.title", case=view.case_id)
        box.border_subtitle = " · ".join(p for p in (
            t("tui.case.attempt_no", n=card.attempt_no), waited(card.waiting)) if p)
        body = Text()
        body.append(view.enterprise, style="bold")
        body.append("    " + district_name(view.district, self.caller_app.settings.region) + "\n")
        body.append(t("tui.case.contact", name=card.contact or t("tui.case.no_contact")) + "\n")
        last = {a[4]: a for a in view.attempts if a[1] is not None}
        for pos, e164, ext, kind, _attempts, dead in view.numbers:
            mine = pos == app.desk.number
            line = Text("▶ " if mine else "  ")
            line.append(phone_display(e164, ext), style="bold reverse" if mine else "")
            line.append("  " + t(f"tui.phone.{kind or 'unknown'}"))
            if dead:
                line.append("  " + t("tui.phone.dead"), style="red")
            before = last.get(e164)
            if before is not None:
                line.append("  " + t("tui.case.last", at=local(app, before[0]),
                                     outcome=_label(before[5])))
            body.append_text(line)
            body.append("\n")
        items = " · ".join(t("tui.case.item", n=i.number, reform=i.reform) for i in card.items)
        body.append(t("tui.case.items", items=items or "—") + "\n")
        if view.appointment is not None:
            kind = t("tui.case.appt_hard" if view.appointment_hard else "tui.case.appt_soft")
            body.append(t("tui.case.appointment", at=local(app, view.appointment), kind=kind)
                        + "\n")
        else:
            body.append(t("tui.case.no_appointment") + "\n")
        body.append(t("tui.case.present_line", line=app.desk.line or "") + "\n")
        body.append(t("tui.case.history") + "\n", style="bold")
        done = [a for a in view.attempts if a[1] is not None]
        if not done:
            body.append("  " + t("tui.case.no_history") + "\n")
        for start, _end, caller, line_no, dialled, disp, note in done:
            body.append(f"  {local(app, start)}  {caller}  {line_no}  "
                        f"{phone_display(dialled)}  {_label(disp)}")
            if note:
                body.append(f"  {note}", style="italic")
            body.append("\n")
        self.query_one("#card-body", Static).update(body)
        self.refresh_bindings()

    # --- actions ----------------------------------------------------------------------

    def _dial_number(self) -> str:
        card = self.caller_app.desk.card
        assert card is not None
        for pos, e164, ext, *_ in card.view.numbers:
            if pos == self.caller_app.desk.number:
                return phone_display(e164, ext)
        return ""

    def action_dial(self) -> None:
        desk = self.caller_app.desk
        if desk.call_started is None:
            desk.call_started = self.caller_app.clock()
        self.set_status(t("tui.case.dialling", number=self._dial_number(), line=desk.line),
                        ok=True)
        self.tick()

    def action_copy(self) -> None:
        number = self._dial_number().replace(" ", "").replace("-", "")
        self.app.copy_to_clipboard(number)
        self.set_status(t("tui.case.copied", number=number), ok=True)

    def action_next_number(self) -> None:
        desk = self.caller_app.desk
        assert desk.card is not None
        usable = [n[0] for n in desk.card.view.numbers if not n[5]] or \
            [n[0] for n in desk.card.view.numbers]
        if not usable:
            return
        after = [p for p in usable if p > desk.number]
        desk.number = after[0] if after else usable[0]
        self.show_card()

    def action_interview(self) -> None:
        from callcentre.services.interviews import start_interview
        from callcentre.tui.screens.interview import InterviewScreen

        app = self.caller_app
        desk = app.desk
        actor, case_id = desk.actor, desk.case_id
        assert actor is not None and case_id is not None
        if desk.call_started is None:
            desk.call_started = app.clock()
        if desk.interview is not None:
            self.app.switch_screen(InterviewScreen())
            return
        self.set_status(t("tui.case.opening"))

        def opened(ci: object) -> None:
            desk.interview = ci  # type: ignore[assignment]
            self.app.switch_screen(InterviewScreen())

        app.run_db(lambda s: start_interview(session=s, actor=actor, case_id=case_id),
                   opened, exclusive=True, group="interview")

    def action_outcome(self) -> None:
        from callcentre.tui.screens.outcome import OutcomeScreen

        self.app.switch_screen(OutcomeScreen())

    def _leave(self, then: str) -> None:
        """Pause or log out: a case in hand needs its outcome once it was dialled;
        one never dialled goes back to the queue."""
        from callcentre.services.queue import release_case

        app = self.caller_app
        desk = app.desk
        desk.after_outcome = then
        if desk.card is None:
            finish_leaving(self, then)
            return
        if desk.call_started is not None or desk.interview is not None:
            self.set_status(t("tui.case.outcome_first"))
            self.action_outcome()
            return
        actor, case_id = desk.actor, desk.case_id
        assert actor is not None and case_id is not None

        def released(_: object) -> None:
            desk.drop_case()
            finish_leaving(self, then)

        app.run_db(lambda s: release_case(session=s, actor=actor, case_id=case_id,
                                          now=app.clock()), released, exclusive=True,
                   group="release")

    def action_pause(self) -> None:
        self._leave("pause")

    def action_logout(self) -> None:
        self._leave("logout")


def finish_leaving(screen: CallerScreen, then: str) -> None:
    """After the case is settled: the next case, the pause screen, or log-out."""
    from callcentre.services.queue import end_session

    app = screen.caller_app
    desk = app.desk
    desk.after_outcome = "next"
    if then == "pause":
        from callcentre.tui.screens.pause import PauseScreen

        app.switch_screen(PauseScreen())
    elif then == "logout":
        from callcentre.tui.screens.login import LoginScreen

        actor = desk.actor
        assert actor is not None

        def ended(_: object) -> None:
            desk.actor = None
            desk.line = None
            app.switch_screen(LoginScreen())

        app.run_db(lambda s: end_session(session=s, actor=actor, now=app.clock()), ended,
                   group="logout")
    else:
        app.switch_screen(CaseScreen())


def _open_number(card: CaseCard) -> int:
    """The position of the number of the caller's open attempt (else the primary)."""
    open_ = [a for a in card.view.attempts if a[1] is None]
    dialled = open_[-1][4] if open_ else None
    for pos, e164, *_ in card.view.numbers:
        if e164 == dialled:
            return int(pos)
    return 0


def _label(key: str | None) -> str:
    from callcentre.fieldwork.dispositions import DISPOSITIONS

    if key is None:
        return ""
    return DISPOSITIONS.get(key).label() if key in DISPOSITIONS else key
