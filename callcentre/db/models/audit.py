"""The audit trail: who did what, when, to which object, with before and after.

Append-only: triggers on both databases refuse UPDATE and DELETE (migration
0005), so a row once written stays as written.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    user_id: int | None = Field(default=None, foreign_key="useraccount.id", index=True)
    username: str = Field(default="", max_length=64, description="kept if the user is renamed")
    action: str = Field(max_length=64, index=True, description="e.g. import.file, sample.draw")
    object_type: str = Field(default="", max_length=40)
    object_id: str = Field(default="", max_length=100)
    wave_id: int | None = Field(default=None, foreign_key="wave.id")
    before: str = Field(default="", sa_column=Column(Text, nullable=False, default=""),
                        description="JSON of the object before, '' for none")
    after: str = Field(default="", sa_column=Column(Text, nullable=False, default=""),
                       description="JSON of the object after, '' for none")
