"""The ``callcentre`` command line.

Each subcommand group lives in its own module and is registered here. Commands
call plain functions of the layers below and print through ``rich``; errors meant
for the user (``UserError``) are shown as one Chinese message, never a traceback.
"""

from __future__ import annotations

import sys

import click

from callcentre import __version__
from callcentre.cli.app_cmd import (
    audit_command,
    login_command,
    logout_command,
    users_group,
    wave_group,
    whoami_command,
)
from callcentre.cli.calendar_cmd import calendar_group, dnc_group
from callcentre.cli.common import main_group, translate_help
from callcentre.cli.db_cmd import db_group
from callcentre.cli.demo_cmd import demo_command
from callcentre.cli.files_cmd import departments_group, files_group
from callcentre.cli.import_cmd import import_command, workorders_command
from callcentre.cli.questionnaire_cmd import questionnaire_group
from callcentre.cli.queue_cmd import case_group, queue_group
from callcentre.cli.rates_cmd import rates_command
from callcentre.cli.sample_cmd import sample_group
from callcentre.cli.serve_cmd import serve_command
from callcentre.cli.simulate_cmd import forecast_command, simulate_command
from callcentre.cli.tui_cmd import tui_command

main_group.add_command(import_command)
main_group.add_command(workorders_command)
main_group.add_command(demo_command)
main_group.add_command(db_group)
main_group.add_command(sample_group)
main_group.add_command(questionnaire_group)
main_group.add_command(queue_group)
main_group.add_command(case_group)
for _command in (wave_group, users_group, login_command, logout_command, whoami_command,
                 audit_command, files_group, departments_group, rates_command,
                 calendar_group, dnc_group, tui_command, simulate_command,
                 forecast_command):
    main_group.add_command(_command)
main_group.add_command(serve_command)
translate_help(main_group)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    main_group.main(args=argv, prog_name="callcentre", standalone_mode=True)


__all__ = ["__version__", "click", "main", "main_group", "sys"]
