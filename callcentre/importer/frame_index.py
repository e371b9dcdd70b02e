"""In-memory index of the enterprises already in the frame, used to resolve the
rows of an import to enterprises without a query per row.

Resolution rules (DESIGN §4, issue 2):

* a valid credit code identifies the enterprise, across all files and departments;
  a different name or district under the same code is a conflict, kept and reported
  on every row of that enterprise (whichever came first: the flags, and so the rows'
  statuses, do not depend on the order of imports); every phone seen is kept;
* a row without a valid code joins the enterprise whose code rows carry its
  normalised name, where exactly one does (``joined_by_name``);
* otherwise a row with an old 15-digit registration number joins the enterprise of
  that number (made by such rows);
* otherwise a name-only row joins the one enterprise whose registration-number rows
  carry its name, if exactly one does and no code enterprise does; else all name-only
  rows of that name make one enterprise known by name only (``name_only``, or
  ``name_ambiguous`` where several enterprises carry the name).

These are functions of all rows imported, not of their order: a file bringing a code
later makes the name-only rows of earlier files join it (``dirty`` names, settled by
:mod:`callcentre.importer.name_joins` after each file), and the writer resolves a
file's code rows before its other rows.

New enterprises get their final ids at once from an id allocator that the writer
sets for each transaction (:attr:`FrameIndex.allocate`); :meth:`FrameIndex.flush`
hands over what was created or changed since the last flush.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson
from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from callcentre.db.models import Enterprise, ListRow, SourceFile
from sampling.identifiers.names import key_of_normalised

PhoneTuple = tuple[str, "str | None", str]   # (e164, ext, kind)


@dataclass(slots=True, eq=False)
class EnterpriseState:
    """An enterprise as the import sees it: kept small, there are hundreds of
    thousands (phones as tuples, conflicts only once there are any)."""

    id: int
    uscc: str | None
    reg_no: str | None
    name: str
    name_key: str
    district_code: str | None
    phones: list[PhoneTuple] = field(default_factory=list)
    conflicts: dict[str, list[str]] | None = None

    def row(self, created_at: object) -> tuple[object, ...]:
        """The values of :data:`ENTERPRISE_COLUMNS`."""
        phones = self.phones
        e164, ext, kind = phones[0] if phones else (None, None, None)
        return (self.id, self.uscc, self.reg_no, self.name, self.name_key, self.district_code,
                e164, ext, kind, phones_json(phones),
                orjson.dumps(self.conflicts).decode() if self.conflicts else "{}", created_at)

    def changes(self) -> tuple[object, ...]:
        """The values of :data:`ENTERPRISE_UPDATABLE`, then the id."""
        return (*self.row(None)[3:11], self.id)


#: Enterprise columns written by the import, in the order of EnterpriseState.row().
ENTERPRISE_COLUMNS = ("id", "uscc", "reg_no", "name", "name_key", "district_code", "phone_e164",
                      "phone_ext", "phone_kind", "phones", "conflicts", "created_at")
ENTERPRISE_UPDATABLE = ENTERPRISE_COLUMNS[3:11]


def phones_json(phones: list[PhoneTuple]) -> str:
    """Phones as stored: a JSON list of {"e164", "ext", "kind"}."""
    return orjson.dumps([{"e164": e, "ext": x, "kind": k} for e, x, k in phones]).decode()


def _phones_from_json(text: str | None) -> list[PhoneTuple]:
    return [(p["e164"], p.get("ext") or None, p.get("kind") or "fixed")
            for p in orjson.loads(text or "[]")]


class FrameIndex:
    """Enterprises by code, registration number and name key."""

    def __init__(self) -> None:
        self.by_uscc: dict[str, EnterpriseState] = {}
        self.by_regno: dict[str, EnterpriseState] = {}
        self.by_name: dict[str, list[EnterpriseState]] = {}
        self.created: list[EnterpriseState] = []          # not yet written
        self.changed: dict[int, EnterpriseState] = {}     # written, then changed
        # ids from here on were created since the last flush (ids only grow): their
        # changes go out with their insert, not as updates
        self._unwritten_from = 0
        self.allocate: Callable[[], int] | None = None    # set by the writer
        self.stamp: tuple[object, ...] = ()               # db_stamp() when last in sync
        self.stale = False      # set when enterprises were changed behind its back
        # enterprises whose every row a replaced file took away: emptied, and the next
        # row naming one refills it as its own (no joined_by_name)
        self.vacant: set[int] = set()
        # name key -> the code enterprises whose code rows carry it, and the
        # registration-number enterprises whose rows carry it
        self.code_keys: dict[str, list[EnterpriseState]] = {}
        self.reg_keys: dict[str, list[EnterpriseState]] = {}
        # name key -> the enterprise known by that name only
        self.name_only: dict[str, EnterpriseState] = {}
        # name key -> ids of the rows without a valid code that have that name
        self.holders: dict[str, list[int]] = {}
        # names whose carriers changed: their rows of earlier files are settled again
        self.dirty: set[str] = set()
        # enterprises a replaced file rebuilt: the names they carry are their code rows'
        # (not always their name's), so each code row of theirs notes its name
        self.refilled: set[int] = set()
        # enterprise id -> its rows without a valid code (for those without a code:
        # one left with none goes)
        self.noncode_rows: dict[int, int] = {}
        # enterprises that got their first name / district conflict: every earlier row
        # of theirs is flagged too (field -> ids)
        self.newly_conflicted: dict[str, set[int]] = {"name": set(), "district": set()}

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
                r.id, r.uscc, r.reg_no, r.name, r.name_key, r.district_code,
                _phones_from_json(r.phones), orjson.loads(r.conflicts or "{}") or None,
            ))
        lr = ListRow.__table__  # type: ignore[attr-defined]
        holders, counts = index.holders, index.noncode_rows
        for row_id, name, ent_id in conn.execute(select(lr.c.id, lr.c.name, lr.c.enterprise_id)
                                                 .where(lr.c.uscc.is_(None),
                                                        lr.c.enterprise_id.is_not(None))
                                                 .order_by(lr.c.id)):
            counts[ent_id] = counts.get(ent_id, 0) + 1
            if name and (key := key_of_normalised(name)):
                holders.setdefault(key, []).append(row_id)
        index.stamp = cls.db_stamp(conn)
        return index

    def carried_keys(self, ent: EnterpriseState) -> list[str]:
        """The name keys an enterprise's identified rows carry: its name's and those of
        the other names seen under its code (its name conflicts)."""
        keys = [ent.name_key] if ent.name_key else []
        for other in (ent.conflicts or {}).get("name", ()):
            if other and (k := key_of_normalised(other)) and k not in keys:
                keys.append(k)
        return keys

    def _carry(self, ent: EnterpriseState, key: str) -> None:
        """Note that ``ent``'s identified rows carry ``key`` (a code or registration
        enterprise); a change of carriers makes ``key``'s rows be settled again."""
        table = self.code_keys if ent.uscc else self.reg_keys
        carriers = table.setdefault(key, [])
        if ent not in carriers:
            carriers.append(ent)
            if key in self.holders:     # (only names some row without a code has matter)
                self.dirty.add(key)

    def forget(self, ent: EnterpriseState) -> None:
        """Take an enterprise that is gone out of the index (the caller flushes first:
        it is not among those created since)."""
        self._uncarry(ent)
        if ent.uscc and self.by_uscc.get(ent.uscc) is ent:
            del self.by_uscc[ent.uscc]
        if ent.reg_no and self.by_regno.get(ent.reg_no) is ent:
            del self.by_regno[ent.reg_no]
        if ent in (ents := self.by_name.get(ent.name_key, ())):
            self.by_name[ent.name_key] = [e for e in ents if e is not ent]
        if self.name_only.get(ent.name_key) is ent:
            del self.name_only[ent.name_key]
        self.changed.pop(ent.id, None)
        self.vacant.discard(ent.id)
        self.noncode_rows.pop(ent.id, None)

    def _uncarry(self, ent: EnterpriseState) -> None:
        """``ent`` no longer carries the names it did (before its name and conflicts
        change)."""
        for table in (self.code_keys, self.reg_keys):
            for key in self.carried_keys(ent):
                carriers = table.get(key)
                if carriers is not None and ent in carriers:
                    carriers.remove(ent)
                    if key in self.holders:
                        self.dirty.add(key)

    def flush(self) -> tuple[list[EnterpriseState], list[EnterpriseState]]:
        """(created, changed) since the last flush; both lists are then cleared."""
        created, changed = self.created, list(self.changed.values())
        self.created, self.changed = [], {}
        self._unwritten_from = 0
        return created, changed

    # --- resolution ----------------------------------------------------------------

    def find(self, ent_id: int, uscc: str | None, reg_no: str | None,
             name_key: str) -> EnterpriseState | None:
        """The indexed enterprise with this id, found by its identifiers."""
        for candidate in (self.by_uscc.get(uscc or ""), self.by_regno.get(reg_no or ""),
                          *self.by_name.get(name_key, ())):
            if candidate is not None and candidate.id == ent_id:
                return candidate
        return None

    def refill(self, ent: EnterpriseState, fresh: EnterpriseState | None,
               carried: set[str] | None = None) -> None:
        """Make indexed ``ent`` what its rows now say (``fresh``, see :func:`replayed`),
        or empty it when a replaced file took away all its rows (``None``); ``carried``:
        the names its code (or number) rows carry."""
        self.refilled.add(ent.id)
        self._uncarry(ent)
        if fresh is None:
            ent.name, ent.district_code, ent.phones, ent.conflicts = "", None, [], None
            ent.name_key = ""   # still found under its old key, as vacant
            self.vacant.add(ent.id)
            return
        if fresh.name_key != ent.name_key and fresh.name_key:
            self.by_name.setdefault(fresh.name_key, []).append(ent)
            if ent.name_key in self.by_name:
                self.by_name[ent.name_key] = [e for e in self.by_name[ent.name_key] if e is not ent]
        ent.name, ent.name_key, ent.district_code = fresh.name, fresh.name_key, fresh.district_code
        ent.phones, ent.conflicts = fresh.phones, fresh.conflicts
        if ent.uscc or ent.reg_no:
            for key in self.carried_keys(ent) if carried is None else sorted(carried):
                self._carry(ent, key)

    def _add(self, ent: EnterpriseState) -> None:
        if ent.uscc:
            self.by_uscc[ent.uscc] = ent
        if ent.reg_no and not ent.uscc:
            self.by_regno.setdefault(ent.reg_no, ent)
        if ent.name_key:
            self.by_name.setdefault(ent.name_key, []).append(ent)
        if ent.uscc or ent.reg_no:
            table = self.code_keys if ent.uscc else self.reg_keys
            if ent.conflicts is None:       # (a new one: its name only)
                if ent.name_key:
                    if (carriers := table.get(ent.name_key)) is None:
                        table[ent.name_key] = [ent]
                    elif ent not in carriers:
                        carriers.append(ent)
                return
            for key in self.carried_keys(ent):
                carriers = table.setdefault(key, [])
                if ent not in carriers:
                    carriers.append(ent)
        elif ent.name_key:
            self.name_only.setdefault(ent.name_key, ent)

    def _new(self, uscc: str | None, reg_no: str | None, name: str, name_key: str,
             district_code: str | None, phones: tuple[PhoneTuple, ...]) -> EnterpriseState:
        assert self.allocate is not None, "set FrameIndex.allocate before resolving"
        ent = EnterpriseState(self.allocate(), uscc, reg_no, name, name_key, district_code,
                              list(phones))
        if not self.created:
            self._unwritten_from = ent.id
        self._add(ent)
        self.created.append(ent)
        return ent

    def _touch(self, ent: EnterpriseState) -> None:
        if not self.created or ent.id < self._unwritten_from:
            self.changed[ent.id] = ent

    def resolve(
        self, uscc: str | None, reg_no: str | None, name: str, name_key: str,
        district_code: str | None, phones: tuple[PhoneTuple, ...], reasons: list[str],
    ) -> EnterpriseState | None:
        """The enterprise a row belongs to (created if new); appends reason codes
        for name joins and conflicts. ``None`` when it cannot be identified.

        Rows with a valid code should come first (the writer resolves a file's code
        rows before its others): the rules for the rest depend on which names the
        code rows carry (module notes)."""
        if uscc:
            ent = self.by_uscc.get(uscc)
            if ent is None:
                ent = self._new(uscc, reg_no, name, name_key, district_code, phones)
                self._flag(ent, reasons)
                return ent
            known = ent.name_key
            self._merge(ent, name, name_key, district_code, reasons)
            if name_key and (name_key != known or ent.id in self.refilled):
                self._carry(ent, name_key)
        else:
            ent = self.target(reg_no, name_key, reasons)
            if ent is None:
                if not name_key and not reg_no:
                    return None
                ent = self._new(None, reg_no, name, name_key, district_code, phones)
                self._flag(ent, reasons)
                return ent
            if ent.id in self.vacant:
                self.vacant.discard(ent.id)
                if "joined_by_name" in reasons:
                    reasons.remove("joined_by_name")
            self._merge(ent, name, name_key, district_code, reasons)
            if reg_no and not ent.uscc and name_key and name_key != ent.name_key:
                self._carry(ent, name_key)
        if phones:
            self._add_phones(ent, phones, reasons)
        return ent

    def target(self, reg_no: str | None, name_key: str,
               reasons: list[str]) -> EnterpriseState | None:
        """The enterprise a row without a valid code joins by the rules of the module
        notes (``None``: a new one is to be made), appending its name-join reason."""
        carriers = self.code_keys.get(name_key, ()) if name_key else ()
        if len(carriers) == 1:
            reasons.append("joined_by_name")
            return carriers[0]
        if reg_no:
            return self.by_regno.get(reg_no)
        if not name_key:
            return None
        regs = self.reg_keys.get(name_key, ())
        if not carriers and len(regs) == 1:
            reasons.append("joined_by_name")
            return regs[0]
        reasons.append("name_ambiguous" if len(carriers) + len(regs) > 1 else "name_only")
        return self.name_only.get(name_key)

    def _flag(self, ent: EnterpriseState, reasons: list[str]) -> None:
        """A new enterprise's first row: the name it carries (a new carrier, indexed
        by :meth:`_add`) is to be settled again in earlier files."""
        if (ent.uscc or ent.reg_no) and ent.name_key in self.holders:
            self.dirty.add(ent.name_key)

    def _merge(self, ent: EnterpriseState, name: str, name_key: str,
               district_code: str | None, reasons: list[str]) -> None:
        """Merge a row's name and district into ``ent``: a differing one is a conflict,
        and once an enterprise has a conflict, each of its rows is flagged with it."""
        conflicts = ent.conflicts
        if name_key and ent.name_key and name_key != ent.name_key:
            if conflicts is None or "name" not in conflicts:
                self.newly_conflicted["name"].add(ent.id)
            self._conflict(ent, "name", ent.name, name)
            reasons.append("conflict_name")
        else:
            if name and not ent.name:
                ent.name, ent.name_key = name, name_key
                self._touch(ent)
            if conflicts is not None and "name" in conflicts:
                reasons.append("conflict_name")
        if district_code:
            if ent.district_code is None:
                ent.district_code = district_code
                self._touch(ent)
            elif ent.district_code != district_code:
                if ent.conflicts is None or "district" not in ent.conflicts:
                    self.newly_conflicted["district"].add(ent.id)
                self._conflict(ent, "district", ent.district_code, district_code)
                reasons.append("conflict_district")
                return
        if ent.conflicts is not None and "district" in ent.conflicts:
            reasons.append("conflict_district")

    def _conflict(self, ent: EnterpriseState, field_name: str, *values: str) -> None:
        """Keep every differing value seen for a field, first seen first."""
        if ent.conflicts is None:
            ent.conflicts = {}
        seen = ent.conflicts.setdefault(field_name, [])
        for value in values:
            if value not in seen:
                seen.append(value)
        self._touch(ent)

    def _add_phones(self, ent: EnterpriseState, phones: tuple[PhoneTuple, ...],
                    reasons: list[str]) -> None:
        known = ent.phones
        if not known:
            known.extend(phones)
            self._touch(ent)
            return
        added = False
        for phone in phones:
            e164, ext = phone[0], phone[1]
            for k in known:
                if k[0] == e164 and k[1] == ext:
                    break
            else:
                known.append(phone)
                added = True
        if added:
            self._touch(ent)
            reasons.append("conflict_phone")


#: the reasons merging a row into its enterprise gives (the rest come from the row
#: itself, or from finding the enterprise by name)
CONFLICT_REASONS = ("conflict_name", "conflict_district", "conflict_phone")


def replayed(ent: EnterpriseState, rows: list[tuple[str, str | None, tuple[PhoneTuple, ...]]],
             ) -> tuple[EnterpriseState, list[list[str]]]:
    """``ent`` (its id and identifiers) with name, district, phones and conflicts made
    again from its rows as they are now: (name, district code, phones) in import
    order, merged by the rules :meth:`FrameIndex.resolve` applies; and each row's
    :data:`CONFLICT_REASONS` as that merge gives them. After a file is replaced, what
    its old rows said must not linger (an old primary phone, a conflict with it)."""
    name, district, phones = rows[0]
    out = EnterpriseState(ent.id, ent.uscc, ent.reg_no, name,
                          key_of_normalised(name) if name else "", district, list(phones))
    scratch = FrameIndex()
    conflicts: list[list[str]] = [[]]
    for name, district, phones in rows[1:]:
        found: list[str] = []
        scratch._merge(out, name, key_of_normalised(name) if name else "", district, found)
        if phones:
            scratch._add_phones(out, phones, found)
        conflicts.append([r for r in found if r == "conflict_phone"])
    # a name or district conflict flags every row of the enterprise
    every = [r for f, r in (("name", "conflict_name"), ("district", "conflict_district"))
             if out.conflicts and f in out.conflicts]
    return out, [[*every, *found] for found in conflicts]
