"""People who use the tool, their log-in tokens, and database-wide settings.

A password is stored only as an argon2id hash. Five failed log-ins in a row lock
an account for a while (``locked_until``). ``os_account`` maps an operating-system
login to the user for the command line on the machine that holds the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


ROLES = ("caller", "supervisor", "admin")


class UserAccountBase(SQLModel):
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=100)
    role: str = Field(max_length=16, description="caller | supervisor | admin")
    os_account: str | None = Field(default=None, max_length=64, unique=True)
    refusal_converter: bool = Field(default=False,
                                    description="may be given soft refusals to convert")
    active: bool = True


class UserAccount(UserAccountBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(default="", max_length=200)
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class AuthToken(SQLModel, table=True):
    """A short-lived log-in of the command line (only the token's hash is kept)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="useraccount.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class AppSetting(SQLModel, table=True):
    """Database-wide settings every terminal shares (e.g. the current wave)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(default="", max_length=1000)
