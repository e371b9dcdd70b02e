"""``callcentre sample …``: sample size, design, draw, release, export."""

from __future__ import annotations

import click

from callcentre.i18n import t


@click.group("sample", help=t("cli.sample.help"))
def sample_group() -> None:
    pass
