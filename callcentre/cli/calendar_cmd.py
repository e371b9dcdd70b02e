"""``callcentre calendar import|list`` and ``callcentre dnc add|list|remove``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from callcentre.cli.common import AppContext, local_time, pass_app, print_table, say, user_errors
from callcentre.i18n import t


@click.group("calendar", help="cli.calendar.help")
def calendar_group() -> None:
    pass


@calendar_group.command("import", help="cli.calendar.import.help")
@click.argument("file", type=click.Path(path_type=Path))
@pass_app
@user_errors
def calendar_import(app: AppContext, file: Path) -> None:
    from callcentre.services.calendar import import_calendar

    with app.open() as (session, actor):
        res = import_calendar(session=session, actor=actor, path=file)
    say("calendar.imported", file=res.file, added=res.added, updated=res.updated, same=res.same)


@calendar_group.command("list", help="cli.calendar.list.help")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="cli.calendar.year")
@pass_app
@user_errors
def calendar_list(app: AppContext, year: int | None) -> None:
    from callcentre.services.calendar import calendar_years, imported_days

    with app.open() as (session, actor):
        rows = calendar_years(session=session, actor=actor, year=year)
        days = imported_days(session=session, actor=actor, year=year) if year else []
    table = Table()
    for key in ("calendar.col.year", "calendar.col.source", "calendar.col.holidays",
                "calendar.col.workdays"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        imported = bool(r.holidays or r.workdays)
        source = ("calendar.source.both" if r.official and imported else
                  "calendar.source.official" if r.official else
                  "calendar.source.imported" if imported else "calendar.source.none")
        style = "" if r.has_data else "bold red"
        table.add_row(str(r.year), f"[{style}]{escape(t(source))}[/]" if style else
                      escape(t(source)), str(r.holidays), str(r.workdays))
    print_table(table)
    if days:
        say("calendar.day_list", year=year)
        for d in days:
            kind = t("calendar.col.holidays" if d.kind.value == "holiday" else
                     "calendar.col.workdays")
            click.echo(f"  {d.day.isoformat()}  {kind}  {d.name}")
    missing = [str(r.year) for r in rows if not r.has_data]
    if missing:
        say("calendar.no_data_warning", err=True, style="bold red", years="、".join(missing))


@click.group("dnc", help="cli.dnc.help")
def dnc_group() -> None:
    pass


@dnc_group.command("add", help="cli.dnc.add.help")
@click.argument("number")
@click.option("--reason", default="", help="cli.dnc.reason")
@pass_app
@user_errors
def dnc_add(app: AppContext, number: str, reason: str) -> None:
    from callcentre.i18n.display import phone_display
    from callcentre.services.dnc import add_number, normalise_number

    with app.open() as (session, actor):
        new = add_number(session=session, actor=actor, number=number, reason=reason,
                         region=app.settings.region)
    shown = phone_display(normalise_number(number, app.settings.region))
    say("dnc.added" if new else "dnc.already", number=shown)


@dnc_group.command("list", help="cli.dnc.list.help")
@pass_app
@user_errors
def dnc_list(app: AppContext) -> None:
    from callcentre.i18n.display import phone_display
    from callcentre.services.dnc import list_numbers

    with app.open() as (session, actor):
        rows = list_numbers(session=session, actor=actor)
    if not rows:
        say("dnc.none")
        return
    table = Table()
    for key in ("dnc.col.number", "dnc.col.reason", "dnc.col.by", "dnc.col.at"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        table.add_row(escape(phone_display(r.e164)), escape(r.reason), escape(r.added_by),
                      local_time(r.added_at))
    print_table(table)


@dnc_group.command("remove", help="cli.dnc.remove.help")
@click.argument("number")
@pass_app
@user_errors
def dnc_remove(app: AppContext, number: str) -> None:
    from callcentre.i18n.display import phone_display
    from callcentre.services.dnc import remove_number

    with app.open() as (session, actor):
        e164 = remove_number(session=session, actor=actor, number=number,
                             region=app.settings.region)
    say("dnc.removed", number=phone_display(e164))
