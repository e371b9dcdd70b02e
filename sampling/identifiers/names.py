"""Enterprise names: display normalisation and a key for joining rows by name.

Convention (chosen once, used everywhere): round brackets are **full-width**
``（）``, as on business licences and in the national enterprise credit register
(``某某（天津）有限公司``).  NFKC turns full-width brackets into ASCII ones, so after
NFKC every ``(``/``)`` is turned back into ``（``/``）``.  Other characters keep
their NFKC form (ASCII letters and digits, half-width punctuation).

:func:`normalise_name` is what is stored and shown; :func:`name_key` is only for
matching rows that have no valid credit code, and removes differences that do not
change which enterprise is meant: whitespace, punctuation and symbols (including
the brackets themselves -- but not their content), and letter case.
"""

from __future__ import annotations

import re
import unicodedata

_WS_RE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})
# Spaces are meaningless between CJK characters and next to brackets ("天津 某某 公司",
# "某某 （天津） 有限公司"); between Latin words they are kept ("ABC Trading").
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff（）"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}])")


# Control and invisible format characters come in with copy and paste; they are never
# part of a name and would keep two spellings of one name apart, some reorder the text
# shown around them, and some cannot even be written to xlsx: C0 controls and DEL;
# soft hyphen; Arabic letter mark; Mongolian vowel separator; zero-width space,
# non-joiner and joiner, left-to-right and right-to-left marks (U+200B–U+200F); bidi
# embeddings, overrides and pop (U+202A–U+202E); word joiner and invisible operators
# (U+2060–U+2064); bidi isolates (U+2066–U+2069); the BOM / zero-width no-break space;
# interlinear annotation marks; the non-characters U+FFFE and U+FFFF; lone surrogates.
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\xad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\ufffe\uffff\ud800-\udfff]")

#: Characters of a name as stored (longer ones are cut, with ``name_truncated``).
NAME_MAX = 300


def strip_invisible(text: str) -> str:
    """NFKC and without control or invisible format characters (spaces kept)."""
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text))


def _normalise_text(text: str) -> str:
    # Fast path (most cells): printable, already NFKC, no whitespace, no ASCII brackets.
    if (
        "(" not in text
        and ")" not in text
        and text.isprintable()
        and unicodedata.is_normalized("NFKC", text)
        and _WS_RE.search(text) is None
    ):
        return text
    s = strip_invisible(text)
    s = _WS_RE.sub(" ", s).strip()
    s = s.translate(_BRACKETS)
    return _CJK_SPACE_RE.sub("", s)


def normalise_name(value: object) -> str:
    """Normalise an enterprise-name cell for storage and display.

    NFKC; whitespace trimmed and inner runs collapsed to one space; spaces between
    two CJK characters or next to a bracket removed; round brackets unified to
    full-width ``（）``.  ``None`` gives ``""``; numbers are written as text.

    Examples
    --------
    >>> normalise_name("  天津 某某科技 (天津)有限公司 ")
    '天津某某科技（天津）有限公司'
    """
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _normalise_text(value if isinstance(value, str) else str(value))


# Everything that is not a letter, digit or CJK character (Unicode ``\w`` minus "_").
_NON_WORD_RE = re.compile(r"[\W_]+")


_DROP_BRACKETS = str.maketrans("", "", "（）")


def key_of_normalised(name: str) -> str:
    """:func:`name_key` of a name already through :func:`normalise_name`.

    Most names are letters, digits and CJK characters plus full-width brackets:
    for those, dropping the brackets is all the regex would do (``str.isalnum`` is
    exactly "no ``\\W`` and no ``_``"), at a fraction of its cost.
    """
    bare = name.translate(_DROP_BRACKETS)
    if bare.isalnum():
        return bare.casefold()
    return _NON_WORD_RE.sub("", name).casefold()


def name_key(name: str) -> str:
    """Key for joining rows without a valid credit code by name.

    :func:`normalise_name`, then everything that is not a letter, digit or CJK
    character removed (whitespace, punctuation, symbols, control characters), then
    case-folded.  The
    *content* of brackets is kept: ``某某（天津）有限公司`` and ``某某有限公司`` are
    different enterprises.

    Examples
    --------
    >>> name_key("某某（天津）有限公司") == name_key("某某 (天津) 有限公司。")
    True
    """
    return key_of_normalised(normalise_name(name))


def cut_name(name: str) -> tuple[str, tuple[str, ...]]:
    """A normalised name cut to :data:`NAME_MAX` characters, with ``("name_truncated",)``
    when it was longer (its full text stays in the row's raw cells)."""
    if len(name) <= NAME_MAX:
        return name, ()
    return name[:NAME_MAX].rstrip(), ("name_truncated",)


def check_name(value: object) -> tuple[str, tuple[str, ...]]:
    """Normalised name and reason codes: ``name_missing``, ``name_normalised`` or
    ``name_truncated``.

    A cell with no letter, digit or CJK character at all (``""``, ``"-"``, ``"/"``)
    is missing.  ``name_normalised`` (info) when the stored text differs from the
    cell's text; ``name_truncated`` (warning) when it was longer than
    :data:`NAME_MAX` characters and was cut.
    """
    name = normalise_name(value)
    if not name_key(name):
        return name, ("name_missing",)
    raw = value if isinstance(value, str) else None
    normalised = ("name_normalised",) if raw is not None and raw != name else ()
    name, cut = cut_name(name)
    return name, normalised + cut
