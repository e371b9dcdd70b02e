"""The caller's application: log in on a line, take a case, interview, record the outcome.

Every database call runs in a thread worker (:meth:`CallerApp.run_db`) and comes back
to the screen as a callback, so the screen never waits on the database; answers go
through :class:`~callcentre.tui.saver.AnswerSaver`. Key bindings carry ids
(``case.dial`` …) that the settings' ``[keymap]`` table remaps (``App.set_keymap``).

Widget ids are stable (tests and the browser/tmux tests drive them): ``#username``,
``#password``, ``#status`` (each screen's message line), ``#lines`` (line picker),
``#today``, ``#card``/``#card-body`` (case card), ``#iv-module``, ``#iv-progress``,
``#iv-question``, ``#iv-choices``, ``#iv-input``, ``#iv-error``, ``#iv-saved`` (interview),
``#picker``, ``#chosen``, ``#appt-date``, ``#appt-time``, ``#appt-who``, ``#note``
(outcome), ``#paused``. Entry point: ``CallerApp(settings=…, db_url=…)``.

Text never appears in toasts, tooltips or ``Select`` overlays: Textual 8 drops CJK
characters where such an overlay's border crosses them (textualize/textual #6357).
Messages go to each screen's own status line, and the outcome picker is a full screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from callcentre.errors import UserError
from callcentre.i18n import set_language, t
from callcentre.settings import Settings
from callcentre.tui.desk import Desk
from callcentre.tui.saver import AnswerSaver, PendingAnswer, SaverState

if TYPE_CHECKING:  # imported in the workers: the first screen does not wait for them
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

T = TypeVar("T")

#: how often the lease of the case in hand is extended (seconds)
HEARTBEAT_SECONDS = 60.0
#: a write waiting this long (seconds) is shown as the database being busy
STALL_SECONDS = 2.0


def transient_db_error(exc: BaseException) -> bool:
    """Whether ``exc`` means the database is away for now (try again), not a refusal."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    if isinstance(exc, IntegrityError):
        return False
    return isinstance(exc, (DBAPIError, OSError, TimeoutError))


def db_problem(exc: BaseException) -> str:
    """A database failure in the caller's words."""
    raw = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = raw[0] if raw else type(exc).__name__
    lowered = detail.lower()
    if "locked" in lowered or "busy" in lowered:
        return t("tui.db.busy")
    return t("tui.db.away", detail=detail[:80])


class CallerApp(App[None]):
    """The caller TUI (``callcentre tui``)."""

    TITLE = "callcentre"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "toggle_theme", t("tui.key.theme"), id="app.theme"),
        Binding("ctrl+q", "quit", t("tui.key.quit"), id="app.quit", priority=True),
        # our own palette binding: Textual's adds an English "palette" label to the footer
        Binding("ctrl+p", "command_palette", t("tui.key.palette"), show=False, priority=True,
                id="app.palette"),
    ]
    CSS = """
    Screen { background: $surface; }
    .bar { height: 1; background: $panel; color: $text; padding: 0 1; }
    .status { height: 1; padding: 0 1; color: $text-muted; }
    .status.-error { color: $error; text-style: bold; }
    .status.-ok { color: $success; }
    .title { text-style: bold; padding: 0 1; }
    """

    def __init__(self, *, settings: Settings | None = None, db_url: str | None = None,
                 clock: Callable[[], datetime] | None = None,
                 engine: Engine | None = None,
                 sign_in: tuple[str, str] | None = None) -> None:
        super().__init__()
        #: user name and password the log-in screen submits by itself (the demo's
        #: caller): checked by the log-in service like typed ones
        self.sign_in = sign_in
        self.settings = settings or Settings()
        if db_url is not None:
            self.settings = self.settings.with_overrides(db_url=db_url)
        set_language(self.settings.language)
        self.db_url = self.settings.db_url
        self.clock = clock or (lambda: datetime.now(UTC))
        self._engine = engine
        self._engine_lock = threading.Lock()
        self.desk = Desk()
        self.saver: AnswerSaver | None = None
        self.saver_state = SaverState(0, 0, False)
        self.theme = "textual-dark"

    # --- database ---------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The engine, opened (and the schema brought up to date) on first use, in
        whichever worker thread needs it first."""
        with self._engine_lock:
            if self._engine is None:
                from callcentre.db.engine import open_engine

                self._engine = open_engine(self.db_url)
            return self._engine

    def run_db(self, job: Callable[[Session], T], done: Callable[[T], Any],
               failed: Callable[[str], Any] | None = None, *, group: str = "db",
               exclusive: bool = False) -> None:
        """Run ``job(session)`` in a thread worker; ``done(result)`` or ``failed(text)``
        run back on the app's thread."""
        def work() -> None:
            from sqlmodel import Session

            try:
                with Session(self.engine) as session:
                    result = job(session)
            except UserError as exc:
                self.call_from_thread(failed or self.show_error, str(exc))
                return
            except Exception as exc:  # noqa: BLE001 (every failure is shown, none lost)
                text = (db_problem(exc) if transient_db_error(exc)
                        else t("tui.internal_error", detail=f"{type(exc).__name__}: {exc}"[:120]))
                self.call_from_thread(failed or self.show_error, text)
                return
            self.call_from_thread(done, result)

        self.run_worker(work, thread=True, group=group, exclusive=exclusive,
                        exit_on_error=False)

    def show_error(self, text: str) -> None:
        """Put ``text`` in the current screen's status line (never a toast: #6357)."""
        status = getattr(self.screen, "set_status", None)
        if callable(status):
            status(text, error=True)

    # --- the answer saver -------------------------------------------------------------

    def start_saver(self, parts: Any) -> AnswerSaver:
        """A saver for the case in hand (answers written in order, retried until the
        database takes them)."""
        from sqlmodel import Session

        from callcentre.services.interviews import save_answer

        actor = self.desk.actor
        assert actor is not None
        if self.saver is not None:
            self.saver.close(0.1)

        def save(answer: PendingAnswer) -> None:
            with Session(self.engine) as session:
                save_answer(session=session, actor=actor, case_id=answer.case_id,
                            question=answer.question, value=answer.value, parts=parts,
                            now=answer.entered_at)

        loop = asyncio.get_running_loop()

        def changed(state: SaverState) -> None:
            # never blocks the saver: the screen is told when the loop gets to it
            with contextlib.suppress(RuntimeError):      # the app's loop has closed
                loop.call_soon_threadsafe(self._saver_changed, state)

        self.saver = AnswerSaver(save, changed, transient_db_error)
        self.saver_state = self.saver.state()
        return self.saver

    def _watch_saver(self) -> None:
        """A write stuck behind a lock says so, like one that failed."""
        saver = self.saver
        if saver is None:
            return
        if saver.stalled(STALL_SECONDS):
            state = saver.state()
            if not state.offline:
                self._saver_changed(replace(state, offline=True, error=t("tui.db.busy")))
        elif self.saver_state.offline and not saver.pending():
            self._saver_changed(saver.state())

    def _saver_changed(self, state: SaverState) -> None:
        self.saver_state = state
        refresh = getattr(self.screen, "saver_changed", None)
        if callable(refresh):
            refresh(state)

    # --- lifecycle --------------------------------------------------------------------

    def on_mount(self) -> None:
        from callcentre.tui.screens.login import LoginScreen

        if self.settings.keymap:
            self.set_keymap(dict(self.settings.keymap))
        # while the caller types the password: the database layer and the engine
        self.run_worker(self._warm_up, thread=True, group="warm-up", exit_on_error=False)
        self.set_interval(HEARTBEAT_SECONDS, self.heartbeat)
        self.set_interval(0.5, self._watch_saver)
        self.push_screen(LoginScreen())

    def _warm_up(self) -> None:
        """Import the services and open the engine (errors show at the log-in)."""
        import callcentre.services.accounts
        import callcentre.services.caller_desk
        import callcentre.services.interviews  # noqa: F401

        with contextlib.suppress(Exception):
            _ = self.engine

    def heartbeat(self) -> None:
        """Extend the lease of the case in hand (a failure is shown, and tried again
        at the next beat)."""
        from callcentre.services.queue import heartbeat

        actor, case_id = self.desk.actor, self.desk.case_id
        if actor is None or case_id is None:
            return
        now = self.clock()
        self.run_db(lambda s: heartbeat(session=s, actor=actor, case_id=case_id, now=now,
                                        settings=self.settings), lambda _: None,
                    group="heartbeat")

    def on_unmount(self) -> None:
        if self.saver is not None:
            self.saver.close(2.0)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette: every key of the screen, in Chinese, plus the theme."""
        yield SystemCommand(t("tui.key.theme"), t("tui.cmd.theme"), self.action_toggle_theme)
        for key, active in screen.active_bindings.items():
            binding = active.binding
            # our own keys only (they carry ids); Textual's English ones stay out
            if not binding.id or not binding.description or binding.id in ("app.theme", "app.palette"):
                continue
            yield SystemCommand(binding.description, t("tui.cmd.key", key=key),
                                _runner(screen, active.node, binding.action))
        yield SystemCommand(t("tui.key.quit"), t("tui.cmd.quit"), self.exit)


def _runner(screen: Screen[Any], node: Any, action: str) -> Callable[[], Any]:
    async def run() -> None:
        await screen.app.run_action(action, node)
    return run
