"""The do-not-call list: numbers (E.164) never to be dialled, added and removed by
supervisors (and by the ``do_not_call`` outcome of a call), every change audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from callcentre.db.engine import writing
from callcentre.db.models.accounts import UserAccount
from callcentre.db.models.fieldwork import DoNotCall
from callcentre.errors import InvalidInput, NotFound
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from sampling.identifiers.phone import phone_rules
from sampling.identifiers.region import TIANJIN, RegionFacts


def normalise_number(text: str, region: RegionFacts = TIANJIN) -> str:
    """One number as stored (E.164); :class:`InvalidInput` unless the text is exactly
    one valid number (several, or none, are refused). A bare local number is one of
    ``region``'s area (the settings' region)."""
    result = phone_rules(region).normalise(text)
    if len(result.phones) != 1 or result.invalid:
        raise InvalidInput("dnc.bad_number", value=text)
    return result.phones[0].e164


@dataclass(frozen=True)
class DncRow:
    e164: str
    reason: str
    added_by: str
    added_at: datetime


def add_number(*, session: Session, actor: Actor, number: str, reason: str = "",
               region: RegionFacts = TIANJIN) -> bool:
    """Put ``number`` on the list; False if it was already there (its reason updated)."""
    require(actor, "queue.manage")
    e164 = normalise_number(number, region)
    with writing(session):
        row = session.get(DoNotCall, e164)
        new = row is None
        before = None if row is None else {"reason": row.reason}
        if row is None:
            row = DoNotCall(e164=e164, reason=reason[:200], added_by=actor.id)
        else:
            row.reason = reason[:200] or row.reason
        session.add(row)
        record(session, actor=actor, action="dnc.add", object_type="dnc", object_id=e164,
               before=before, after={"reason": row.reason})
    return new


def remove_number(*, session: Session, actor: Actor, number: str,
                  region: RegionFacts = TIANJIN) -> str:
    require(actor, "queue.manage")
    e164 = normalise_number(number, region)
    with writing(session):
        row = session.get(DoNotCall, e164)
        if row is None:
            raise NotFound("dnc.not_listed", number=number)
        record(session, actor=actor, action="dnc.remove", object_type="dnc", object_id=e164,
               before={"reason": row.reason}, after=None)
        session.delete(row)
    return e164


def list_numbers(*, session: Session, actor: Actor) -> list[DncRow]:
    require(actor, "queue.manage")
    rows = session.exec(select(DoNotCall, UserAccount.username)
                        .outerjoin(UserAccount, col(UserAccount.id) == DoNotCall.added_by)
                        .order_by(col(DoNotCall.added_at), col(DoNotCall.e164))).all()
    session.rollback()
    return [DncRow(d.e164, d.reason, name or "", d.added_at) for d, name in rows]
