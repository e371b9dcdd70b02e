"""click's own texts in the user's language.

click writes its help option ("Show this message and exit."), headings ("Usage:",
"Options") and usage errors through gettext, in English. :func:`translate_click`
routes them through the catalogue (``cli.click.*``), looked up when shown, so that
``--lang`` and ``CALLCENTRE_LANG`` decide the language.
"""

from __future__ import annotations

import click

from callcentre.i18n import t

_CLICK_TEXTS = {
    "Show this message and exit.": "cli.click.help_option",
    "Show the version and exit.": "cli.click.version_option",
    "%(prog)s, version %(version)s": "cli.click.version",
    "Usage:": "cli.click.usage",
    "Options": "cli.click.options",
    "Positional arguments": "cli.click.arguments",
    "Commands": "cli.click.commands",
    "default: {default}": "cli.click.default",
    "required": "cli.click.required",
    "env var: {var}": "cli.click.env_var",
    "Error: {message}": "cli.click.error",
    "Try '{command} {option}' for help.": "cli.click.try_help",
    "Invalid value for {param_hint}: {message}": "cli.click.invalid_for",
    "Invalid value: {message}": "cli.click.invalid",
    "Missing option": "cli.click.missing_option",
    "Missing argument": "cli.click.missing_argument",
    "Missing parameter": "cli.click.missing_parameter",
    "Missing command.": "cli.click.missing_command",
    "No such option {name!r}.": "cli.click.no_option",
    "No such command {name!r}.": "cli.click.no_command",
    "{value!r} is not a valid {number_type}.": "cli.click.not_number",
    "{value} is not in the range {range}.": "cli.click.not_in_range",
    "Aborted!": "cli.click.aborted",
    "{name} {filename!r} does not exist.": "cli.click.not_exist",
    "{name} {filename!r} is a file.": "cli.click.is_file",
    "{name} {filename!r} is a directory.": "cli.click.is_dir",
    "{name} {filename!r} is not readable.": "cli.click.not_readable",
    "{name} {filename!r} is not writable.": "cli.click.not_writable",
    "{value!r} is not a valid UUID.": "cli.click.not_uuid",
}
_CLICK_PLURALS = {
    "Option {name!r} requires an argument.": ("cli.click.needs_value", "cli.click.needs_values"),
    "{value!r} is not {choice}.": ("cli.click.not_choice", "cli.click.not_choices"),
    "Got unexpected extra argument ({args})": ("cli.click.extra_arg", "cli.click.extra_args"),
    "Did you mean {possibility}?": ("cli.click.did_you_mean", "cli.click.did_you_mean_any"),
}


def _click_gettext(message: str) -> str:
    key = _CLICK_TEXTS.get(message)
    return t(key) if key else message


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    keys = _CLICK_PLURALS.get(singular)
    if keys is None:
        return singular if n == 1 else plural
    return t(keys[0] if n == 1 else keys[1])


def translate_click() -> None:
    """Route click's texts through the catalogue (once per process)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.types):
        if hasattr(module, "_"):
            module._ = _click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]

    # click builds a command's help option once and keeps it: give it the text of
    # the language in force each time it is shown
    build = click.Command.get_help_option

    def get_help_option(self: click.Command, ctx: click.Context) -> click.Option | None:
        option = build(self, ctx)
        if option is not None:
            option.help = t("cli.click.help_option")
        return option

    click.Command.get_help_option = get_help_option  # type: ignore[method-assign]

