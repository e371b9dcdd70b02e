"""The interview: the script, then one question at a time.

Number keys choose, Enter confirms, Esc goes back; the questionnaire engine
(:class:`questionnaires.engine.Interview`) checks each answer (messages shown inline)
and decides what comes next (skip logic). Each confirmed answer goes to the
:class:`~callcentre.tui.saver.AnswerSaver` and the next question is drawn at once.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, ProgressBar, Static

from callcentre.i18n import t
from callcentre.tui.saver import PendingAnswer, SaverState
from callcentre.tui.widgets import CallerFooter, CallerScreen, StatusLine, duration
from questionnaires.engine import Interview, Prompt

#: keys for the choices, in order (1 … 9, then 0)
CHOICE_KEYS = "1234567890"
TYPED = ("integer", "decimal", "text", "date", "time")


class InterviewScreen(CallerScreen):
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "confirm", t("tui.key.confirm"), id="interview.confirm"),
        Binding("escape", "back", t("tui.key.back"), id="interview.back"),
        Binding("o", "outcome", t("tui.key.end_outcome"), id="interview.outcome"),
        Binding("f5", "retry", t("tui.key.retry"), id="interview.retry", show=False),
    ]
    DEFAULT_CSS = """
    InterviewScreen #iv-module { height: 1; padding: 0 1; text-style: bold; color: $accent; }
    InterviewScreen #iv-progress-row { height: 1; padding: 0 1; }
    InterviewScreen #iv-progress { width: 1fr; }
    InterviewScreen #iv-progress Bar { width: 1fr; }
    InterviewScreen #iv-count { width: auto; padding: 0 0 0 1; }
    InterviewScreen #iv-body { height: 1fr; padding: 0 1; }
    InterviewScreen #iv-question { margin: 1 0 0 0; text-style: bold; }
    InterviewScreen #iv-hint { color: $text-muted; }
    InterviewScreen #iv-choices { margin: 1 0 0 2; height: auto; }
    InterviewScreen #iv-input { margin: 1 0 0 2; width: 60; }
    InterviewScreen #iv-error { color: $error; text-style: bold; height: auto; }
    InterviewScreen #iv-foot { height: 1; }
    InterviewScreen #status { width: 1fr; }
    InterviewScreen #iv-saved { width: auto; padding: 0 1; }
    InterviewScreen #iv-saved.-error { color: $error; text-style: bold; }
    InterviewScreen #iv-saved.-ok { color: $success; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.iv: Interview | None = None
        self.prompt: Prompt | None = None
        self.picked: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="bar", classes="bar")
        yield Static("", id="iv-module")
        with Horizontal(id="iv-progress-row"):
            yield ProgressBar(id="iv-progress", show_eta=False, show_percentage=False)
            yield Static("", id="iv-count")
        with VerticalScroll(id="iv-body"):
            yield Static("", id="iv-script")
            yield Static("", id="iv-question")
            yield Static("", id="iv-hint")
            yield Static("", id="iv-choices")
            yield Input(id="iv-input")
            yield Static("", id="iv-error")
        with Horizontal(id="iv-foot"):
            yield StatusLine(t("tui.iv.help"), id="status")
            yield Static("", id="iv-saved")
        yield CallerFooter()

    def on_mount(self) -> None:
        app = self.caller_app
        desk = app.desk
        assert desk.interview is not None and desk.actor is not None
        iv = desk.interview.interview
        # the script names the caller and the line: put them into the hidden fields
        state = iv.to_dict()
        state["context"] = {**state.get("context", {}), "caller": desk.actor.shown,
                            "line": desk.line or ""}
        self.iv = Interview.from_dict(iv.form, state)
        desk.interview.interview = self.iv
        if app.saver is None:
            app.start_saver(desk.interview.parts)
        self.set_interval(1.0, self.tick)
        self.tick()
        self.saver_changed(app.saver_state)
        self.draw()

    # --- drawing ----------------------------------------------------------------------

    def tick(self) -> None:
        app = self.caller_app
        desk = app.desk
        card = desk.card
        parts = [t("tui.case.title", case=desk.case_id)]
        if card is not None:
            parts.append(card.view.enterprise)
        if desk.call_started is not None:
            parts.append(t("tui.bar.call", time=duration(app.clock() - desk.call_started)))
        parts.append(t("tui.bar.line", line=desk.line or ""))
        self.query_one("#bar", Static).update(" · ".join(parts))

    def heading(self, module: str) -> str:
        if module.startswith("opening"):
            return t("tui.iv.opening")
        if module.startswith("closing"):
            return t("tui.iv.closing")
        card = self.caller_app.desk.card
        try:
            number = int(module.rsplit("_", 1)[1])
        except (IndexError, ValueError):
            return module
        reform = next((i.reform for i in card.items if i.number == number), "") if card else ""
        return t("tui.case.item", n=number, reform=reform)

    def draw(self, error: str = "") -> None:
        assert self.iv is not None
        iv = self.iv
        prompt = iv.current()
        self.prompt = prompt
        progress = iv.progress()
        bar = self.query_one("#iv-progress", ProgressBar)
        bar.update(total=max(1, progress.applicable), progress=progress.answered)
        self.query_one("#iv-count", Static).update(f"{progress.answered} / {progress.applicable}")
        self.query_one("#iv-error", Static).update(error)
        inp = self.query_one("#iv-input", Input)
        script = self.query_one("#iv-script", Static)
        desk = self.caller_app.desk
        if prompt is None:
            self.query_one("#iv-module", Static).update(t("tui.iv.done_title"))
            self.query_one("#iv-question", Static).update(t("tui.iv.done"))
            for wid in ("#iv-hint", "#iv-choices"):
                self.query_one(wid, Static).update("")
            script.display = False
            inp.display = False
            self.focus_body()
            return
        self.query_one("#iv-module", Static).update(self.heading(prompt.module))
        first = prompt.module.startswith("opening") and prompt.type == "note"
        script.display = first
        if first:
            script.update(t("tui.iv.script", line=desk.line or ""))
        self.query_one("#iv-question", Static).update(Text(prompt.label))
        hint = self.query_one("#iv-hint", Static)
        hint.update(Text(prompt.hint))
        hint.display = bool(prompt.hint)
        if prompt.type.startswith("select"):
            value = prompt.value
            self.picked = ([str(v) for v in value] if isinstance(value, list)
                           else [str(value)] if value is not None else [])
            self.draw_choices()
            inp.display = False
            self.focus_body()
        elif prompt.type in TYPED:
            self.query_one("#iv-choices", Static).update("")
            inp.display = True
            inp.value = "" if prompt.value is None else str(prompt.value)
            inp.placeholder = t(f"tui.iv.type.{prompt.type}")
            self.set_focus(inp)
        else:                       # a note: read it out, Enter goes on
            self.query_one("#iv-choices", Static).update(t("tui.iv.note_help"))
            inp.display = False
            self.focus_body()

    def focus_body(self) -> None:
        # only when it changes: every focus change rebuilds the footer (most of a
        # key press's time when done on each question)
        if self.focused is not None:
            self.set_focus(None)

    def draw_choices(self) -> None:
        assert self.prompt is not None
        lines = Text()
        for i, (name, label) in enumerate(self.prompt.choices):
            key = CHOICE_KEYS[i] if i < len(CHOICE_KEYS) else " "
            on = name in self.picked
            mark = "●" if on else "○"
            lines.append(f"{key} {mark} ", style="bold" if on else "")
            lines.append(label, style="bold reverse" if on else "")
            lines.append("\n")
        many = self.prompt.type == "select_multiple"
        lines.append(t("tui.iv.choose_many" if many else "tui.iv.choose_one"), style="dim")
        self.query_one("#iv-choices", Static).update(lines)

    def saver_changed(self, state: SaverState) -> None:
        saved = self.query_one("#iv-saved", Static)
        if state.failed:
            text, bad = t("tui.save.failed", n=state.failed, error=state.error), True
        elif state.offline:
            text, bad = t("tui.save.offline", n=state.pending), True
        elif state.pending:
            text, bad = t("tui.save.pending", n=state.pending), False
        elif state.saved:
            text, bad = t("tui.save.ok"), False
        else:
            text, bad = "", False
        saved.set_class(bad, "-error")
        saved.set_class(not bad and bool(text), "-ok")
        saved.update(text)
        if state.offline:
            self.set_status(t("tui.save.offline_help", error=state.error[:60]), error=True)
        elif state.failed:
            self.set_status(state.error, error=True)
        else:
            self.set_status(t("tui.iv.help"))

    # --- keys -------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        prompt = self.prompt
        if prompt is None or not prompt.type.startswith("select"):
            return
        if event.character is None or event.character not in CHOICE_KEYS:
            return
        index = CHOICE_KEYS.index(event.character)
        if index >= len(prompt.choices):
            self.query_one("#iv-error", Static).update(t("tui.iv.no_such_choice",
                                                         key=event.character))
            event.stop()
            return
        name = prompt.choices[index][0]
        if prompt.type == "select_multiple":
            self.picked = ([p for p in self.picked if p != name] if name in self.picked
                           else [*self.picked, name])
        else:
            self.picked = [name]
        self.query_one("#iv-error", Static).update("")
        self.draw_choices()
        event.stop()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        assert self.iv is not None
        iv, prompt = self.iv, self.prompt
        if prompt is None:
            self.action_outcome()
            return
        if prompt.type.startswith("select"):
            if not self.picked and prompt.required:
                self.draw_choices()
                self.query_one("#iv-error", Static).update(t("tui.iv.pick_first"))
                return
            value: object = (self.picked if prompt.type == "select_multiple"
                             else (self.picked[0] if self.picked else None))
        elif prompt.type in TYPED:
            value = self.query_one("#iv-input", Input).value
        else:
            result = iv.next()
            self.draw("" if result else result.message)
            return
        result = iv.answer(prompt.name, value)
        if not result:
            self.query_one("#iv-error", Static).update(result.message)
            return
        saver = self.caller_app.saver
        case_id = self.caller_app.desk.case_id
        assert saver is not None and case_id is not None
        saver.submit(PendingAnswer(case_id, prompt.name, iv.answers().get(prompt.name)))
        self.draw()

    def action_back(self) -> None:
        assert self.iv is not None
        if not self.iv.back():
            from callcentre.tui.screens.case import CaseScreen

            self.app.switch_screen(CaseScreen())
            return
        self.draw()

    def action_retry(self) -> None:
        if self.caller_app.saver is not None:
            self.caller_app.saver.retry_now()

    def action_outcome(self) -> None:
        from callcentre.tui.screens.outcome import OutcomeScreen

        self.app.switch_screen(OutcomeScreen())
