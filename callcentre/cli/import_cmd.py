"""``callcentre import`` and ``callcentre workorders``."""

from __future__ import annotations

import click

from callcentre.i18n import t


@click.command("import", help=t("cli.import.help"))
def import_command() -> None:
    raise NotImplementedError


@click.command("workorders", help=t("cli.workorders.help"))
def workorders_command() -> None:
    raise NotImplementedError
