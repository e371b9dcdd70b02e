"""``callcentre db …``: create or upgrade the schema, show where the database is."""

from __future__ import annotations

import click

from callcentre.cli.common import AppContext, pass_app, say, shown_url, user_errors


@click.group("db", help="cli.db.help")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="cli.db.upgrade.help")
@pass_app
@user_errors
def db_upgrade(app: AppContext) -> None:
    app.engine_for(creates=True)  # opening runs the migrations
    say("db.upgraded", url=shown_url(app.db_url))
