"""Keep name joins and conflict flags independent of the order of imports.

A row without a valid credit code joins the enterprise whose code rows carry its
name (:meth:`FrameIndex.target`). When a later file brings such a code (or takes
one away), the rows of earlier files with that name are resolved again here, after
the file's own rows are written: they move to the enterprise they now belong to,
with their membership, reasons and status; an enterprise known by name only that
loses all its rows goes. Likewise a name or district conflict flags every row of
the enterprise, so the rows written before the conflict appeared are flagged here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from callcentre.db.engine import IdAllocator, bulk_insert, bulk_update
from callcentre.importer.frame_index import CONFLICT_REASONS, EnterpriseState, FrameIndex
from sampling.identifiers.names import key_of_normalised
from sampling.identifiers.phone import normalise_phones
from sampling.listfile.normalise import row_status

#: reasons resolving a row without a valid code gives (recomputed when it moves)
NAME_JOIN_REASONS = ("joined_by_name", "name_only", "name_ambiguous")
_FLAGS = {"name": "conflict_name", "district": "conflict_district"}


@dataclass(slots=True)
class Settled:
    """What settling changed: files whose rows changed (their counts follow), and code
    enterprises that lost rows (two code enterprises came to carry one name): made again
    from the rows they keep at the end of the import, as finding an enterprise's rows
    reads the whole row table. An enterprise without a code that lost rows goes when it
    has none left; one that keeps some keeps what the others said (their phones, say)
    until a replacement rebuilds it."""

    files: set[int] = field(default_factory=set)
    #: per file: rows by status, and by reason, gained (+) and lost (-)
    statuses: defaultdict[int, Counter[str]] = field(
        default_factory=lambda: defaultdict(Counter))
    reasons: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def changed(self, file_id: int, before: tuple[str, str], after: tuple[str, str]) -> None:
        """A row of ``file_id`` went from (status, reasons text) ``before`` to ``after``."""
        self.files.add(file_id)
        if before[0] != after[0]:
            self.statuses[file_id][before[0]] -= 1
            self.statuses[file_id][after[0]] += 1
        counts = self.reasons[file_id]
        counts.subtract(x for x in before[1].split(",") if x)
        counts.update(x for x in after[1].split(",") if x)
    rebuild: set[int] = field(default_factory=set)


def chunks(ids: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    """``ids`` in pieces small enough for an ``IN (…)`` list on either database."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _in(part: Sequence[int]) -> str:
    """Ids as the text of an ``IN (…)`` list: ints only, so nothing to quote. Plain SQL
    on the driver here: settling runs after every file, and building the statements
    with SQLAlchemy cost more than running them."""
    return ",".join([str(int(i)) for i in part])


def _column(conn: Connection, sql: str, ids: Sequence[int]) -> set[int]:
    """The first column of ``sql`` (with ``{ids}`` for the id list) over ``ids``."""
    found: set[int] = set()
    for part in chunks(list(ids)):
        found.update(r[0] for r in conn.exec_driver_sql(sql.format(ids=_in(part))))
    return found


def drop_orphan_memberships(conn: Connection, affected: Sequence[int]) -> None:
    """Delete the memberships among ``affected`` that no row supports any more, except
    those a sample refers to."""
    still = _column(conn, "SELECT DISTINCT membership_id FROM listrow"
                    " WHERE membership_id IN ({ids})", affected)
    orphans = [m for m in affected if m not in still]
    if orphans:
        sampled = _column(conn, "SELECT membership_id FROM sampleunit"
                          " WHERE membership_id IN ({ids})", orphans)
        orphans = [m for m in orphans if m not in sampled]
    for part in chunks(orphans):
        conn.exec_driver_sql(f"DELETE FROM itemmembership WHERE id IN ({_in(part)})")


def _phones(text: str) -> tuple[tuple[str, str | None, str], ...]:
    if not text:
        return ()
    return tuple((p.e164, p.ext, p.kind) for p in normalise_phones(text).phones)


def settle(conn: Connection, index: FrameIndex, *, wave_id: int,
           memberships: IdAllocator) -> Settled:
    """Resolve again the rows of the names whose carriers changed, and flag the rows of
    enterprises that got their first conflict (module notes)."""
    out = Settled()
    keys = [k for k in index.dirty if k in index.holders]
    index.dirty = set()
    if keys:
        _settle_names(conn, index, keys, wave_id=wave_id, memberships=memberships, out=out)
    _flag_conflicts(conn, index, out)
    return out


def _settle_names(conn: Connection, index: FrameIndex, keys: list[str], *, wave_id: int,
                  memberships: IdAllocator, out: Settled) -> None:
    ids = sorted({i for k in keys for i in index.holders[k]})
    by_key: defaultdict[str, list] = defaultdict(list)  # type: ignore[type-arg]
    for part in chunks(ids):
        for r in conn.exec_driver_sql(
                "SELECT id, source_file_id, name, reg_no, district_code, phones, enterprise_id,"
                " membership_id, reasons, status FROM listrow"
                f" WHERE id IN ({_in(part)}) AND uscc IS NULL"):
            by_key[key_of_normalised(r.name)].append(r)
    files = {r.source_file_id for rows in by_key.values() for r in rows}
    place: dict[int, tuple[int, int]] = {}
    for part in chunks(sorted(files)):
        place.update({r.id: (r.item_id, r.department_id) for r in conn.exec_driver_sql(
            f"SELECT id, item_id, department_id FROM sourcefile WHERE id IN ({_in(part)})")})
    moved: list[tuple[Any, int, str, str]] = []    # (row, enterprise, reasons, status)
    left: dict[int, EnterpriseState] = {}   # enterprises without a code that lost rows
    counts = index.noncode_rows
    for key in keys:
        rows = by_key.get(key, [])
        index.holders[key] = [r.id for r in rows]     # (rows since deleted drop out)
        # registration-number rows first: where they go decides what name-only rows join
        rows.sort(key=lambda r: (r.reg_no is None, r.id))
        before = index.name_only.get(key)
        before_id = before.id if before is not None else None
        without_code = {e.id: e for e in (before, *index.reg_keys.get(key, ())) if e is not None}
        for r in rows:
            extra: list[str] = []
            ent = index.target(r.reg_no, key, extra)
            if ent is not None and ent.id == r.enterprise_id and _same_join(r.reasons, extra):
                continue
            phones = _phones(r.phones)
            if ent is None:
                ent = index._new(None, r.reg_no, r.name, key, r.district_code, phones)
            else:
                index._merge(ent, r.name, key, r.district_code, extra)
                if phones:
                    index._add_phones(ent, phones, extra)
            if ent.id == r.enterprise_id and _same_join(r.reasons, extra):
                continue
            kept = [x for x in r.reasons.split(",")
                    if x and x not in NAME_JOIN_REASONS and x not in CONFLICT_REASONS]
            reasons = kept + extra
            status = r.status if r.status in ("rejected", "duplicate") else row_status(reasons)
            if r.enterprise_id is not None and r.enterprise_id != ent.id:
                old = without_code.get(r.enterprise_id) or (
                    index.by_regno.get(r.reg_no) if r.reg_no else None)
                if old is not None and old.id == r.enterprise_id and not old.uscc:
                    counts[old.id] = counts.get(old.id, 1) - 1
                    left[old.id] = old
                elif r.enterprise_id != before_id and any(
                        e.id == r.enterprise_id for e in index.code_keys.get(key, ())):
                    out.rebuild.add(r.enterprise_id)    # a code enterprise lost it
            if not ent.uscc:
                counts[ent.id] = counts.get(ent.id, 0) + 1
            moved.append((r, ent.id, ",".join(reasons), status))
            out.changed(r.source_file_id, (r.status, r.reasons), (status, ",".join(reasons)))
    # their memberships: found (one query per 500 enterprises) or made
    member_of: dict[tuple[int, int, int], int] = {}
    wanted = {(e, *place[r.source_file_id]) for r, e, _, status in moved if status != "rejected"}
    for part in chunks(sorted({e for e, _, _ in wanted})):
        for m in conn.exec_driver_sql(
                "SELECT id, enterprise_id, item_id, department_id FROM itemmembership"
                f" WHERE enterprise_id IN ({_in(part)})"):
            member_of[(m.enterprise_id, m.item_id, m.department_id)] = m.id
    new_members = []
    for triple in sorted(wanted - member_of.keys()):
        member_of[triple] = memberships()
        new_members.append((member_of[triple], wave_id, *triple))
    bulk_insert(conn, "itemmembership", ("id", "wave_id", "enterprise_id", "item_id",
                                         "department_id"), new_members)
    updates: list[tuple[object, ...]] = []
    left_memberships: list[int] = []
    for r, ent_id, reasons_text, status in moved:
        member = None if status == "rejected" else member_of[(ent_id, *place[r.source_file_id])]
        if r.membership_id is not None and r.membership_id != member:
            left_memberships.append(r.membership_id)
        updates.append((ent_id, member, reasons_text, status, r.id))
    emptied = [e for e in left.values() if counts.get(e.id, 0) <= 0]
    bulk_update(conn, "listrow", ("enterprise_id", "membership_id", "reasons", "status"), updates)
    if left_memberships:
        drop_orphan_memberships(conn, sorted(set(left_memberships)))
    _drop_empty(conn, index, emptied)


def _same_join(stored: str, extra: list[str]) -> bool:
    """Whether a stored row already has the name-join reason ``extra`` gives it."""
    have = [x for x in stored.split(",") if x in NAME_JOIN_REASONS]
    return have == [x for x in extra if x in NAME_JOIN_REASONS]


def drop_vacant(conn: Connection, index: FrameIndex) -> None:
    """Remove the enterprises a replaced file left without rows that no later row
    refilled, as a fresh import of the files would not have them."""
    if index.vacant:
        vacant: dict[int, EnterpriseState] = {}
        for e in (*index.changed.values(), *index.by_uscc.values(), *index.by_regno.values(),
                  *index.name_only.values()):
            if e.id in index.vacant:
                vacant.setdefault(e.id, e)
        _drop_empty(conn, index, list(vacant.values()))


def _drop_empty(conn: Connection, index: FrameIndex, emptied: list[EnterpriseState]) -> None:
    """Remove enterprises that kept no row (unless a membership, kept by a sample,
    still names them)."""
    if not emptied:
        return
    ids = [e.id for e in emptied]
    kept: set[int] = set()
    for table in ("itemmembership", "workorder", "samplecase", "sampleunit"):
        kept |= _column(conn, f"SELECT enterprise_id FROM {table} WHERE enterprise_id IN ({{ids}})",
                        ids)
    gone = [e for e in emptied if e.id not in kept]
    created = {e.id for e in index.created}
    for e in gone:
        index.forget(e)
    if created & {e.id for e in gone}:
        index.created = [e for e in index.created if e.id not in {g.id for g in gone}]
    written = [e.id for e in gone if e.id not in created]
    for part in chunks(written):    # (every row of theirs has moved)
        conn.exec_driver_sql(f"DELETE FROM enterprise WHERE id IN ({_in(part)})")


def _flag_conflicts(conn: Connection, index: FrameIndex, out: Settled) -> None:
    """Flag the earlier rows of enterprises that got their first name or district
    conflict (rows found through their memberships; a rejected row keeps its status
    whatever it is flagged with)."""
    for what, flag in _FLAGS.items():
        ids = sorted(index.newly_conflicted[what])
        index.newly_conflicted[what] = set()
        updates: list[tuple[object, ...]] = []
        for part in chunks(ids):
            for r in conn.exec_driver_sql(
                    "SELECT id, source_file_id, reasons, status FROM listrow WHERE membership_id"
                    f" IN (SELECT id FROM itemmembership WHERE enterprise_id IN ({_in(part)}))"):
                if flag in r.reasons:
                    continue
                reasons = [x for x in r.reasons.split(",") if x]
                reasons.append(flag)
                status = r.status if r.status in ("rejected", "duplicate") else row_status(reasons)
                updates.append((",".join(reasons), status, r.id))
                out.changed(r.source_file_id, (r.status, r.reasons), (status, ",".join(reasons)))
        bulk_update(conn, "listrow", ("reasons", "status"), updates)
