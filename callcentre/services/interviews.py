"""Interviews: a case's questionnaire, answers saved one by one, resuming after a break.

A case's interview is the opening, one module per item the case covers, and the
closing (:func:`questionnaires.bank.interview_form`'s composition), built from the
questionnaire versions loaded into the wave; the versions are locked at first use.
Every answer is written in its own short transaction the moment it is entered
(case, question, JSON value, caller, time, questionnaire version, attempt): a caller
process that dies keeps everything it entered. The newest row per question is the
current value; :func:`resume_interview` rebuilds the interview from those and
reopens it at the first applicable question without an answer.

Only the caller holding the case may start an interview or save answers; reading
another caller's case needs ``work.read_all``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from callcentre.db.engine import writing
from callcentre.db.models.fieldwork import Answer, CaseQueue
from callcentre.db.models.frame import Enterprise, Item, Wave
from callcentre.db.models.questionnaire import QuestionnaireVersion
from callcentre.db.models.sample import SampleCase, SampleCaseItem
from callcentre.errors import Conflict, InvalidInput, NotFound
from callcentre.services.actor import Actor, require
from callcentre.services.audit import record
from questionnaires.engine import STATE_VERSION, Interview, Progress
from questionnaires.model import Form


@dataclass(frozen=True)
class Parts:
    """The composed form of a case and the stored version behind each module."""

    form: Form
    version_of: Mapping[str, int]
    """module form id -> QuestionnaireVersion id."""
    enterprise: str

    def version_for(self, question: str) -> int:
        q = next((q for q in self.form.questions if q.name == question), None)
        if q is None or not q.takes_answer:
            raise InvalidInput("interview.no_such_question", question=question)
        return self.version_of[q.module]


_forms: dict[tuple[int, ...], Form] = {}


def case_parts(session: Session, case_id: int) -> Parts:
    """The case's composed questionnaire from the wave's loaded versions (newest of each)."""
    from callcentre.questionnaire_store import form_of
    from questionnaires.bank_build import CLOSING, GATE, OPENING
    from questionnaires.compose import compose

    found = session.exec(select(SampleCase, Wave, Enterprise)
                         .join(Wave, col(Wave.id) == col(SampleCase.wave_id))
                         .join(Enterprise, col(Enterprise.id) == col(SampleCase.enterprise_id))
                         .where(SampleCase.id == case_id)).first()
    if found is None:
        raise NotFound("queue.case_unknown", case=case_id)
    case, wave, ent = found
    year = int(wave.code[:4]) if wave.code[:4].isdigit() else 0
    items = sorted(set(session.exec(
        select(Item.number).join(SampleCaseItem, col(SampleCaseItem.item_id) == col(Item.id))
        .where(SampleCaseItem.case_id == case_id)).all()))
    rows = session.exec(select(QuestionnaireVersion)
                        .where(QuestionnaireVersion.wave_id == wave.id)
                        .order_by(col(QuestionnaireVersion.loaded_at),
                                  col(QuestionnaireVersion.id))).all()
    newest: dict[str, QuestionnaireVersion] = {r.form_id: r for r in rows}
    by_item = {r.item_number: r for r in newest.values() if r.item_number is not None}
    opening = newest.get(f"{OPENING}_{year}")
    closing = newest.get(f"{CLOSING}_{year}")
    missing = [str(n) for n in items if n not in by_item]
    if opening is None or closing is None or missing:
        raise NotFound("interview.not_loaded", wave=wave.code,
                       items="、".join(missing) or "—")
    parts = [opening, *(by_item[n] for n in items), closing]
    key = tuple(int(p.id or 0) for p in parts)
    form = _forms.get(key)
    if form is None:
        forms = [form_of(p) for p in parts]
        form = compose(forms[0], forms[1:-1], forms[-1], gate=GATE, form_id=f"interview_{year}")
        _forms[key] = form
    del case
    return Parts(form, {p.form_id: int(p.id or 0) for p in parts}, ent.name)


def _latest_answers(session: Session, case_id: int) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for question, value in session.exec(select(Answer.question, Answer.value)
                                        .where(Answer.case_id == case_id)
                                        .order_by(col(Answer.id))).all():
        values[question] = json.loads(value)
    return {k: v for k, v in values.items() if v is not None}


def rebuild(parts: Parts, answers: Mapping[str, Any]) -> Interview:
    """The interview with ``answers``, positioned at the first applicable displayed
    question that takes an answer and has none (finished when there is none)."""
    form = parts.form
    iv = Interview.from_dict(form, {
        "state_version": STATE_VERSION, "form_id": form.form_id, "version": form.version,
        "modules": list(form.modules), "answers": dict(answers), "position": None,
        "history": [], "context": {"enterprise": parts.enterprise}})
    shown = [q for q in form.questions if q.displayed and iv.is_applicable(q.name)]
    first = next((i for i, q in enumerate(shown) if q.takes_answer and q.name not in answers),
                 None)
    if first is None:      # every applicable question answered: finished
        return iv
    # the notes just before it (a module's introduction) are read out again
    while first > 0 and not shown[first - 1].takes_answer:
        first -= 1
    iv.jump(shown[first].name)
    return iv


def stored_progress(session: Session, case_id: int) -> Progress | None:
    """Answered and applicable questions from the stored answers (``None``: no answers)."""
    has = session.exec(select(func.count()).select_from(Answer)
                       .where(Answer.case_id == case_id)).one()
    if not has:
        return None
    return rebuild(case_parts(session, case_id), _latest_answers(session, case_id)).progress()


def _case(session: Session, case_id: int) -> CaseQueue:
    row = session.get(CaseQueue, case_id)
    if row is None:
        raise NotFound("queue.case_unknown", case=case_id)
    return row


@dataclass
class CaseInterview:
    case_id: int
    interview: Interview
    parts: Parts


def start_interview(*, session: Session, actor: Actor, case_id: int) -> CaseInterview:
    """Open the held case's interview (resuming any answers already saved) and lock the
    questionnaire versions it uses."""
    from callcentre.questionnaire_store import lock_questionnaire

    require(actor, "queue.work")
    with writing(session):
        row = _case(session, case_id)
        if row.holder_id != actor.id:
            raise Conflict("queue.not_holder", case=case_id)
        parts = case_parts(session, case_id)
        for form_id, version_id in parts.version_of.items():
            v = session.get(QuestionnaireVersion, version_id)
            if v is not None and not v.locked:
                lock_questionnaire(session=session, version_id=version_id)
                record(session, actor=actor, action="questionnaire.lock",
                       object_type="questionnaire", object_id=f"{form_id}@{v.version}",
                       wave_id=row.wave_id)
        iv = rebuild(parts, _latest_answers(session, case_id))
    return CaseInterview(case_id, iv, parts)


def save_answer(*, session: Session, actor: Actor, case_id: int, question: str, value: Any,
                parts: Parts | None = None, now: datetime | None = None) -> int:
    """Write one answer as entered (``None`` clears it), in its own transaction. Only the
    caller holding the case may. Returns the answer's id."""
    require(actor, "queue.work")
    parts = parts or case_parts(session, case_id)
    version = parts.version_for(question)
    session.rollback()
    with writing(session):
        row = session.get(CaseQueue, case_id)
        if row is None:
            raise NotFound("queue.case_unknown", case=case_id)
        if row.holder_id != actor.id or row.attempt_id is None:
            raise Conflict("queue.not_holder", case=case_id)
        answer = Answer(case_id=case_id, attempt_id=row.attempt_id, questionnaire_id=version,
                        question=question, value=json.dumps(value, ensure_ascii=False),
                        caller_id=actor.id, answered_at=now or datetime.now(UTC))
        session.add(answer)
        session.flush()
        out = int(answer.id or 0)
    return out


def resume_interview(*, session: Session, actor: Actor, case_id: int) -> CaseInterview:
    """The interview rebuilt from the newest answer per question, at the first unanswered
    question. The holder, or a supervisor, may read it."""
    require(actor, "queue.work")
    row = _case(session, case_id)
    if row.holder_id != actor.id and not actor.may("work.read_all"):
        raise Conflict("queue.not_yours", case=case_id)
    parts = case_parts(session, case_id)
    iv = rebuild(parts, _latest_answers(session, case_id))
    session.rollback()
    return CaseInterview(case_id, iv, parts)
