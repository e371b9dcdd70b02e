"""Header detection on differing wordings and title rows; blank and footnote rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from sampling.listfile import find_header, read_list_file
from sampling.listfile.headers import match_field
from sampling.listfile.reader import ListFileError, department_from_preamble


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("企业名称", "name"), ("单位名称", "name"), ("市场主体名称", "name"),
        ("联系电话", "phone"), ("手机号码", "phone"), ("联系电话\n(手机号)", "phone"),
        ("联系电话（手机号）", "phone"), ("区域", "district"), ("所属区", "district"),
        ("区", "district"), ("统一社会信用代码", "uscc"), ("社会信用代码", "uscc"),
        ("企业办理业务联系人\n(或法定代表人)", "contact"), ("序号", "seq"),
        ("业务描述", "business"), ("备注", "note"), (" 企 业 名 称 ", "name"),
        ("工单号", "order_no"), ("各环节累计总时长", "total_days"), ("随便什么", None), (None, None),
    ],
)
def test_header_synonyms(label: object, field: str | None) -> None:
    assert match_field(label) == field


def test_header_row_found_below_title_rows() -> None:
    rows = [
        ["部门：市税务局  联系人：张三  手机号码：13812345678", "", ""],
        ["", "", ""],
        ["序号", "所属区", "单位名称", "社会信用代码", "手机号码"],
        [1, "和平区", "天津甲公司", "91120116592938202F", "13812345678"],
    ]
    match = find_header(rows)
    assert match is not None
    assert match.row_index == 2
    assert match.columns == {"seq": 0, "district": 1, "name": 2, "uscc": 3, "phone": 4}


def test_no_header_in_instructions_sheet() -> None:
    assert find_header([["填表说明"], ["1. 请如实填写企业名称和联系电话。"]]) is None


def test_department_from_title_row() -> None:
    assert department_from_preamble(["部门：市税务局          联系人：张三 手机号码：1381"]) == "市税务局"
    assert department_from_preamble(["上报部门(单位)：国网天津电力  联系人："]) == "国网天津电力"
    assert department_from_preamble(["部门：××（提供样本信息负责部门名称）"]) is None


def _workbook(path: Path, header_row: int, labels: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    if header_row > 1:
        ws.cell(1, 1, "部门：市人社局 联系人：李四 手机号码：13900000000")
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(labels))
    for col, label in enumerate(labels, start=1):
        ws.cell(header_row, col, label)
    r = header_row + 1
    ws.cell(r, 1, 1)
    ws.cell(r, 2, "天津甲公司")
    ws.cell(r, 3, "13812345678")
    ws.cell(r + 2, 1, 2)          # a blank spacer row above
    ws.cell(r + 2, 2, "天津乙公司")
    ws.cell(r + 2, 3, 13912345678.0)
    ws.cell(r + 3, 1, "注：本表由部门填写，电话须为手机号。")
    help_ws = wb.create_sheet("填表说明")
    help_ws["A1"] = "请按附件4模板填写"
    wb.save(path)
    return path


@pytest.mark.parametrize("header_row", [1, 2, 3])
@pytest.mark.parametrize(
    "labels",
    [["序号", "企业名称", "联系电话"], ["编号", "市场主体名称", "手机号码"],
     ["序号", "单位名称", "联系电话（手机号）"]],
)
def test_read_xlsx_rows_numbered_as_excel(tmp_path: Path, header_row: int, labels: list[str]) -> None:
    listfile = read_list_file(_workbook(tmp_path / "a.xlsx", header_row, labels))
    (sheet,) = listfile.sheets
    assert sheet.header_row == header_row
    assert [r.row for r in sheet.rows] == [header_row + 1, header_row + 3]
    assert sheet.blank_rows == [header_row + 2]
    assert sheet.note_rows == [header_row + 4]
    assert [s.sheet for s in listfile.skipped] == ["填表说明"]
    assert sheet.cell(sheet.rows[1], "phone") == 13912345678.0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_read_csv_line_numbers(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "a.csv"
    text = "部门：市水务局,,\n序号,企业名称,联系电话\n1,天津甲公司,13812345678\n\n2,\"天津\n乙公司\",022-23456789\n3,天津丙公司,23456789\n"
    path.write_bytes(text.encode(encoding))
    (sheet,) = read_list_file(path).sheets
    assert sheet.header_row == 2
    assert [r.row for r in sheet.rows] == [3, 5, 7]
    assert sheet.rows[1].cells[1] == "天津\n乙公司"


def test_bad_files_raise_clear_codes(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    text = tmp_path / "text.xlsx"
    text.write_text("not a workbook")
    ole = tmp_path / "locked.xlsx"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le"))
    odd = tmp_path / "list.pdf"
    odd.write_bytes(b"%PDF")
    codes = {}
    for p in (empty, text, ole, odd, tmp_path / "missing.xlsx"):
        with pytest.raises(ListFileError) as info:
            read_list_file(p)
        codes[p.name] = info.value.code
    assert codes == {"empty.xlsx": "empty", "text.xlsx": "unreadable", "locked.xlsx": "encrypted",
                     "list.pdf": "unsupported", "missing.xlsx": "missing"}


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("联系人电话", "phone"), ("联系人手机", "phone"), ("联系人手机号", "phone"),
        ("联系人手机号码", "phone"), ("联系人联系方式", "phone"), ("企业联系人手机号", "phone"),
        ("法定代表人电话", "phone"), ("联系人的电话", "phone"), ("固定电话", "phone"),
        ("座机", "phone"), ("办公电话", "phone"), ("移动电话", "phone"),
        ("手机号码（联系人）", "phone"), ("联系人", "contact"), ("联系人姓名", "contact"),
        ("企业联系人", "contact"), ("业务联系人", "contact"), ("联系电话手机号", "phone"),
    ],
)
def test_contact_phone_and_landline_headers(label: str, field: str) -> None:
    """A contact's phone is a phone column (the longest synonym decides), not the contact."""
    assert match_field(label) == field


def test_contact_phone_column_is_the_phone_column() -> None:
    rows = [["序号", "企业名称", "统一社会信用代码", "联系人", "联系人电话", "所属区"],
            [1, "天津甲公司", "91120116592938202F", "张三", "13812345678", "和平区"]]
    match = find_header(rows)
    assert match is not None
    assert match.columns == {"seq": 0, "name": 1, "uscc": 2, "contact": 3, "phone": 4,
                             "district": 5}


def test_several_phone_columns_are_all_kept() -> None:
    rows = [["部门：市税务局"],
            ["企业名称", "统一社会信用代码", "联系电话", "手机号码", "所属区"],
            ["天津甲公司", "91120116592938202F", None, "13812345678", "和平区"]]
    match = find_header(rows)
    assert match is not None
    assert match.row_index == 1 and match.header_rows == 1
    assert match.columns == {"name": 0, "uscc": 1, "phone": 2, "phone_2": 3, "district": 4}
    match = find_header([["企业名称", "固定电话", "移动电话", "座机"]])
    assert match is not None
    assert match.columns == {"name": 0, "phone": 1, "phone_2": 2, "phone_3": 3}


TWO_ROW_HEADER = [
    ["部门：市税务局", None, None, None, None, None],
    ["序号", "企业名称", "统一社会信用代码", "联系方式", None, "区域"],
    [None, None, None, "联系人", "联系电话", None],
    [1, "天津甲公司", "91120116592938202F", "张三", "13812345678", "和平区"],
]


def test_sub_header_below_a_group_label_is_merged() -> None:
    match = find_header(TWO_ROW_HEADER)
    assert match is not None
    assert match.row_index == 2 and match.header_rows == 2   # the data start below row 3
    assert match.columns == {"seq": 0, "name": 1, "uscc": 2, "contact": 3, "phone": 4,
                             "district": 5}
    assert match.labels == ("序号", "企业名称", "统一社会信用代码", "联系方式/联系人",
                            "联系方式/联系电话", "区域")


def test_two_row_header_read_from_a_workbook(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in TWO_ROW_HEADER:
        ws.append(row)
    ws.append([2, "天津乙公司", "91120116592938202F", "李四", 13912345678.0, "河西区"])
    ws.merge_cells("D2:E2")
    for col in "ABCF":
        ws.merge_cells(f"{col}2:{col}3")
    wb.save(tmp_path / "a.xlsx")
    (sheet,) = read_list_file(tmp_path / "a.xlsx").sheets
    assert sheet.header_row == 3
    assert [r.row for r in sheet.rows] == [4, 5]
    assert sheet.cell(sheet.rows[1], "phone") == 13912345678.0
    assert sheet.cell(sheet.rows[0], "contact") == "张三"
    assert sheet.preamble[0] == "部门：市税务局"


@pytest.mark.parametrize(
    "below",
    [
        [1, "天津甲公司", "91120116592938202F", "张三", "13812345678", "和平区"],  # data
        [None, None, None, "开始时间", "完成时间", None],            # work-order stages
        [None, "企业名称", None, None, None, None],                   # under a one-column label
        [None, None, None, "联系人", 13812345678, None],               # a number: data-like
    ],
)
def test_no_sub_header_when_the_row_below_is_not_one(below: list[object]) -> None:
    match = find_header([*TWO_ROW_HEADER[:2], below])
    assert match is not None
    assert match.row_index == 1 and match.header_rows == 1
    assert match.columns == {"seq": 0, "name": 1, "uscc": 2, "phone": 3, "district": 5}
