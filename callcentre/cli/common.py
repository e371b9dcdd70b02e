"""Shared command-line plumbing: the root group, database option, error display."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape

from callcentre import __version__
from callcentre.cli.click_texts import translate_click
from callcentre.db.engine import ENV_DB, default_url
from callcentre.errors import UserError
from callcentre.i18n import set_language, t

F = TypeVar("F", bound=Callable[..., Any])

# Piped output (a log, a test) gets a wide fixed width so tables are not squeezed.
_WIDTH = None if sys.stdout.isatty() else 200
console = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err_console = Console(stderr=True, highlight=False, soft_wrap=True, width=_WIDTH)


def print_table(table: object) -> None:
    console.print(table, soft_wrap=False)


class AppContext:
    """What every command gets: the database URL and an engine opened on demand."""

    def __init__(self, db_url: str, *, explicit: bool = True) -> None:
        self.db_url = db_url
        self.db_explicit = explicit  # False when the default SQLite file is used
        self._engine = None

    @property
    def engine(self):  # type: ignore[no-untyped-def]
        if self._engine is None:
            from sqlalchemy.exc import ArgumentError, DatabaseError, OperationalError

            from callcentre.db.engine import open_engine

            try:
                self._engine = open_engine(self.db_url)
            except (OperationalError, DatabaseError, ArgumentError) as exc:
                # a folder, a missing folder, a file that is not a database, a server
                # that is not there: one message naming the URL, not a traceback
                from sqlalchemy.engine import make_url

                from callcentre.db.engine import normalise_url

                detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
                try:  # never show a password
                    shown = make_url(normalise_url(self.db_url)).render_as_string(
                        hide_password=True)
                except ArgumentError:
                    shown = self.db_url
                raise UserError("db.cannot_open", url=shown, detail=detail) from None
        return self._engine


def user_errors(func: F) -> F:
    """Show ``UserError`` as a one-line message and exit 1 (no traceback)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            # the message holds data (paths, names): never read as console markup
            err_console.print(f"[bold red]{t('common.error')}[/] {escape(str(exc))}")
            raise SystemExit(1) from None

    return wrapper  # type: ignore[return-value]


translate_click()


def _set_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # eager, so that "--lang en --help" shows click's texts in English
    if value:
        set_language(value)
    return value


@click.group(help=t("cli.main.help"), context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar=ENV_DB, default=None, metavar="URL",
              help=t("cli.option.db"))
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None, is_eager=True,
              callback=_set_language, expose_value=True, help=t("cli.option.lang"))
@click.version_option(__version__, prog_name="callcentre")
@click.pass_context
def main_group(ctx: click.Context, db_url: str | None, lang: str | None) -> None:
    if lang:
        set_language(lang)
    ctx.obj = AppContext(db_url or default_url(), explicit=db_url is not None)


pass_app = click.make_pass_decorator(AppContext)
