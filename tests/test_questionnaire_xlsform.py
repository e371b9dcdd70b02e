"""The XLSForm reader: every question type, languages, settings, and errors
reported all at once with sheet, row and column."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from questionnaires.xlsform import (
    XLSFormError,
    check_sheets,
    column_letter,
    form_from_rows,
    read_xlsform,
    validate_xlsform,
)

SURVEY = [
    ["type", "name", "label::zh", "label::English (en)", "hint::zh", "required", "relevant",
     "constraint", "constraint_message::zh", "calculation", "appearance", "choice_filter"],
    ["note", "hello", "您好", "Hello", "", "", "", "", "", "", "", ""],
    ["begin group", "g1", "第一部分", "Part 1", "", "", "", "", "", "", "", ""],
    ["select_one yn", "used", "用过吗", "Used?", "提示", "yes", "", "", "", "", "", ""],
    ["select_multiple ch", "channels", "渠道", "Channels", "", "", "${used} = 'yes'", "", "", "",
     "", ""],
    ["integer", "days", "天数", "Days", "", "", "", ". >= 0", "不能为负", "", "", ""],
    ["decimal", "amount", "金额", "Amount", "", "", "", "", "", "", "", ""],
    ["end group", "", "", "", "", "", "", "", "", "", "", ""],
    ["text", "comment", "意见", "Comment", "", "", "", "", "", "", "multiline", ""],
    ["date", "when", "日期", "Date", "", "", "", "", "", "", "", ""],
    ["time", "at", "时间", "Time", "", "", "", "", "", "", "", ""],
    ["calculate", "late", "", "", "", "", "", "", "", "if(${days} > 3, 1, 0)", "", ""],
    ["hidden", "enterprise", "", "", "", "", "", "", "", "", "", ""],
    ["select_one city", "city", "城市", "City", "", "", "", "", "", "", "",
     "region = ${used}"],
]
CHOICES = [
    ["list_name", "name", "label::zh", "label::English (en)", "region"],
    ["yn", "yes", "是", "yes", ""], ["yn", "no", "否", "no", ""],
    ["ch", "web", "网上", "web", ""], ["ch", "window", "窗口", "window", ""],
    ["city", "tj", "天津", "Tianjin", "yes"], ["city", "bj", "北京", "Beijing", "no"],
]
SETTINGS = [["form_id", "version", "form_title", "default_language"],
            ["demo", "3", "示例", "zh"]]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    wb.save(path)
    return path


def test_every_question_type_is_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "demo.xlsx",
                      {"survey": SURVEY, "choices": CHOICES, "settings": SETTINGS})
    form = read_xlsform(path)
    assert (form.form_id, form.version, form.title) == ("demo", "3", "示例")
    types = {q.name: q.type for q in form.questions}
    assert types == {"hello": "note", "used": "select_one", "channels": "select_multiple",
                     "days": "integer", "amount": "decimal", "comment": "text", "when": "date",
                     "at": "time", "late": "calculate", "enterprise": "hidden",
                     "city": "select_one"}
    used = form.question("used")
    assert used.required and used.list_name == "yn" and used.groups == ("g1",)
    assert used.label("zh") == "用过吗" and used.label("en") == "Used?"
    assert used.hint() == "提示"
    assert form.question("days").constraint_messages == {"zh": "不能为负"}
    assert form.question("comment").groups == () and form.question("comment").appearance
    assert form.groups["g1"].label("en") == "Part 1"
    assert [c.name for c in form.choices["yn"]] == ["yes", "no"]
    assert form.choices["city"][0].extra == {"region": "yes"}
    assert validate_xlsform(path) == []


def test_form_id_defaults_to_file_name(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "my_form.xlsx",
                      {"survey": [["type", "name", "label"], ["text", "q", "Q"]]})
    assert read_xlsform(path).form_id == "my_form"


BROKEN_SURVEY = [
    ["type", "name", "label", "required", "relevant", "constraint", "calculation"],
    ["select_one nolist", "a", "A", "", "", "", ""],          # row 2: unknown list
    ["integer", "a", "A again", "", "", "", ""],              # row 3: duplicate name
    ["integer", "b", "B", "maybe", "", "", ""],               # row 4: bad required
    ["text", "c", "C", "", "${a} >", "", ""],                 # row 5: syntax error
    ["text", "d", "D", "", "${nowhere} = 1", "", ""],         # row 6: unknown reference
    ["calculate", "e", "", "", "", "", ""],                   # row 7: no calculation
    ["rating", "f", "F", "", "", "", ""],                     # row 8: unknown type
    ["text", "2bad", "G", "", "", "", ""],                    # row 9: bad name
    ["integer", "h", "", "", "", "", ""],                     # row 10: no label
    ["end group", "", "", "", "", "", ""],                    # row 11: end without begin
    ["begin group", "grp", "Group", "", "", "", ""],          # row 12: never closed
    ["begin repeat", "rep", "R", "", "", "", ""],             # row 13: unsupported
]
BROKEN_CHOICES = [
    ["list_name", "name", "label"],
    ["yn", "yes", "Yes"],
    ["yn", "yes", "Yes again"],                               # row 3: duplicate choice
    ["yn", "", "No"],                                         # row 4: empty name
]


def test_broken_workbook_reports_all_errors_with_sheet_row_column(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "broken.xlsx",
                      {"survey": BROKEN_SURVEY, "choices": BROKEN_CHOICES})
    issues = validate_xlsform(path)
    where = {(i.sheet, i.row, i.column, i.key) for i in issues}
    expected = {
        ("survey", 2, "A", "questionnaire.err.unknown_list"),
        ("survey", 3, "B", "questionnaire.err.duplicate_name"),
        ("survey", 4, "D", "questionnaire.err.bad_required"),
        ("survey", 5, "E", "questionnaire.err.expression"),
        ("survey", 6, "E", "questionnaire.err.unknown_reference"),
        ("survey", 7, "G", "questionnaire.err.no_calculation"),
        ("survey", 8, "A", "questionnaire.err.unknown_type"),
        ("survey", 9, "B", "questionnaire.err.bad_name"),
        ("survey", 10, "C", "questionnaire.err.no_label"),
        ("survey", 11, "A", "questionnaire.err.end_without_begin"),
        ("survey", 12, "A", "questionnaire.err.group_not_closed"),
        ("survey", 13, "A", "questionnaire.err.unsupported_type"),
        ("choices", 3, "B", "questionnaire.err.duplicate_choice"),
        ("choices", 4, "B", "questionnaire.err.empty_cell"),
    }
    assert where == expected
    with pytest.raises(XLSFormError) as info:
        read_xlsform(path)
    assert len(info.value.issues) == len(expected)
    text = str(info.value)
    assert "工作表“survey”第3行B列" in text and "重复" in text  # Chinese, with the place
    assert "工作表“choices”第3行B列" in text


def test_messages_in_english_too() -> None:
    _, issues = check_sheets({"survey": [["type", "name", "label"], ["foo", "x", "X"]]})
    assert issues[0].message("en") == \
        "sheet 'survey' row 2 column A (type): unknown question type 'foo'"


def test_header_row_offset_and_blank_rows_keep_excel_rows() -> None:
    rows = [[], ["type", "name", "label"], [], ["text", "q", "Q"], ["bogus", "r", "R"]]
    _, issues = check_sheets({"survey": rows})
    assert [(i.row, i.column) for i in issues] == [(5, "A")]


def test_missing_survey_sheet_and_columns() -> None:
    _, issues = check_sheets({"choices": [["list_name", "name", "label"]]})
    assert issues[0].key == "questionnaire.err.no_survey_sheet"
    _, issues = check_sheets({"survey": [["label"], ["x"]]})
    assert {i.params["column"] for i in issues} == {"type", "name"}


def test_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "x.xlsx"
    bad.write_text("not a workbook")
    issues = validate_xlsform(bad)
    assert len(issues) == 1 and issues[0].key == "questionnaire.err.unreadable"


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == \
        ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_form_from_rows_raises_with_all_issues() -> None:
    with pytest.raises(XLSFormError) as info:
        form_from_rows([["type", "name", "label"], ["foo", "a", "A"], ["bar", "b", "B"]])
    assert [i.row for i in info.value.issues] == [2, 3]
