"""Issue 16: the kinds of mess a fresh set of department lists still tripped on.

One test (or a few) per point: districts from addresses, sheet names and statistical
codes; phones (toll-free never primary, 8-digit landline with a dash extension, backup
columns); credit codes with a status note; units, example, sign-off and heading lines
as note rows; the header found below row 12."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from sampling.identifiers.district import normalise_district
from sampling.identifiers.phone import normalise_phones
from sampling.identifiers.uscc import normalise_credit_code
from sampling.listfile.normalise import normalise_row, row_status
from sampling.listfile.reader import read_list_file

CODE = "91120116592938202F"
CODE2 = "121200004013590816"
MOBILE = "13549486736"


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# --- 1. districts -------------------------------------------------------------------------

@pytest.mark.parametrize(("address", "code"), [
    ("天津市红桥区芥园道261号", "120106"),
    ("天津市汉沽区福安路421号", "120116"),
    ("天津市和平区河北路", "120101"),         # 河北路 is a street in 和平区
    ("天津市南开区西青道88号", "120104"),     # 西青道 is a street in 南开区
    ("天津市宝坻县城关镇", "120115"),
    ("天津经济技术开发区第三大街5号", "120116"),
])
def test_the_district_is_read_from_an_address_column(address: str, code: str) -> None:
    columns = {"name": 0, "uscc": 1, "phone": 2, "address": 3}
    got = normalise_row(columns, ["某公司", CODE, MOBILE, address])
    assert got["district_code"] == code
    assert "district_from_address" in got["reasons"]
    assert row_status(got["reasons"]) == "accepted"


def test_a_district_cell_names_one_district_even_beside_a_street_name() -> None:
    assert normalise_district("天津市和平区河北路").code == "120101"
    assert normalise_district("天津市和平区河北路").reasons == ()


def test_an_address_outside_tianjin_is_flagged() -> None:
    columns = {"name": 0, "uscc": 1, "phone": 2, "district": 3, "address": 4}
    got = normalise_row(columns, ["某公司", CODE, MOBILE, "和平区", "北京市朝阳区建国路1号"])
    assert got["district_code"] == "120101"
    assert "address_outside_tianjin" in got["reasons"]
    assert row_status(got["reasons"]) == "warning"
    got = normalise_row({"name": 0, "uscc": 1, "phone": 2, "address": 3},
                        ["某公司", CODE, MOBILE, "河北省廊坊市广阳区和平路1号"])
    assert got["district_code"] is None and "address_outside_tianjin" in got["reasons"]


def test_the_district_comes_from_the_sheet_name_when_there_is_no_column(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "per_district.xlsx", {
        "和平区": [["企业名称", "统一社会信用代码", "联系电话"], ["甲公司", CODE, MOBILE]],
        "滨海新区": [["企业名称", "统一社会信用代码", "联系电话"], ["乙公司", CODE2, MOBILE]],
    })
    got = []
    for sheet in read_list_file(path).sheets:
        for row in sheet.rows:
            got.append(normalise_row(sheet.header.columns, row.cells, sheet.name))
    assert [g["district_code"] for g in got] == ["120101", "120116"]
    assert all("district_from_sheet" in g["reasons"] for g in got)


@pytest.mark.parametrize("value", ["120117022000", 120117022000, 120117022000.0, "120117022"])
def test_nine_and_twelve_digit_division_codes_give_the_district(value: object) -> None:
    assert normalise_district(value).code == "120117"


# --- 3. phones ------------------------------------------------------------------------------

@pytest.mark.parametrize("cell", ["4002544408、13549486736", "800-830-1234/13549486736",
                                  "95598 13549486736", "12345；13549486736"])
def test_toll_free_and_hotlines_are_never_primary_beside_a_callable_number(cell: str) -> None:
    got = normalise_phones(cell)
    assert got.primary is not None and got.primary.e164 == "+86" + MOBILE
    assert len(got.phones) == 2     # the other one is kept, second


def test_a_hotline_alone_is_kept_with_a_warning() -> None:
    got = normalise_phones("95598")
    assert [p.e164 for p in got.phones] == ["+8695598"]
    assert got.reasons == ("phone_special",)


def test_a_toll_free_number_in_the_main_column_gives_way_to_a_backup_mobile() -> None:
    columns = {"name": 0, "uscc": 1, "phone": 2, "phone_backup": 3}
    got = normalise_row(columns, ["某公司", CODE, "4002544408", MOBILE])
    assert got["phone_e164"] == "+86" + MOBILE


@pytest.mark.parametrize(("cell", "e164", "ext"), [
    ("25508690-77", "+862225508690", "77"),
    ("21800841-4035", "+862221800841", "4035"),
])
def test_eight_digits_and_a_dash_suffix_are_a_tianjin_landline_and_extension(
        cell: str, e164: str, ext: str) -> None:
    got = normalise_phones(cell)
    assert [(p.e164, p.ext) for p in got.phones] == [(e164, ext)]


@pytest.mark.parametrize("label", ["备用电话", "其他联系方式"])
def test_backup_phone_columns_are_used_after_the_main_one(tmp_path: Path, label: str) -> None:
    # the backup column stands left of the main one: the main one still comes first
    path = _xlsx(tmp_path / "backup.xlsx", {"名单": [
        ["企业名称", "统一社会信用代码", label, "联系电话"],
        ["甲公司", CODE, "13800001111", MOBILE],
        ["乙公司", CODE2, "13800002222", "无"],
        ["丙公司", "91110000600037341L", "13800003333", None],
    ]})
    sheet = read_list_file(path).sheets[0]
    got = [normalise_row(sheet.header.columns, r.cells) for r in sheet.rows]
    assert [g["phone_e164"] for g in got] == ["+86" + MOBILE, "+8613800002222", "+8613800003333"]
    assert got[0]["phones_text"] == f"+86{MOBILE};+8613800001111"


# --- 4. credit codes with a status note ------------------------------------------------------

@pytest.mark.parametrize(("cell", "reason"), [
    ("911201059J537QFF4N(已注销)", "uscc_note_deregistered"),
    ("911201059J537QFF4N（已注销）", "uscc_note_deregistered"),
    ("91120116592938202F（吊销）", "uscc_note_revoked"),
    ("91120116592938202F 吊销未注销", "uscc_note_revoked"),
    ("91120116592938202F(迁出)", "uscc_note_other"),
])
def test_a_code_with_a_status_note_is_read_and_the_note_kept(cell: str, reason: str) -> None:
    got = normalise_credit_code(cell)
    assert got.code == cell[:18]
    assert reason in got.reasons
    assert row_status(got.reasons) == "warning"


# --- 5. rows that are not enterprises ---------------------------------------------------------

def test_units_example_signoff_and_heading_lines_are_note_rows(tmp_path: Path) -> None:
    header = ["序号", "企业名称", "统一社会信用代码", "联系人", "联系电话", "所属区"]
    path = _xlsx(tmp_path / "notes.xlsx", {
        "填表说明": [
            ["填表说明：请按下例填写"],
            header,
            [1, "天津市XX科技有限公司", "91120000XXXXXXXXXX", "张三", "13800000000", "和平区"],
        ],
        "名单": [
            ["部门：市税务局"],
            header,
            [None, "（全称）", "18位", None, "必填", "（如：和平区）"],
            ["一、企业开办（共2户）"],
            [1, "天津华泰科技有限公司", CODE, "王伟", MOBILE, "和平区"],
            [2, "天津宏盛商贸有限公司", CODE2, "李娜", "13820001234", "河西区"],
            ["二、变更登记（共1户）"],
            [3, "天津恒达物流有限公司", "91110000600037341L", "赵强", "13920001234", "南开区"],
            [None],
            ["填报单位（盖章）：", None, None, "填报人：王伟", "联系电话：13820001234"],
            ["审核人：李娜", None, "填报日期：2021年6月1日"],
        ],
    })
    sheets = {s.name: s for s in read_list_file(path).sheets}
    assert [r.row for r in sheets["名单"].rows] == [5, 6, 8]
    assert sheets["名单"].note_rows == [3, 4, 7, 10, 11]
    assert sheets["名单"].note_kinds == {3: "units", 4: "heading", 7: "heading", 10: "signoff"}
    assert sheets["填表说明"].rows == [] and sheets["填表说明"].note_kinds == {3: "example"}


# --- 6. the header below row 12 ----------------------------------------------------------------

@pytest.mark.parametrize("instructions", [15, 45, 80])
def test_the_header_is_found_below_a_long_block_of_instructions(tmp_path: Path,
                                                                instructions: int) -> None:
    rows: list[list[object]] = [[f"{i + 1}. 请按要求填写第{i + 1}项内容，联系电话请填写手机号。"]
                                for i in range(instructions)]
    rows += [["序号", "企业名称", "统一社会信用代码", "联系电话"], [1, "天津华泰科技有限公司", CODE, MOBILE]]
    sheet = read_list_file(_xlsx(tmp_path / "long.xlsx", {"名单": rows})).sheets[0]
    assert sheet.header_row == instructions + 1
    assert [r.row for r in sheet.rows] == [instructions + 2]


def test_a_header_looked_for_in_one_row_is_looked_for_there_only() -> None:
    from sampling.listfile.headers import find_header

    rows = [["天津华泰科技有限公司", "王伟", "和平区"], ["企业名称", "统一社会信用代码", "联系电话"]]
    assert find_header(rows, scan_rows=1, min_fields=2) is None
    assert find_header(rows).row_index == 1  # type: ignore[union-attr]
