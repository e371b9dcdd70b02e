"""Shared command-line plumbing: the root group, settings, the acting user, the
database, error display.

Every command that touches the database opens it through :meth:`AppContext.open`,
which prints the first line (database, wave, user), identifies the user and
refuses to create a database nobody named. Errors from the services
(:class:`~callcentre.errors.UserError` and its kinds) become one line of Chinese
in :func:`user_errors`: the one place where the command line turns errors into text.
Data text (department and enterprise names, paths) is never interpreted as rich
markup: print it with :func:`say` / :func:`plain`, or escape it.
"""

from __future__ import annotations

import functools
import getpass
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from callcentre import __version__
from callcentre.cli.click_texts import translate_click
from callcentre.errors import ConfirmationRequired, NotAuthenticated, UserError
from callcentre.i18n import set_language, t
from callcentre.settings import ENV_DB, Settings, load_settings

F = TypeVar("F", bound=Callable[..., Any])

# Piped output (a log, a test) gets a wide fixed width so tables are not squeezed.
_WIDTH = None if sys.stdout.isatty() else 200
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)


def print_table(table: object) -> None:
    console.print(table, soft_wrap=False)


def say(key: str, /, *, err: bool = False, style: str | None = None, **params: object) -> None:
    """Print a catalogue message whose parameters are data: never read as markup."""
    text = t(key, **params)
    (err_console if err else console).print(text, markup=False, style=style)


def local_time(value: object, tz: str = "Asia/Shanghai") -> str:
    """A stored UTC time as people here read it: ``2026-12-02 14:05`` Beijing time."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def shown_url(url: str) -> str:
    """A database URL fit to print: the password hidden, a SQLite file as its path."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from callcentre.db.engine import normalise_url

    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError:
        return url
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or "").resolve()) if parsed.database else ":memory:"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


class AppContext:
    """What every command gets: settings, and the database, user and wave on demand."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Any = None
        self._actor: Any = None
        self._announced = False

    # kept for the modules that still read these directly
    @property
    def db_url(self) -> str:
        return self.settings.db_url

    @property
    def db_explicit(self) -> bool:
        return self.settings.db_explicit

    def _sqlite_path(self) -> Path | None:
        from sqlalchemy.engine import make_url

        from callcentre.db.engine import normalise_url

        url = make_url(normalise_url(self.db_url))
        if url.get_backend_name() != "sqlite" or not url.database:
            return None
        return Path(url.database)

    def engine_for(self, *, creates: bool = False) -> Any:
        """The engine, schema up to date. A SQLite file nobody named is created only
        by commands that create things (``creates``), and then said so."""
        if self._engine is not None:
            return self._engine
        from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

        from callcentre.db.engine import open_engine

        path = self._sqlite_path()
        new_file = path is not None and not path.exists()
        if new_file and not self.db_explicit and not creates:
            raise UserError("cli.db_missing", path=str(path.resolve()))  # type: ignore[union-attr]
        try:
            self._engine = open_engine(self.db_url)
        except (OperationalError, DatabaseError, ArgumentError) as exc:
            # a folder, a missing folder, a file that is not a database, a server
            # that is not there, a read-only file: one message naming the URL
            detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise UserError("db.cannot_open", url=shown_url(self.db_url), detail=detail) from None
        if new_file:
            say("cli.db_created", err=True, path=str(path.resolve()))  # type: ignore[union-attr]
        return self._engine

    @property
    def engine(self) -> Any:
        return self.engine_for(creates=True)

    def identify(self, session: Any) -> Any:
        """The acting user: a script's CALLCENTRE_USER/PASSWORD, a saved log-in token,
        else the OS account mapped to a user (the first admin on a new database)."""
        if self._actor is not None:
            return self._actor
        from callcentre.services import accounts

        s = self.settings
        if s.user:
            self._actor = accounts.log_in(session=session, username=s.user,
                                          password=s.password or "")
            return self._actor
        token = read_token(s)
        if token:
            actor = accounts.actor_for_token(session=session, token=token)
            session.rollback()
            if actor is not None:
                self._actor = actor
                return actor
        identity = accounts.actor_for_os_account(session=session, os_account=os_login())
        session.rollback()
        if identity is None:
            raise NotAuthenticated("auth.not_logged_in")
        if identity.created_first_admin:
            say("cli.first_admin", err=True, user=identity.actor.username)
        self._actor = identity.actor
        return self._actor

    @contextmanager
    def open(self, *, creates: bool = False, announce: bool = True) -> Iterator[tuple[Any, Any]]:
        """``(session, actor)`` for one command; prints the first line once."""
        from sqlmodel import Session

        engine = self.engine_for(creates=creates)
        with Session(engine) as session:
            actor = self.identify(session)
            if announce and not self._announced:
                self._announced = True
                self.announce(session, actor)
            session.rollback()
            yield session, actor

    def announce(self, session: Any, actor: Any) -> None:
        from callcentre.services.waves import current_code

        wave = self.settings.wave or current_code(session) or t("cli.banner.no_wave")
        say("cli.banner", err=True, style="dim", db=shown_url(self.db_url), wave=wave,
            user=actor.username)


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's uid)
        return f"uid{os.getuid()}"


def _token_file(settings: Settings) -> Path:
    return settings.state_dir / "tokens.json"


def _token_key(settings: Settings) -> str:
    return shown_url(settings.db_url)


def read_token(settings: Settings) -> str | None:
    try:
        data = json.loads(_token_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    token = data.get(_token_key(settings)) if isinstance(data, dict) else None
    return token if isinstance(token, str) else None


def write_token(settings: Settings, token: str | None) -> None:
    """Keep (or forget, with None) this database's token, readable by this OS user only."""
    path = _token_file(settings)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    if token is None:
        data.pop(_token_key(settings), None)
    else:
        data[_token_key(settings)] = token
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
    os.replace(tmp, path)


def user_errors(func: F) -> F:
    """Show a ``UserError`` as a one-line message and exit with its code (no
    traceback); Ctrl-C as ``已中止。``."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfirmationRequired as exc:
            err_console.print(str(exc), markup=False)
            for line in exc.details:
                err_console.print(f"  {line}", markup=False)
            say("cli.confirm_needed", err=True)
            raise SystemExit(exc.exit_code) from None
        except UserError as exc:
            err_console.print(f"[bold red]{escape(t('common.error'))}[/] {escape(str(exc))}")
            raise SystemExit(exc.exit_code) from None
        except KeyboardInterrupt:
            say("cli.aborted", err=True)
            raise SystemExit(130) from None
        except _db_errors() as exc:
            app = click.get_current_context(silent=True)
            url = app.obj.db_url if app is not None and isinstance(app.obj, AppContext) else ""
            detail = db_error_detail(exc)
            key = "db.write_failed" if detail != _raw_detail(exc) else "db.error"
            err_console.print(f"[bold red]{escape(t('common.error'))}[/] "
                              f"{escape(t(key, url=shown_url(url), detail=detail))}")
            raise SystemExit(1) from None

    return wrapper  # type: ignore[return-value]


def _db_errors() -> tuple[type[BaseException], ...]:
    from sqlalchemy.exc import DBAPIError

    return (DBAPIError,)


def _raw_detail(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


#: what the database drivers say, in words a supervisor can act on
_DB_DETAILS = (
    ("readonly database", "db.detail.readonly"),
    ("read-only", "db.detail.readonly"),
    ("disk is full", "db.detail.full"),
    ("no space left", "db.detail.full"),
    ("database is locked", "db.detail.locked"),
    ("unable to open database", "db.detail.cannot_open"),
    ("disk i/o error", "db.detail.io"),
    ("connection", "db.detail.connection"),
)


def db_error_detail(exc: BaseException) -> str:
    raw = _raw_detail(exc)
    lowered = raw.lower()
    for needle, key in _DB_DETAILS:
        if needle in lowered:
            return t(key)
    return raw


def confirm_or_raise(exc: ConfirmationRequired, *, yes: bool) -> bool:
    """Ask the question of ``exc`` on a terminal; without one (or with a 'no')
    the error stands. Returns True to go on."""
    if yes:
        return True
    if not sys.stdin.isatty():
        raise exc
    err_console.print(str(exc), markup=False)
    for line in exc.details:
        err_console.print(f"  {line}", markup=False)
    if click.confirm(t("cli.confirm"), default=False, err=True):
        return True
    raise exc


translate_click()


def translate_help(command: click.Command) -> None:
    """Give ``command`` and everything below it their help in the language in force.

    Help texts are written as catalogue keys (``help="cli.import.help"``); the key is
    kept and looked up again whenever the language changes, so ``--lang en --help``
    shows English only.
    """
    for obj in [command, *command.params]:
        key = getattr(obj, "_help_key", None) or getattr(obj, "help", None)
        if isinstance(key, str) and key.startswith("cli."):
            obj._help_key = key  # type: ignore[union-attr]
            obj.help = t(key)  # type: ignore[union-attr]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            translate_help(sub)


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # eager, so that "--lang en --help" shows every text in English
    if value:
        set_language(value)
    translate_help(ctx.find_root().command)
    return value


@click.group(help="cli.main.help", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar=ENV_DB, default=None, metavar="URL", help="cli.option.db")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, is_eager=True,
              callback=_set_language, expose_value=True, help="cli.option.lang")
@click.option("--wave", "-w", "wave", default=None, metavar="CODE", help="cli.option.wave_pick")
@click.version_option(__version__, prog_name="callcentre")
@click.pass_context
@user_errors
def main_group(ctx: click.Context, db_url: str | None, lang: str | None,
               wave: str | None) -> None:
    settings = load_settings(db_url=db_url, language=lang, wave=wave)
    set_language(settings.language)
    ctx.obj = AppContext(settings)


pass_app = click.make_pass_decorator(AppContext)
