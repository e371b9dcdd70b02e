"""Questionnaire versions in the database: load, fetch, lock.

Query functions take keyword-only arguments and a ``session``; the caller owns
the transaction (commit or roll back). The interview layer calls
:func:`lock_questionnaire` when the first interview starts on a version; after
that :func:`load_questionnaire` refuses to change it (a new version number is
needed), so every saved interview can always be replayed on the exact form it
was taken with.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from callcentre.db.models.frame import Wave
from callcentre.db.models.questionnaire import QuestionnaireVersion, utcnow
from callcentre.errors import UserError
from questionnaires.model import Form
from questionnaires.xlsform import XLSFormError, check_sheets, read_sheets

Sheets = Mapping[str, Sequence[Sequence[Any]]]


@dataclass(frozen=True)
class LoadResult:
    version: QuestionnaireVersion
    outcome: str
    """``created``, ``replaced`` or ``unchanged``."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def canonical_sheets(sheets: Sheets) -> dict[str, list[list[str]]]:
    """Sheets as text cells, trailing blanks dropped: what is stored and hashed."""
    out: dict[str, list[list[str]]] = {}
    for name, rows in sheets.items():
        table = [[_text(v) for v in row] for row in rows]
        table = [row[:max((i + 1 for i, v in enumerate(row) if v), default=0)] for row in table]
        while table and not table[-1]:
            table.pop()
        out[name] = table
    return out


def _digest(sheets: Mapping[str, list[list[str]]]) -> str:
    blob = json.dumps(sheets, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _wave(session: Session, wave_code: str) -> Wave:
    wave = session.exec(select(Wave).where(Wave.code == wave_code)).first()
    if wave is None:
        raise UserError("questionnaire.db.no_wave", wave=wave_code)
    return wave


def load_questionnaire(*, session: Session, wave_code: str, sheets: Sheets,
                       source_name: str = "", item_number: int | None = None) -> LoadResult:
    """Store a questionnaire version (its sheets) in the wave ``wave_code``.

    Raises
    ------
    XLSFormError
        The sheets do not make a valid form.
    UserError
        No such wave, or the version is locked and the content differs.
    """
    canonical = canonical_sheets(sheets)
    form, issues = check_sheets(canonical, source=source_name)
    if form is None:
        raise XLSFormError(source_name, issues)
    wave = _wave(session, wave_code)
    digest = _digest(canonical)
    existing = session.exec(select(QuestionnaireVersion).where(
        QuestionnaireVersion.wave_id == wave.id,
        QuestionnaireVersion.form_id == form.form_id,
        QuestionnaireVersion.version == form.version,
    )).first()
    fields: dict[str, Any] = {
        "title": form.title, "source_name": source_name, "sha256": digest,
        "question_count": len(form.questions), "item_number": item_number,
        "definition": json.dumps(canonical, ensure_ascii=False),
    }
    if existing is not None:
        if existing.sha256 == digest:
            return LoadResult(existing, "unchanged")
        if existing.locked:
            raise UserError("questionnaire.db.locked", form_id=form.form_id,
                            version=form.version)
        for key, value in fields.items():
            setattr(existing, key, value)
        existing.loaded_at = utcnow()
        session.add(existing)
        session.flush()
        return LoadResult(existing, "replaced")
    assert wave.id is not None
    row = QuestionnaireVersion(wave_id=wave.id, form_id=form.form_id, version=form.version,
                               **fields)  # type: ignore[arg-type]
    session.add(row)
    session.flush()
    return LoadResult(row, "created")


def load_questionnaire_file(*, session: Session, wave_code: str, path: str | Path,
                            item_number: int | None = None) -> LoadResult:
    """:func:`load_questionnaire` for a workbook on disk."""
    return load_questionnaire(session=session, wave_code=wave_code, sheets=read_sheets(path),
                              source_name=Path(path).name, item_number=item_number)


def find_version(*, session: Session, wave_code: str, form_id: str,
                 version: str | None = None) -> QuestionnaireVersion:
    """A stored version (the newest loaded when ``version`` is ``None``)."""
    wave = _wave(session, wave_code)
    query = select(QuestionnaireVersion).where(QuestionnaireVersion.wave_id == wave.id,
                                               QuestionnaireVersion.form_id == form_id)
    if version is not None:
        query = query.where(QuestionnaireVersion.version == version)
    newest_first = (col(QuestionnaireVersion.loaded_at).desc(), col(QuestionnaireVersion.id).desc())
    row = session.exec(query.order_by(*newest_first)).first()
    if row is None:
        raise UserError("questionnaire.db.not_found", wave=wave_code, form_id=form_id,
                        version=version or "")
    return row


def form_of(row: QuestionnaireVersion) -> Form:
    """Rebuild the :class:`Form` a stored version holds."""
    form, issues = check_sheets(json.loads(row.definition), source=row.source_name)
    if form is None:  # stored content was valid when loaded
        raise XLSFormError(row.source_name, issues)
    return form


def lock_questionnaire(*, session: Session, version_id: int) -> QuestionnaireVersion:
    """Mark a version as used by interviews (idempotent). Called by the interview layer."""
    row = session.get(QuestionnaireVersion, version_id)
    if row is None:
        raise KeyError(version_id)
    if not row.locked:
        row.locked = True
        row.locked_at = utcnow()
        session.add(row)
        session.flush()
    return row


def list_questionnaires(*, session: Session, wave_code: str) -> list[QuestionnaireVersion]:
    wave = _wave(session, wave_code)
    return list(session.exec(select(QuestionnaireVersion)
                             .where(QuestionnaireVersion.wave_id == wave.id)
                             .order_by(QuestionnaireVersion.form_id,
                                       QuestionnaireVersion.version)).all())
