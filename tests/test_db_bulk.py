"""bulk_insert / bulk_update: every row lands exactly once, whatever the count
relative to SQLite's rows-per-statement batching, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from callcentre.db.engine import SQLITE_ROWS_PER_INSERT, bulk_insert, bulk_update, make_engine


@pytest.mark.parametrize("count", [0, 1, SQLITE_ROWS_PER_INSERT - 1, SQLITE_ROWS_PER_INSERT,
                                   3 * SQLITE_ROWS_PER_INSERT + 5])
def test_bulk_insert_keeps_every_row_in_order(db_url: str, count: int) -> None:
    engine = make_engine(db_url)
    rows = [(i, f"名{i}" if i % 3 else None, i * 0.5) for i in range(1, count + 1)]
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE bt (id INTEGER PRIMARY KEY, name TEXT, x FLOAT)")
        bulk_insert(conn, "bt", ("id", "name", "x"), rows)
        bulk_update(conn, "bt", ("name",), [("改", i) for i in range(1, count + 1, 7)])
    with engine.connect() as conn:
        got = [tuple(r) for r in conn.exec_driver_sql("SELECT id, name, x FROM bt ORDER BY id")]
    want = [(i, "改" if i % 7 == 1 else n, x) for i, n, x in rows]
    assert got == want
    engine.dispose()


def test_id_allocator_counts_on_and_never_back(sqlite_url: str) -> None:
    from callcentre.db.engine import IdAllocator

    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE ids (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("INSERT INTO ids (id) VALUES (41)")
        ids = IdAllocator(conn, "ids")
        assert ids() == 42 and ids.peek() == 43
        ids.advance_to(50)            # a loop used 43..49 itself
        assert ids() == 50
        with pytest.raises(ValueError):
            ids.advance_to(45)
    engine.dispose()
