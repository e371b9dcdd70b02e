"""A case as the scheduler sees it: plain, immutable values the database layer fills.

The database keeps cases, numbers and attempts in tables; the service reads one
case into a :class:`CaseState` and asks :func:`callcentre.fieldwork.rules.decide`
what to do with it. Nothing here knows SQL. All times are timezone-aware (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise

from callcentre.fieldwork.dispositions import DISPOSITIONS, DispositionSet
from callcentre.fieldwork.notices import require_aware
from questionnaires.engine import Progress


@dataclass(frozen=True)
class PhoneNumber:
    """One of a case's numbers, in import order (the first is the primary)."""

    e164: str
    dnc: bool = False
    """On the do-not-call list: never dialled."""


@dataclass(frozen=True)
class Attempt:
    """One ended call attempt (the one in progress is not part of the state)."""

    started_at: datetime
    disposition: str
    """A disposition key (``no_answer``, ``appointment_hard`` …)."""
    number: int
    """Index into :attr:`CaseState.numbers`."""
    ended_at: datetime | None = None
    caller: str | None = None

    def __post_init__(self) -> None:
        require_aware(self.started_at, "attempt start")
        if self.ended_at is not None:
            require_aware(self.ended_at, "attempt end")

    @property
    def end(self) -> datetime:
        """When the attempt ended (its start if the end was not recorded)."""
        return self.ended_at or self.started_at


@dataclass(frozen=True)
class Appointment:
    """A callback booked with the enterprise.

    ``hard``: the respondent agreed a time (called first when due); soft: "call
    back later / after 3" (callable from ``at``, ahead of ordinary cases).
    ``caller``: the caller who should keep it (``None``: anyone).
    """

    at: datetime
    hard: bool
    caller: str | None = None
    number: int | None = None

    def __post_init__(self) -> None:
        require_aware(self.at, "appointment")


@dataclass(frozen=True)
class Caller:
    """Who is asking for work."""

    id: str
    refusal_converter: bool = False


@dataclass(frozen=True)
class CaseState:
    """Everything the scheduler needs to know about one case.

    Parameters
    ----------
    numbers
        The case's phone numbers in order.
    attempts
        Its ended attempts in start order.
    released_at
        When its replicate was released (``None``: not released, never called).
    appointment
        The current appointment (set by the last attempt that booked one).
    priority
        Supervisor's priority; higher is called first.
    stratum_full
        The completes target of its stratum is reached.
    dnc
        The enterprise is on the do-not-call list.
    held_by, lease_until
        The caller holding it and until when (the database manages leases; the
        scheduler only explains them).
    assigned_to
        A supervisor assigned it to this caller.
    interview
        Answered and applicable questions of its interview so far.
    """

    numbers: tuple[PhoneNumber, ...]
    attempts: tuple[Attempt, ...] = ()
    released_at: datetime | None = None
    appointment: Appointment | None = None
    priority: int = 0
    stratum_full: bool = False
    dnc: bool = False
    held_by: str | None = None
    lease_until: datetime | None = None
    assigned_to: str | None = None
    interview: Progress | None = None

    def __post_init__(self) -> None:
        for a in self.attempts:
            if not 0 <= a.number < len(self.numbers):
                raise ValueError(f"attempt on number {a.number}, but the case has "
                                 f"{len(self.numbers)} numbers")
        for a, b in pairwise(self.attempts):
            if b.started_at < a.started_at:
                raise ValueError(f"attempts must be in start order: {b.started_at} after "
                                 f"{a.started_at}")
        number = self.appointment.number if self.appointment is not None else None
        if number is not None and not 0 <= number < len(self.numbers):
            raise ValueError(f"appointment on number {number}, but the case has "
                             f"{len(self.numbers)} numbers")


def record_attempt(state: CaseState, attempt: Attempt, *, appointment: Appointment | None = None,
                   interview: Progress | None = None,
                   dispositions: DispositionSet = DISPOSITIONS) -> CaseState:
    """The state after ``attempt`` ended.

    An appointment outcome must come with its ``appointment`` (validate it first with
    :func:`callcentre.fieldwork.rules.check_appointment`); any other outcome clears the
    previous appointment, which that attempt used up. ``interview`` replaces the
    interview progress when given.
    """
    disposition = dispositions.get(attempt.disposition)
    if disposition.appointment and appointment is None:
        raise ValueError(f"{attempt.disposition} needs the appointment it booked")
    if not disposition.appointment and appointment is not None:
        raise ValueError(f"{attempt.disposition} books no appointment")
    if appointment is not None and appointment.hard != disposition.hard_appointment:
        raise ValueError(f"{attempt.disposition}: appointment hardness does not match")
    return replace(state, attempts=(*state.attempts, attempt), appointment=appointment,
                   interview=interview if interview is not None else state.interview)
