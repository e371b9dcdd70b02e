"""``callcentre files …`` and ``callcentre departments …``: what the wave holds."""

from __future__ import annotations

import json
from dataclasses import asdict

import click
from rich.markup import escape
from rich.table import Table

from callcentre.cli.common import (
    AppContext,
    confirm_or_raise,
    local_time,
    pass_app,
    print_table,
    say,
    user_errors,
)
from callcentre.errors import ConfirmationRequired
from callcentre.i18n import t


@click.group("files", help="cli.files.help")
def files_group() -> None:
    pass


@files_group.command("list", help="cli.files.list.help")
@click.option("--department", "-d", default=None, help="cli.files.department")
@click.option("--item", "-i", type=click.IntRange(min=1, max=9999), default=None,
              help="cli.files.item")
@click.option("--json", "as_json", is_flag=True, help="cli.option.json")
@pass_app
@user_errors
def files_list(app: AppContext, department: str | None, item: int | None, as_json: bool) -> None:
    from callcentre.services.files import list_files

    with app.open() as (session, actor):
        rows = list_files(session=session, actor=actor, wave=app.settings.wave,
                          department=department, item=item)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False, default=str))
        return
    if not rows:
        say("files.none")
        return
    table = Table(show_lines=False)
    for key in ("files.col.id", "files.col.name", "files.col.department", "files.col.item",
                "files.col.kind", "files.col.rows", "files.col.rejected", "files.col.imported"):
        numeric = key in ("files.col.id", "files.col.rows", "files.col.rejected")
        table.add_column(t(key), justify="right" if numeric else "left",
                         no_wrap=numeric, overflow="fold")
    for r in rows:
        table.add_row(str(r.id), escape(r.name), escape(r.department), str(r.item or ""),
                      t(f"files.kind.{r.kind}"), str(r.rows), str(r.rejected),
                      local_time(r.imported_at))
    print_table(table)


@files_group.command("remove", help="cli.files.remove.help")
@click.argument("file")
@click.option("--yes", "-y", is_flag=True, help="cli.option.yes")
@pass_app
@user_errors
def files_remove(app: AppContext, file: str, yes: bool) -> None:
    from callcentre.services.files import remove_file

    confirm_or_raise(ConfirmationRequired("files.confirm_remove", file=file), yes=yes)
    with app.open() as (session, actor):
        removed = remove_file(session=session, actor=actor, wave=app.settings.wave, file=file)
    say("files.removed", file=removed.name, rows=removed.rows)


@click.group("departments", help="cli.departments.help")
def departments_group() -> None:
    pass


@departments_group.command("list", help="cli.departments.list.help")
@click.option("--json", "as_json", is_flag=True, help="cli.option.json")
@pass_app
@user_errors
def departments_list(app: AppContext, as_json: bool) -> None:
    from callcentre.services.files import list_departments

    with app.open() as (session, actor):
        rows = list_departments(session=session, actor=actor, wave=app.settings.wave)
    if as_json:
        click.echo(json.dumps([asdict(r) for r in rows], ensure_ascii=False))
        return
    if not rows:
        say("departments.none")
        return
    table = Table()
    for key in ("departments.col.name", "departments.col.files", "departments.col.items",
                "departments.col.units"):
        table.add_column(t(key), justify="left" if key.endswith("name") else "right",
                         overflow="fold")
    for r in rows:
        table.add_row(escape(r.name), str(r.files), str(r.items), str(r.memberships))
    print_table(table)
