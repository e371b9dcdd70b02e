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

New enterprises get their final ids at once from an id allocator that the writer
sets for each transaction (:attr:`FrameIndex.allocate`); :meth:`FrameIndex.flush`
hands over what was created or changed since the last flush.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from callcentre.db.models import Enterprise, SourceFile

PhoneTuple = tuple[str, "str | None", str]   # (e164, ext, kind)


@dataclass(slots=True, eq=False)
class EnterpriseState:
    id: int
    uscc: str | None
    reg_no: str | None
    name: str
    name_key: str
    district_code: str | None
    phones: list[dict[str, str | None]] = field(default_factory=list)
    conflicts: dict[str, list[str]] = field(default_factory=dict)
    phone_keys: set[tuple[str, str | None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.phones and not self.phone_keys:
            self.phone_keys = {(p["e164"], p.get("ext") or None) for p in self.phones}  # type: ignore[misc]

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
            "phones": orjson.dumps(self.phones).decode(),
            "conflicts": orjson.dumps(self.conflicts).decode(),
        }


class FrameIndex:
    """Enterprises by code, registration number and name key."""

    def __init__(self) -> None:
        self.by_uscc: dict[str, EnterpriseState] = {}
        self.by_regno: dict[str, EnterpriseState] = {}
        self.by_name: dict[str, list[EnterpriseState]] = {}
        self.created: list[EnterpriseState] = []          # not yet written
        self.changed: dict[int, EnterpriseState] = {}     # written, then changed
        self._created_ids: set[int] = set()
        self.allocate: Callable[[], int] | None = None    # set by the writer
        self.stamp: tuple[object, ...] = ()               # db_stamp() when last in sync

    # --- keeping in step with the database ---------------------------------------

    @staticmethod
    def db_stamp(conn: Connection) -> tuple[object, ...]:
        """(largest enterprise id, newest file import time): changes whenever any
        import writes, since every import writes its SourceFile row."""
        e = Enterprise.__table__  # type: ignore[attr-defined]
        f = SourceFile.__table__  # type: ignore[attr-defined]
        return (conn.execute(select(func.max(e.c.id))).scalar(),
                conn.execute(select(func.max(f.c.imported_at))).scalar())

    def in_sync(self, conn: Connection) -> bool:
        """False when another process imported something since this index was built."""
        return self.db_stamp(conn) == self.stamp

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
        index.stamp = cls.db_stamp(conn)
        return index

    def flush(self) -> tuple[list[EnterpriseState], list[EnterpriseState]]:
        """(created, changed) since the last flush; both lists are then cleared."""
        created, changed = self.created, list(self.changed.values())
        self.created, self.changed, self._created_ids = [], {}, set()
        return created, changed

    # --- resolution ----------------------------------------------------------------

    def _add(self, ent: EnterpriseState) -> None:
        if ent.uscc:
            self.by_uscc[ent.uscc] = ent
        if ent.reg_no and not ent.uscc:
            self.by_regno.setdefault(ent.reg_no, ent)
        if ent.name_key:
            self.by_name.setdefault(ent.name_key, []).append(ent)

    def _new(self, uscc: str | None, reg_no: str | None, name: str, name_key: str,
             district_code: str | None) -> EnterpriseState:
        assert self.allocate is not None, "set FrameIndex.allocate before resolving"
        ent = EnterpriseState(self.allocate(), uscc, reg_no, name, name_key, district_code)
        self._add(ent)
        self.created.append(ent)
        self._created_ids.add(ent.id)
        return ent

    def _touch(self, ent: EnterpriseState) -> None:
        if ent.id not in self._created_ids:
            self.changed[ent.id] = ent

    def resolve(
        self, uscc: str | None, reg_no: str | None, name: str, name_key: str,
        district_code: str | None, phones: tuple[PhoneTuple, ...], reasons: list[str],
    ) -> EnterpriseState | None:
        """The enterprise a row belongs to (created if new); appends reason codes
        for name joins and conflicts. ``None`` when it cannot be identified."""
        if uscc:
            ent = self.by_uscc.get(uscc)
            if ent is None:
                ent = self._new(uscc, reg_no, name, name_key, district_code)
            else:
                self._merge(ent, name, name_key, district_code, reasons)
        elif reg_no and reg_no in self.by_regno:
            ent = self.by_regno[reg_no]
            self._merge(ent, name, name_key, district_code, reasons)
        elif name_key:
            candidates = self.by_name.get(name_key, ())
            if len(candidates) == 1:
                ent = candidates[0]
                reasons.append("joined_by_name")
                self._merge(ent, name, name_key, district_code, reasons)
            else:
                reasons.append("name_ambiguous" if candidates else "name_only")
                ent = self._new(None, reg_no, name, name_key, district_code)
        else:
            return None
        if phones:
            self._add_phones(ent, phones, reasons)
        return ent

    def _merge(self, ent: EnterpriseState, name: str, name_key: str,
               district_code: str | None, reasons: list[str]) -> None:
        if name_key and ent.name_key and name_key != ent.name_key:
            self._conflict(ent, "name", ent.name, name)
            reasons.append("conflict_name")
        elif name and not ent.name:
            ent.name, ent.name_key = name, name_key
            self._touch(ent)
        if district_code:
            if ent.district_code is None:
                ent.district_code = district_code
                self._touch(ent)
            elif ent.district_code != district_code:
                self._conflict(ent, "district", ent.district_code, district_code)
                reasons.append("conflict_district")

    def _conflict(self, ent: EnterpriseState, field_name: str, *values: str) -> None:
        """Keep every differing value seen for a field, first seen first."""
        seen = ent.conflicts.setdefault(field_name, [])
        for value in values:
            if value not in seen:
                seen.append(value)
        self._touch(ent)

    def _add_phones(self, ent: EnterpriseState, phones: tuple[PhoneTuple, ...],
                    reasons: list[str]) -> None:
        known = ent.phone_keys
        had = bool(known)
        added = False
        for e164, ext, kind in phones:
            key = (e164, ext or None)
            if key not in known:
                ent.phones.append({"e164": e164, "ext": ext, "kind": kind})
                known.add(key)
                added = True
        if added:
            self._touch(ent)
            if had:
                reasons.append("conflict_phone")
