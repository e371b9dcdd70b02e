"""Loading questionnaires into a wave, on behalf of a supervisor."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session

from callcentre.db.engine import writing
from callcentre.errors import InvalidInput
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from callcentre.services.waves import resolve_wave


@dataclass(frozen=True)
class Loaded:
    form_id: str
    version: str
    questions: int
    outcome: str  # created | replaced | unchanged


def item_of(path: Path) -> int | None:
    """The catalogue item of a bundled module file name (``item_2021_028.xlsx`` → 28)."""
    parts = path.stem.split("_")
    if len(parts) == 3 and parts[0] == "item" and parts[2].isdigit():
        return int(parts[2])
    return None


def bundled_for(wave_code: str) -> list[Path]:
    """The bundled question bank for a wave whose code is a catalogued year."""
    from questionnaires.bank import bundled_paths

    try:
        return list(bundled_paths(int(wave_code[:4])))
    except (ValueError, LookupError, OSError):
        raise InvalidInput("questionnaire.no_bundled", wave=wave_code) from None


def load_questionnaires(*, session: Session, actor: Actor, wave: str | None,
                        paths: Sequence[Path]) -> list[Loaded]:
    """Load XLSForm workbooks into the wave, all or none (one transaction).

    Raises ``questionnaires.xlsform.XLSFormError`` for an invalid form (nothing
    stored), :class:`~callcentre.errors.UserError` for a locked version.
    """
    from callcentre.questionnaire_store import load_questionnaire_file

    require(actor, "questionnaire.load")
    with writing(session):
        w = resolve_wave(session, wave=wave)
        out = []
        for path in paths:
            result = load_questionnaire_file(session=session, wave_code=w.code, path=path,
                                             item_number=item_of(path))
            row = result.version
            out.append(Loaded(row.form_id, row.version, row.question_count, result.outcome))
            if result.outcome != "unchanged":
                record(session, actor=actor, action=f"questionnaire.{result.outcome}",
                       object_type="questionnaire", object_id=f"{row.form_id}@{row.version}",
                       wave_id=w.id, after={"file": path.name, "sha256": row.sha256,
                                            "questions": row.question_count})
    return out
