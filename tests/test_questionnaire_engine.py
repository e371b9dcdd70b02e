"""The interview engine: answers, skip logic, validation, navigation, progress,
status and resuming from serialised state."""

from __future__ import annotations

import json

import pytest

from questionnaires.engine import Interview, Thresholds
from questionnaires.xlsform import form_from_rows

HEAD = ["type", "name", "label::zh", "label::en", "required", "relevant", "constraint",
        "constraint_message::zh", "calculation", "choice_filter", "required_message::zh"]


def row(type_: str, name: str, label: str = "", *, required: str = "", relevant: str = "",
        constraint: str = "", message: str = "", calculation: str = "", choice_filter: str = "",
        required_message: str = "") -> list[str]:
    return [type_, name, label, label + " (en)" if label else "", required, relevant, constraint, message,
            calculation, choice_filter, required_message]


CHOICES = [
    ["list_name", "name", "label::zh", "label::en", "kind"],
    ["yn", "yes", "是", "yes", ""], ["yn", "no", "否", "no", ""],
    ["ch", "web", "网上", "web", "online"], ["ch", "app", "手机", "app", "online"],
    ["ch", "window", "窗口", "window", "offline"],
    ["mode", "online", "线上", "online", ""], ["mode", "offline", "线下", "offline", ""],
]


@pytest.fixture
def form():  # type: ignore[no-untyped-def]
    survey = [
        HEAD,
        row("hidden", "enterprise"),
        row("note", "hello", "您好,请问是${enterprise}吗?"),
        row("select_one yn", "used", "用过吗", required="yes", required_message="请先回答是否用过"),
        row("begin group", "detail", "详情", relevant="${used} = 'yes'"),
        row("integer", "days", "用了几天", constraint=". >= 0 and . <= 365",
            message="天数应在0到365之间"),
        row("calculate", "late", calculation="if(${days} > 3, 1, 0)"),
        row("note", "late_note", "超过承诺时限(${days}天)", relevant="${late} = 1"),
        row("select_one mode", "mode", "线上还是线下"),
        row("select_multiple ch", "channels", "渠道", choice_filter="kind = ${mode}",
            constraint="count-selected(.) <= 2", message="最多选两项"),
        row("decimal", "cost", "花费", constraint=". >= 0"),
        row("date", "when", "哪天办的"),
        row("time", "at", "几点"),
        row("end group", ""),
        row("text", "why_not", "为什么没用", relevant="${used} = 'no'"),
        row("text", "comment", "意见"),
    ]
    return form_from_rows(survey, CHOICES, [["form_id", "version"], ["t", "1"]])


def walk(iv: Interview, answers: dict[str, object]) -> list[str]:
    """Answer from ``answers`` (skip others) until the end; return names shown."""
    shown = []
    while (p := iv.current()) is not None:
        shown.append(p.name)
        if p.name in answers:
            assert iv.answer(p.name, answers[p.name]).ok, p.name
        else:
            assert iv.next().ok, p.name
    return shown


def test_skip_logic_yes_path(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form, context={"enterprise": "甲公司"})
    shown = walk(iv, {"used": "yes", "days": "5", "mode": "online", "channels": "web app",
                      "cost": "12.5", "when": "2021-06-30", "at": "9:05", "comment": "好"})
    assert shown == ["hello", "used", "days", "late_note", "mode", "channels", "cost", "when",
                     "at", "comment"]
    assert iv.results() == {"used": "yes", "days": 5, "late": 1, "mode": "online",
                            "channels": ["web", "app"], "cost": 12.5, "when": "2021-06-30",
                            "at": "09:05", "comment": "好"}
    assert iv.finished and iv.status() == "complete"


def test_skip_logic_no_path(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    shown = walk(iv, {"used": "no", "why_not": "不需要"})
    assert shown == ["hello", "used", "why_not", "comment"]
    # optional free text (why_not, comment) does not count
    assert iv.progress().applicable == 1 and iv.progress().answered == 1


def test_no_late_note_within_limit(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    shown = walk(iv, {"used": "yes", "days": 2})
    assert "late_note" not in shown
    assert iv.values()["late"] == 0


def test_labels_are_filled(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form, context={"enterprise": "甲公司"})
    assert iv.current().label == "您好,请问是甲公司吗?"
    assert Interview(form, lang="en").current().label == "您好,请问是吗? (en)"


def test_required_blocks_moving_on(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    iv.next()
    result = iv.next()
    assert not result.ok and result.message == "请先回答是否用过"
    assert iv.current().name == "used"
    assert not iv.answer("used", "").ok


def test_constraint_messages(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    iv.answer("used", "yes")
    result = iv.answer("days", 400)
    assert not result.ok and result.message == "天数应在0到365之间"
    assert result.key == "questionnaire.answer.constraint"
    assert iv.answers().get("days") is None
    iv.answer("mode", "online")
    assert iv.answer("channels", ["web", "app"]).ok
    # a default message when the form gives none
    bad = iv.answer("cost", -1)
    assert not bad.ok and bad.message == "答案不符合要求"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("days", "abc", "请输入整数"), ("days", "2.5", "请输入整数"), ("cost", "x", "请输入数字"),
    ("when", "2021-13-01", "请输入日期,格式如 2021-06-30"), ("at", "25:00", "请输入时间,格式如 09:30"),
    ("mode", "bus", "“bus”不是本题的选项"), ("mode", "online offline", "“online offline”不是本题的选项"),
])
def test_type_checks(form, name: str, value: str, message: str) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    iv.answer("used", "yes")
    result = iv.answer(name, value)
    assert not result.ok and result.message == message


def test_choice_filter(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    iv.answer("used", "yes")
    iv.answer("mode", "offline")
    iv.jump("channels")
    assert [c[0] for c in iv.current().choices] == ["window"]
    assert not iv.answer("channels", "web").ok
    assert iv.answer("channels", "window").ok


def test_not_applicable_and_unknown(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    assert iv.answer("days", 3).key == "questionnaire.answer.not_applicable"
    assert iv.answer("nope", 3).key == "questionnaire.answer.no_such_question"
    assert iv.answer("hello", 3).key == "questionnaire.answer.not_input"
    assert not iv.jump("days").ok


def test_back_and_jump(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    iv.next()
    iv.answer("used", "yes")
    iv.answer("days", 1)
    assert iv.current().name == "mode"
    assert iv.back() and iv.current().name == "days"
    assert iv.current().value == 1
    assert iv.back() and iv.current().name == "used"
    # changing an earlier answer makes the group not applicable: its answers drop out
    iv.answer("used", "no")
    assert iv.current().name == "why_not"
    assert "days" not in iv.results() and iv.answers()["days"] == 1
    assert iv.jump("comment").ok and iv.current().name == "comment"
    assert iv.back() and iv.current().name == "why_not"


def test_clear(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    iv.answer("used", "no")
    iv.answer("comment", "x", advance=False)
    iv.clear("comment")
    assert "comment" not in iv.answers()


def test_progress_and_status_thresholds(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form)
    iv.answer("used", "yes")  # applicable: used + 6 in the group (comment: optional text)
    assert iv.progress().applicable == 7
    assert iv.status() == "breakoff"
    for name, value in [("days", 1), ("mode", "online"), ("channels", "web")]:
        iv.answer(name, value)
    assert iv.progress().answered == 4 and iv.status() == "partial"  # 4/7 = 57 %
    iv.answer("cost", 1)
    assert iv.status() == "partial"  # 5/7 = 71 %
    iv.answer("when", "2021-01-02")
    assert iv.status() == "complete"  # 6/7 = 86 %
    iv.answer("comment", "ok")
    assert iv.progress().answered == 6
    strict = Interview(form, thresholds=Thresholds(complete=0.95, partial=0.5))
    strict.answer("used", "yes")
    for name, value in [("days", 1), ("mode", "online"), ("channels", "web")]:
        strict.answer(name, value)
    assert strict.status() == "partial"  # 4/7 below 95 %
    strict = Interview(form, thresholds=Thresholds(complete=0.95, partial=0.9))
    strict.answer("used", "yes")
    assert strict.status() == "breakoff"  # 1/7
    with pytest.raises(ValueError):
        Thresholds(complete=0.4, partial=0.5)


def test_resume_from_serialised_state(form) -> None:  # type: ignore[no-untyped-def]
    iv = Interview(form, context={"enterprise": "甲公司"}, thresholds=Thresholds(0.9, 0.6))
    iv.next()
    iv.answer("used", "yes")
    iv.answer("days", 7)
    iv.next()  # past the late note
    iv.answer("mode", "online")
    iv.answer("channels", ["app", "web"])
    saved = json.loads(json.dumps(iv.to_dict(), ensure_ascii=False))
    again = Interview.from_dict(form, saved)
    assert again.current() == iv.current() and again.current().name == "cost"
    assert again.results() == iv.results()
    assert again.thresholds == Thresholds(0.9, 0.6)
    assert again.context == {"enterprise": "甲公司"}
    # the back history survives too
    assert again.back() and again.current().name == "channels"
    assert again.back() and again.current().name == "mode"
    assert again.back() and again.current().name == "late_note"
    assert again.to_dict()["answers"] == saved["answers"]


def test_resume_refuses_another_form(form) -> None:  # type: ignore[no-untyped-def]
    other = form_from_rows([HEAD, row("text", "x", "X")], settings=[["form_id", "version"],
                                                                    ["t", "2"]])
    with pytest.raises(ValueError, match="t@1"):
        Interview.from_dict(other, Interview(form).to_dict())


def test_empty_form_is_finished_at_once() -> None:
    form = form_from_rows([HEAD, row("calculate", "c", calculation="1 + 1")])
    iv = Interview(form)
    assert iv.current() is None and iv.finished and iv.results() == {"c": 2}
    assert iv.progress().share == 1.0
