"""One error hierarchy for everything a person should read instead of a traceback.

Each error carries a message-catalogue key and its parameters; the text is looked
up when the error is shown (``str(exc)``), in the language in force then, so an
error raised in a worker thread of the TUI and shown later still reads right.
The command line turns these into one line of Chinese in ``callcentre.cli.common``;
the TUI does the same in its own error handler.

Subclasses say what kind of failure it is, so callers can react without parsing
text (a screen may offer a log-in on :class:`NotAuthenticated`, a confirmation on
:class:`ConfirmationRequired`).
"""

from __future__ import annotations

from typing import Any

from callcentre.i18n import t


class UserError(Exception):
    """An error whose message is for the user (Chinese by default).

    Build it from a catalogue key: ``UserError("import.file_unreadable", file=...)``.
    """

    exit_code = 1

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def __str__(self) -> str:
        return t(self.key, None, **self.params)

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(UserError):
    """A value given by the user (option, cell, file) is not acceptable."""


class NotFound(UserError):
    """The named thing (wave, file, design, user, case) does not exist."""


class Conflict(UserError):
    """The action would clash with the stored state (exists already, fieldwork begun…)."""


class NotAuthenticated(UserError):
    """No user is logged in, or the log-in failed."""


class PermissionDenied(UserError):
    """The acting user's role does not allow the action."""


class ConfirmationRequired(UserError):
    """The action has consequences the user must confirm first (``--yes`` on the CLI).

    ``details`` lists what would happen, one line each, already in the user's words.
    """

    exit_code = 3

    def __init__(self, key: str, /, *, details: list[str] | None = None, **params: Any) -> None:
        super().__init__(key, **params)
        self.details = list(details or [])


class StorageError(UserError):
    """The database or a file could not be written (read-only, full disk, locked)."""
