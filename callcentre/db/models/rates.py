"""A cache for the outcome rates: each case's disposition group as its attempts say.

``RateCaseOutcome`` holds, per case with ended attempts, the group the rules of
:mod:`callcentre.fieldwork.final` give "if fieldwork ended now" and the attempt behind
it (:mod:`callcentre.db.queries.rates`). It is refreshed, in SQL, from the attempts
added or closed since the last refresh (``RateRefresh.low_id``), so counting the
rates does not re-read a million attempts each time. No foreign keys: it is derived
data, rebuilt at will, and must not stand in the way of deleting a sample.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class RateCaseOutcome(SQLModel, table=True):
    case_id: int = Field(primary_key=True)
    wave_id: int = Field(index=True)
    grp: str = Field(max_length=4, description="I P R NC O UH UO NE")
    attempt_id: int | None = Field(default=None, description="the attempt behind the group")


class RateRefresh(SQLModel, table=True):
    wave_id: int = Field(primary_key=True)
    low_id: int = Field(default=0, description="attempts with id >= low_id are read again")
    rules: str = Field(default="", max_length=64, description="digest of the rank table")
    refreshed_at: datetime = Field(default_factory=utcnow)
