"""Reason codes emitted by the identifier functions, with their severity.

Every code that :mod:`sampling.identifiers` can put into a ``reasons`` tuple is a
key of :data:`REASONS`; its value is one of :data:`SEVERITIES`:

``reject_identify``
    the row cannot be identified by this value (no usable credit code, no district);
    whether the row as a whole is rejected is the importer's decision (it may still
    join by name, for instance).
``reject_call``
    the row cannot be called (no usable respondent number).
``warning``
    accepted, but the department should look at it.
``info``
    something was repaired silently-but-visibly (full-width characters, floats …).

Chinese (and English) explanations live in
``callcentre/i18n/messages_identifiers.py`` under ``"reason.<code>"``; a test checks
that every code here has one.
"""

from __future__ import annotations

SEVERITIES: tuple[str, ...] = ("reject_identify", "reject_call", "warning", "info")

REASONS: dict[str, str] = {
    # --- unified social credit code (GB 32100-2015) -------------------------------
    "uscc_missing": "reject_identify",
    "uscc_bad_length": "reject_identify",
    "uscc_bad_char": "reject_identify",
    "uscc_bad_check": "reject_identify",
    # an 18-digit code stored by Excel as a number: only 15 significant digits kept
    "uscc_float_lost": "reject_identify",
    # a 9-character GB 11714 organisation code given instead of the credit code
    "uscc_orgcode9": "reject_identify",
    # an old 15-digit business registration number: a real identifier, kept in reg_no
    "uscc_regno15": "warning",
    # full-width / lower-case / spaces / dashes / a leading apostrophe were removed
    "uscc_normalised": "info",
    # a status note after the code: 注销 (deregistered), 吊销 (licence revoked) put the
    # enterprise possibly out of scope; other notes (迁出, 停业 …) are shown for a look
    "uscc_note_deregistered": "warning",
    "uscc_note_revoked": "warning",
    "uscc_note_other": "warning",
    # positions 9-17 fail the GB 11714 organisation-code check (the USCC check passed)
    "orgcode_check": "warning",
    # --- phone numbers ---------------------------------------------------------------
    "phone_missing": "reject_call",
    "phone_invalid": "warning",
    "phone_none_valid": "reject_call",
    "phone_service_number": "warning",
    # a valid number that does not reach a person directly: 400/800/95xxx/shared cost
    "phone_special": "warning",
    "phone_multiple": "info",
    "phone_float": "info",
    "phone_local8": "info",
    "phone_extension": "info",
    # --- districts (GB/T 2260, Tianjin) ---------------------------------------------
    "district_missing": "reject_identify",
    "district_unknown": "reject_identify",
    "district_ambiguous_kaifaqu": "warning",
    # two or more different districts named in one cell
    "district_multiple": "warning",
    "district_alias": "info",
    "district_zone": "info",
    # no district column (or an empty cell): the district was read from the address
    # column, or from the sheet's name (one sheet per district)
    "district_from_address": "info",
    "district_from_sheet": "info",
    # the address lies outside Tianjin
    "address_outside_tianjin": "warning",
    # --- enterprise names ---------------------------------------------------------------
    "name_missing": "reject_identify",
    "name_normalised": "info",
    # longer than names.NAME_MAX characters: cut (the full text stays in the raw cells)
    "name_truncated": "warning",
}

assert set(REASONS.values()) <= set(SEVERITIES)


def severity(code: str) -> str:
    """Severity of ``code``; raises ``KeyError`` naming the code when unknown."""
    try:
        return REASONS[code]
    except KeyError:
        raise KeyError(f"unknown identifier reason code {code!r}") from None


def worst(codes: tuple[str, ...] | list[str]) -> str | None:
    """The most severe severity among ``codes`` (order of :data:`SEVERITIES`), or None."""
    best: int | None = None
    for code in codes:
        rank = SEVERITIES.index(REASONS[code])
        if best is None or rank < best:
            best = rank
    return None if best is None else SEVERITIES[best]
