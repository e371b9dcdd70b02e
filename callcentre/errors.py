"""Errors meant for the user: already translated, shown without a traceback."""

from __future__ import annotations

from callcentre.i18n import t


class UserError(Exception):
    """An error whose message is for the user (Chinese by default).

    Build it from a catalogue key: ``UserError("import.file_unreadable", file=...)``.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, None, **params))
