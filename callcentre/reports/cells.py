"""Cell values made safe to write into a workbook or a CSV file.

Two dangers, handled for every text cell the tool writes:

* **Formulas.** A spreadsheet program runs text that begins with ``=``, ``+``,
  ``-`` or ``@`` as a formula when it opens a CSV file or when someone edits the
  cell, and a tab or carriage return in front hides such text (OWASP, "CSV
  injection"). Such text gets a leading ``'`` (:func:`neutralise`). Text that is
  only a number or a telephone number (``-5``, ``+8613812345678``,
  ``+86138****5678 ext 12``) cannot name a function, a cell or another program,
  so it is left as it is: in a workbook it is a text cell marked with Excel's own
  quote prefix (shown without the ``'``, never turned into a number or formula).
* **Characters XML 1.0 cannot hold** (U+FFFE, U+FFFF, unpaired surrogates, C0
  control characters other than tab, line feed and carriage return): an xlsx
  file holding one does not open. Control characters are dropped; the others
  become U+FFFD (the replacement character), so a reader sees that something was
  there. A surrogate pair left in a ``str`` becomes the character it encodes.

Excel holds at most 32,767 characters in a cell: longer text is cut, ending in "…".
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"
EXCEL_MAX_CHARS = 32_767
ELLIPSIS = "…"

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A number or a telephone number: digits, spaces, a sign, a decimal point or an
# exponent, the * of a masked number, brackets and dashes of a written number, and
# an extension. No letter other than the "e" of an exponent or the word "ext"; no
# quote, pipe, bang, colon or ampersand: nothing a formula could call or refer to.
_NUMBER_LIKE = re.compile(
    r"[+-]+|[+-]\s*(?:\d[\d\s*()\-/.]*(?:[eE][+-]?\d+)?|\.\d+)(?:\s*ext\s*\d+)?\s*")


def xml_safe(text: str) -> str:
    """``text`` without what XML 1.0 cannot hold (see the module docstring)."""
    if _BAD.search(text) is None:
        return text
    text = _CONTROL.sub("", text)
    if _SURROGATE.search(text):
        # a pair of surrogates is the character it encodes; a lone one is not text
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _NOT_XML.sub("\ufffd", text)


def is_plain(text: str) -> bool:
    """Whether ``text`` needs nothing done (the common case, at the cost of one scan)."""
    return text[:1] not in TRIGGERS and _BAD.search(text) is None


def is_number_like(text: str) -> bool:
    """Whether ``text`` (beginning with ``+`` or ``-``) is only a number or phone number."""
    return _NUMBER_LIKE.fullmatch(text) is not None


def needs_quote(text: str) -> bool:
    """Whether ``text`` would be taken for a formula and is not :func:`is_number_like`."""
    return bool(text) and text[0] in TRIGGERS and not (text[0] in "+-" and is_number_like(text))


def neutralise(text: str) -> str:
    """``text`` safe for a CSV field or a text cell: XML-legal, formulas quoted."""
    text = xml_safe(text)
    return QUOTE + text if needs_quote(text) else text


def cell_text(text: str) -> tuple[str, bool]:
    """A workbook cell's text and whether it needs Excel's quote prefix (text that
    begins like a formula but is a number or phone number, kept as it is)."""
    if text[:1] not in TRIGGERS and _BAD.search(text) is None and len(text) <= EXCEL_MAX_CHARS:
        return text, False  # the common case, at the cost of one scan
    text = neutralise(text)
    if len(text) > EXCEL_MAX_CHARS:
        text = text[:EXCEL_MAX_CHARS - 1] + ELLIPSIS
    return text, text[:1] in TRIGGERS
