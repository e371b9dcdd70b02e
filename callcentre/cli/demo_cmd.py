"""``callcentre demo``."""

from __future__ import annotations

import click

from callcentre.i18n import t


@click.command("demo", help=t("cli.demo.help"))
def demo_command() -> None:
    raise NotImplementedError
