"""``callcentre questionnaire …``: validate, preview, catalogue, load."""

from __future__ import annotations

import click

from callcentre.i18n import t


@click.group("questionnaire", help=t("cli.questionnaire.help"))
def questionnaire_group() -> None:
    pass
