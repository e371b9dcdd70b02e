"""The one engine factory, and schema set-up through Alembic.

SQLite (default, one file, WAL) and PostgreSQL (by URL) run the same code. For
SQLite the pysqlite driver's own transaction handling is switched off and BEGIN
is emitted by us, so that ``BEGIN IMMEDIATE`` can be used where a writer must
take the lock up front (the call queue's claim).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

ENV_DB = "CALLCENTRE_DB"
DEFAULT_SQLITE = "callcentre.db"


def default_url() -> str:
    """``$CALLCENTRE_DB`` or a SQLite file ``callcentre.db`` in the working directory."""
    return os.environ.get(ENV_DB) or f"sqlite:///{DEFAULT_SQLITE}"


def normalise_url(url: str) -> str:
    """Accept a bare path (SQLite) or a URL; use psycopg 3 for PostgreSQL."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser()}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str | None = None, *, echo: bool = False) -> Engine:
    url = normalise_url(url or default_url())
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_engine(url, echo=echo, connect_args={"timeout": 60})
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        mode = conn.info.pop("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def begin_immediate(session: Session) -> None:
    """Ask for the next transaction on this session to take SQLite's write lock
    at BEGIN (no-op elsewhere). Call before the session's first statement."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.info["sqlite_begin"] = "IMMEDIATE"


def migrations_dir() -> Path:
    return Path(__file__).with_name("migrations")


def alembic_config(url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    from alembic import command

    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")


def open_engine(url: str | None = None) -> Engine:
    """Engine with the schema up to date: what the command line uses."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
