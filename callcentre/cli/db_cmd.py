"""``callcentre db …``: create or upgrade the schema, show where the database is."""

from __future__ import annotations

import click

from callcentre.cli.common import AppContext, console, pass_app, user_errors
from callcentre.i18n import t


@click.group("db", help=t("cli.db.help"))
def db_group() -> None:
    pass


@db_group.command("upgrade", help=t("cli.db.upgrade.help"))
@pass_app
@user_errors
def db_upgrade(app: AppContext) -> None:
    engine = app.engine  # opening runs the migrations
    console.print(t("db.upgraded", url=engine.url.render_as_string(hide_password=True)))
