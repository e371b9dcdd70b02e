"""In-memory index of the enterprises already in the frame, used to resolve the
rows of an import to enterprises without a query per row.

Resolution rules (DESIGN §4, issue 2):

* a valid credit code identifies the enterprise, across all files and departments;
  a different name or district under the same code is a conflict, kept and reported;
  every phone seen is kept;
* a row without a valid code but with an old 15-digit registration number joins the
  one enterprise with that number;
* otherwise a row is joined by normalised name only where exactly one enterprise has
  that name; where several do it is kept apart (its own enterprise) and flagged; where
  none does it becomes a new enterprise known by name only.

New enterprises get negative provisional ids until they are inserted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection

from callcentre.db.models import Enterprise
from sampling.identifiers.phone import Phone
from sampling.listfile.normalise import NormalisedRow


def phone_text(phone: Phone) -> str:
    """One phone as text: E.164, then `` ext N`` when there is an extension."""
    return f"{phone.e164} ext {phone.ext}" if phone.ext else phone.e164


@dataclass(slots=True)
class EnterpriseState:
    id: int
    uscc: str | None
    reg_no: str | None
    name: str
    name_key: str
    district_code: str | None
    phones: list[dict[str, str | None]] = field(default_factory=list)
    conflicts: dict[str, list[str]] = field(default_factory=dict)
    dirty: bool = False

    def phone_keys(self) -> set[str]:
        return {f"{p['e164']}|{p.get('ext') or ''}" for p in self.phones}

    def add_conflict(self, field_name: str, *values: str) -> None:
        seen = self.conflicts.setdefault(field_name, [])
        for value in values:
            if value and value not in seen:
                seen.append(value)
        self.dirty = True

    def row_values(self) -> dict[str, object]:
        primary = self.phones[0] if self.phones else None
        return {
            "uscc": self.uscc,
            "reg_no": self.reg_no,
            "name": self.name,
            "name_key": self.name_key,
            "district_code": self.district_code,
            "phone_e164": primary["e164"] if primary else None,
            "phone_ext": primary.get("ext") if primary else None,
            "phone_kind": primary.get("kind") if primary else None,
            "phones": json.dumps(self.phones, ensure_ascii=False),
            "conflicts": json.dumps(self.conflicts, ensure_ascii=False),
        }


class FrameIndex:
    """Enterprises by code, registration number and name key."""

    def __init__(self) -> None:
        self.by_id: dict[int, EnterpriseState] = {}
        self.by_uscc: dict[str, int] = {}
        self.by_regno: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self._next_temp = -1

    @classmethod
    def load(cls, conn: Connection) -> FrameIndex:
        index = cls()
        t = Enterprise.__table__  # type: ignore[attr-defined]
        rows = conn.execute(
            select(t.c.id, t.c.uscc, t.c.reg_no, t.c.name, t.c.name_key, t.c.district_code,
                   t.c.phones, t.c.conflicts)
        )
        for r in rows:
            index._add(EnterpriseState(
                id=r.id, uscc=r.uscc, reg_no=r.reg_no, name=r.name, name_key=r.name_key,
                district_code=r.district_code, phones=json.loads(r.phones or "[]"),
                conflicts=json.loads(r.conflicts or "{}"),
            ))
        return index

    def _add(self, ent: EnterpriseState) -> None:
        self.by_id[ent.id] = ent
        if ent.uscc:
            self.by_uscc[ent.uscc] = ent.id
        if ent.reg_no and not ent.uscc:
            self.by_regno.setdefault(ent.reg_no, ent.id)
        if ent.name_key:
            self.by_name.setdefault(ent.name_key, []).append(ent.id)

    def _new(self, row: NormalisedRow, *, with_code: bool) -> EnterpriseState:
        ent = EnterpriseState(
            id=self._next_temp,
            uscc=row.uscc if with_code else None,
            reg_no=row.reg_no,
            name=row.name,
            name_key=row.name_key,
            district_code=row.district_code,
            dirty=True,
        )
        self._next_temp -= 1
        self._add(ent)
        return ent

    def resolve(self, row: NormalisedRow) -> EnterpriseState | None:
        """The enterprise a row belongs to (created if new); adds reason codes to
        the row for name joins and conflicts. ``None`` when it cannot be identified."""
        if row.uscc:
            ent_id = self.by_uscc.get(row.uscc)
            if ent_id is None:
                ent = self._new(row, with_code=True)
            else:
                ent = self.by_id[ent_id]
                self._merge(ent, row)
        elif row.reg_no and row.reg_no in self.by_regno:
            ent = self.by_id[self.by_regno[row.reg_no]]
            self._merge(ent, row)
        elif row.name_key:
            candidates = self.by_name.get(row.name_key, [])
            if len(candidates) == 1:
                ent = self.by_id[candidates[0]]
                row.reasons.append("joined_by_name")
                self._merge(ent, row)
            else:
                row.reasons.append("name_ambiguous" if candidates else "name_only")
                ent = self._new(row, with_code=False)
        else:
            return None
        self._add_phones(ent, row)
        return ent

    def _merge(self, ent: EnterpriseState, row: NormalisedRow) -> None:
        if row.name_key and ent.name_key and row.name_key != ent.name_key:
            ent.add_conflict("name", ent.name, row.name)
            row.reasons.append("conflict_name")
        elif row.name and not ent.name:
            ent.name, ent.name_key, ent.dirty = row.name, row.name_key, True
        if row.district_code:
            if ent.district_code is None:
                ent.district_code, ent.dirty = row.district_code, True
            elif ent.district_code != row.district_code:
                ent.add_conflict("district", ent.district_code, row.district_code)
                row.reasons.append("conflict_district")

    def _add_phones(self, ent: EnterpriseState, row: NormalisedRow) -> None:
        if not row.phones:
            return
        known = ent.phone_keys()
        had = bool(known)
        added = False
        for phone in row.phones:
            key = f"{phone.e164}|{phone.ext or ''}"
            if key not in known:
                ent.phones.append({"e164": phone.e164, "ext": phone.ext, "kind": phone.kind})
                known.add(key)
                added = True
        if added:
            ent.dirty = True
            if had:
                row.reasons.append("conflict_phone")

    def assign_ids(self, mapping: dict[int, int]) -> None:
        """Replace provisional (negative) ids by the ids the database gave."""
        for temp, real in mapping.items():
            ent = self.by_id.pop(temp)
            ent.id = real
            self.by_id[real] = ent
            if ent.uscc:
                self.by_uscc[ent.uscc] = real
            if ent.reg_no and self.by_regno.get(ent.reg_no) == temp:
                self.by_regno[ent.reg_no] = real
            if ent.name_key:
                ids = self.by_name[ent.name_key]
                ids[ids.index(temp)] = real
