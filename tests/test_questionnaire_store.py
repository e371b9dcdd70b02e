"""Questionnaire versions in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from callcentre.db.engine import open_engine
from callcentre.db.models import Wave
from callcentre.errors import UserError
from callcentre.questionnaire_store import (
    find_version,
    form_of,
    list_questionnaires,
    load_questionnaire,
    load_questionnaire_file,
    lock_questionnaire,
)
from questionnaires.bank import module_path
from questionnaires.xlsform import XLSFormError


def sheets(label: str = "用过吗", version: str = "1") -> dict[str, list[list[str]]]:
    return {
        "survey": [["type", "name", "label"], ["select_one yn", "used", label]],
        "choices": [["list_name", "name", "label"], ["yn", "yes", "是"], ["yn", "no", "否"]],
        "settings": [["form_id", "version"], ["m1", version]],
    }


@pytest.fixture
def engine(db_url: str):  # type: ignore[no-untyped-def]
    engine = open_engine(db_url)
    with Session(engine) as session:
        session.add(Wave(code="2021", name="2021", created_at=datetime.now(UTC)))
        session.commit()
    yield engine
    engine.dispose()


def test_load_fetch_and_rebuild(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        result = load_questionnaire(session=session, wave_code="2021", sheets=sheets())
        assert result.outcome == "created"
        again = load_questionnaire(session=session, wave_code="2021", sheets=sheets())
        assert again.outcome == "unchanged" and again.version.id == result.version.id
        session.commit()
    with Session(engine) as session:
        row = find_version(session=session, wave_code="2021", form_id="m1", version="1")
        form = form_of(row)
        assert form.question("used").label() == "用过吗" and row.question_count == 1
        assert not row.locked


def test_replace_until_locked(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        first = load_questionnaire(session=session, wave_code="2021", sheets=sheets()).version
        replaced = load_questionnaire(session=session, wave_code="2021",
                                      sheets=sheets("是否用过"))
        assert replaced.outcome == "replaced" and replaced.version.id == first.id
        lock_questionnaire(session=session, version_id=first.id)
        session.commit()
    with Session(engine) as session:
        # identical content is still fine; different content is refused
        assert load_questionnaire(session=session, wave_code="2021",
                                  sheets=sheets("是否用过")).outcome == "unchanged"
        with pytest.raises(UserError) as info:
            load_questionnaire(session=session, wave_code="2021", sheets=sheets("改了"))
        assert "不能修改" in str(info.value)
        # a new version number is the way to change a locked questionnaire
        v2 = load_questionnaire(session=session, wave_code="2021", sheets=sheets("改了", "2"))
        assert v2.outcome == "created"
        session.commit()
        rows = list_questionnaires(session=session, wave_code="2021")
        assert [(r.version, r.locked) for r in rows] == [("1", True), ("2", False)]
        assert form_of(find_version(session=session, wave_code="2021", form_id="m1",
                                    version="1")).question("used").label() == "是否用过"


def test_errors(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        with pytest.raises(UserError):
            load_questionnaire(session=session, wave_code="1999", sheets=sheets())
        with pytest.raises(XLSFormError):
            load_questionnaire(session=session, wave_code="2021",
                               sheets={"survey": [["type", "name"], ["bogus", "x"]]})
        with pytest.raises(UserError):
            find_version(session=session, wave_code="2021", form_id="nope")


def test_bundled_module(engine) -> None:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        result = load_questionnaire_file(session=session, wave_code="2021",
                                         path=module_path(28), item_number=28)
        session.commit()
        assert result.version.form_id == "item_2021_028" and result.version.item_number == 28
        assert "days_2" in form_of(result.version).names()
