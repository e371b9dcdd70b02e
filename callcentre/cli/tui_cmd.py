"""``callcentre tui``: the caller's screens in this terminal."""

from __future__ import annotations

import click

from callcentre.cli.common import AppContext, user_errors


@click.command("tui", help="cli.tui.help")
@click.pass_context
@user_errors
def tui_command(ctx: click.Context) -> None:
    from callcentre.tui.app import CallerApp

    app: AppContext = ctx.obj
    # a database nobody named is not created here; one that cannot be opened is one message
    engine = app.engine_for(creates=False)
    CallerApp(settings=app.settings, db_url=app.db_url, engine=engine).run()
