"""Log-in: user name and password, checked by ``accounts.log_in`` in a worker."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Input, Label, Static

from callcentre.i18n import t
from callcentre.services.actor import Actor
from callcentre.tui.widgets import CallerFooter, CallerScreen, StatusLine


class LoginScreen(CallerScreen):
    """Who is calling. Nobody gets past it without an account."""

    DEFAULT_CSS = """
    LoginScreen { align: center middle; }
    LoginScreen #login-box { width: 52; height: auto; border: round $primary;
                             padding: 1 2; }
    LoginScreen Label { margin-top: 1; }
    LoginScreen Input { width: 100%; }
    LoginScreen #login-title { text-style: bold; width: 100%; content-align: center middle; }
    """

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Static(t("tui.login.title"), id="login-title")
            yield Label(t("tui.login.user"))
            yield Input(id="username", placeholder=t("tui.login.user_hint"))
            yield Label(t("tui.login.password"))
            yield Input(id="password", password=True)
            yield StatusLine(t("tui.login.help"), id="status")
        yield CallerFooter()

    def on_mount(self) -> None:
        self.query_one("#username", Input).focus()
        sign_in, self.caller_app.sign_in = self.caller_app.sign_in, None
        if sign_in is not None:
            self.query_one("#username", Input).value = sign_in[0]
            self.query_one("#password", Input).value = sign_in[1]
            self.submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "username":
            # at once (``focus()`` waits a turn): keys typed fast go to the password
            self.set_focus(self.query_one("#password", Input))
            return
        self.submit()

    def submit(self) -> None:
        from callcentre.services.accounts import log_in

        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username:
            self.set_status(t("tui.login.need_user"), error=True)
            self.query_one("#username", Input).focus()
            return
        self.set_status(t("tui.login.checking"))
        self.caller_app.run_db(
            lambda s: log_in(session=s, username=username, password=password),
            self.logged_in, self.refused, exclusive=True, group="login")

    def refused(self, text: str) -> None:
        self.set_status(text, error=True)
        pw = self.query_one("#password", Input)
        pw.value = ""
        pw.focus()

    def logged_in(self, actor: Actor) -> None:
        from callcentre.tui.screens.line import LineScreen

        self.caller_app.desk.actor = actor
        self.app.switch_screen(LineScreen())
