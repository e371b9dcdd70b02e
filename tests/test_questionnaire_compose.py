"""Composing one call: opening + one module per sampled item + closing."""

from __future__ import annotations

import pytest

from questionnaires.compose import ComposeError, compose
from questionnaires.engine import Interview
from questionnaires.xlsform import form_from_rows

YN = [["list_name", "name", "label"], ["yn", "yes", "是"], ["yn", "no", "否"]]


def module(form_id: str, title: str):  # type: ignore[no-untyped-def]
    survey = [
        ["type", "name", "label", "required", "relevant", "calculation"],
        ["select_one yn", "used", "用过吗(${used})", "yes", "", ""],
        ["integer", "days", "几天", "", "${used} = 'yes'", ""],
        ["calculate", "late", "", "", "", "if(${days} > 3, 1, 0)"],
    ]
    return form_from_rows(survey, YN, [["form_id", "version", "form_title"],
                                       [form_id, "1", title]])


@pytest.fixture
def opening():  # type: ignore[no-untyped-def]
    return form_from_rows([["type", "name", "label", "required"],
                           ["select_one yn", "consent", "同意吗", "yes"]], YN,
                          [["form_id", "version"], ["opening", "1"]])


@pytest.fixture
def closing():  # type: ignore[no-untyped-def]
    return form_from_rows([["type", "name", "label"], ["text", "suggestion", "建议"],
                           ["note", "bye", "再见"]],
                          settings=[["form_id", "version"], ["closing", "1"]])


def test_names_prefixed_and_expressions_rewritten(opening, closing) -> None:  # type: ignore[no-untyped-def]
    form = compose(opening, [module("m1", "第一项"), module("m2", "第二项")], closing,
                   gate="${consent} = 'yes'")
    assert form.names() == ["consent", "m1.used", "m1.days", "m1.late", "m2.used", "m2.days",
                            "m2.late", "suggestion", "bye"]
    assert form.question("m2.days").relevant == "${m2.used} = 'yes'"
    assert form.question("m2.late").calculation == "if(${m2.days} > 3, 1, 0)"
    assert form.question("m1.used").list_name == "m1.yn"
    assert form.question("m1.used").module == "m1" and form.question("consent").module == "opening"
    assert form.modules == ("opening", "m1", "m2", "closing")
    assert form.version == "opening@1+m1@1+m2@1+closing@1"


def test_one_call_walks_every_module(opening, closing) -> None:  # type: ignore[no-untyped-def]
    form = compose(opening, [module("m1", "第一项"), module("m2", "第二项")], closing,
                   gate="${consent} = 'yes'")
    iv = Interview(form)
    iv.answer("consent", "yes")
    assert iv.current().name == "m1.used" and iv.current().groups == ("第一项",)
    iv.answer("m1.used", "yes")
    assert iv.prompt("m1.used").label == "用过吗(是)"
    assert iv.current().name == "m1.days"
    iv.answer("m1.days", 5)
    assert iv.current().name == "m2.used" and iv.current().groups == ("第二项",)
    iv.answer("m2.used", "no")
    assert iv.current().name == "suggestion"
    assert iv.results() == {"consent": "yes", "m1.used": "yes", "m1.days": 5, "m1.late": 1,
                            "m2.used": "no"}


def test_gate_skips_modules_when_declined(opening, closing) -> None:  # type: ignore[no-untyped-def]
    form = compose(opening, [module("m1", "第一项")], closing, gate="${consent} = 'yes'")
    iv = Interview(form)
    iv.answer("consent", "no")
    assert iv.current().name == "suggestion"
    assert not iv.is_applicable("m1.used")


def test_resume_composed(opening, closing) -> None:  # type: ignore[no-untyped-def]
    parts = [module("m1", "第一项"), module("m2", "第二项")]
    form = compose(opening, parts, closing, gate="${consent} = 'yes'")
    iv = Interview(form)
    iv.answer("consent", "yes")
    iv.answer("m1.used", "no")
    again = Interview.from_dict(form, iv.to_dict())
    assert again.current().name == "m2.used"
    other = compose(opening, parts[:1], closing, gate="${consent} = 'yes'")
    with pytest.raises(ValueError):
        Interview.from_dict(other, iv.to_dict())


def test_duplicates_refused(opening) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ComposeError):
        compose(opening, [module("m1", "a"), module("m1", "b")])
    with pytest.raises(ComposeError, match="consent"):
        compose(opening, [], opening)
