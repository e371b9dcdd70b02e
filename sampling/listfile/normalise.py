"""Normalise one list row: credit code, phones, district, name, contact.

Pure: takes a sheet's column map and a row's cells, returns what the identifier
rules make of them plus reason codes. Whether the row is accepted, accepted with
a warning or rejected follows from the reasons' severities (:func:`row_status`);
de-duplication against other rows and files happens later, in the importer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import orjson

from sampling.identifiers.district import normalise_district
from sampling.identifiers.names import name_key, normalise_name
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
# identifier functions are memoised here, with bounded caches.
_CACHE = 1 << 16
_credit_code = lru_cache(maxsize=_CACHE, typed=True)(normalise_credit_code)
_phones = lru_cache(maxsize=_CACHE, typed=True)(normalise_phones)
_name = lru_cache(maxsize=_CACHE, typed=True)(normalise_name)
_name_key = lru_cache(maxsize=_CACHE, typed=True)(name_key)


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


def normalise_row(columns: dict[str, int], cells: Sequence[object]) -> NormalisedRow:
    """Apply DESIGN §4's rules to one row, given the header's field -> column map."""
    n = len(cells)
    col = columns.get("uscc")
    code = _credit_code(cells[col] if col is not None and col < n else None)
    col = columns.get("phone")
    phones = _phones(cells[col] if col is not None and col < n else None)
    col = columns.get("district")
    district = normalise_district(cells[col] if col is not None and col < n else None)
    col = columns.get("name")
    name = _name(cells[col] if col is not None and col < n else None)
    key = _name_key(name) if name else ""
    reasons = [*code.reasons, *phones.reasons, *district.reasons]
    if not key:
        reasons.append("name_missing")
        if code.code is None:
            reasons.append("not_identifiable")
    col = columns.get("contact")
    contact = _text(cells[col]) if col is not None and col < n else ""
    col = columns.get("business")
    business = _text(cells[col]) if col is not None and col < n else ""
    return NormalisedRow(
        name=name,
        name_key=key,
        uscc=code.code,
        reg_no=code.reg_no,
        district_code=district.code,
        zone=district.zone,
        phones=phones.phones,
        contact=contact,
        business=business,
        reasons=reasons,
    )


def raw_json(cells: Sequence[object]) -> str:
    """The raw cells as compact JSON text (kept with every row); dates as ISO text."""
    return orjson.dumps(cells, default=str).decode()
