"""Phone-number cells: pre-parse, split, validate (``phonenumbers``, region CN), mask.

Pipeline for one cell (DESIGN §4):

1. **Cell type.**  ``None``/empty -> ``phone_missing``.  Numeric cells and float
   text (``13812345678.0``, ``"1.3812345678E10"``) become the integer's digits
   (``phone_float``).
2. **Text clean-up.**  NFKC (full-width digits, ``＋``, ``（）``); extension markers
   ``转``, ``分机``/``分机号``, ``内线``, ``ext``/``ext.``/``extn``/``extension`` and
   ``x``/``#`` between digits become one marker.
3. **Tokenise.**  Digit runs (optionally with a leading ``+``) are tokens.  Spaces,
   dashes, dots and brackets are *soft* separators (they may sit inside one number:
   ``022 2345 6789``, ``(022)2345-6789``); everything else -- ``/ 、 ； ; , ，``,
   letters, Chinese labels like ``手机：`` -- is a *hard* separator (never inside
   a number).
4. **Merge.**  Within a run of tokens between hard separators, the longest run of
   adjacent tokens that forms a valid number wins, left to right.  So
   ``022 2345 6789`` is one number while ``13812345678 13987654321`` is two.
   Tokens that start no valid number are gathered into one invalid piece.
5. **Extensions.**  The digits after an extension marker (1-6 of them) belong to the
   number before it; so do 1-5 digits after a dash that follow a *fixed* line
   (``022-23456789-8001``).
6. **Classify** each candidate: a bare 8-digit number starting 2-9 is a landline
   of the region's area (Tianjin: ``022`` prefixed, ``phone_local8``); then validity
   and type exactly as ``phonenumbers`` decides them.  The service numbers
   96599966/77/88 (the survey's own outbound lines) are set aside, not kept as
   respondent numbers.

The region (area code, local number length, service numbers) comes from a
:class:`~sampling.identifiers.region.RegionFacts`: :func:`phone_rules` builds its
:class:`PhoneRules` once; :func:`normalise_phones` is Tianjin's.

Performance: ``phonenumbers.parse`` + ``is_valid_number`` costs ~16-30 µs, too much for
a million rows.  The common forms -- an 11-digit mobile, a ``2x`` + 8-digit number
(Tianjin's ``22``) with or without ``0``/``+86``/``0086`` -- are decided by regexes compiled from
the library's own CN metadata (:func:`_cn_type` reproduces
``phonenumbers.number_type`` for a national number), everything else goes through
the library, memoised.  A test compares both paths on many numbers.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from sampling.identifiers.reasons import REASONS
from sampling.identifiers.region import TIANJIN, RegionFacts

SERVICE_NUMBERS = TIANJIN.service_numbers
# Non-geographic mainland numbers are dialled without the trunk prefix 0.
_NO_TRUNK_PREFIX = ("400", "800", "950", "96")


@dataclass(frozen=True, slots=True)
class Phone:
    """One valid number.

    Attributes
    ----------
    e164 : str
        ``"+8613812345678"``, ``"+862223456789"``.
    ext : str or None
        Extension digits, if any.
    kind : str
        ``"mobile"`` or ``"fixed"``.  ``phonenumbers`` types other than MOBILE
        (fixed line, toll free 800, shared cost 400/950, premium, UAN …) are all
        ``"fixed"``; the non-geographic ones also raise ``phone_special``.
    """

    e164: str
    ext: str | None
    kind: str

    @property
    def national(self) -> str:
        """Digits as dialled inside mainland China (``0`` before an area code)."""
        if self.e164.startswith("+86"):
            rest = self.e164[3:]
            if self.kind == "mobile" or rest.startswith(_NO_TRUNK_PREFIX):
                return rest
            return "0" + rest
        return self.e164

    @property
    def masked(self) -> str:
        return mask_phone(self.e164)


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """Result of :func:`normalise_phones`.

    Attributes
    ----------
    phones : tuple of Phone
        Every valid respondent number, in cell order, duplicates removed.
    invalid : tuple of str
        Pieces of the cell that are not valid numbers (as written, trimmed).
    reasons : tuple of str
        Reason codes, in the order of :data:`sampling.identifiers.reasons.REASONS`.
    service : tuple of str
        Valid numbers that are the survey's own service lines (E.164); not respondent
        numbers, so not in ``phones``.
    """

    phones: tuple[Phone, ...]
    invalid: tuple[str, ...]
    reasons: tuple[str, ...]
    service: tuple[str, ...] = ()

    @property
    def primary(self) -> Phone | None:
        """The first valid number, or None."""
        return self.phones[0] if self.phones else None


# --- phonenumbers' CN metadata, compiled ------------------------------------------------

_CN = phonenumbers.PhoneMetadata.metadata_for_region("CN")
assert _CN is not None


def _desc(name: str) -> tuple[re.Pattern[str], frozenset[int]] | None:
    d = getattr(_CN, name)
    if d is None or d.national_number_pattern is None:
        return None
    # re.ASCII: the metadata's \d means 0-9; Python's would also match other scripts.
    return re.compile(d.national_number_pattern, re.ASCII), frozenset(d.possible_length or ())


def _required(name: str) -> tuple[re.Pattern[str], frozenset[int]]:
    d = _desc(name)
    if d is None:  # pragma: no cover - the CN metadata always has these
        raise RuntimeError(f"phonenumbers has no CN {name} pattern")
    return d


_GENERAL = _required("general_desc")
_MOBILE = _required("mobile")
_FIXED = _required("fixed_line")
# The order phonenumbers' _number_type_helper checks them in, before fixed/mobile.
_SPECIAL: tuple[tuple[int, tuple[re.Pattern[str], frozenset[int]]], ...] = tuple(
    (t, d)
    for t, name in (
        (PhoneNumberType.PREMIUM_RATE, "premium_rate"),
        (PhoneNumberType.TOLL_FREE, "toll_free"),
        (PhoneNumberType.SHARED_COST, "shared_cost"),
        (PhoneNumberType.VOIP, "voip"),
        (PhoneNumberType.PERSONAL_NUMBER, "personal_number"),
        (PhoneNumberType.PAGER, "pager"),
        (PhoneNumberType.UAN, "uan"),
        (PhoneNumberType.VOICEMAIL, "voicemail"),
    )
    if (d := _desc(name)) is not None
)
_MOBILE_FULL = _MOBILE[0].fullmatch
_SAME_MOBILE_FIXED = bool(_CN.same_mobile_and_fixed_line_pattern)


def _matches(desc: tuple[re.Pattern[str], frozenset[int]], nn: str) -> bool:
    pattern, lengths = desc
    if lengths and len(nn) not in lengths:
        return False
    return pattern.fullmatch(nn) is not None


def _cn_type(nn: str) -> int:
    """``phonenumbers.number_type`` of the CN national number ``nn`` (digits only).

    A faithful copy of the library's ``_number_type_helper`` for one region, using
    the same metadata: valid means the result is not ``UNKNOWN``.
    """
    if not _matches(_GENERAL, nn):
        return PhoneNumberType.UNKNOWN
    for t, d in _SPECIAL:
        if _matches(d, nn):
            return t
    if _matches(_FIXED, nn):
        if _SAME_MOBILE_FIXED or _matches(_MOBILE, nn):
            return PhoneNumberType.FIXED_LINE_OR_MOBILE
        return PhoneNumberType.FIXED_LINE
    if _matches(_MOBILE, nn):
        return PhoneNumberType.MOBILE
    return PhoneNumberType.UNKNOWN


#: A classified number: (E.164, phonenumbers type) or None when invalid.
_Classified = tuple[str, int] | None


#: Five-digit hotlines (public-service 12345, 12315 …, utilities' and banks' 95xxx,
#: 96xxx, carriers' 100xx): callable, but they never reach the enterprise itself.
_HOTLINE_RE = re.compile(r"(?:12|95|96)[0-9]{3}|100[0-9]{2}", re.ASCII)


@lru_cache(maxsize=1 << 16)
def _classify_slow(digits: str) -> _Classified:
    """Full ``phonenumbers`` parse and validation of ``digits`` (``+`` allowed first);
    a bare five-digit hotline counts as a special (non-personal) number."""
    if len(digits) == 5 and _HOTLINE_RE.fullmatch(digits) is not None:
        return "+86" + digits, PhoneNumberType.UAN
    try:
        num = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return (
        phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.number_type(num),
    )


def _classify(digits: str) -> _Classified:
    """Validity and type of one candidate, exactly as :func:`_classify_slow` says.

    Fast for a mainland mobile or a number of a ``2x`` area (Tianjin's ``22``),
    bare or with ``0``, ``+86`` or ``0086``; anything else is handed to the library.  Only *positive*
    answers are taken from the fast path -- a form the fast path does not
    recognise, or recognises as invalid, is always re-checked by the library
    (which may still strip a carrier-selection prefix such as ``17951``).
    """
    n = len(digits)
    nn: str | None = None
    if digits[0] == "+":
        if digits.startswith("+86"):
            nn = digits[3:]
    elif n >= 14 and digits.startswith("0086"):
        nn = digits[4:]
    elif n == 11 and digits[0] == "0":
        nn = digits[1:]
    else:
        nn = digits
    if nn is not None:
        k = len(nn)
        if k == 11 and nn[0] == "1" and _MOBILE_FULL(nn) is not None:
            return "+86" + nn, PhoneNumberType.MOBILE
        if k == 10 and nn[0] == "2":   # a landline of a 2x area (Tianjin's 22)
            t = _cn_type(nn)
            if t != PhoneNumberType.UNKNOWN:
                return "+86" + nn, t
    return _classify_slow(digits)


# --- pre-parse ---------------------------------------------------------------------------

_EXT = "\x01"
_EXT_RE = re.compile(
    r"(?:转|分机号?|内线|ext(?:ension|n)?\.?|(?<=[\d\s])[x#](?=\s*\d))\s*:?", re.IGNORECASE
)
_FLOAT_TEXT_RE = re.compile(r"\s*\+?([0-9]+)\.0*\s*")
_SCI_TEXT_RE = re.compile(r"\s*\+?[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,2}\s*")
_TOKEN_RE = re.compile(r"(\+?[0-9]+)|(\x01)|([\s\-\u2010-\u2015\u2212.~()\[\]]+)|(.)", re.DOTALL)
_KIND = {PhoneNumberType.MOBILE: "mobile"}
_ORDINARY = frozenset(
    (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE)
)
_ORDER = {code: i for i, code in enumerate(REASONS)}
_MAX_DIGITS = 17  # longer candidates cannot be valid (E.164 max 15, + 0086)
# A cell that can only be one number: digits with spaces, dashes, brackets, one
# leading "+".  Tried whole first (what the tokeniser's longest merge would try
# first anyway), which skips the tokeniser for the common forms.
_SIMPLE_RE = re.compile(r"\s*\+?[0-9][0-9 \-()]*", re.ASCII)
_NON_DIGIT_RE = re.compile(r"[^0-9]+")


class _Token:
    """A digit run with where it sits in the text and what preceded it."""

    __slots__ = ("dash", "digits", "end", "start")

    def __init__(self, digits: str, start: int, end: int, dash: bool) -> None:
        self.digits = digits
        self.start = start
        self.end = end
        self.dash = dash  # the soft separator just before it contained a dash


def _float_digits(value: float) -> str | None:
    """Digits of a whole float cell, or None for a fraction/inf/nan."""
    if not math.isfinite(value) or not value.is_integer():
        return None
    return str(int(value))


def _sci_digits(text: str) -> str | None:
    try:
        d = Decimal(text.strip().lstrip("+"))
    except InvalidOperation:
        return None
    if d != d.to_integral_value():
        return None
    return str(int(d))


class _Builder:
    """Accumulates the result of one cell."""

    __slots__ = ("invalid", "last_valid", "phones", "reasons", "seen", "service",
                 "service_e164", "short", "special")

    def __init__(self, service_e164: frozenset[str]) -> None:
        self.phones: list[Phone] = []
        self.invalid: list[str] = []
        self.short: set[int] = set()  # indexes of invalid pieces of 1-2 digits
        self.service: list[str] = []
        self.service_e164 = service_e164
        self.reasons: set[str] = set()
        self.seen: set[tuple[str, str | None]] = set()
        self.special: set[str] = set()  # E.164 of 400/800/hotline numbers
        self.last_valid = False

    def add(self, e164: str, ptype: int, ext: str | None) -> bool:
        """Add a valid number; False if it is a service number (not kept)."""
        if e164 in self.service_e164:
            self.reasons.add("phone_service_number")
            if e164 not in self.service:
                self.service.append(e164)
            return False
        if (e164, ext) in self.seen:
            return True
        self.seen.add((e164, ext))
        if ptype not in _ORDINARY:
            self.reasons.add("phone_special")
            self.special.add(e164)
        if ext:
            self.reasons.add("phone_extension")
        self.phones.append(Phone(e164, ext, _KIND.get(ptype, "fixed")))
        return True

    def result(self) -> PhoneResult:
        reasons = self.reasons
        if self.short and (self.phones or self.service):
            # "1." / "2)" list numbering next to real numbers: noise, not a bad number
            self.invalid = [p for i, p in enumerate(self.invalid) if i not in self.short]
        if len(self.phones) > 1:
            reasons.add("phone_multiple")
        if self.invalid:
            reasons.add("phone_invalid")
        if not self.phones:
            reasons.add("phone_none_valid")
        phones = self.phones
        if self.special:
            phones = _ordinary_first(phones, self.special)
        return PhoneResult(
            tuple(phones),
            tuple(self.invalid),
            tuple(sorted(reasons, key=_ORDER.__getitem__)),
            tuple(self.service),
        )


def _ordinary_first(phones: list[Phone], special: set[str]) -> list[Phone]:
    """Toll-free, shared-cost and hotline numbers after the numbers that reach a person
    (each group in cell order): they are never primary while another is callable."""
    return ([p for p in phones if p.e164 not in special]
            + [p for p in phones if p.e164 in special])


# Only digits, "+", soft separators and the plain hard separators: no labels, no
# extension markers (those need the tokeniser).
_SPLIT_OK_RE = re.compile(r"[0-9+ \-()/、;；,，\n\r\t]*", re.ASCII)
_HARD_SPLIT_RE = re.compile(r"[/、;；,，\n\r]+")
_LOCAL_FIRST = frozenset("23456789")   # a local number's first digit


class PhoneRules:
    """The phone rules of one region (module notes): which area a bare local number
    belongs to, and which numbers are the survey's own lines.

    Build it with :func:`phone_rules`, which keeps one per region; each keeps its
    own cache of parsed cells (their results depend on the region).

    Parameters
    ----------
    area_code : str
        With its trunk ``0``: ``"022"``.
    service_numbers : sequence of str
        Local numbers of the survey's outbound lines.
    local_digits : int
        Length of a local number (a bare number of this length, first digit 2-9, is
        a landline of the area).
    """

    def __init__(self, area_code: str = "022",
                 service_numbers: tuple[str, ...] = SERVICE_NUMBERS,
                 local_digits: int = 8) -> None:
        self.area_code = area_code
        self.local_digits = local_digits
        #: the service numbers as the E.164 numbers a local landline gives them
        self.service_e164 = frozenset("+86" + area_code[1:] + n for n in service_numbers)
        # a local number, a dash and up to five digits: a landline and its extension
        self._local_ext_re = re.compile(
            rf"\s*[2-9][0-9]{{{local_digits - 1}}}\s*-\s*[0-9]{{1,5}}\s*", re.ASCII)
        self.parse_cached = lru_cache(maxsize=1 << 15)(self.parse_text)

    def _candidate(self, tokens: list[_Token], i: int, j: int) -> tuple[_Classified, bool]:
        """Classify tokens ``i:j`` joined; second value: the local-number rule was
        applied."""
        digits = "".join(t.digits for t in tokens[i:j])
        if len(digits) == self.local_digits and digits[0] in _LOCAL_FIRST:
            return _classify(self.area_code + digits), True
        return _classify(digits), False

    def _run(self, text: str, tokens: list[_Token], out: _Builder) -> None:
        """Merge one run of tokens (between hard separators) into numbers.

        Sets ``out.last_valid``: whether the run ended with a valid number, i.e.
        whether an extension marker right after the run has a number to belong to.
        """
        n = len(tokens)
        i = 0
        bad_start: int | None = None
        last_fixed = False  # the previous item was a valid fixed line (dash extensions)

        def flush_bad(upto: int) -> None:
            nonlocal bad_start
            if bad_start is not None:
                piece = text[tokens[bad_start].start : tokens[upto - 1].end].strip()
                digits = sum(len(t.digits) for t in tokens[bad_start:upto])
                out.invalid.append(piece)
                if digits < 3:
                    out.short.add(len(out.invalid) - 1)
                bad_start = None
                out.last_valid = False

        while i < n:
            tok = tokens[i]
            if (
                last_fixed
                and tok.dash
                and len(tok.digits) <= 5
                and tok.digits[0] != "+"
                and out.phones
                and out.phones[-1].ext is None
            ):
                last = out.phones[-1]
                out.phones[-1] = Phone(last.e164, tok.digits, last.kind)
                out.seen.add((last.e164, tok.digits))
                out.reasons.add("phone_extension")
                out.last_valid = True
                last_fixed = False
                i += 1
                continue
            found = False
            # "25508690-77": a local landline and its extension, never one number of
            # another area (0255 0869077)
            local_ext = (i + 1 < n and len(tok.digits) == self.local_digits
                         and tok.digits[0] in _LOCAL_FIRST
                         and tokens[i + 1].dash and len(tokens[i + 1].digits) <= 5)
            for j in range(n, i, -1):
                if j > i + 1 and (local_ext
                                  or any(t.digits[0] == "+" for t in tokens[i + 1 : j])):
                    continue
                if sum(len(t.digits) for t in tokens[i:j]) > _MAX_DIGITS:
                    continue
                got, local8 = self._candidate(tokens, i, j)
                if got is None:
                    continue
                flush_bad(i)
                before = len(out.phones)
                kept = out.add(got[0], got[1], None)
                if local8 and kept:
                    out.reasons.add("phone_local8")
                # an extension may only attach to a number this very piece appended
                out.last_valid = len(out.phones) > before
                last_fixed = out.last_valid and out.phones[-1].kind == "fixed"
                i = j
                found = True
                break
            if not found:
                if bad_start is None:
                    bad_start = i
                last_fixed = False
                i += 1
        flush_bad(n)

    def parse_text(self, text: str) -> PhoneResult:
        """Split, merge and classify a cell already turned into text.

        Two shortcuts come before the tokeniser, each taken only when its answer is
        the tokeniser's: the whole cell as one number, and a cell split at the hard
        separators into pieces that are each a whole valid number (the tokeniser's
        longest merge would take each piece whole too).  Anything else -- service
        numbers, extensions, invalid pieces, labels -- goes through
        :meth:`tokenise`.
        """
        s = text if text.isascii() else unicodedata.normalize("NFKC", text)
        if _SIMPLE_RE.fullmatch(s) is not None:
            single = self._simple(s)
            if single is not None:
                return single
        elif _SPLIT_OK_RE.fullmatch(s) is not None:
            several = self._several(s)
            if several is not None:
                return several
        return self.tokenise(s)

    def _several(self, s: str) -> PhoneResult | None:
        """Each hard-separated piece as one whole valid number, or None."""
        pieces = [p for p in _HARD_SPLIT_RE.split(s) if p.strip()]
        if len(pieces) < 2:
            return None
        phones: list[Phone] = []
        reasons: set[str] = set()
        seen: set[str] = set()
        special: set[str] = set()
        for piece in pieces:
            if _SIMPLE_RE.fullmatch(piece) is None:
                return None
            one = self._simple(piece)
            if one is None or len(one.phones[0].e164) < 9:
                return None     # a hotline: the tokeniser decides whether it is one
            phone = one.phones[0]
            reasons.update(one.reasons)
            if "phone_special" in one.reasons:
                special.add(phone.e164)
            if phone.e164 not in seen:
                seen.add(phone.e164)
                phones.append(phone)
        if len(phones) > 1:
            reasons.add("phone_multiple")
        if special:
            phones = _ordinary_first(phones, special)
        return PhoneResult(tuple(phones), (), tuple(sorted(reasons, key=_ORDER.__getitem__)))

    def tokenise(self, s: str) -> PhoneResult:
        """The general path: tokens, longest valid merges, extensions (module notes)."""
        out = _Builder(self.service_e164)
        s = _EXT_RE.sub(" " + _EXT + " ", s.replace(_EXT, " "))
        run: list[_Token] = []
        pending_ext = False  # an extension marker was seen; next token may be the extension
        dash = False
        any_digits = False
        for m in _TOKEN_RE.finditer(s):
            digits, ext, soft, _hard = m.groups()
            if digits is not None:
                any_digits = True
                if pending_ext:
                    pending_ext = False
                    if len(digits) <= 6 and digits[0] != "+":
                        if out.last_valid and out.phones[-1].ext is None:
                            last = out.phones[-1]
                            out.phones[-1] = Phone(last.e164, digits, last.kind)
                            out.seen.add((last.e164, digits))
                            out.reasons.add("phone_extension")
                        else:
                            out.invalid.append(digits)
                        dash = False
                        continue
                run.append(_Token(digits, m.start(), m.end(), dash))
                dash = False
            elif soft is not None:
                dash = "-" in soft or "~" in soft
            else:
                if run:
                    self._run(s, run, out)
                    run = []
                pending_ext = ext is not None
                dash = False
        if run:
            self._run(s, run, out)
        if not any_digits:
            return _MISSING
        return out.result()

    def _simple(self, s: str) -> PhoneResult | None:
        """The whole cell as one number, or None to let the tokeniser decide."""
        if "-" in s and self._local_ext_re.fullmatch(s) is not None:
            return None
        digits = _NON_DIGIT_RE.sub("", s)
        if len(digits) > _MAX_DIGITS:
            return None
        local8 = len(digits) == self.local_digits and digits[0] in _LOCAL_FIRST
        got = _classify((self.area_code + digits) if local8
                        else ("+" + digits if "+" in s else digits))
        if got is None or got[0] in self.service_e164:
            return None
        e164, ptype = got
        reasons: tuple[str, ...] = ()
        if ptype not in _ORDINARY:
            reasons = ("phone_special",)
        if local8:
            reasons += ("phone_local8",)
        return _one(e164, _KIND.get(ptype, "fixed"), reasons)

    def normalise(self, value: object) -> PhoneResult:
        """Normalise and validate a phone cell (see the module notes for the rules).

        Parameters
        ----------
        value : str, int, float or None
            The cell as python-calamine or the csv reader returns it.

        Returns
        -------
        PhoneResult
            All valid numbers in cell order (``primary`` is the first), invalid
            pieces, service numbers set aside, and reason codes.
        """
        if type(value) is str:
            # Fast path: a plain 11-digit mobile, the commonest cell by far.
            if len(value) == 11 and value.isdigit() and value[0] == "1" and _MOBILE_FULL(value):
                return _one("+86" + value, "mobile", ())
            text = value.strip()
            if not text:
                return _MISSING
            m = _FLOAT_TEXT_RE.fullmatch(text) if "." in text else None
            if m is not None:
                return _with_float(self.parse_cached(m.group(1)))
            if ("e" in text or "E" in text) and _SCI_TEXT_RE.fullmatch(text):
                digits = _sci_digits(text)
                if digits is not None:
                    return _with_float(self.parse_cached(digits))
            return self.parse_cached(text)
        if value is None:
            return _MISSING
        if isinstance(value, bool):
            return self.parse_cached(str(value))
        if isinstance(value, float):
            digits = _float_digits(value)
            if digits is None:
                return self.parse_cached(repr(value))
        elif isinstance(value, int):
            digits = str(value)
        else:
            return self.parse_cached(str(value))
        # A numeric cell holding a plain mobile: Excel's commonest damage, made cheap.
        if len(digits) == 11 and digits[0] == "1" and _MOBILE_FULL(digits) is not None:
            return _one("+86" + digits, "mobile", _FLOAT_ONLY)
        return _with_float(self.parse_cached(digits))


_MISSING = PhoneResult((), (), ("phone_missing",))
_FLOAT_ONLY = ("phone_float",)

_new = object.__new__
_set_e164 = vars(Phone)["e164"].__set__
_set_ext = vars(Phone)["ext"].__set__
_set_kind = vars(Phone)["kind"].__set__
_set_phones = vars(PhoneResult)["phones"].__set__
_set_invalid = vars(PhoneResult)["invalid"].__set__
_set_reasons = vars(PhoneResult)["reasons"].__set__
_set_service = vars(PhoneResult)["service"].__set__


def _one(e164: str, kind: str, reasons: tuple[str, ...]) -> PhoneResult:
    """``PhoneResult((Phone(e164, None, kind),), (), reasons)``, built faster.

    Equal objects, built through the slot descriptors: a frozen dataclass
    ``__init__`` goes through ``object.__setattr__`` for every field, which would
    cost as much as the whole validation of a plain mobile.
    """
    phone = _new(Phone)
    _set_e164(phone, e164)
    _set_ext(phone, None)
    _set_kind(phone, kind)
    result = _new(PhoneResult)
    _set_phones(result, (phone,))
    _set_invalid(result, ())
    _set_reasons(result, reasons)
    _set_service(result, ())
    return result


def _with_float(result: PhoneResult) -> PhoneResult:
    if "phone_float" in result.reasons or result.reasons == ("phone_missing",):
        return result
    reasons = tuple(sorted((*result.reasons, "phone_float"), key=_ORDER.__getitem__))
    return PhoneResult(result.phones, result.invalid, reasons, result.service)


@lru_cache(maxsize=8)
def phone_rules(region: RegionFacts) -> PhoneRules:
    """The phone rules of ``region``, built once per process and region."""
    return PhoneRules(region.area_code, region.service_numbers, region.local_digits)


# --- Tianjin, the built-in default ---------------------------------------------------------

_TIANJIN = phone_rules(TIANJIN)
#: The service numbers as the E.164 numbers a Tianjin landline gives them.
SERVICE_E164 = _TIANJIN.service_e164
normalise_phones = _TIANJIN.normalise
_parse_text = _TIANJIN.parse_text
_tokenise = _TIANJIN.tokenise


def phone_cell_text(value: object) -> tuple[str, bool]:
    """One phone cell as text to join with other cells, and whether it was a number
    (or float text): converted as :func:`normalise_phones` converts a cell on its own
    (13812345678.0 gives "13812345678", not "13812345678.0"). Kept beside it so the
    two stay alike; ``tests/test_identifiers_phone.py`` checks that they do."""
    if type(value) is str:
        text = value.strip()
        m = _FLOAT_TEXT_RE.fullmatch(text) if "." in text else None
        if m is not None:
            return m.group(1), True
        if ("e" in text or "E" in text) and _SCI_TEXT_RE.fullmatch(text):
            digits = _sci_digits(text)
            if digits is not None:
                return digits, True
        return text, False
    if isinstance(value, bool):
        return str(value), False
    if isinstance(value, float):
        digits = _float_digits(value)
        return (repr(value), False) if digits is None else (digits, True)
    if isinstance(value, int):
        return str(value), True
    return str(value), False


_MASK_SPLIT_RE = re.compile(r"\s*(?:;ext=|ext\.?|转|分机号?|x)\s*", re.IGNORECASE)


def mask_phone(e164_or_text: str) -> str:
    """Mask a number for reports and logs: ``+8613812345678`` -> ``138****5678``.

    Mainland numbers are shown as dialled nationally (``0`` before an area code:
    ``+862223456789`` -> ``022****6789``); the first 3 and last 4 digits stay, the
    rest become ``*``.  Numbers of 7 or fewer digits keep only the last 2.  An
    extension is kept (``转123``): it identifies a desk, not a person.
    """
    parts = _MASK_SPLIT_RE.split(e164_or_text, maxsplit=1)
    number = parts[0]
    ext = parts[1] if len(parts) > 1 else ""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", number) if ch.isdigit())
    if number.strip().startswith("+86"):
        digits = digits[2:]
        if not (len(digits) == 11 and digits[0] == "1"):
            digits = "0" + digits
    if len(digits) >= 8:
        masked = digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    elif digits:
        masked = (
            "*" * max(len(digits) - 2, 1) + digits[-2:] if len(digits) > 2 else "*" * len(digits)
        )
    else:
        masked = ""
    ext_digits = "".join(ch for ch in ext if ch.isdigit())
    return masked + (f"转{ext_digits}" if ext_digits else "")
