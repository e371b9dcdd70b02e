"""A message for the user, kept as a catalogue key and parameters until it is shown.

The fieldwork modules are pure: they never format text themselves, they return
:class:`Notice` objects (``fieldwork.*`` keys in
``callcentre/i18n/messages_fieldwork.py``) that the CLI and the screens turn into
Chinese (or English) with :meth:`Notice.text`. Times in parameters are already
strings in Asia/Shanghai local time (see :func:`local_text`), so a notice reads the
same wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from callcentre.i18n import language, t

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Notice:
    """A catalogue key with its parameters.

    Example: ``notice("fieldwork.hours.holiday", day="2026-10-01", name="国庆节")``.
    """

    key: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    texts: tuple[str, str] | None = None
    """``(zh, en)`` for a text that is not in the catalogue (custom disposition labels)."""

    def text(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the process language).

        Parameters that are notices themselves are put in the same language.
        """
        params = {k: v.text(lang) if isinstance(v, Notice) else v for k, v in self.params.items()}
        if self.texts is not None:
            template = self.texts[1] if (lang or language()) == "en" else self.texts[0]
            return template.format(**params) if params else template
        return t(self.key, lang=lang, **params)

    def __str__(self) -> str:
        return self.text()


def notice(key: str, /, **params: object) -> Notice:
    """Build a :class:`Notice` (parameters frozen)."""
    return Notice(key, MappingProxyType(dict(params)))


def literal(zh: str, en: str) -> Notice:
    """A text given in both languages rather than by a catalogue key (configured labels,
    lists of times), to put into other messages."""
    return Notice("", texts=(zh, en))


def local_text(moment: datetime, zone: ZoneInfo = SHANGHAI) -> str:
    """``2026-12-03 09:00`` in ``zone`` (Asia/Shanghai by default) for messages."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def require_aware(moment: datetime, name: str = "time") -> datetime:
    """Return ``moment`` if it carries a time zone, else raise ``ValueError``.

    Fieldwork times are stored in UTC; a naive datetime is a bug in the caller
    (it would silently be taken as local time somewhere).
    """
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {moment!r}")
    return moment
