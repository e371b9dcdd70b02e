"""Normalise one list row: credit code, phones, district, name, contact.

Pure: takes a sheet's column map and a row's cells, returns what the identifier
rules make of them plus reason codes. Whether the row is accepted, accepted with
a warning or rejected follows from the reasons' severities (:func:`row_status`);
de-duplication against other rows and files happens later, in the importer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

import orjson

from sampling.identifiers.district import normalise_district
from sampling.identifiers.names import key_of_normalised, normalise_name
from sampling.identifiers.phone import Phone, normalise_phones
from sampling.identifiers.reasons import REASONS
from sampling.identifiers.uscc import normalise_credit_code

# Reasons decided at row level or by de-duplication (the identifier reasons are
# in sampling.identifiers.reasons). Severity as there.
ROW_REASONS: dict[str, str] = {
    "not_identifiable": "reject_identify",   # neither a valid code nor a name
    "duplicate_row": "duplicate",            # same cells as an earlier row of the file
    "joined_by_name": "warning",             # no valid code; joined to the one enterprise of that name
    "name_ambiguous": "warning",             # no valid code; several enterprises share the name
    "name_only": "warning",                  # no valid code; a new enterprise known by name only
    "conflict_name": "warning",              # same code, other name elsewhere
    "conflict_district": "warning",          # same code, other district elsewhere
    "conflict_phone": "info",                # same code, other phone elsewhere (all kept)
}

STATUSES = ("accepted", "warning", "rejected", "duplicate")

# Departments list the same enterprise again and again (several items, several
# departments): the same cell text normalises to the same immutable result, so the
# identifier functions are memoised for text cells (numbers are cheap and would mix
# 1 with 1.0 in a cache keyed without types). Sized to hold the distinct values of a
# few hundred thousand rows (the benchmark's parsers meet each value ~1.7 times).
_CACHE = 1 << 18
_credit_code_text = lru_cache(maxsize=_CACHE)(normalise_credit_code)
_phones_text = lru_cache(maxsize=_CACHE)(normalise_phones)
_name_text = lru_cache(maxsize=_CACHE)(normalise_name)
_key_of = lru_cache(maxsize=_CACHE)(key_of_normalised)


def severity(code: str) -> str:
    """Row-level severity of a reason code.

    An identifier that is unusable (say, no valid credit code) does not by itself
    make the row unidentifiable: the row may still be identified by name. So the
    identifiers' ``reject_identify`` counts as a warning here, and only
    ``not_identifiable`` rejects a row for identity.
    """
    level = ROW_REASONS.get(code) or REASONS.get(code, "info")
    return "warning" if level == "reject_identify" and code not in ROW_REASONS else level


def row_status(reasons: list[str] | tuple[str, ...]) -> str:
    """accepted / warning / rejected / duplicate from the reasons' severities."""
    levels = {severity(r) for r in reasons}
    if "duplicate" in levels:
        return "duplicate"
    if "reject_identify" in levels or "reject_call" in levels:
        return "rejected"
    if "warning" in levels:
        return "warning"
    return "accepted"


def rejection_kind(reasons: list[str] | tuple[str, ...]) -> str | None:
    """``"identify"``, ``"call"``, ``"both"`` or ``None``: why a row was rejected."""
    levels = {severity(r) for r in reasons}
    ident = "reject_identify" in levels
    call = "reject_call" in levels
    if ident and call:
        return "both"
    return "identify" if ident else "call" if call else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


@dataclass(slots=True)
class NormalisedRow:
    name: str
    name_key: str
    uscc: str | None
    reg_no: str | None
    district_code: str | None
    zone: str | None
    phones: tuple[Phone, ...]
    contact: str
    business: str
    reasons: list[str]

    @property
    def primary(self) -> Phone | None:
        return self.phones[0] if self.phones else None

    @property
    def status(self) -> str:
        return row_status(self.reasons)


#: The fields of :class:`NormalisedRow`, in the order a :func:`row_normaliser` returns them.
NORMALISED_FIELDS = ("name", "name_key", "uscc", "reg_no", "district_code", "zone", "phones",
                     "contact", "business", "reasons")
NormalisedTuple = tuple[str, str, "str | None", "str | None", "str | None", "str | None",
                        "tuple[Phone, ...]", str, str, list[str]]


def _none(cells: Sequence[object]) -> None:
    return None


def row_normaliser(columns: dict[str, int]) -> Callable[[Sequence[object]], NormalisedTuple]:
    """A function applying DESIGN §4's rules to one row of a sheet with this
    field -> column map; it returns the :data:`NORMALISED_FIELDS` as a tuple.

    Built once per sheet, so that the per-row work is the rules themselves: the
    column lookups are resolved here, and the memoised identifier functions are
    called directly (a million rows make every microsecond count).
    """
    width = max(columns.values(), default=-1) + 1

    def getter(field_name: str) -> Callable[[Sequence[object]], object]:
        col = columns.get(field_name)
        return _none if col is None else itemgetter(col)

    get_code, get_phone, get_district, get_name, get_contact, get_business = (
        getter(f) for f in ("uscc", "phone", "district", "name", "contact", "business"))
    has_contact, has_business = "contact" in columns, "business" in columns
    credit_text, credit_other = _credit_code_text, normalise_credit_code
    phones_text, phones_other = _phones_text, normalise_phones
    name_text, name_other, key_of = _name_text, normalise_name, _key_of
    district_of, text_of = normalise_district, _text

    def normalise(cells: Sequence[object]) -> NormalisedTuple:
        if len(cells) < width:  # a short csv record
            cells = [*cells, *([None] * (width - len(cells)))]
        value = get_code(cells)
        code = credit_text(value) if type(value) is str else credit_other(value)
        value = get_phone(cells)
        phones = phones_text(value) if type(value) is str else phones_other(value)
        district = district_of(get_district(cells))
        value = get_name(cells)
        name = name_text(value) if type(value) is str else name_other(value)
        key = key_of(name) if name else ""
        reasons = [*code.reasons, *phones.reasons, *district.reasons]
        if not key:
            reasons.append("name_missing")
            if code.code is None:
                reasons.append("not_identifiable")
        return (name, key, code.code, code.reg_no, district.code, district.zone, phones.phones,
                text_of(get_contact(cells)) if has_contact else "",
                text_of(get_business(cells)) if has_business else "", reasons)

    return normalise


def normalise_row(columns: dict[str, int], cells: Sequence[object]) -> NormalisedRow:
    """Apply DESIGN §4's rules to one row, given the header's field -> column map.

    For many rows of one sheet, :func:`row_normaliser` does the same faster.
    """
    return NormalisedRow(*row_normaliser(columns)(cells))


def raw_json(cells: Sequence[object]) -> str:
    """The raw cells as compact JSON text (kept with every row); dates as ISO text."""
    return orjson.dumps(cells, default=str).decode()
