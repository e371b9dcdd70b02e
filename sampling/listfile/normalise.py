"""Normalise one list row: credit code, phones, district, name, contact.

Pure: takes a sheet's column map and a row's cells, returns what the identifier
rules make of them plus reason codes. Whether the row is accepted, accepted with
a warning or rejected follows from the reasons' severities (:func:`row_status`);
de-duplication against other rows and files happens later, in the importer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from typing import Any, TypeVar

import orjson

from sampling.identifiers.district import District, DistrictRules, district_rules
from sampling.identifiers.names import key_of_normalised, normalise_name
from sampling.identifiers.phone import PhoneRules, phone_cell_text, phone_rules
from sampling.identifiers.reasons import REASONS
from sampling.identifiers.region import TIANJIN, RegionFacts
from sampling.identifiers.uscc import normalise_credit_code
from sampling.listfile.headers import phone_columns

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

PhoneTuple = tuple[str, "str | None", str]   # (e164, ext, kind)


def phone_text(e164: str, ext: str | None) -> str:
    """One phone as text: E.164, then `` ext N`` when there is an extension."""
    return f"{e164} ext {ext}" if ext else e164


# What one cell gives a stored row, decided once per distinct cell text: departments
# list the same enterprise again and again (several items, several departments), and
# in the benchmark a parser meets each value about 1.7 times. Numbers are not
# memoised (cheap, and a cache keyed without types would mix 1 with 1.0). Entries per
# field: a plain dict holds these in the memory an lru_cache of 2^18 took (it keeps a
# link object per entry), and a helper parsing half the benchmark's million rows then
# recomputes no more values than an unbounded cache would.
_CACHE = 5 << 16


def _code_fields(value: object) -> tuple[str | None, str | None, tuple[str, ...]]:
    """(valid credit code, old registration number, reasons)."""
    code = normalise_credit_code(value)
    return code.code, code.reg_no, code.reasons


PhoneFields = tuple[tuple[PhoneTuple, ...], str, "str | None", "str | None", tuple[str, ...]]


def _phone_fields_of(rules: PhoneRules) -> Callable[[object], PhoneFields]:
    """The region's ``value -> (all valid phones, their text, primary E.164, its
    extension, reasons)``."""
    normalise_phones = rules.normalise

    def phone_fields(value: object) -> PhoneFields:
        result = normalise_phones(value)
        phones = result.phones
        if not phones:
            return (), "", None, None, result.reasons
        return (tuple([(p.e164, p.ext, p.kind) for p in phones]),
                ";".join([phone_text(p.e164, p.ext) for p in phones])[:500],
                phones[0].e164, phones[0].ext, result.reasons)

    return phone_fields


def _name_fields(value: object) -> tuple[str, str]:
    """(normalised name, name key)."""
    name = normalise_name(value)
    return name, key_of_normalised(name) if name else ""


Result = TypeVar("Result")


def _memo(fn: Callable[[object], Result]) -> tuple[Callable[[object], Result | None],
                                                  Callable[[object], Result]]:
    """``(lookup, compute)`` for one per-cell function, memoised by cell text.

    ``lookup`` is a plain ``dict.get`` (``None`` when not known); ``compute`` works a
    value out and keeps it when it is text. Cheaper than ``functools.lru_cache`` where
    a parser calls it millions of times: a hit touches only the dict (the LRU list
    an ``lru_cache`` keeps in order costs more than the lookup itself, measured
    ~1 µs against ~0.2 µs a hit); when the cache is full its oldest quarter goes.
    Results are never falsy (tuples, records), so ``lookup(v) or compute(v)`` works.
    Only text is kept: a cache keyed without types would mix 1 with 1.0.
    """
    cache: dict[str, Result] = {}

    def compute(value: object) -> Result:
        result = fn(value)
        if type(value) is str:
            if len(cache) >= _CACHE:
                # the oldest quarter goes (dicts keep insertion order): emptying it
                # all would forget the values the next rows are most likely to repeat
                for old in list(islice(cache, max(1, _CACHE // 4))):
                    del cache[old]
            cache[value] = result
        return result

    return cache.get, compute  # type: ignore[return-value]


_code_known, _code_of = _memo(_code_fields)
_name_known, _name_of = _memo(_name_fields)


class _RegionCells:
    """The memoised per-cell functions whose results depend on the region (phones:
    the area of a bare local number; districts), made once per region and process."""

    def __init__(self, region: RegionFacts) -> None:
        phones = phone_rules(region)
        self.districts: DistrictRules = district_rules(region)
        self.phone_known, self.phone_of = _memo(_phone_fields_of(phones))
        self.district_known, self.district_of = _memo(self.districts.normalise)
        self.address_known, self.address_of = _memo(self.districts.from_address)

    def phones_of_cells(self, values: Any) -> PhoneFields:
        """The phone fields of a row's several phone cells (in column order): the
        non-empty ones joined with "；" (which the phone rules split at), so every
        number is kept and the first valid one is primary; a lone non-empty cell as
        it is."""
        filled = [v for v in values
                  if v is not None and not (type(v) is str and not v.strip())]
        if len(filled) <= 1:
            value = filled[0] if filled else None
            return self.phone_known(value) or self.phone_of(value)
        pieces = [phone_cell_text(v) for v in filled]
        text = "；".join([t for t, _ in pieces])
        result = self.phone_known(text) or self.phone_of(text)
        reasons = result[4]
        if (any(f for _, f in pieces) and "phone_float" not in reasons
                and reasons != ("phone_missing",)):
            reasons = tuple(sorted((*reasons, "phone_float"), key=_PHONE_ORDER.__getitem__))
            return (*result[:4], reasons)
        return result


@lru_cache(maxsize=4)
def _region_cells(region: RegionFacts) -> _RegionCells:
    return _RegionCells(region)


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


# contact and business cells repeat as much as the others (a contact per enterprise,
# a few dozen kinds of business); "" is falsy, so an empty cell is simply redone
_text_known, _text_of = _memo(_text)


#: What :func:`row_normaliser` makes of a row, in this order.
NORMALISED_FIELDS = ("name", "name_key", "uscc", "reg_no", "district_code", "zone", "phones",
                     "phones_text", "phone_e164", "phone_ext", "contact", "business", "reasons")
NormalisedRow = tuple


def _none(cells: Sequence[object]) -> None:
    return None


_PHONE_ORDER = {code: i for i, code in enumerate(REASONS)}


def _unknown(value: object) -> None:
    return None


def _district_fallback(address: Callable[[Sequence[object]], object] | None,
                       sheet: District | None, cells: _RegionCells,
                       ) -> Callable[[District, Sequence[object]], District]:
    """What a row's district is when its district cell gives none: the address's
    district, else the sheet's (module notes of :func:`row_normaliser`). An address
    outside the region is flagged whatever the district cell says."""
    known, of = cells.address_known, cells.address_of

    def fallback(district: District, cells: Sequence[object]) -> District:
        if address is not None:
            value = address(cells)
            found = known(value) or of(value)
            if found.code is not None:
                return found if district.code is None else district
            if "address_outside_tianjin" in found.reasons:
                return District(district.code, district.name, district.zone,
                                district.reasons + found.reasons)
        if district.code is None and sheet is not None:
            return sheet
        return district

    return fallback


def row_normaliser(columns: dict[str, int], sheet_name: str | None = None,
                   region: RegionFacts = TIANJIN,
                   ) -> Callable[[Sequence[object]], NormalisedRow]:
    """A function applying DESIGN §4's rules to one row of a sheet with this
    field -> column map, returning the :data:`NORMALISED_FIELDS` as a tuple.

    ``phones`` is every valid number as ``(e164, ext, kind)``, the first one primary
    (``phone_e164``, ``phone_ext``); with several phone columns (``phone``,
    ``phone_2`` …) the numbers of all of them, main columns in column order, then
    backup ones (备用电话 …). A toll-free or hotline number is never primary while
    another number is callable. ``phones_text`` is them as text, ``;``-joined;
    ``district_code``: from the district cell, else from the address column (the
    first district named in it, ``district_from_address``), else from the sheet's
    name when it names one (``district_from_sheet``); an address outside the region
    adds ``address_outside_tianjin``;
    ``reasons`` is a tuple of reason codes in a fixed order (credit code, phone,
    district, name). Built once per sheet, so that the per-row work is the rules
    themselves: the column lookups are resolved here, and the memoised per-cell
    functions are called directly (a million rows make every microsecond count).

    ``region`` gives the districts and the area of bare local phone numbers (the
    built-in :data:`~sampling.identifiers.region.TIANJIN` unless the caller passes
    the one its settings name).
    """
    width = max(columns.values(), default=-1) + 1

    def getter(field_name: str) -> Callable[[Sequence[object]], object]:
        col = columns.get(field_name)
        return _none if col is None else itemgetter(col)

    get_code, get_phone, get_district, get_name, get_contact, get_business = (
        getter(f) for f in ("uscc", "phone", "district", "name", "contact", "business"))
    has_contact, has_business = "contact" in columns, "business" in columns
    cells_of_region = _region_cells(region)
    code_known, code_of = _code_known, _code_of
    phone_known, phone_of = cells_of_region.phone_known, cells_of_region.phone_of
    phone_cols = phone_columns(columns)
    if len(phone_cols) > 1:
        # several phone columns (联系电话 and 手机号码 …): their cells, combined
        get_phone = itemgetter(*phone_cols)
        phone_known, phone_of = _unknown, cells_of_region.phones_of_cells
    elif phone_cols:
        get_phone = itemgetter(phone_cols[0])    # (a backup column alone)
    has_address = "address" in columns
    sheet_district = (cells_of_region.districts.from_sheet_name(sheet_name)
                      if sheet_name else None)
    fallback = (_district_fallback(getter("address") if has_address else None, sheet_district,
                                   cells_of_region)
                if has_address or sheet_district is not None else None)
    name_known, name_of = _name_known, _name_of
    district_known, district_of = cells_of_region.district_known, cells_of_region.district_of
    text_known, text_of = _text_known, _text_of
    name_missing, unidentifiable = ("name_missing",), ("name_missing", "not_identifiable")

    def normalise(cells: Sequence[object]) -> NormalisedRow:
        if len(cells) < width:  # a short csv record
            cells = [*cells, *([None] * (width - len(cells)))]
        value = get_code(cells)
        uscc, reg_no, code_reasons = code_known(value) or code_of(value)
        value = get_phone(cells)
        phones, phones_text, e164, ext, phone_reasons = phone_known(value) or phone_of(value)
        value = get_district(cells)
        district = district_known(value) or district_of(value)
        if fallback is not None and (district.code is None or has_address):
            district = fallback(district, cells)
        value = get_name(cells)
        name, key = name_known(value) or name_of(value)
        reasons = code_reasons + phone_reasons + district.reasons
        if not key:
            reasons += unidentifiable if uscc is None else name_missing
        return (name, key, uscc, reg_no, district.code, district.zone, phones, phones_text, e164,
                ext,
                (text_known(v := get_contact(cells)) or text_of(v)) if has_contact else "",
                (text_known(v := get_business(cells)) or text_of(v)) if has_business else "",
                reasons)

    return normalise


def normalise_row(columns: dict[str, int], cells: Sequence[object],
                  sheet_name: str | None = None,
                  region: RegionFacts = TIANJIN) -> dict[str, object]:
    """One row's :data:`NORMALISED_FIELDS` by name (for tests and one-off use; a
    :func:`row_normaliser` does many rows of one sheet faster)."""
    return dict(zip(NORMALISED_FIELDS, row_normaliser(columns, sheet_name, region)(cells),
                    strict=True))


def raw_json(cells: Sequence[object]) -> str:
    """The raw cells as compact JSON text (kept with every row); dates as ISO text."""
    return orjson.dumps(cells, default=str).decode()
