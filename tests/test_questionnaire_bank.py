"""The bundled question bank: every module loads and validates, it matches the
catalogue, and regenerating it gives the committed content."""

from __future__ import annotations

import pytest

from questionnaires.bank import (
    bundled_paths,
    interview_form,
    load_closing,
    load_item_module,
    load_opening,
    module_path,
)
from questionnaires.bank_build import BANK_DIR, workbooks
from questionnaires.catalogue import load_catalogue
from questionnaires.engine import Interview
from questionnaires.xlsform import read_sheets, validate_xlsform

CATALOGUE = load_catalogue(2021)


def _canonical(rows: list[list[object]]) -> list[list[str]]:
    out = []
    for row in rows:
        cells = ["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                       else str(v)) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def test_one_workbook_per_item_plus_opening_and_closing() -> None:
    paths = bundled_paths(2021)
    assert len(paths) == 103 + 2
    for item in CATALOGUE:
        assert module_path(item.item).exists()
        assert module_path(item.item).parent.name == f"area_{item.area:02d}"


@pytest.mark.parametrize("path", bundled_paths(2021), ids=lambda p: p.stem)
def test_every_bundled_module_validates(path) -> None:  # type: ignore[no-untyped-def]
    assert validate_xlsform(path) == []


def test_modules_follow_the_catalogue() -> None:
    for item in CATALOGUE:
        form = load_item_module(item.item)
        assert form.form_id == item.module
        names = form.names()
        assert {"used", "channel", "visits", "satisfaction", "comment"} <= set(names)
        assert [c.name for c in form.choices["satisfaction"]] == ["5", "4", "3", "2", "1"]
        days = [n for n in names if n.startswith("days_")]
        assert len(days) == len(item.promised_limits), item.item
        if len(item.promised_limits) > 1:
            assert "kind" in names
        assert item.reform in form.question("used").label()


def test_promised_limit_in_the_days_question() -> None:
    form = load_item_module(28)  # low voltage <= 3 working days, high voltage <= 20
    assert "不超过3个工作日" in form.question("days_1").hint()
    assert "不超过20个工作日" in form.question("days_2").hint()
    iv = Interview(form)
    iv.next()  # past the introduction
    iv.answer("used", "yes")
    iv.answer("kind", "k2")
    assert iv.current().name == "days_2"
    iv.answer("days_2", 25)
    assert iv.values()["within_2"] == 0
    iv6 = Interview(load_item_module(6))  # 60 calendar days
    iv6.next()
    iv6.answer("used", "yes")
    assert "天" in iv6.current().label
    iv6.answer("days_1", 45)
    assert iv6.values()["within_1"] == 1


def test_regenerating_gives_the_committed_content() -> None:
    generated = workbooks(2021)
    assert sorted(BANK_DIR / rel for rel in generated) == bundled_paths(2021)
    for rel, sheets in generated.items():
        stored = read_sheets(BANK_DIR / rel)
        assert list(stored) == list(sheets), rel
        for name, rows in sheets.items():
            assert _canonical(stored[name]) == _canonical(rows), (rel, name)


def test_a_call_over_every_item() -> None:
    form = interview_form(range(1, 104))
    iv = Interview(form, context={"caller": "王", "enterprise": "乙公司"})
    assert "王" in iv.current().label
    iv.next()
    assert iv.current().label == "请问这里是乙公司吗?"
    for name in ("right_enterprise", "right_person", "consent"):
        assert iv.answer(name, "yes").ok
    iv.next()  # respondent's name: optional
    seen = 0
    while (p := iv.current()) is not None:
        if p.name.endswith(".used"):
            seen += 1
            iv.answer(p.name, "no")
        else:
            iv.next()
    assert seen == 103
    assert iv.status() == "complete"


def test_opening_and_closing() -> None:
    opening = load_opening()
    assert [q.name for q in opening.questions if q.type == "hidden"] == ["caller", "enterprise"]
    assert load_closing().question("thanks").type == "note"
    iv = Interview(interview_form([1]))
    iv.next()
    iv.answer("right_enterprise", "yes")
    iv.answer("right_person", "yes")
    iv.answer("consent", "no")
    assert iv.current() is None  # declined: no item module, no closing questions
