"""What the caller's screens show around the queue: free lines, the caller's own day,
the case card, pausing.

The queue services (:mod:`callcentre.services.queue`) claim, extend and end; these
read what a caller needs to see to work a case (the enterprise's contact person, its
items with the reform each one is about, earlier attempts), always for the case the
caller holds (:func:`callcentre.services.queue.show_case` enforces that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from callcentre.db.engine import writing
from callcentre.db.models.fieldwork import CallAttempt, CallerSession, CaseQueue
from callcentre.db.models.frame import Item, ListRow, Wave
from callcentre.db.models.sample import SampleCase, SampleCaseItem
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from callcentre.services.queue import CaseView, rules_for, show_case
from callcentre.settings import Settings


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).astimezone(UTC)


@dataclass(frozen=True)
class LineLoad:
    line: str
    open_sessions: int
    max_calls: int

    @property
    def free(self) -> int:
        return max(0, self.max_calls - self.open_sessions)


def lines(*, session: Session, actor: Actor, settings: Settings | None = None) -> list[LineLoad]:
    """Every configured outbound line with its open caller sessions (the caller's own
    session does not count against the line it is on)."""
    require(actor, "queue.work")
    rules = rules_for(session, settings)
    counts = dict(session.exec(
        select(CallerSession.line, func.count()).where(
            col(CallerSession.ended_at).is_(None), CallerSession.user_id != actor.id)
        .group_by(CallerSession.line)).all())
    session.rollback()
    return [LineLoad(line, int(counts.get(line, 0)), cap) for line, cap in rules.lines.items()]


@dataclass(frozen=True)
class MyDay:
    """The caller's own counts since local midnight."""

    attempts: int
    completes: int
    appointments: int


def my_day(*, session: Session, actor: Actor, now: datetime | None = None,
           settings: Settings | None = None) -> MyDay:
    require(actor, "queue.work")
    tz = ZoneInfo((settings or Settings()).calling.timezone)
    local = _now(now).astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    rows = session.exec(select(CallAttempt.disposition, func.count()).where(
        CallAttempt.caller_id == actor.id, col(CallAttempt.started_at) >= midnight,
        col(CallAttempt.ended_at).is_not(None), CallAttempt.abandoned == False)
        .group_by(col(CallAttempt.disposition))).all()
    session.rollback()
    by = {str(d): int(n) for d, n in rows}
    return MyDay(attempts=sum(n for d, n in by.items() if d != "abandoned"),
                 completes=by.get("complete", 0),
                 appointments=by.get("appointment_hard", 0) + by.get("appointment_soft", 0))


@dataclass(frozen=True)
class CardItem:
    number: int
    reform: str
    """The reform in plain words (the catalogue's short name, else the item's text)."""


@dataclass(frozen=True)
class CaseCard:
    view: CaseView
    contact: str
    items: list[CardItem]
    attempt_no: int
    """This call's number among the case's counted attempts (1 = first call)."""
    waiting: timedelta | None
    """How long the case has waited since its release."""


def case_card(*, session: Session, actor: Actor, case_id: int, now: datetime | None = None,
              settings: Settings | None = None) -> CaseCard:
    """The held case as its card shows it (refused for another caller's case)."""
    from questionnaires.catalogue import catalogue_item

    at = _now(now)
    view = show_case(session=session, actor=actor, case_id=case_id, now=at, settings=settings)
    found = session.exec(select(SampleCase, Wave).join(Wave, col(Wave.id) ==
                                                       col(SampleCase.wave_id))
                         .where(SampleCase.id == case_id)).first()
    items: list[CardItem] = []
    contact = ""
    waiting = None
    if found is not None:
        case, wave = found
        year = int(wave.code[:4]) if wave.code[:4].isdigit() else 0
        for number, text in session.exec(
                select(Item.number, Item.text).join(SampleCaseItem, col(SampleCaseItem.item_id)
                                                    == col(Item.id))
                .where(SampleCaseItem.case_id == case_id).order_by(col(Item.number))).all():
            try:
                reform = catalogue_item(int(number), year).reform or text
            except (KeyError, ValueError):
                reform = text
            items.append(CardItem(int(number), reform))
        contact = session.exec(select(ListRow.contact).where(
            ListRow.enterprise_id == case.enterprise_id, ListRow.contact != "")
            .order_by(col(ListRow.id))).first() or ""
        row = session.get(CaseQueue, case_id)
        released = row.released_at if row is not None else None
        if released is not None:
            released = released if released.tzinfo else released.replace(tzinfo=UTC)
            waiting = at - released
    counted = sum(1 for a in view.attempts if a[1] is not None and a[5] != "abandoned")
    session.rollback()
    return CaseCard(view=view, contact=contact, items=items, attempt_no=counted + 1,
                    waiting=waiting)


def set_paused(*, session: Session, actor: Actor, paused: bool) -> None:
    """Mark the caller's open session paused (no new case until resumed) or back."""
    require(actor, "queue.work")
    with writing(session):
        rows = session.exec(select(CallerSession).where(
            CallerSession.user_id == actor.id, col(CallerSession.ended_at).is_(None))).all()
        for s in rows:
            s.paused = paused
            session.add(s)
        record(session, actor=actor, action="queue.pause" if paused else "queue.resume",
               object_type="line", object_id=",".join(s.line for s in rows))


def held_case(*, session: Session, actor: Actor) -> int | None:
    """The case the caller holds now (after a crash or a closed terminal), if any."""
    require(actor, "queue.work")
    got = session.exec(select(CaseQueue.case_id).where(CaseQueue.holder_id == actor.id)
                       .order_by(col(CaseQueue.case_id))).first()
    session.rollback()
    return int(got) if got is not None else None
