"""What the caller's session holds between screens (no Textual here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the services pull in the database layer: not before the log-in
    from callcentre.services.actor import Actor
    from callcentre.services.caller_desk import CaseCard
    from callcentre.services.interviews import CaseInterview


@dataclass
class Desk:
    """The logged-in caller, the line, and the case in hand."""

    actor: Actor | None = None
    line: str | None = None
    case_id: int | None = None
    card: CaseCard | None = None
    number: int = 0
    """Position of the number to dial among the case's numbers."""
    call_started: datetime | None = None
    interview: CaseInterview | None = None
    after_outcome: str = "next"
    """What follows the outcome: ``next`` case, ``pause`` or ``logout``."""
    notes: list[str] = field(default_factory=list)

    def drop_case(self) -> None:
        self.case_id = None
        self.card = None
        self.number = 0
        self.call_started = None
        self.interview = None
