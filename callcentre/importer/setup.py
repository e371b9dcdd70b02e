"""Get-or-create helpers for waves, departments and items."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from callcentre.db.models import Department, Item, Wave
from sampling.identifiers.names import normalise_name

#: PostgreSQL advisory lock taken by every transaction of an import that writes (on
#: SQLite, ``BEGIN IMMEDIATE`` does the same): one import writes at a time, and two
#: imports never both create the same wave, department or item
IMPORT_LOCK = 727_001


def ensure_wave(conn: Connection, code: str) -> int:
    t = Wave.__table__  # type: ignore[attr-defined]
    found = conn.execute(select(t.c.id).where(t.c.code == code)).scalar()
    if found is not None:
        return int(found)
    from callcentre.db.models.accounts import AppSetting
    from callcentre.db.models.frame import utcnow

    wave_id = int(conn.execute(
        insert(t).returning(t.c.id), {"code": code, "name": code, "created_at": utcnow()}
    ).scalar_one())
    # as `wave new` does: the first wave (none chosen yet) becomes the current one.
    # The services create waves explicitly; this path is the library's (tests, benchmarks).
    s = AppSetting.__table__  # type: ignore[attr-defined]
    if conn.execute(select(s.c.value).where(s.c.key == "current_wave")).first() is None:
        conn.execute(insert(s), {"key": "current_wave", "value": code})
    return wave_id


def ensure_department(conn: Connection, name: str) -> int:
    """Department id by name (normalised like enterprise names: NFKC, spaces, brackets)."""
    name = normalise_name(name)
    t = Department.__table__  # type: ignore[attr-defined]
    found = conn.execute(select(t.c.id).where(t.c.name == name)).scalar()
    if found is not None:
        return int(found)
    return int(conn.execute(
        insert(t).returning(t.c.id), {"name": name, "contact_name": "", "contact_phone": ""}
    ).scalar_one())


def _catalogue_entries(wave_code: str) -> dict[int, dict[str, object]]:
    """Item texts from the bundled catalogue, when the wave code is a catalogued year."""
    try:
        from questionnaires.catalogue import load_catalogue
    except ImportError:
        return {}
    try:
        year = int(wave_code[:4])
        items = load_catalogue(year)
    except (ValueError, FileNotFoundError, KeyError, LookupError):
        return {}
    return {
        it.item: {"area_number": it.area, "area_name": it.area_name, "text": it.text,
                  "lead_unit": getattr(it, "lead_unit", "")}
        for it in items
    }


def ensure_items(conn: Connection, wave_id: int, numbers: Iterable[int]) -> dict[int, int]:
    """item number -> Item.id for the wave, creating missing items from the catalogue."""
    t = Item.__table__  # type: ignore[attr-defined]
    w = Wave.__table__  # type: ignore[attr-defined]
    numbers = sorted(set(numbers))
    have = dict(conn.execute(
        select(t.c.number, t.c.id).where(t.c.wave_id == wave_id, t.c.number.in_(numbers))
    ).all())
    missing = [n for n in numbers if n not in have]
    if missing:
        code = conn.execute(select(w.c.code).where(w.c.id == wave_id)).scalar_one()
        catalogue = _catalogue_entries(code)
        for n in missing:
            extra = catalogue.get(n, {})
            have[n] = conn.execute(insert(t).returning(t.c.id), {
                "wave_id": wave_id, "number": n,
                "area_number": extra.get("area_number", 0),
                "area_name": extra.get("area_name", ""),
                "text": extra.get("text", ""),
                "lead_unit": extra.get("lead_unit", ""),
            }).scalar_one()
    return have
