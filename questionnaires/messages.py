"""Messages for users, from the application's one catalogue.

``callcentre.i18n`` is import-free of the database and Textual, so the pure
packages may use it; the keys live in ``callcentre/i18n/messages_questionnaire.py``.
"""

from __future__ import annotations

from callcentre.i18n import t


def message(key: str, /, lang: str | None = None, **params: object) -> str:
    """The text for ``key`` in ``lang`` (default: the process language)."""
    return t(key, lang=lang, **params)
