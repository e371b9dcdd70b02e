"""Questionnaire versions loaded into a wave.

A version is the full XLSForm definition (its sheets as JSON, so the exact form
can be rebuilt with ``questionnaires.xlsform.check_sheets``) plus a content hash.
Loading the same content again is a no-op; loading different content under the
same ``form_id`` and ``version`` replaces it only while ``locked`` is false.

``locked`` is set by the interview layer (``lock_questionnaire`` in
``callcentre.questionnaire_store``) when the first interview starts on that
version: from then on the version is immutable, and a changed questionnaire
needs a new version number.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Now, timezone-aware UTC (sqlmodel stores datetimes as UTC-aware)."""
    return datetime.now(UTC)


class QuestionnaireVersionBase(SQLModel):
    form_id: str = Field(max_length=100, index=True)
    version: str = Field(default="", max_length=50)
    title: str = Field(default="", max_length=300)
    item_number: int | None = Field(default=None, description="catalogue item, for item modules")
    source_name: str = Field(default="", max_length=300, description="workbook file name")
    sha256: str = Field(max_length=64)
    question_count: int = 0
    definition: str = Field(sa_column=Column(Text, nullable=False),
                            description="JSON: sheet name -> rows of cell text")
    locked: bool = Field(default=False, description="set once interviews use this version")


class QuestionnaireVersion(QuestionnaireVersionBase, table=True):
    """One version of one questionnaire (module) in a wave."""

    __table_args__ = (
        UniqueConstraint("wave_id", "form_id", "version", name="uq_questionnaire_version"),
    )
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    loaded_at: datetime = Field(default_factory=utcnow)
    locked_at: datetime | None = None
