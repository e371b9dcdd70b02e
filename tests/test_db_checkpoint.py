"""The bulk writer's background WAL checkpoints: nothing committed is lost, the WAL
ends truncated, and a failure inside the block still leaves a clean database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from callcentre.db.checkpoint import checkpoints_in_background
from callcentre.db.engine import make_engine, write_transaction


def _fill(engine, rows: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    with write_transaction(engine, sqlite_bulk=True) as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
        conn.exec_driver_sql("INSERT INTO t (id, v) VALUES (?, ?)",
                             [(i, "值" * 200) for i in range(start, start + rows)])


def test_commits_land_in_the_database_file_and_the_wal_is_truncated(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    engine = make_engine(f"sqlite:///{db}")
    with checkpoints_in_background(engine) as after_commit:
        for k in range(5):
            _fill(engine, 2_000, start=k * 2_000)
            after_commit()
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    engine.dispose()
    # read the file with a fresh connection: every committed row is there
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 10_000


def test_failure_inside_the_block_still_checkpoints(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    engine = make_engine(f"sqlite:///{db}")
    with pytest.raises(RuntimeError), checkpoints_in_background(engine) as after_commit:
        _fill(engine, 1_000)
        after_commit()
        raise RuntimeError("import failed")
    wal = Path(f"{db}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    engine.dispose()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 1_000


def test_in_memory_and_postgres_need_no_thread() -> None:
    engine = make_engine("sqlite://")
    with checkpoints_in_background(engine) as after_commit:
        after_commit()  # nothing to do, nothing fails
