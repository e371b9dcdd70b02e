"""The message catalogue: every user-facing string, Simplified Chinese first.

The catalogue is one namespace assembled from per-area modules
(``messages_common``, ``messages_import``, ``messages_sampling``,
``messages_questionnaire`` …) so that parallel work on different areas does not
touch the same file. Each module defines ``MESSAGES: dict[str, tuple[str, str]]``
mapping a dotted key to ``(zh, en)``. Keys must be unique across modules; this
is checked when the catalogue is first used and by a test.

Language: ``CALLCENTRE_LANG`` (``zh`` default, or ``en``), or :func:`set_language`.
"""

from __future__ import annotations

import importlib
import os
from functools import lru_cache

LANGUAGES = ("zh", "en")
_AREAS = (
    "messages_common",
    "messages_identifiers",
    "messages_demo",
    "messages_import",
    "messages_sampling",
    "messages_questionnaire",
    "messages_workorders",
    "messages_app",
    "messages_fieldwork",
    "messages_simulation",
    "messages_reports",
    "messages_limits",
    "messages_rates",
    "messages_queue",
    "messages_serve",
    "messages_tui",
)
_language: str | None = None


@lru_cache(maxsize=1)
def catalogue() -> dict[str, tuple[str, str]]:
    """Return the merged catalogue; raise if two areas define the same key."""
    merged: dict[str, tuple[str, str]] = {}
    for area in _AREAS:
        module = importlib.import_module(f"{__name__}.{area}")
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (second in {area})")
            if len(texts) != 2:
                raise RuntimeError(f"message {key!r} must be a (zh, en) pair")
            merged[key] = texts
    return merged


def language() -> str:
    lang = _language or os.environ.get("CALLCENTRE_LANG", "zh")
    return lang if lang in LANGUAGES else "zh"


def set_language(lang: str | None) -> None:
    """Set the display language for this process (``None`` returns to the default)."""
    global _language
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    _language = lang
    # the questionnaire package keeps its own texts and follows this language
    from questionnaires.messages import set_language as set_questionnaire_language

    set_questionnaire_language(lang)


class Key(str):
    """A parameter value that is itself a catalogue key, translated when shown
    (``t("auth.forbidden", role=Key("role.caller"))``)."""

    __slots__ = ()


def t(key: str, /, lang: str | None = None, **params: object) -> str:
    """Translate ``key`` and fill ``{name}`` placeholders from ``params``.

    A parameter given as :class:`Key` is translated too. An unknown key is
    returned as is (so a missing message never hides the error it was meant to
    describe); a test checks that every key used exists.
    """
    texts = catalogue().get(key)
    if params:
        params = {k: t(v, lang) if isinstance(v, Key) else v for k, v in params.items()}
    if texts is None:
        return key if not params else f"{key} {params}"
    text = texts[LANGUAGES.index(lang or language())]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in catalogue()
