"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import callcentre.db.models  # noqa: F401
from callcentre.db.engine import open_engine


def test_migrations_match_models(db_url: str) -> None:
    engine = open_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": False})
        diffs = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert diffs == []


def test_upgrade_twice_is_harmless(sqlite_url: str) -> None:
    open_engine(sqlite_url).dispose()
    open_engine(sqlite_url).dispose()
