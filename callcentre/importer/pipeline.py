"""Import list files into the frame: read, normalise, de-duplicate, store.

Reading and normalising (:mod:`callcentre.importer.parse`) run in helper
processes, a file or two ahead of the main process, which resolves rows to
enterprises and writes them, and parses files itself rather than wait
(:mod:`callcentre.importer.feeder`). Each file is written in its own transaction: a file
that cannot be read is reported and skipped while the others go on; a file whose
content changed replaces its earlier rows atomically; an unchanged file (same
sha256) is left alone. Every data row is stored (``ListRow``) whatever its status,
so that per file ``rows in = accepted + warning + rejected + duplicate``.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from time import process_time
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine, Row

from callcentre.db.checkpoint import AfterCommit, checkpoints_in_background
from callcentre.db.engine import (
    IdAllocator,
    WritePacer,
    bulk_insert,
    bulk_update,
    import_lock,
    none_bound_cheaply,
    write_transaction,
)
from callcentre.db.models import Department, Enterprise, Item, ItemMembership, ListRow, SourceFile
from callcentre.db.models.frame import utcnow
from callcentre.importer.feeder import default_helpers, parsed_in_order
from callcentre.importer.frame_index import (
    CONFLICT_REASONS,
    ENTERPRISE_COLUMNS,
    ENTERPRISE_UPDATABLE,
    EnterpriseState,
    FrameIndex,
    PhoneTuple,
    replayed,
)
from callcentre.importer.jobs import ImportJob
from callcentre.importer.name_joins import chunks, drop_orphan_memberships, drop_vacant, settle
from callcentre.importer.parse import LISTROW_COLUMNS, ParsedFile, ParsedRow, parse_list_file
from callcentre.importer.process_state import gc_paused
from callcentre.importer.setup import IMPORT_LOCK, ensure_department, ensure_items, ensure_wave
from callcentre.importer.workorders import relink_workorders
from sampling.identifiers.names import key_of_normalised, normalise_name
from sampling.identifiers.phone import normalise_phones
from sampling.identifiers.region import TIANJIN, RegionFacts
from sampling.listfile.normalise import STATUSES, row_status, severity
from sampling.listfile.reader import sha256_file

ProgressFn = Callable[[int], None]
_LISTROW_COLUMNS = ("id", "source_file_id", *LISTROW_COLUMNS, "enterprise_id", "membership_id")
_MEMBERSHIP_COLUMNS = ("id", "wave_id", "enterprise_id", "item_id", "department_id")


@dataclass(slots=True)
class FileResult:
    """What happened to one file."""

    path: Path
    outcome: str                      # imported | replaced | unchanged | failed
    kind: str = "list"                # list | workorder
    department: str | None = None
    item: int | None = None
    error: str | None = None          # catalogue suffix: import.file.<error>
    detail: str = ""
    same_as: str | None = None        # unchanged: the earlier file with this content
    replaces: str | None = None       # replaced: the earlier file of that name, elsewhere
    counts: Counter[str] = field(default_factory=Counter)   # status -> rows
    reasons: Counter[str] = field(default_factory=Counter)  # reason -> rows
    sheets: list[dict[str, object]] = field(default_factory=list)
    new_enterprises: int = 0
    workorders: int = 0               # work-order files: rows stored
    workorders_linked: int = 0        # … of which linked to an enterprise

    @property
    def rows(self) -> int:
        return sum(self.counts[s] for s in STATUSES)


@dataclass(slots=True)
class ImportSummary:
    wave: str
    files: list[FileResult] = field(default_factory=list)
    #: the writer process's CPU seconds by phase (resolve, enterprises, memberships,
    #: rows, settle, commit): where an import's time goes, for the benchmark
    writer_cpu: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    #: the longest the writer held the write lock at a stretch (seconds, wall clock):
    #: what a claim may have waited behind the import
    longest_write: float = 0.0
    longest_last_step: float = 0.0

    def total(self, status: str) -> int:
        return sum(f.counts[status] for f in self.files)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in self.files)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.outcome == "failed"]


def _resolved(path: Path) -> Path:
    return path.resolve() if path.exists() else path


def _unchanged_paths(engine: Engine, jobs: Sequence[ImportJob], paths: Sequence[Path], *,
                     wave_id: int) -> set[Path]:
    """Files already imported with this very content, for the same item and department:
    they need no parsing at all. A job that names no department is parsed (the
    file's title row names it), and found unchanged when it is written."""
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    it, dp = Item.__table__, Department.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        known = {r.path: r for r in conn.execute(
            select(sf.c.path, sf.c.sha256, it.c.number, dp.c.name)
            .join(it, it.c.id == sf.c.item_id).join(dp, dp.c.id == sf.c.department_id)
            .where(sf.c.wave_id == wave_id, sf.c.kind == "list"))}
    same = set()
    for job, path in zip(jobs, paths):
        was = known.get(str(path))
        if (was is None or was.number != job.item or not job.department
                or normalise_name(job.department) != was.name or not path.is_file()):
            continue
        try:
            if sha256_file(path) == was.sha256:
                same.add(path)
        except OSError:
            continue
    return same


def import_files(
    engine: Engine,
    jobs: Sequence[ImportJob],
    *,
    wave: str = "2021",
    on_file: Callable[[ImportJob, int], None] | None = None,
    progress: ProgressFn | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    workers: int | None = None,
    region: RegionFacts = TIANJIN,
    on_pause: Callable[[], None] | None = None,
) -> ImportSummary:
    """Import list files; never raises for a bad file (it is reported in the result).

    On SQLite a new file is written in steps that each hold the write lock for a
    moment (:class:`~callcentre.db.engine.WritePacer`), so that callers' claims go
    on during an import: the file is ``importing`` until its last step, which adds
    its memberships to the frame, and an import that dies midway is undone at the
    start of the next (:func:`recover_interrupted`). A file that replaces an earlier
    version is written in one transaction (its old rows must stay until the new ones
    are in). On PostgreSQL every file is one transaction, which claims never wait on.

    Parameters
    ----------
    region
        The region's districts and area code, as the settings name them: passed to
        the helper processes with the parse function (they read no settings).
    on_file
        Called before each file is written, with the job and its number of data rows
        (0 if it could not be read).
    progress
        Called with the number of rows just written.
    on_result
        Called with each file's result as soon as it is known.
    workers
        Helper processes that read and normalise files beside the writer, which
        parses too when it would otherwise wait (default: one per spare core; 0
        reads everything in this process). See :mod:`callcentre.importer.feeder`.
    on_pause
        Called each time the writer has committed a step and let others write
        (SQLite), before it goes on.
    """
    # for speed, for this import only: no cyclic gc, SQLite binds None cheaply; one
    # import at a time on a SQLite file, also between the steps it commits
    with (import_lock(engine), gc_paused(), none_bound_cheaply(),
          checkpoints_in_background(engine) as after_commit):
        recover_interrupted(engine)
        return _import_all(engine, jobs, wave=wave, on_file=on_file, progress=progress,
                           on_result=on_result, workers=workers, after_commit=after_commit,
                           region=region, on_pause=on_pause)


#: ``SourceFile.kind`` of a list file whose rows are still being written
IMPORTING = "importing"
#: rows per insert statement of a paced write, between which the pacer ticks
PACED_ROWS = 2000


def recover_interrupted(engine: Engine) -> list[str]:
    """Undo the files an import left half-written (``importing``: the process died
    between two steps), as :func:`remove_file` does; returns their paths. Call under
    :func:`~callcentre.db.engine.import_lock` (no import is under way then)."""
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    with engine.connect() as conn:
        stale = conn.execute(select(sf.c.id, sf.c.path).where(sf.c.kind == IMPORTING)).all()
    for file_id, _path in stale:
        remove_file(engine, file_id)
    return [path for _id, path in stale]


def _import_all(
    engine: Engine,
    jobs: Sequence[ImportJob],
    *,
    wave: str,
    on_file: Callable[[ImportJob, int], None] | None,
    progress: ProgressFn | None,
    on_result: Callable[[FileResult], None] | None,
    workers: int | None,
    after_commit: AfterCommit,
    region: RegionFacts,
    on_pause: Callable[[], None] | None = None,
) -> ImportSummary:
    summary = ImportSummary(wave=wave)
    # the write lock from the start: a plain transaction that reads, then inserts,
    # fails at once on SQLite ("database is locked") when another import wrote
    # in between, whatever the busy timeout
    with write_transaction(engine, lock_key=IMPORT_LOCK) as conn:
        wave_id = ensure_wave(conn, wave)
    index: FrameIndex | None = None
    paths = [_resolved(j.path) for j in jobs]
    # a list file is one item's list: listed again in the same run it would replace
    # itself, and the first listing's rows would silently go
    seen: set[Path] = set()
    twice = {i for i, p in enumerate(paths) if p in seen or seen.add(p)}
    skip = _unchanged_paths(engine, jobs, paths, wave_id=wave_id)
    stream = parsed_in_order([p for i, p in enumerate(paths) if i not in twice],
                             default_helpers() if workers is None else workers, skip=skip,
                             # the region goes to each helper once, with the function
                             parse=partial(parse_list_file, region=region))
    rebuild: set[int] = set()   # enterprises to make again from their rows, at the end
    with closing(stream):   # helpers stopped at once when the import ends or fails
        for number, job in enumerate(jobs):
            if number in twice:
                parsed, rows = ParsedFile(path=paths[number], error="listed_twice"), []
            else:
                parsed, rows = next(stream)
            department = job.department or parsed.department
            result = FileResult(path=parsed.path, outcome="failed", item=job.item,
                                department=normalise_name(department) if department else None)
            if parsed.unchanged:
                result.outcome = "unchanged"
            elif parsed.error is None and parsed.workorder:
                _import_workorder_file(engine, job, result, wave=wave, region=region)
            elif parsed.error is not None:
                result.error, result.detail = parsed.error, parsed.detail
            elif result.department is None:
                result.error = "no_department"
            elif job.item is None:
                result.error = "no_item"
            else:
                if on_file is not None:
                    on_file(job, parsed.n_rows)
                # a database error here ends the import (the file's transaction is rolled
                # back); only problems with the files themselves are reported and skipped
                if index is None or not _index_in_sync(engine, index):
                    # read outside the write lock (the import lock keeps other imports out)
                    with engine.connect() as reader:
                        index = FrameIndex.load(reader)
                with write_transaction(engine, lock_key=IMPORT_LOCK, sqlite_bulk=True) as conn:
                    if not index.in_sync(conn):
                        index = FrameIndex.load(conn)
                    pacer = WritePacer(conn, on_pause=on_pause, after_commit=after_commit)
                    _write_file(conn, index, parsed, rows, result, wave_id=wave_id,
                                department=result.department, item=job.item, progress=progress,
                                cpu=summary.writer_cpu, rebuild=rebuild, pacer=pacer)
                    # work orders imported before their enterprises' lists link up now
                    relink_workorders(conn)
                    # stale after a replacement rebuilt some enterprises: reloaded next time
                    index.stamp = () if index.stale else FrameIndex.db_stamp(conn)
                    started = process_time()
                last = pacer.held()     # the file's last step: settling, counts, commit
                summary.longest_write = max(summary.longest_write, last, pacer.longest)
                summary.longest_last_step = max(summary.longest_last_step, last)
                after_commit()
                summary.writer_cpu["commit"] += process_time() - started
            if (result.error is not None or parsed.unchanged) and on_file is not None:
                on_file(job, 0)
            summary.files.append(result)
            if on_result is not None:
                on_result(result)
    if rebuild:
        # code enterprises settling took rows from, made again from the rows they keep
        # (once, at the end: finding an enterprise's rows reads the whole row table)
        started = process_time()
        with write_transaction(engine, lock_key=IMPORT_LOCK, sqlite_bulk=True) as conn:
            _rebuild_enterprises(conn, FrameIndex(), rebuild, refill_index=False)
        summary.writer_cpu["settle"] += process_time() - started
    return summary


def _index_in_sync(engine: Engine, index: FrameIndex) -> bool:
    with engine.connect() as conn:
        return index.in_sync(conn)


def _paced_insert(conn: Connection, table: str, columns: Sequence[str],
                  rows: Sequence[Sequence[object]], pacer: WritePacer,
                  step: int | None = None) -> None:
    """:func:`bulk_insert` in slices, the pacer ticking between them."""
    if not pacer.enabled:
        bulk_insert(conn, table, columns, rows)
        return
    step = step or PACED_ROWS
    for start in range(0, len(rows), step):
        bulk_insert(conn, table, columns, rows[start:start + step])
        pacer.tick()


def _import_workorder_file(engine: Engine, job: ImportJob, result: FileResult, *, wave: str,
                           region: RegionFacts) -> None:
    from callcentre.importer.workorders import import_workorders

    result.kind = "workorder"
    wo = import_workorders(engine, job.path, wave=wave, department=result.department,
                           item=job.item, region=region)
    if wo.error:
        result.error, result.detail = wo.error, wo.detail
        return
    result.outcome = wo.outcome
    result.workorders, result.workorders_linked = wo.rows, wo.linked


def _write_file(
    conn: Connection,
    index: FrameIndex,
    parsed: ParsedFile,
    rows: list[ParsedRow],
    result: FileResult,
    *,
    wave_id: int,
    department: str,
    item: int,
    progress: ProgressFn | None,
    cpu: defaultdict[str, float],
    rebuild: set[int],
    pacer: WritePacer | None = None,
) -> None:
    started = process_time()
    pacer = pacer or WritePacer(conn, enabled=False)
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    path_text = str(parsed.path)
    dept_id = ensure_department(conn, department)
    item_id = ensure_items(conn, wave_id, [item])[item]

    cols = (sf.c.id, sf.c.sha256, sf.c.department_id, sf.c.item_id, sf.c.kind, sf.c.path)
    existing = conn.execute(
        select(*cols).where(sf.c.wave_id == wave_id, sf.c.path == path_text)).first()
    if existing is None:
        # a department re-sends its list: the same file name, department and item,
        # from another folder, replaces the earlier one (where exactly one matches)
        named = conn.execute(select(*cols).where(
            sf.c.wave_id == wave_id, sf.c.name == parsed.path.name, sf.c.kind == "list",
            sf.c.department_id == dept_id, sf.c.item_id == item_id).limit(2)).all()
        if len(named) == 1:
            existing = named[0]
            result.replaces = existing.path
    if existing is not None and existing.kind != "list":
        # imported as work orders: a file's kind never flips (its orders would stay)
        result.error = "already_workorder"
        return
    # the same content filed under another department or item is a correction:
    # the file's rows move there (replaced), not "unchanged"
    if existing is not None and (existing.sha256, existing.department_id, existing.item_id) == (
            parsed.sha256, dept_id, item_id):
        result.outcome = "unchanged"
        return
    same = conn.execute(
        select(sf.c.path).where(sf.c.wave_id == wave_id, sf.c.sha256 == parsed.sha256,
                                sf.c.kind == "list", sf.c.department_id == dept_id,
                                sf.c.item_id == item_id)
    ).first()
    if same is not None:
        result.outcome, result.same_as = "unchanged", same.path
        return

    values = {"wave_id": wave_id, "department_id": dept_id, "item_id": item_id, "kind": IMPORTING,
                  "path": path_text, "name": parsed.path.name, "sha256": parsed.sha256,
                  "size": parsed.size, "imported_at": utcnow()}
    touched: list[int] = []     # enterprises of the rows a replacement removes
    if existing is None:
        file_id = conn.execute(insert(sf).returning(sf.c.id), values).scalar_one()
        result.outcome = "imported"
        # written in steps: until its last one the file is IMPORTING, its rows join no
        # frame (its memberships come last) and an interrupted import removes them
        pacer.pause()
    else:
        pacer.enabled = False   # the old rows go and the new come in one transaction
        file_id = existing.id
        touched = _delete_file_rows(conn, file_id)
        _rebuild_enterprises(conn, index, touched, refill_index=True)
        conn.execute(update(sf).where(sf.c.id == file_id).values(**values))
        result.outcome = "replaced"

    # one pass: resolve each row to an enterprise (ids allocated on the spot), link it
    # to its membership, build the row; then write enterprises, memberships, rows.
    # Rows with a valid code go first, then those with a registration number, then
    # the rest: where a row without a code goes depends on the names code rows carry
    next_enterprise = IdAllocator(conn, "enterprise")
    next_membership = IdAllocator(conn, "itemmembership")
    next_row = IdAllocator(conn, "listrow")
    index.allocate = next_enterprise
    members = _existing_memberships(conn, file_id=file_id, item_id=item_id, dept_id=dept_id,
                                    replaced=existing is not None)
    new_members: list[tuple[int, int, int, int, int]] = []
    n_rows = len(rows)
    ents: list[EnterpriseState | None] = [None] * n_rows
    statuses: Counter[str] = Counter()
    added_reasons: Counter[str] = Counter()
    resolve = index.resolve
    holders, noncode = index.holders, index.noncode_rows
    extra: list[str] = []       # reasons resolution adds to a row
    out: list[tuple[object, ...]] = [()] * n_rows
    member_id = next_membership.peek()  # counted on here: a million rows
    first_row = next_row.peek()
    later = [i for i, row in enumerate(rows) if row[6] is None]
    later.sort(key=lambda i: rows[i][7] is None)     # (stable: registration numbers first)
    order = [i for i, row in enumerate(rows) if row[6] is not None] if later else range(n_rows)
    for pos in _ticking(chain(order, later), pacer):
        (sheet, excel_row, raw, status, reasons, name, uscc, reg_no, district, zone, e164,
         ext, phones_text, contact, business, duplicate_of, key, phones, first) = rows[pos]
        if first >= 0:
            ent = ents[first]
        elif status == "rejected" and "not_identifiable" in reasons:
            ent = None
        else:
            ent = resolve(uscc, reg_no, name, key, district, phones, extra)
            if extra:
                added_reasons.update(extra)
                reasons = f"{reasons},{','.join(extra)}" if reasons else ",".join(extra)
                if status == "accepted" and any(severity(r) == "warning" for r in extra):
                    status = "warning"
                extra.clear()
        if uscc is None and ent is not None:
            if key:
                holders.setdefault(key, []).append(first_row + pos)
            if ent.uscc is None:
                noncode[ent.id] = noncode.get(ent.id, 0) + 1
        ents[pos] = ent
        statuses[status] += 1
        ent_id = member = None
        if ent is not None:
            ent_id = ent.id
            if status != "rejected":
                member = members.get(ent_id)
                if member is None and status != "duplicate":
                    member = members[ent_id] = member_id
                    member_id += 1
                    new_members.append((member, wave_id, ent_id, item_id, dept_id))
        out[pos] = (first_row + pos, file_id, sheet, excel_row, raw, status, reasons, name, uscc,
                    reg_no, district, zone, e164, ext, phones_text, contact, business,
                    duplicate_of, ent_id, member)
    next_row.advance_to(first_row + n_rows)
    next_membership.advance_to(member_id)
    for status in STATUSES:
        result.counts[status] += statuses[status]
    for text, n in parsed.reason_rows.items():
        for reason in text.split(",") if text else ():
            result.reasons[reason] += n
    result.reasons.update(added_reasons)
    result.sheets = parsed.sheets
    cpu["resolve"] += process_time() - started

    def write_enterprises() -> None:
        lap = process_time()
        result.new_enterprises = _write_enterprises(conn, index, pacer)
        cpu["enterprises"] += process_time() - lap

    def write_memberships() -> None:
        lap = process_time()
        # in key order of uq_membership (enterprise first): the unique index is then
        # filled in one sweep instead of a random insert per row
        new_members.sort(key=itemgetter(2))
        _paced_insert(conn, "itemmembership", _MEMBERSHIP_COLUMNS, new_members, pacer)
        cpu["memberships"] += process_time() - lap

    def write_rows() -> None:
        lap = process_time()
        step = PACED_ROWS if pacer.enabled else 10_000
        for start in range(0, len(out), step):
            chunk = out[start:start + step]
            bulk_insert(conn, "listrow", _LISTROW_COLUMNS, chunk)
            if progress is not None:
                progress(len(chunk))
            pacer.tick()
        cpu["rows"] += process_time() - lap

    if pacer.enabled:
        # in steps (SQLite, no foreign-key checks here): the rows first, so that every
        # enterprise and membership already written is one the file's rows name, and
        # an interrupted import is undone by removing the file (recover_interrupted)
        write_rows()
        write_enterprises()
        write_memberships()
    else:
        write_enterprises()
        write_memberships()
        write_rows()
    next_row.finish()
    lap = process_time()
    # names this file brought a code for (or took away): earlier files' rows of those
    # names join again; enterprises that got a conflict have their earlier rows flagged
    settled = settle(conn, index, wave_id=wave_id, memberships=next_membership)
    if touched:
        drop_vacant(conn, index)
    result.new_enterprises += _write_enterprises(conn, index)
    next_enterprise.finish()
    next_membership.finish()
    # the files whose rows settling changed: their counts by status follow (before a
    # rebuild, which counts its files' rows again)
    for other in settled.files - {file_id}:
        _count_changes(conn, other, settled.statuses[other])
    if file_id in settled.files:
        result.counts.update(settled.statuses[file_id])
        result.reasons.update(settled.reasons[file_id])
        result.reasons = +result.reasons
    if touched:
        _rebuild_enterprises(conn, index, chain(touched, settled.rebuild,
                                                (e.id for e in ents if e is not None)),
                             refill_index=False)
        # enterprises the old rows made that nothing refers to any more go, as a fresh
        # import of the files would not make them
        _drop_unused_enterprises(conn, touched)
        _recount(conn, file_id, result)     # the replay may change this file's rows too
    else:
        # a code enterprise that lost rows keeps what they said until it is made again
        # at the end of the import (the caller's ``rebuild``); rows are flagged then
        rebuild.update(settled.rebuild)
    cpu["settle"] += process_time() - lap
    counts = result.counts
    conn.execute(update(sf).where(sf.c.id == file_id).values(
        kind="list",
        rows_total=result.rows,
        rows_accepted=counts["accepted"],
        rows_warning=counts["warning"],
        rows_rejected=counts["rejected"],
        rows_duplicate=counts["duplicate"],
        sheets=json.dumps(result.sheets, ensure_ascii=False),
    ))


def _ticking(positions: Iterable[int], pacer: WritePacer, every: int = 4096) -> Iterable[int]:
    """``positions``, the pacer ticking every ``every`` of them."""
    if not pacer.enabled:
        yield from positions
        return
    n = 0
    for pos in positions:
        yield pos
        n += 1
        if n == every:
            n = 0
            pacer.tick()


def _write_enterprises(conn: Connection, index: FrameIndex,
                       pacer: WritePacer | None = None) -> int:
    """Insert the enterprises created since the last flush, update the changed ones."""
    created, changed = index.flush()
    if created:
        now = utcnow()
        # the text SQLite's driver would make of it, made once rather than per row
        stamp = now.isoformat(" ") if conn.dialect.name == "sqlite" else now
        rows = [e.row(stamp) for e in created]
        if pacer is not None:
            _paced_insert(conn, "enterprise", ENTERPRISE_COLUMNS, rows, pacer)
        else:
            bulk_insert(conn, "enterprise", ENTERPRISE_COLUMNS, rows)
    # in id order: the updates then walk the table once instead of jumping about
    changed.sort(key=attrgetter("id"))
    updates = [e.changes() for e in changed]
    # (an update costs several inserts: its slices are a quarter of an insert's)
    step = PACED_ROWS // 4 if pacer is not None and pacer.enabled else max(len(updates), 1)
    for start in range(0, len(updates), step):
        bulk_update(conn, "enterprise", ENTERPRISE_UPDATABLE, updates[start:start + step])
        if pacer is not None:
            pacer.tick()
    return len(created)


def _existing_memberships(conn: Connection, *, file_id: int, item_id: int,
                          dept_id: int, replaced: bool) -> dict[int, int]:
    """enterprise id -> membership id for this item and department.

    Memberships come only from list files, so when no other file of this item and
    department exists there are none, and the (unindexed) scan is skipped; unless
    the file replaces an earlier version, whose memberships a sample keeps.
    """
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    im = ItemMembership.__table__  # type: ignore[attr-defined]
    other = conn.execute(select(sf.c.id).where(
        sf.c.item_id == item_id, sf.c.department_id == dept_id, sf.c.kind == "list",
        sf.c.id != file_id).limit(1)).first()
    if other is None and not replaced:
        return {}
    return dict(conn.execute(
        select(im.c.enterprise_id, im.c.id).where(im.c.item_id == item_id,
                                                  im.c.department_id == dept_id)
    ).all())


def _rebuild_enterprises(conn: Connection, index: FrameIndex, ids: Iterable[int], *,
                         refill_index: bool) -> None:
    """Make enterprises again from the rows they have now (:func:`replayed`, rows in
    the order a fresh import of the files would meet them: by file, then row), so that
    what a replaced file's old rows said does not linger (an old primary phone, say).

    ``refill_index``: before the new rows are resolved, bring the index's copies up to
    date too (so that they are not flagged against the old values), emptying those
    left without rows; after, the index is just reloaded for the next file.

    An enterprise's rows are found through its memberships (indexed), and the rows
    without one (rejected rows) through the index's NULL entries: ``listrow`` has no
    index by enterprise, and a scan of the whole table per 500 enterprises cost
    about a second a scan at the end of the million-row benchmark.
    """
    lr = ListRow.__table__  # type: ignore[attr-defined]
    ent = Enterprise.__table__  # type: ignore[attr-defined]
    im = ItemMembership.__table__  # type: ignore[attr-defined]
    rebuilt: list[EnterpriseState] = []
    flagged: list[tuple[str, str, int]] = []     # rows whose conflicts changed
    # per file: rows by status gained (+) and lost (-) through the flags
    moved: defaultdict[int, Counter[str]] = defaultdict(Counter)
    # the names each carries: its code (or number) rows' only; rows that joined it by
    # name are settled again
    carried: dict[int, set[str]] = {}
    for part in chunks(sorted(set(ids))):
        rows: defaultdict[int, list[tuple[str, str | None, tuple[PhoneTuple, ...]]]] = (
            defaultdict(list))
        stored: defaultdict[int, list[Row[Any]]] = defaultdict(list)
        for r in conn.execute(select(lr.c.id, lr.c.source_file_id, lr.c.enterprise_id,
                                     lr.c.name, lr.c.district_code, lr.c.phones, lr.c.reasons,
                                     lr.c.status, lr.c.uscc, lr.c.reg_no)
                              .where(lr.c.enterprise_id.in_(part),
                                     or_(lr.c.membership_id.in_(
                                         select(im.c.id).where(im.c.enterprise_id.in_(part))),
                                         lr.c.membership_id.is_(None)))
                              .order_by(lr.c.source_file_id, lr.c.id)):
            rows[r.enterprise_id].append((r.name, r.district_code, _stored_phones(r.phones)))
            stored[r.enterprise_id].append(r)
            if (r.uscc or r.reg_no) and r.name:
                carried.setdefault(r.enterprise_id, set()).add(key_of_normalised(r.name))
        for e in conn.execute(select(ent.c.id, ent.c.uscc, ent.c.reg_no, ent.c.name_key)
                              .where(ent.c.id.in_(part))):
            fresh = None
            if e.id in rows:
                fresh, conflicts = replayed(EnterpriseState(e.id, e.uscc, e.reg_no, "", "", None),
                                            rows[e.id])
                rebuilt.append(fresh)
                if not refill_index:
                    for r, found in zip(stored[e.id], conflicts):
                        if (again := _with_conflicts(r.reasons, found)) != r.reasons:
                            status = row_status([x for x in again.split(",") if x])
                            flagged.append((again, status, r.id))
                            if status != r.status:
                                moved[r.source_file_id][r.status] -= 1
                                moved[r.source_file_id][status] += 1
            if refill_index and (known := index.find(e.id, e.uscc, e.reg_no, e.name_key)):
                index.refill(known, fresh, carried.get(e.id, set()))
    if not refill_index:   # (before the new rows only the index needs them)
        bulk_update(conn, "enterprise", ENTERPRISE_UPDATABLE, [e.changes() for e in rebuilt])
        # other files' rows, too, were flagged against the old values
        bulk_update(conn, "listrow", ("reasons", "status"), flagged)
        # (their counts follow by the changes: recounting a file reads all its rows)
        for file_id, changes in moved.items():
            _count_changes(conn, file_id, changes)
        index.stale = True   # its copies of them are out of date: reloaded for the next file


def _with_conflicts(reasons: str, conflicts: list[str]) -> str:
    """A row's reasons with its conflict reasons as a replay found them."""
    kept = [r for r in reasons.split(",") if r and r not in CONFLICT_REASONS]
    return ",".join(kept + conflicts)


def _recount(conn: Connection, file_id: int, result: FileResult | None = None) -> None:
    """A file's row counts by status (and, for the file being written, its reasons)
    from its rows as stored."""
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    lr = ListRow.__table__  # type: ignore[attr-defined]
    counts = Counter(dict(conn.execute(
        select(lr.c.status, func.count()).where(lr.c.source_file_id == file_id)
        .group_by(lr.c.status)).all()))
    conn.execute(update(sf).where(sf.c.id == file_id).values(
        rows_total=sum(counts[s] for s in STATUSES),
        **{f"rows_{s}": counts[s] for s in STATUSES}))
    if result is not None:
        result.counts = Counter({s: counts[s] for s in STATUSES})
        result.reasons = Counter()
        for text, n in conn.execute(select(lr.c.reasons, func.count())
                                    .where(lr.c.source_file_id == file_id)
                                    .group_by(lr.c.reasons)).all():
            for reason in text.split(",") if text else ():
                result.reasons[reason] += n


def _count_changes(conn: Connection, file_id: int, statuses: Counter[str]) -> None:
    """Add a file's changes of rows by status (a row that moved from one to another)
    to its counts."""
    if not any(statuses.values()):
        return
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    conn.execute(update(sf).where(sf.c.id == file_id).values(
        {f"rows_{s}": sf.c[f"rows_{s}"] + statuses[s] for s in STATUSES if statuses[s]}))


def _stored_phones(text: str) -> tuple[PhoneTuple, ...]:
    """A list row's phones as stored ("+86… ext 801;+86…") back as (e164, ext, kind)."""
    if not text:
        return ()
    return tuple((p.e164, p.ext, p.kind) for p in normalise_phones(text).phones)


def _delete_file_rows(conn: Connection, file_id: int) -> list[int]:
    """Remove a file's rows and the memberships that no other row supports; returns
    the enterprises the rows belonged to."""
    lr = ListRow.__table__  # type: ignore[attr-defined]
    touched = conn.execute(
        select(lr.c.enterprise_id)
        .where(lr.c.source_file_id == file_id, lr.c.enterprise_id.is_not(None))
        .distinct()
    ).scalars().all()
    affected = conn.execute(
        select(lr.c.membership_id)
        .where(lr.c.source_file_id == file_id, lr.c.membership_id.is_not(None))
        .distinct()
    ).scalars().all()
    conn.execute(delete(lr).where(lr.c.source_file_id == file_id))
    if affected:
        drop_orphan_memberships(conn, affected)
    return list(touched)


def remove_file(engine: Engine, file_id: int,
                before_commit: Callable[[Connection], None] | None = None) -> FileResult:
    """Remove one imported file: its rows go, memberships no other row supports go
    (unless a sample holds them), the enterprises it touched are made again from the
    rows they have left, and those left with nothing are deleted: as if the file had
    never been imported. ``before_commit`` runs in the same transaction (the audit)."""
    sf = SourceFile.__table__  # type: ignore[attr-defined]
    with write_transaction(engine, lock_key=IMPORT_LOCK, sqlite_bulk=True) as conn:
        row = conn.execute(select(sf.c.path, sf.c.kind, sf.c.wave_id)
                           .where(sf.c.id == file_id)).first()
        if row is None:
            raise LookupError(file_id)
        result = FileResult(path=Path(row.path), outcome="removed", kind=row.kind)
        if row.kind in ("list", IMPORTING):
            index = FrameIndex.load(conn)
            touched = _delete_file_rows(conn, file_id)
            # the names the file's code rows carried: other files' rows without a code
            # join again as if it had never been imported (callcentre.importer.name_joins)
            _rebuild_enterprises(conn, index, touched, refill_index=True)
            index.allocate = enterprises = IdAllocator(conn, "enterprise")
            memberships = IdAllocator(conn, "itemmembership")
            settled = settle(conn, index, wave_id=row.wave_id, memberships=memberships)
            _write_enterprises(conn, index)
            enterprises.finish()
            memberships.finish()
            for other in settled.files - {file_id}:
                _count_changes(conn, other, settled.statuses[other])
            _rebuild_enterprises(conn, index, chain(touched, settled.rebuild),
                                 refill_index=False)
            _drop_unused_enterprises(conn, touched)
        else:
            from callcentre.db.models import WorkOrder

            wo = WorkOrder.__table__  # type: ignore[attr-defined]
            conn.execute(delete(wo).where(wo.c.source_file_id == file_id))
        conn.execute(delete(sf).where(sf.c.id == file_id))
        if before_commit is not None:
            before_commit(conn)
    return result


def _drop_unused_enterprises(conn: Connection, ids: Sequence[int]) -> None:
    """Delete those of ``ids`` nothing refers to any more (no row, membership,
    sample or work order)."""
    from sqlalchemy import exists

    from callcentre.db.models import WorkOrder
    from callcentre.db.models.sample import SampleCase, SampleUnit

    ent = Enterprise.__table__  # type: ignore[attr-defined]
    refs = [ListRow.__table__, ItemMembership.__table__, SampleUnit.__table__,  # type: ignore[attr-defined]
            SampleCase.__table__, WorkOrder.__table__]  # type: ignore[attr-defined]
    for part in chunks(sorted(set(ids))):
        cond = [~exists().where(r.c.enterprise_id == ent.c.id) for r in refs]
        conn.execute(delete(ent).where(ent.c.id.in_(part), *cond))


__all__ = ["FileResult", "ImportJob", "ImportSummary", "import_files", "remove_file"]
