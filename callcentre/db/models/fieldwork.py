"""Fieldwork: the call queue, its numbers, attempts, answers, caller sessions,
the holiday table and the do-not-call list.

``CaseQueue`` is one row per released ``SampleCase`` (same id): the scheduler's
stored verdict (``next_call_at``, ``only_half``, ``converter_only``, reservation),
the appointment, the holder and lease, counts and the final disposition. The
claim reads only this table (one indexed statement), so every field the claim
order needs lives here, kept current by the service that ends an attempt
(:func:`callcentre.fieldwork.rules.decide` after each attempt).

Every attempt and every answer is a row of its own and is never updated in place
except to close it (``ended_at``/``disposition``): an answer changed later is a
new row, the latest per question being the current value.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class CaseQueue(SQLModel, table=True):
    """A released case in the call queue."""

    __table_args__ = (
        Index("ix_casequeue_claim", "wave_id", "status", "next_call_at"),
        Index("ix_casequeue_holder", "holder_id"),
        Index("ix_casequeue_lease", "lease_until"),
    )
    case_id: int = Field(primary_key=True, foreign_key="samplecase.id")
    wave_id: int = Field(foreign_key="wave.id")
    design_id: int = Field(foreign_key="sampledesign.id", index=True)
    status: str = Field(default="open", max_length=16,
                        description="open | held (scheduler or supervisor) | closed")
    priority: int = 0
    # the scheduler's stored verdict (rules.decide after each attempt)
    next_call_at: datetime | None = Field(default=None, description="None: never callable again")
    only_half: str | None = Field(default=None, max_length=10, description="morning | afternoon")
    converter_only: bool = False
    reserved_for: int | None = Field(default=None, foreign_key="useraccount.id")
    reserved_until: datetime | None = None
    assigned_to: int | None = Field(default=None, foreign_key="useraccount.id",
                                    description="a supervisor gave it to this caller")
    released_at: datetime | None = Field(default=None, description="its replicate's release")
    waiting_since: datetime = Field(default_factory=utcnow,
                                    description="when it became due (longest waiting first)")
    # the current appointment
    appt_at: datetime | None = None
    appt_hard: bool = False
    appt_caller_id: int | None = Field(default=None, foreign_key="useraccount.id")
    appt_number: int | None = None
    # who holds it now
    holder_id: int | None = Field(default=None, foreign_key="useraccount.id")
    line: str | None = Field(default=None, max_length=20)
    lease_until: datetime | None = None
    attempt_id: int | None = Field(default=None, description="the attempt in progress")
    # counts
    attempts: int = 0
    last_attempt_at: datetime | None = None
    contacted: bool = False
    # outcome
    final_code: str | None = Field(default=None, max_length=10)
    final_group: str | None = Field(default=None, max_length=4)
    closed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class CasePhone(SQLModel, table=True):
    """One of a case's numbers, in import order (position 0 is the primary)."""

    __table_args__ = (UniqueConstraint("case_id", "position", name="uq_casephone_position"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="samplecase.id", index=True)
    position: int
    e164: str = Field(max_length=32)
    ext: str | None = Field(default=None, max_length=16)
    kind: str | None = Field(default=None, max_length=16, description="mobile | fixed_line …")
    attempts: int = 0
    dead: bool = False


class CallAttempt(SQLModel, table=True):
    """One call attempt: opened at claim, closed with exactly one disposition."""

    __table_args__ = (
        Index("ix_callattempt_case", "case_id", "started_at"),
        Index("ix_callattempt_caller_day", "caller_id", "started_at"),
        Index("ix_callattempt_open", "case_id", "ended_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="samplecase.id")
    wave_id: int = Field(foreign_key="wave.id", index=True)
    caller_id: int = Field(foreign_key="useraccount.id")
    line: str = Field(max_length=20)
    number: int | None = Field(default=None, description="CasePhone.position dialled")
    dialled: str | None = Field(default=None, max_length=32, description="E.164 dialled")
    started_at: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    disposition: str | None = Field(default=None, max_length=40,
                                    description="disposition key; None while in progress")
    code: str | None = Field(default=None, max_length=10, description="AAPOR code")
    group: str | None = Field(default=None, max_length=4, description="I P R NC O UH UO NE")
    abandoned: bool = Field(default=False, description="closed by lease expiry, not the caller")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class Answer(SQLModel, table=True):
    """One answer as entered (history kept: the newest row per question counts)."""

    __table_args__ = (Index("ix_answer_case_question", "case_id", "question", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="samplecase.id")
    attempt_id: int | None = Field(default=None, foreign_key="callattempt.id")
    questionnaire_id: int = Field(foreign_key="questionnaireversion.id")
    question: str = Field(max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False),
                       description="JSON of the value; null when cleared")
    caller_id: int = Field(foreign_key="useraccount.id")
    answered_at: datetime = Field(default_factory=utcnow)


class CallerSession(SQLModel, table=True):
    """A caller logged in on one outbound line (for line capacity and presence)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="useraccount.id", index=True)
    line: str = Field(max_length=20, index=True)
    started_at: datetime = Field(default_factory=utcnow)
    last_seen: datetime = Field(default_factory=utcnow)
    ended_at: datetime | None = None
    paused: bool = False


class CalendarDay(SQLModel, table=True):
    """An official holiday or make-up workday imported by a supervisor."""

    day: date = Field(primary_key=True)
    kind: str = Field(max_length=10, description="holiday | workday")
    name: str = Field(default="", max_length=100)
    imported_at: datetime = Field(default_factory=utcnow)


class DoNotCall(SQLModel, table=True):
    """A number (E.164) never to be dialled."""

    e164: str = Field(primary_key=True, max_length=32)
    reason: str = Field(default="", max_length=200)
    added_by: int | None = Field(default=None, foreign_key="useraccount.id")
    added_at: datetime = Field(default_factory=utcnow)
