"""``callcentre tui``: the caller's screens in this terminal."""

from __future__ import annotations

import click

from callcentre.cli.common import AppContext, user_errors
from callcentre.errors import UserError


@click.command("tui", help="cli.tui.help")
@click.pass_context
@user_errors
def tui_command(ctx: click.Context) -> None:
    from callcentre.tui.app import CallerApp

    app: AppContext = ctx.obj
    # a SQLite file that is not there holds no callers: say so instead of creating it.
    # The engine itself is opened by the app, in a worker, while the log-in screen shows.
    path = app._sqlite_path()
    if path is not None and not path.exists():
        raise UserError("tui.db_missing", path=str(path.resolve()))
    CallerApp(settings=app.settings, db_url=app.db_url).run()
