"""Alembic environment: runs on the connection handed in by
``callcentre.db.engine.upgrade`` (or builds one from the configured URL)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import callcentre.db.models  # noqa: F401  (fills SQLModel.metadata)
from callcentre.db.engine import make_engine

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _run(conn)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; give a database URL")
run_migrations_online()
