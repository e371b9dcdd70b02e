"""The ``callcentre`` command line.

Each subcommand group lives in its own module and is registered here. Commands
call plain functions of the layers below and print through ``rich``; errors meant
for the user (``UserError``) are shown as one Chinese message, never a traceback.
"""

from __future__ import annotations

import sys

import click

from callcentre import __version__
from callcentre.cli.common import main_group
from callcentre.cli.db_cmd import db_group
from callcentre.cli.demo_cmd import demo_command
from callcentre.cli.import_cmd import import_command, workorders_command
from callcentre.cli.questionnaire_cmd import questionnaire_group
from callcentre.cli.sample_cmd import sample_group

main_group.add_command(import_command)
main_group.add_command(workorders_command)
main_group.add_command(demo_command)
main_group.add_command(db_group)
main_group.add_command(sample_group)
main_group.add_command(questionnaire_group)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    main_group.main(args=argv, prog_name="callcentre", standalone_mode=True)


__all__ = ["__version__", "click", "main", "main_group", "sys"]
