"""Helpers shared by tests: an acting administrator, the command line on a database."""

from __future__ import annotations

from contextlib import suppress

from click.testing import CliRunner, Result
from sqlalchemy.engine import Engine
from sqlmodel import Session

from callcentre.services.actor import Actor


def admin(engine: Engine, os_account: str = "tester") -> Actor:
    """The database's first administrator (created on first use), as services see it."""
    from sqlmodel import col, select

    from callcentre.db.models.accounts import UserAccount
    from callcentre.services.accounts import actor_for_os_account, actor_of

    with Session(engine) as session:
        identity = actor_for_os_account(session=session, os_account=os_account)
        if identity is not None:
            return identity.actor
        first = session.exec(select(UserAccount).where(UserAccount.role == "admin")
                             .order_by(col(UserAccount.id))).first()
        assert first is not None
        return actor_of(first)


def user(engine: Engine, username: str, role: str, *, password: str = "password-1",
         **kw: object) -> Actor:
    """A user of ``role`` created by the administrator."""
    from callcentre.services.accounts import create_user

    with Session(engine) as session:
        return create_user(session=session, actor=admin(engine), username=username, role=role,
                           password=password, **kw)  # type: ignore[arg-type]


def wave(engine: Engine, code: str = "2021") -> None:
    """Create the wave (and make it current) unless it exists."""
    from callcentre.errors import Conflict
    from callcentre.services.waves import create_wave

    with Session(engine) as session, suppress(Conflict):
        create_wave(session=session, actor=admin(engine), code=code, make_current=True)


def cli(db: str, *args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
    """Run ``callcentre --db DB ARGS…`` as a user would (no exception swallowed)."""
    from callcentre.cli import main_group

    return CliRunner(env=env).invoke(main_group, ["--db", db, *args], input=input,
                                     catch_exceptions=False)
