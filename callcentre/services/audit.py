"""The audit trail: one row per change, written in the change's own transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from callcentre.db.models.audit import AuditEvent
from callcentre.services.actor import Actor, require


def _json(value: Any) -> str:
    if value is None:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def record(session: Session | Connection, *, actor: Actor | None, action: str,
           object_type: str = "", object_id: object = "", wave_id: int | None = None,
           before: Any = None, after: Any = None) -> None:
    """Add one audit row to the transaction of ``session`` (or of a Core
    ``Connection``, for the bulk writers); the caller commits.

    ``actor`` is None only for what the system does on its own (an expired lease).
    """
    event = AuditEvent(
        user_id=actor.id if actor else None, username=actor.username if actor else "",
        action=action, object_type=object_type, object_id=str(object_id)[:100],
        wave_id=wave_id, before=_json(before), after=_json(after))
    if isinstance(session, Connection):
        values = event.model_dump(exclude={"id"})
        session.execute(insert(AuditEvent.__table__), values)  # type: ignore[attr-defined]
    else:
        session.add(event)


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    object_type: str
    object_id: str
    before: str
    after: str


def list_events(*, session: Session, actor: Actor, action: str | None = None,
                username: str | None = None, since: datetime | None = None,
                limit: int | None = 200) -> Sequence[AuditRow]:
    """Newest first; ``action`` matches a prefix (``sample`` finds every sample.*)."""
    require(actor, "audit.read")
    stmt = select(AuditEvent).order_by(col(AuditEvent.id).desc())
    if action:
        stmt = stmt.where(col(AuditEvent.action).startswith(action))
    if username:
        stmt = stmt.where(AuditEvent.username == username)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    if limit:
        stmt = stmt.limit(limit)
    return [AuditRow(int(e.id or 0), e.at, e.username, e.action, e.object_type, e.object_id,
                     e.before, e.after) for e in session.exec(stmt).all()]
