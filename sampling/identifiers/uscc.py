"""Unified social credit code (GB 32100-2015): check character and normalisation.

Alphabet ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (values 0-30); weights
``3**(i-1) mod 31``; ``C18 = (31 - sum(C_i * W_i) mod 31) mod 31``.
Positions 9-17 are a GB 11714 organisation code with its own check character
(weights 3,7,9,10,5,8,4,2; ``11 - sum mod 11``; 10 -> X, 11 -> 0); failing that
check is only a warning.

:func:`normalise_credit_code` is called once per imported row (a million rows is a
normal import), so the clean-code path is a few C-level string operations; see the
notes in :func:`_fast_valid` for the arithmetic tricks that make it cheap.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: GB 11714 character values: digits 0-9, letters A=10 … Z=35.
ORG_VALUES = {ch: int(ch, 36) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (which must be in the alphabet)."""
    if len(first17) != 17:
        raise ValueError(f"need 17 characters, got {len(first17)}: {first17!r}")
    total = 0
    for ch, w in zip(first17, WEIGHTS):
        v = VALUES.get(ch)
        if v is None:
            raise ValueError(f"character {ch!r} not allowed in a credit code: {first17!r}")
        total += v * w
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True when ``code`` is 18 alphabet characters with the right check character."""
    if len(code) != 18 or any(ch not in VALUES for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def orgcode_check_char(first8: str) -> str:
    """GB 11714 organisation-code check character for the 8-character body.

    Parameters
    ----------
    first8 : str
        Eight characters from ``0-9A-Z`` (upper case), e.g. positions 9-16 of a
        credit code.

    Returns
    -------
    str
        ``"0"``-``"9"`` or ``"X"``: ``C9 = 11 - (sum C_i W_i mod 11)`` with weights
        3,7,9,10,5,8,4,2, where 10 is written ``X`` and 11 is written ``0``.
    """
    if len(first8) != 8:
        raise ValueError(f"need 8 characters, got {len(first8)}: {first8!r}")
    total = 0
    for ch, w in zip(first8, ORG_WEIGHTS):
        v = ORG_VALUES.get(ch)
        if v is None:
            raise ValueError(f"character {ch!r} not allowed in an organisation code: {first8!r}")
        total += v * w
    return "0123456789X"[(11 - total % 11) % 11]


@dataclass(frozen=True, slots=True)
class CreditCode:
    """Result of :func:`normalise_credit_code`.

    Attributes
    ----------
    code : str or None
        The valid, normalised 18-character credit code, else None.
    normalised : str
        The cell text after NFKC, removing whitespace/dashes/quotes and upper-casing
        (``""`` for an empty cell). For a numeric cell, the digits as Excel shows them.
    reg_no : str or None
        The 15-digit old business registration number, when that is what the cell holds.
    reasons : tuple of str
        Reason codes (see :mod:`sampling.identifiers.reasons`), in a fixed order.
    """

    code: str | None
    normalised: str
    reg_no: str | None
    reasons: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return self.code is not None


# --- fast internals ---------------------------------------------------------------

_USCC_RE = re.compile(r"[0-9A-HJ-NP-RTUWXY]{18}")
# Alphabet value v written as the base-34 digit of value v (0-9, a-u).
# bytes.translate is a C table lookup, much cheaper than str.translate with a dict.
_TO_BASE34 = bytes.maketrans(ALPHABET.encode("ascii"), b"0123456789abcdefghijklmnopqrstu")
_ORG_CHECK = "0123456789X"
# Characters removed by normalisation: whitespace of every kind (NFKC has already
# turned U+3000 into a space), zero-width characters and BOM, every dash, and the
# quotes people (or Excel's "force text" apostrophe) put around codes.
_STRIP_RE = re.compile(
    r"[\s\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2015\u2212\ufe58\ufe63\uff0d_'\"`\u2018\u2019\u201c\u201d]+"
)
_SCI_RE = re.compile(r"[0-9]+(?:\.[0-9]*)?E\+?[0-9]+")
_DIGITS_RE = re.compile(r"[0-9]+")
_ORG9_RE = re.compile(r"[0-9A-Z]{8}[0-9X]")
# a code followed by a status note: "911201059J537QFF4N(已注销)", "…（吊销）", "… 吊销未注销"
# (after NFKC and upper-casing; the brackets are optional)
_STATUS_NOTE_RE = re.compile(r"([0-9A-Z]{18})[(\[【<《]?([\u4e00-\u9fff]{2,8})[)\]】>》]?")
#: status words -> reason code: 注销 / 吊销 put the enterprise possibly out of scope
STATUS_NOTES: tuple[tuple[str, str], ...] = (
    ("吊销", "uscc_note_revoked"),
    ("注销", "uscc_note_deregistered"),
    ("撤销", "uscc_note_other"),
    ("迁出", "uscc_note_other"),
    ("停业", "uscc_note_other"),
    ("歇业", "uscc_note_other"),
    ("破产", "uscc_note_other"),
    ("清算", "uscc_note_other"),
)


_new = object.__new__
_set_code = vars(CreditCode)["code"].__set__
_set_normalised = vars(CreditCode)["normalised"].__set__
_set_reg_no = vars(CreditCode)["reg_no"].__set__
_set_reasons = vars(CreditCode)["reasons"].__set__


def _fast_valid(code: str) -> bool:
    """Check character of an 18-character string already known to be in the alphabet.

    ``sum(C_i * 3**(i-1)) mod 31`` is the base-34 value of the reversed first 17
    characters, reduced mod 31, because ``34 ≡ 3 (mod 31)``: one ``int(s, 34)``
    call in C instead of a 17-step Python loop.  ``-x % 31`` is
    ``(31 - x mod 31) mod 31``.
    """
    return ALPHABET[-int(code.encode("ascii")[16::-1].translate(_TO_BASE34), 34) % 31] == code[17]


def _org_ok(code: str) -> bool:
    """GB 11714 check of positions 9-17 of a valid credit code.

    The weights 3,7,9,10,5,8,4,2 are ``2**8 … 2**1 mod 11`` and ``35 ≡ 2 (mod 11)``,
    so the weighted sum is ``2 * int(body, 35) mod 11``.  Base 35 covers the values
    0-34 (``0-9``, ``A``-``Y``), which is all a credit code can contain (no Z).
    """
    return _ORG_CHECK[-2 * int(code[8:16], 35) % 11] == code[16]


def _numeric_text(value: float) -> str:
    """The digits Excel shows for a numeric cell (shortest round-trip, no exponent)."""
    try:
        return format(Decimal(repr(value)), "f").removesuffix(".0")
    except InvalidOperation:  # pragma: no cover - repr of a finite float always parses
        return repr(value)


def _from_number(value: float) -> CreditCode:
    """A credit code cell that Excel (or a reader) delivered as a number.

    Excel keeps 15 significant digits, so a number of 16 or more digits has lost
    its tail for good.  A Python ``int`` (from a reader that kept exact digits)
    whose digits form a valid code is accepted with ``uscc_normalised``.
    15 digits fit exactly: an old registration number stored as a number is fine.
    """
    if isinstance(value, float):
        if not math.isfinite(value):
            return CreditCode(None, repr(value), None, ("uscc_bad_char",))
        text = _numeric_text(value)
        if not value.is_integer():
            return CreditCode(None, text, None, ("uscc_bad_char",))
        digits = str(int(value))
        exact = False
    else:
        digits = text = str(value)
        exact = True
    if digits.startswith("-"):
        return CreditCode(None, text, None, ("uscc_bad_char",))
    n = len(digits)
    if n == 15:
        return CreditCode(None, digits, digits, ("uscc_regno15",))
    if exact and n == 18 and _fast_valid(digits):
        reasons: tuple[str, ...] = ("uscc_normalised",)
        if not _org_ok(digits):
            reasons += ("orgcode_check",)
        return CreditCode(digits, digits, None, reasons)
    if n >= 16:
        return CreditCode(None, text, None, ("uscc_float_lost",))
    return CreditCode(None, text, None, ("uscc_bad_length",))


def _classify(s: str, changed: bool) -> CreditCode:
    """Validate normalised text ``s``; ``changed`` says normalisation altered it."""
    pre: tuple[str, ...] = ("uscc_normalised",) if changed else ()
    if not s:
        return CreditCode(None, "", None, ("uscc_missing",))
    n = len(s)
    if n == 18:
        if _USCC_RE.fullmatch(s) is None:
            return CreditCode(None, s, None, (*pre, "uscc_bad_char"))
        if not _fast_valid(s):
            return CreditCode(None, s, None, (*pre, "uscc_bad_check"))
        if not _org_ok(s):
            return CreditCode(s, s, None, (*pre, "orgcode_check"))
        return CreditCode(s, s, None, pre)
    if _SCI_RE.fullmatch(s) is not None:
        # "9.1120116592938E+17": a number pasted as text -- digits already lost
        # unless it has at most 15 digits (an old registration number).
        try:
            digits = format(Decimal(s), "f")
        except InvalidOperation:  # pragma: no cover - the regex admits only numbers
            digits = ""
        if digits.isdigit() and len(digits) == 15:
            return CreditCode(None, s, digits, (*pre, "uscc_regno15"))
        if digits.isdigit() and len(digits) >= 16:
            return CreditCode(None, s, None, (*pre, "uscc_float_lost"))
        return CreditCode(None, s, None, (*pre, "uscc_bad_length"))
    if n == 15 and _DIGITS_RE.fullmatch(s) is not None:
        return CreditCode(None, s, s, (*pre, "uscc_regno15"))
    if n == 20 and s.endswith(".0") and _DIGITS_RE.fullmatch(s, 0, 18) is not None:
        # "911201165929382000.0": a float written to csv
        return CreditCode(None, s, None, (*pre, "uscc_float_lost"))
    if n == 9 and _ORG9_RE.fullmatch(s) is not None and orgcode_check_char(s[:8]) == s[8]:
        return CreditCode(None, s, None, (*pre, "uscc_orgcode9"))
    if n > 18 and (m := _STATUS_NOTE_RE.fullmatch(s)) is not None:
        note = next((code for word, code in STATUS_NOTES if word in m.group(2)), None)
        if note is not None:
            code = _classify(m.group(1), changed)
            return CreditCode(code.code, code.normalised, code.reg_no, (*code.reasons, note))
    return CreditCode(None, s, None, (*pre, "uscc_bad_length"))


def normalise_credit_code(value: object) -> CreditCode:
    """Normalise and validate a credit-code cell.

    Parameters
    ----------
    value : str, int, float or None
        The cell as python-calamine (or the csv reader) returns it.

    Returns
    -------
    CreditCode
        ``code`` is set only for a valid 18-character code.  Reasons, in order:
        ``uscc_normalised`` (info) first when the text had to be cleaned, then at
        most one of ``uscc_missing``, ``uscc_bad_length``, ``uscc_bad_char``,
        ``uscc_bad_check``, ``uscc_float_lost``, ``uscc_orgcode9``,
        ``uscc_regno15``, ``orgcode_check``.

    Notes
    -----
    Normalisation is NFKC (full-width -> ASCII), removing whitespace, dashes,
    zero-width characters and quotes, then upper-casing.  Look-alike letters
    (``O`` for ``0``, ``I`` for ``1``) are *not* corrected: that would be a guess,
    and the department is asked to fix it instead (``uscc_bad_char``).
    """
    if type(value) is str:
        # Fast path: an already clean code (the overwhelming majority of cells).
        if len(value) == 18 and _USCC_RE.fullmatch(value) is not None:
            if not _fast_valid(value):
                return CreditCode(None, value, None, ("uscc_bad_check",))
            if not _org_ok(value):
                return CreditCode(value, value, None, ("orgcode_check",))
            # Same object as CreditCode(value, value, None, ()), built through the
            # slot descriptors: the frozen-dataclass __init__ (object.__setattr__ per
            # field) would cost as much as the whole validation.
            result = _new(CreditCode)
            _set_code(result, value)
            _set_normalised(result, value)
            _set_reg_no(result, None)
            _set_reasons(result, ())
            return result
        text = value
    elif value is None:
        return CreditCode(None, "", None, ("uscc_missing",))
    elif isinstance(value, bool):
        return CreditCode(None, str(value).upper(), None, ("uscc_bad_length",))
    elif isinstance(value, (int, float)):
        return _from_number(value)
    else:
        text = str(value)
    s = text if text.isascii() else unicodedata.normalize("NFKC", text)
    s = _STRIP_RE.sub("", s).upper()
    return _classify(s, s != text and s != "")
