"""The write lock taken up front (``write_session`` / ``begin_write`` / ``lock_rows``):
SQLite's first transaction is IMMEDIATE, and a read-modify-write raced by real
processes loses no update and never fails with "database is locked", on SQLite and
PostgreSQL."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text, update
from sqlmodel import Session

from callcentre.db.engine import (
    begin_write,
    lock_rows,
    make_engine,
    open_engine,
    write_session,
    write_transaction,
)

_meta = MetaData()
counter = Table("lock_test_counter", _meta,
                Column("id", Integer, primary_key=True, autoincrement=False),
                Column("n", Integer, nullable=False))

PROCESSES = 8
INCREMENTS = 25


def _other_writer_is_locked_out(db: Path) -> bool:
    """Whether another connection cannot take SQLite's write lock right now."""
    other = sqlite3.connect(db, timeout=0.2, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return True
    finally:
        other.close()   # (an open transaction is rolled back)
    return False


def test_write_session_holds_the_lock_from_its_first_transaction(tmp_path: Path) -> None:
    db = tmp_path / "lock.db"
    engine = open_engine(f"sqlite:///{db}")
    assert not _other_writer_is_locked_out(db)
    with write_session(engine) as session:
        # no statement yet: BEGIN IMMEDIATE alone holds the lock
        assert _other_writer_is_locked_out(db)
        session.execute(text("SELECT 1"))
        assert _other_writer_is_locked_out(db)
        session.commit()
        assert not _other_writer_is_locked_out(db)
        begin_write(session)             # the next transaction, on request
        assert _other_writer_is_locked_out(db)
    assert not _other_writer_is_locked_out(db)
    # a plain session's transaction does not lock (the lock is not left on the pool)
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
        assert not _other_writer_is_locked_out(db)
    engine.dispose()


def test_write_transaction_holds_the_lock_from_its_start(tmp_path: Path) -> None:
    """The Connection-level form used by the import."""
    db = tmp_path / "lock.db"
    engine = open_engine(f"sqlite:///{db}")
    with write_transaction(engine) as conn:
        assert _other_writer_is_locked_out(db)
        conn.exec_driver_sql("SELECT 1")
    assert not _other_writer_is_locked_out(db)
    with write_transaction(engine, sqlite_bulk=True):
        assert _other_writer_is_locked_out(db)
    engine.dispose()


@pytest.mark.filterwarnings("ignore:Connection is already established")
def test_begin_write_refuses_a_transaction_that_wrote(tmp_path: Path) -> None:
    """A read-only transaction (a look-up before deciding to write) is ended and the
    lock taken afresh; one that wrote, through the ORM or raw SQL, is refused (its
    writes would be lost or left unlocked)."""
    import sqlite3

    engine = open_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    with Session(engine) as session:
        session.execute(text("SELECT 1"))      # began deferred, read only
        begin_write(session)
        other = sqlite3.connect(tmp_path / "lock.db", timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")   # the lock is held now
        other.close()
        session.rollback()
        session.execute(text("CREATE TABLE t (x INTEGER)"))  # began deferred, wrote
        with pytest.raises(RuntimeError):
            begin_write(session)
        session.rollback()
        session.execute(text("SELECT 1"))
        begin_write(session)                   # the write above was rolled back: fine
    engine.dispose()


def test_write_session_rolls_back_on_error(db_url: str) -> None:
    engine = make_engine(db_url)
    _meta.create_all(engine)
    with pytest.raises(ZeroDivisionError), write_session(engine) as session:
        session.execute(insert(counter).values(id=1, n=0))
        1 / 0  # noqa: B018
    with Session(engine) as session:
        assert session.execute(select(counter.c.n)).first() is None
    engine.dispose()


def test_lock_rows_reads_for_update_on_postgresql_only() -> None:
    from sqlalchemy.dialects import postgresql, sqlite

    stmt = lock_rows(select(counter.c.n).where(counter.c.id == 1))
    assert "FOR UPDATE" in str(stmt.compile(dialect=postgresql.dialect()))
    assert "FOR UPDATE" not in str(stmt.compile(dialect=sqlite.dialect()))


def _increment(url: str, start: Any, results: Any) -> None:
    """INCREMENTS read-modify-writes of the counter, each in its own write session."""
    engine = make_engine(url)
    errors: list[str] = []
    try:
        start.wait(timeout=120)
        for _ in range(INCREMENTS):
            try:
                with write_session(engine) as session:
                    n = session.execute(
                        lock_rows(select(counter.c.n).where(counter.c.id == 1))).scalar_one()
                    session.execute(update(counter).where(counter.c.id == 1).values(n=n + 1))
            except Exception as exc:  # noqa: BLE001 - reported to the test
                errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        engine.dispose()
        results.put(errors)


def test_processes_racing_read_modify_write_lose_no_update(db_url: str) -> None:
    engine = make_engine(db_url)
    _meta.create_all(engine)
    with write_session(engine) as session:
        session.execute(insert(counter).values(id=1, n=0))
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=_increment, args=(db_url, start, results))
             for _ in range(PROCESSES)]
    for p in procs:
        p.start()
    errors = [e for _ in procs for e in results.get(timeout=300)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert errors == []
    with Session(engine) as session:
        assert session.execute(select(counter.c.n)).scalar_one() == PROCESSES * INCREMENTS
    engine.dispose()
