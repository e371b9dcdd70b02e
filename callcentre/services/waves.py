"""Waves: created and chosen explicitly, never a silent default.

The current wave is a database-wide setting (``appsetting.current_wave``) so every
terminal works on the same one; a user may pick another for a command
(``--wave``, ``CALLCENTRE_WAVE`` or the config file), which :func:`resolve_wave` takes
first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from callcentre.db.engine import writing
from callcentre.db.models.accounts import AppSetting
from callcentre.db.models.frame import Item, SourceFile, Wave
from callcentre.db.models.sample import SampleDesign
from callcentre.errors import Conflict, InvalidInput, NotFound
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record

CURRENT_WAVE = "current_wave"
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]{0,31}$")


def _known_codes(session: Session) -> str:
    return "、".join(w.code for w in session.exec(select(Wave).order_by(col(Wave.id))).all())


def current_code(session: Session) -> str | None:
    row = session.get(AppSetting, CURRENT_WAVE)
    return row.value if row is not None and row.value else None


def resolve_wave(session: Session, *, wave: str | None) -> Wave:
    """The wave named by ``wave`` (a user's choice), else the database's current one."""
    code = wave or current_code(session)
    if code is None:
        if session.exec(select(func.count()).select_from(Wave)).one():
            raise NotFound("wave.none_chosen", waves=_known_codes(session))
        raise NotFound("wave.none_exists")
    found = session.exec(select(Wave).where(Wave.code == code)).first()
    if found is None:
        raise NotFound("wave.unknown", wave=code, waves=_known_codes(session) or "—")
    return found


def _set_current(session: Session, code: str) -> None:
    row = session.get(AppSetting, CURRENT_WAVE)
    if row is None:
        row = AppSetting(key=CURRENT_WAVE, value=code)
    row.value = code
    session.add(row)


@dataclass(frozen=True)
class WaveCreated:
    code: str
    made_current: bool


def create_wave(*, session: Session, actor: Actor, code: str, name: str = "",
                make_current: bool | None = None) -> WaveCreated:
    """Create a wave. It becomes the current wave when asked, or when none is."""
    require(actor, "wave.manage")
    code = code.strip()
    if not _CODE.match(code):
        raise InvalidInput("wave.bad_code", wave=code)
    with writing(session):
        if session.exec(select(Wave).where(Wave.code == code)).first() is not None:
            raise Conflict("wave.exists", wave=code)
        wave = Wave(code=code, name=name or code)
        session.add(wave)
        session.flush()
        current = make_current if make_current is not None else current_code(session) is None
        if current:
            _set_current(session, code)
        record(session, actor=actor, action="wave.new", object_type="wave", object_id=code,
               wave_id=wave.id, after={"code": code, "name": wave.name, "current": current})
    return WaveCreated(code, current)


def use_wave(*, session: Session, actor: Actor, code: str) -> None:
    """Make ``code`` the database's current wave for every terminal."""
    require(actor, "wave.manage")
    with writing(session):
        wave = session.exec(select(Wave).where(Wave.code == code)).first()
        if wave is None:
            raise NotFound("wave.unknown", wave=code, waves=_known_codes(session) or "—")
        before = current_code(session)
        _set_current(session, code)
        record(session, actor=actor, action="wave.use", object_type="wave", object_id=code,
               wave_id=wave.id, before={"current": before}, after={"current": code})


@dataclass(frozen=True)
class WaveRow:
    code: str
    name: str
    current: bool
    created_at: datetime
    files: int
    items: int
    designs: int


def list_waves(*, session: Session, actor: Actor) -> list[WaveRow]:
    del actor  # any user may see which waves exist
    current = current_code(session)
    out = []
    for w in session.exec(select(Wave).order_by(col(Wave.id))).all():
        def count(model: type, column: Any, wave_id: int | None = w.id) -> int:
            return int(session.exec(select(func.count()).select_from(model)
                                    .where(column == wave_id)).one())
        out.append(WaveRow(w.code, w.name, w.code == current, w.created_at,
                           count(SourceFile, SourceFile.wave_id), count(Item, Item.wave_id),
                           count(SampleDesign, SampleDesign.wave_id)))
    return out
