"""Messy list files as departments send them: merged cells, odd csv encodings and
delimiters, huge cells, lying file extensions, totals rows."""

from __future__ import annotations

import base64
import csv
import io
import json
import shutil
import zlib
from pathlib import Path

import openpyxl
import pytest

from sampling.listfile.limits import ReadLimits
from sampling.listfile.reader import ListFileError, department_from_preamble, read_list_file

HEADER: list[object] = ["序号", "企业名称", "统一社会信用代码", "联系电话", "所属区", "联系人", "业务类型"]
CODES = ["91120101600000012H", "91120101600000020C", "911201016000000399", "911201016000000474"]

# A real .xls (BIFF8, as Excel writes it; no xls writer is installed): title row
# "部门：市税务局", a blank row, the header in row 3, three rows, 所属区 merged over E4:E6.
_XLS = (
    "eNrtWF1IFFEUPnd2xv3JXddfagORIFPzwd2lUEHXijKI1p81rBBNUyL8iy0hTcx+fLJIiIIiAqGXXvp56Z+o"
    "tx4Co4ggkjQJhF4KCoXU6ZyzM+NuibhQUjFnuWfOd+6557sz9965d+fFSPLY8G3POPwkpWCBOdUOCVE+gcWu"
    "AzdgvaqSqV9tWFRT/imx23AgExR46HxupTGk8R4HCW7JT1EDfMBSB4cg2NnRkrWMspn70CioDyWoBVxBjwtW"
    "ca9SWO9nncr6Jkc+Yl3GnrOsSzB2TOyFkUAwr1CbxbulNVznAsp7l9u8ZY8X0uEZzeLjQyISq8Cm8MHGtr+z"
    "IlNOhGuA41be0tESbmwbgzQcwGvwTc0C+Kqv1CdZpn95/QLQPx3rty7gPy/JAP2g7uMJPgCJ8E6mGkk4a3aF"
    "ZqBIrESUgcUKYnJo8oJHlepdPcPVZXXY4Fz9VEgGISo8QWfN524biPd9ECzt9lSMV+R0TQTFUayt6f/eu6Fr"
    "dNACoqypvq44ZIn4HgSx0hMcrj7WO1jrAJG7Z237jvbXg16YCtkPVF5sq5oOpQAUeb2+Am+Bd2MBi9e3fQWu"
    "En8hmn7C2I2sBi+vo4ar1VF5fIvm8RVsicnj4zw+iErgXzSBv6goJoGfE/hx0xJnag7XF4cctFfxu80d825z"
    "cl8TUTdDEtvJvPLduHvNXP/ycmdTZaCBPf28n0V2vbU0UKDCCWqBjV2g56OhAcjjFutZn+Ssq9n2sE7D9YrX"
    "7Mp0zdh2imNOc2028vhZXgXWRdk5aA98qrqXOTARyEX7Rvl4T9qNN4FhWIO7cDO2p98pyBf54vIlkvsB/Sq0"
    "N+Qo61W/vC1tklu7N1Xb2pNgFhxsJrOmCInvLjZC4gh6JhGkP78IkhBZDGRBJBtIRqQYSEGUYKAERFaN1fIT"
    "a5/kYN98vIVZbQYiVruBiNVhIGJNNxCxrjAQsSZqrPICrDKz6rlkZnUaiFhdBiLWJESPsV8ys8paDXG6jbho"
    "TmUBToU59bwKcyYbiDhTDEScqRqnEsWpMGeaEadzfqT1xU+BelgqpcAdGjrcL+fFAaaYYooppphiyv8udJKj"
    "QwCdsOi8o2jnWqv2XWcWy5z5meS/lWroxN8R/GO6FTrwGobuuOZPBihCzyWW2Eb/XkhSi+xhaIUm7kdr3PMX"
    "/+eI6PtZckP371tC8fLPxdPPP8z/A47VKOY="
)


def _xls(path: Path) -> Path:
    path.write_bytes(zlib.decompress(base64.b64decode(_XLS)))
    return path


def _row(i: int) -> list[object]:
    return [i, f"天津测试{i}号有限公司", CODES[i - 1], f"1380013{i:04d}", "和平区", f"张{i}", "开办"]


def _rows(n: int) -> list[list[object]]:
    return [_row(i) for i in range(1, n + 1)]


def _csv_text(data: list[list[object]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for record in data:
        writer.writerow(record)
    return out.getvalue()


def _accounted(sheet) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(
        [sheet.header_row] + [r.row for r in sheet.rows] + sheet.blank_rows + sheet.note_rows
        + sheet.repeated_header_rows
    )


# --- 1. merged cells -----------------------------------------------------------------


def _merged_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["部门：市税务局  联系人：张三  手机号码：13812345678"])
    ws.merge_cells("A1:G1")
    ws.append(HEADER)
    for r in _rows(4):
        ws.append(r)
    for excel_row in range(4, 7):
        ws.cell(excel_row, 5).value = None
    ws.merge_cells("E3:E6")                       # 所属区 merged down the data rows
    ws.append(["注：以上企业均为本年度新办企业"])   # a footnote merged across the table
    ws.merge_cells("A7:G7")
    wb.save(path)


def test_vertically_merged_data_cells_fill_every_row(tmp_path: Path) -> None:
    path = tmp_path / "merged.xlsx"
    _merged_workbook(path)
    sheet = read_list_file(path).sheets[0]
    assert sheet.header_row == 2
    assert [r.row for r in sheet.rows] == [3, 4, 5, 6]
    assert [sheet.cell(r, "district") for r in sheet.rows] == ["和平区"] * 4
    # the merged title row still names the department; the merged footnote stays a note
    assert department_from_preamble(sheet.preamble) == "市税务局"
    assert sheet.note_rows == [7]
    assert _accounted(sheet) == list(range(2, 8))


def test_merged_range_over_a_spacer_row_keeps_it_blank(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    rows = _rows(3)
    for r in rows[1:]:
        r[4] = None
    ws.append(rows[0])
    ws.append(rows[1])
    ws.append([])                                   # row 4: a blank spacer row
    ws.append(rows[2])
    ws.merge_cells("E2:E5")
    path = tmp_path / "spacer.xlsx"
    wb.save(path)
    sheet = read_list_file(path).sheets[0]
    assert [r.row for r in sheet.rows] == [2, 3, 5]
    assert sheet.blank_rows == [4]
    assert [sheet.cell(r, "district") for r in sheet.rows] == ["和平区"] * 3


def test_merged_data_cells_in_xls(tmp_path: Path) -> None:
    sheet = read_list_file(_xls(tmp_path / "merged.xls")).sheets[0]
    assert sheet.header_row == 3
    assert [r.row for r in sheet.rows] == [4, 5, 6]
    assert [sheet.cell(r, "district") for r in sheet.rows] == ["和平区"] * 3
    assert department_from_preamble(sheet.preamble) == "市税务局"


def test_two_row_header_with_merged_cells(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["部门：市税务局"])
    ws.append(["序号", "企业名称", "统一社会信用代码", "所属区", "联系方式", None])
    ws.append([None, None, None, None, "联系人", "联系电话"])
    ws.merge_cells("E2:F2")
    for c in "ABCD":
        ws.merge_cells(f"{c}2:{c}3")
    for r in _rows(3):
        ws.append([r[0], r[1], r[2], r[4], r[5], r[3]])
    path = tmp_path / "two_row.xlsx"
    wb.save(path)
    sheet = read_list_file(path).sheets[0]
    assert [r.row for r in sheet.rows] == [4, 5, 6]
    assert sheet.cell(sheet.rows[0], "phone") == "13800130001"
    assert sheet.cell(sheet.rows[0], "contact") == "张1"
    assert department_from_preamble(sheet.preamble) == "市税务局"


# --- 2. csv robustness ---------------------------------------------------------------


def test_csv_cell_longer_than_default_field_limit(tmp_path: Path) -> None:
    """A cell longer than the csv module's default field limit (131,072) is read when
    the cell limit allows it; by default (Excel's 32,767) the file is refused, saying so."""
    data: list[list[object]] = [HEADER, *_rows(3)]
    data[2][6] = "很长的说明" * 40000                  # 200 000 characters
    path = tmp_path / "huge.csv"
    path.write_text(_csv_text(data), encoding="utf-8")
    sheet = read_list_file(path, limits=ReadLimits(max_cell_chars=200_000)).sheets[0]
    assert [r.row for r in sheet.rows] == [2, 3, 4]
    assert len(sheet.cell(sheet.rows[1], "business")) == 200000  # type: ignore[arg-type]
    with pytest.raises(ListFileError) as refused:
        read_list_file(path)
    assert refused.value.code == "over_limit"
    assert "200,000" in refused.value.detail and "32,767" in refused.value.detail


def test_excel_unicode_text_utf16_tab_separated(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    text = _csv_text([["部门：市税务局"], HEADER, *_rows(3)], "\t")
    path.write_bytes(text.encode("utf-16"))           # BOM + UTF-16 LE, as Excel writes it
    sheet = read_list_file(path).sheets[0]
    assert sheet.header_row == 2
    assert [r.row for r in sheet.rows] == [3, 4, 5]
    assert sheet.cell(sheet.rows[0], "uscc") == CODES[0]
    assert department_from_preamble(sheet.preamble) == "市税务局"


def test_utf8_bom_followed_by_gbk(tmp_path: Path) -> None:
    path = tmp_path / "bomgbk.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv_text([["部门：市税务局"], HEADER, *_rows(3)]).encode("gbk"))
    sheet = read_list_file(path).sheets[0]
    assert sheet.header_row == 2
    assert sheet.cell(sheet.rows[2], "name") == "天津测试3号有限公司"
    assert department_from_preamble(sheet.preamble) == "市税务局"


def test_tab_text_with_unpadded_title_line(tmp_path: Path) -> None:
    path = tmp_path / "tab.txt"
    path.write_text(_csv_text([["部门：市税务局"], HEADER, *_rows(3)], "\t"), encoding="utf-8")
    sheet = read_list_file(path).sheets[0]
    assert sheet.header_row == 2
    assert [r.row for r in sheet.rows] == [3, 4, 5]
    assert sheet.cell(sheet.rows[0], "phone") == "13800130001"


def test_tab_text_with_commas_inside_cells(tmp_path: Path) -> None:
    data: list[list[object]] = [HEADER, *_rows(4)]
    for r in data[1:]:
        r[3] = f"{r[3]},13900000000"
    path = tmp_path / "tabcomma.txt"
    path.write_text(_csv_text(data, "\t"), encoding="utf-8")
    sheet = read_list_file(path).sheets[0]
    assert sheet.cell(sheet.rows[0], "phone") == "13800130001,13900000000"
    assert sheet.cell(sheet.rows[0], "uscc") == CODES[0]


def test_comma_csv_with_semicolons_inside_cells(tmp_path: Path) -> None:
    data: list[list[object]] = [["部门：市税务局"], HEADER, *_rows(4)]
    for r in data[2:]:
        r[3] = f"{r[3]};13900000000"
        r[6] = "开办;变更"
    path = tmp_path / "semi.csv"
    path.write_text(_csv_text(data), encoding="utf-8")
    sheet = read_list_file(path).sheets[0]
    assert sheet.header_row == 2
    assert sheet.cell(sheet.rows[0], "phone") == "13800130001;13900000000"
    assert sheet.cell(sheet.rows[0], "business") == "开办;变更"


# --- 3. lying file extensions ----------------------------------------------------------


def _plain_workbook(path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["部门：市税务局"])
    ws.append(HEADER)
    for r in _rows(3):
        ws.append(r)
    wb.save(path)


@pytest.mark.parametrize("suffix", [".xls", ".csv"])
def test_xlsx_with_wrong_extension(tmp_path: Path, suffix: str) -> None:
    real = tmp_path / "real.xlsx"
    _plain_workbook(real)
    renamed = tmp_path / f"renamed{suffix}"
    shutil.copyfile(real, renamed)
    sheet = read_list_file(renamed).sheets[0]
    assert sheet.header_row == 2
    assert [r.row for r in sheet.rows] == [3, 4, 5]


def test_xls_with_xlsx_extension(tmp_path: Path) -> None:
    sheet = read_list_file(_xls(tmp_path / "renamed.xlsx")).sheets[0]
    assert [r.row for r in sheet.rows] == [4, 5, 6]


def test_garbage_with_xlsx_extension_is_still_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"hello this is not excel")
    with pytest.raises(ListFileError) as err:
        read_list_file(path)
    assert err.value.code == "unreadable"


# --- 4. totals rows ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "totals",
    [
        ["合计", "", "", "", "", "", ""],
        ["合 计", "共3户", "", "", "", "", ""],
        ["", "总计", "", "", "3户", "", "3"],            # several cells filled: the fast path
        ["小计：", "和平区", "", "", "和平区", "3", ""],
    ],
)
def test_totals_row_is_not_a_data_row(tmp_path: Path, totals: list[object]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in _rows(3):
        ws.append(r)
    ws.append(totals)
    path = tmp_path / "totals.xlsx"
    wb.save(path)
    sheet = read_list_file(path).sheets[0]
    assert [r.row for r in sheet.rows] == [2, 3, 4]
    assert sheet.note_rows == [5]


def test_totals_row_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "totals.csv"
    path.write_text(_csv_text([HEADER, *_rows(3), ["合计", "3", "", "", "", "", "3"]]), "utf-8")
    sheet = read_list_file(path).sheets[0]
    assert [r.row for r in sheet.rows] == [2, 3, 4]
    assert sheet.note_rows == [5]


def test_company_row_with_credit_code_is_kept_even_if_named_like_a_total(tmp_path: Path) -> None:
    path = tmp_path / "named.csv"
    data: list[list[object]] = [HEADER, *_rows(2)]
    data[2][0] = "小计"
    path.write_text(_csv_text(data), "utf-8")
    sheet = read_list_file(path).sheets[0]
    assert [r.row for r in sheet.rows] == [2, 3]


def test_a_second_table_in_one_sheet_is_read_with_its_own_header(tmp_path: Path) -> None:
    """A second table further down a sheet, its columns in another order, under a
    title of its own: read with its own header, the title not a data row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["部门：市税务局"])
    ws.append(HEADER)
    for r in _rows(2):
        ws.append(r)
    ws.append([])
    ws.append(["二、新设企业"])
    ws.append(["企业名称", "统一社会信用代码", "所属区", "联系电话"])
    for r in [_row(3), _row(4)]:
        ws.append([r[1], r[2], r[4], r[3]])
    wb.save(tmp_path / "two.xlsx")
    first, second = read_list_file(tmp_path / "two.xlsx").sheets
    assert (first.name, first.header_row, [r.row for r in first.rows]) == ("名单", 2, [3, 4])
    assert first.blank_rows == [5]
    assert (second.name, second.header_row, [r.row for r in second.rows]) == ("名单", 7, [8, 9])
    assert second.preamble == ["二、新设企业"]
    assert second.cell(second.rows[0], "uscc") == CODES[2]
    assert second.cell(second.rows[1], "district") == _row(4)[4]


def test_a_continuation_sheet_without_header_uses_the_first_tables(tmp_path: Path) -> None:
    """A 续表 sheet holds more rows without a header of its own: none of its rows is
    left out. A 填表说明 sheet is still skipped."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(HEADER)
    for r in _rows(2):
        ws.append(r)
    more = wb.create_sheet("续表")
    for r in [_row(3), _row(4)]:
        more.append(r)
    notes = wb.create_sheet("填表说明")
    notes.append(["1. 统一社会信用代码填写18位代码"])
    notes.append(["2. 联系电话请填写手机号码", "例如 13800000000"])
    wb.save(tmp_path / "cont.xlsx")
    listfile = read_list_file(tmp_path / "cont.xlsx")
    _, cont = listfile.sheets
    assert (cont.name, cont.continues, cont.header_row) == ("续表", "名单", 0)
    assert [r.row for r in cont.rows] == [1, 2]
    assert cont.cell(cont.rows[1], "uscc") == CODES[3]
    assert [s.sheet for s in listfile.skipped] == ["填表说明"]


# --- web pages and text saved as .xls -------------------------------------------------

_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
</head><body><p>部门：市税务局</p>
<table border="1">
<tr><td colspan="6">第38项 企业名单</td></tr>
<tr><th rowspan="2">序号</th><th rowspan="2">企业名称</th><th rowspan="2">统一社会信用代码</th>
    <th colspan="2">联系方式</th><th rowspan="2">所属区</th></tr>
<tr><th>联系人</th><th>联系电话</th></tr>
<tr><td>1</td><td>天津测试1号&nbsp;有限公司</td><td>91120101600000012H</td><td>张1</td>
    <td>13800130001</td><td rowspan="2">和平区</td></tr>
<tr><td>2</td><td>天津测试2号有限公司</td><td>91120101600000020C</td><td>张2</td>
    <td>13800130002<br>022-23456789</td></tr>
</table></body></html>"""


def test_web_page_saved_as_xls_is_read_like_excel_shows_it(tmp_path: Path) -> None:
    """An HTML export named .xls (GBK, as the <meta> says): a group label spanning
    two columns over a sub-header, and a district spanning the data rows."""
    path = tmp_path / "名单.xls"
    path.write_bytes(_PAGE.encode("gb18030"))
    sheet = read_list_file(path).sheets[0]
    assert sheet.name == "名单"
    assert sheet.header_row == 3 and [r.row for r in sheet.rows] == [4, 5]
    first, second = sheet.rows
    assert sheet.cell(first, "name") == "天津测试1号 有限公司"
    assert sheet.cell(first, "phone") == "13800130001" and sheet.cell(first, "contact") == "张1"
    assert sheet.cell(second, "district") == "和平区"            # spanned down
    assert sheet.cell(second, "phone") == "13800130002\n022-23456789"
    assert "第38项 企业名单" in sheet.preamble


def test_html_grid_places_cells_around_row_spans() -> None:
    from sampling.listfile.html_table import html_grid

    grid, merged = html_grid("<table><tr><td rowspan=2>a</td><td>b</td><td rowspan=2>c</td></tr>"
                             "<tr><td>d</td></tr><tr><td colspan=2>e</td><td>f</td></tr></table>")
    assert grid == [["a", "b", "c"], ["", "d", ""], ["e", "", "f"]]
    assert merged == [((0, 0), (1, 0)), ((0, 2), (1, 2))]


def test_tab_text_saved_as_xls_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_bytes(_csv_text([HEADER, *_rows(2)], delimiter="\t").encode("gb18030"))
    sheet = read_list_file(path).sheets[0]
    assert [sheet.cell(r, "uscc") for r in sheet.rows] == CODES[:2]


def test_binary_garbage_named_xls_is_still_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "坏.xls"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(ListFileError) as err:
        read_list_file(path)
    assert err.value.code == "unreadable"


@pytest.mark.parametrize(("title", "department"), [
    ("上报部门(单位):      联系人:    联系电话:", None),      # the template, left blank
    ("部门：   联系人：李四", None),
    ("部门：市税务局联系人：张三", "市税务局"),                 # no space before the next label
    ("部门：市税务局  联系人：张三", "市税务局"),
])
def test_department_of_a_title_row_is_never_the_next_label(title: str,
                                                           department: str | None) -> None:
    assert department_from_preamble([title]) == department


def test_numbered_rows_of_an_empty_template_are_blank(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in _rows(2):
        ws.append(r)
    ws.append([3])
    ws.append([4, None, None])
    wb.save(tmp_path / "template.xlsx")
    sheet = read_list_file(tmp_path / "template.xlsx").sheets[0]
    assert [r.row for r in sheet.rows] == [2, 3]
    assert sheet.blank_rows == [4, 5]


# --- headers inside a sheet, and what is not one -----------------------------------------

def _sheet_of(tmp_path: Path, rows: list[list[object]], name: str = "f.xlsx"):  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(tmp_path / name)
    return read_list_file(tmp_path / name)


@pytest.mark.parametrize("row", [
    [2, "天津己公司", "信用代码待补", "南开区", "负责人", "13800130002"],
    ["天津己公司", "统一代码暂缺", "区县待定", "联系人不详", "", ""],
    [2, "天津己公司", "无", "南开区", "张二", "13800130002"],
])
def test_a_data_row_with_label_like_words_is_not_a_header(tmp_path: Path,
                                                            row: list[object]) -> None:
    header = ["序号", "企业名称", "统一社会信用代码", "区域", "联系人", "联系电话"]
    sheets = _sheet_of(tmp_path, [header, [1, "天津甲公司", CODES[0], "和平区", "张一",
                                           "13800130001"], row]).sheets
    assert len(sheets) == 1 and [r.row for r in sheets[0].rows] == [2, 3]


def test_totals_rows_with_a_number_first_and_names_that_start_alike(tmp_path: Path) -> None:
    header = ["序号", "企业名称", "统一社会信用代码", "区域", "联系人", "联系电话"]
    sheet = _sheet_of(tmp_path, [
        header,
        [1, "合计科技（天津）有限公司", None, "和平区", "张三", "13812340000"],
        [2, "小计算机服务部", CODES[1], "和平区", "李四", "13812340001"],
        [3, "合计", None, None, None, None],
        [None, "合计：2家", None, None, None, None],
        ["小计", "2家", None, "和平区", None, None],
    ]).sheets[0]
    assert [r.row for r in sheet.rows] == [2, 3]
    assert sheet.note_rows == [4, 5, 6]


def test_a_second_table_with_a_two_row_header_and_fewer_columns(tmp_path: Path) -> None:
    sheets = _sheet_of(tmp_path, [
        ["序号", "企业名称", "区域", "联系人", "联系电话", "统一社会信用代码"],
        [1, "天津甲公司", "和平区", "王一", "13812345678", CODES[0]],
        [],
        ["企业名称", "统一社会信用代码", "联系方式", None],
        [None, None, "联系人", "联系电话"],
        ["天津丙公司", CODES[2], "张三", "13712345678"],
    ]).sheets
    assert [(s.header_row, [r.row for r in s.rows]) for s in sheets] == [(1, [2]), (5, [6])]
    second = sheets[1]
    assert second.cell(second.rows[0], "phone") == "13712345678"
    assert second.cell(second.rows[0], "contact") == "张三"


def test_a_title_above_a_repeated_header_is_a_note(tmp_path: Path) -> None:
    header = ["序号", "企业名称", "统一社会信用代码", "联系电话"]
    sheet = _sheet_of(tmp_path, [header, [1, "天津甲公司", CODES[0], "13800130001"], [],
                                 ["二、新设企业"], header,
                                 [2, "天津乙公司", CODES[1], "13800130002"]]).sheets[0]
    assert [r.row for r in sheet.rows] == [2, 6]
    assert sheet.note_rows == [4] and sheet.repeated_header_rows == [5]


def test_header_labels_merged_down_over_a_group_label_row(tmp_path: Path) -> None:
    """序号, 区域, 联系电话 merged over two header rows beside a group label 企业基本情况
    over 企业名称 / 统一社会信用代码: calamine has their text in the upper row only."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "企业基本情况", None, "区域", "联系电话"])
    ws.append([None, "企业名称", "统一社会信用代码", None, None])
    for col in "ADE":
        ws.merge_cells(f"{col}1:{col}2")
    ws.merge_cells("B1:C1")
    ws.append([1, "天津甲公司", CODES[0], "和平区", "13800130001"])
    ws.append([2])
    wb.save(tmp_path / "group.xlsx")
    sheet = read_list_file(tmp_path / "group.xlsx").sheets[0]
    assert set(sheet.header.columns) >= {"seq", "name", "uscc", "district", "phone"}
    assert [r.row for r in sheet.rows] == [3] and sheet.blank_rows == [4]


def test_a_sub_header_may_repeat_a_label_of_its_own(tmp_path: Path) -> None:
    sheet = _sheet_of(tmp_path, [
        ["序号", "企业名称", "统一社会信用代码", "联系方式", None],
        ["序号", None, None, "联系人", "联系电话"],
        [1, "天津甲公司", CODES[0], "张一", "13800130001"],
    ]).sheets[0]
    assert sheet.header_row == 2 and [r.row for r in sheet.rows] == [3]
    assert sheet.cell(sheet.rows[0], "phone") == "13800130001"


def test_continuation_sheets_follow_the_list_not_a_work_order_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    orders = wb.active
    orders.title = "工单"
    orders.append(["序号", "工单号", "企业名称", "统一社会信用代码"])
    orders.append([1, "GD1", "天津甲公司", CODES[0]])
    names = wb.create_sheet("名单")
    names.append(HEADER)
    names.append(_row(1))
    more = wb.create_sheet("续表")
    more.append(_row(2))
    more.append(_row(3))
    notes = wb.create_sheet("说明")      # phone numbers, but no codes: not a 续表
    notes.append(["咨询人", "张老师", "", "022-23456789"])
    notes.append(["咨询人", "李老师", "", "022-23456790"])
    wb.save(tmp_path / "mixed.xlsx")
    listfile = read_list_file(tmp_path / "mixed.xlsx")
    cont = [s for s in listfile.sheets if s.name == "续表"]
    assert cont and cont[0].continues == "名单" and "order_no" not in cont[0].header.columns
    assert "说明" in [s.sheet for s in listfile.skipped]


def test_a_hidden_sheet_is_imported_and_said_to_be_hidden(tmp_path: Path) -> None:
    from callcentre.importer.check_report import describe_sheets
    from callcentre.importer.parse import parse_list_file

    wb = openpyxl.Workbook()
    wb.active.append(HEADER)
    wb.active.append(_row(1))
    hidden = wb.create_sheet("隐藏")
    hidden.append(HEADER)
    hidden.append(_row(2))
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "h.xlsx")
    listfile = read_list_file(tmp_path / "h.xlsx")
    assert [(s.name, s.hidden) for s in listfile.sheets] == [("Sheet", False), ("隐藏", True)]
    parsed = parse_list_file(tmp_path / "h.xlsx")
    assert parsed.n_rows == 2
    assert "被隐藏" in describe_sheets(json.dumps(parsed.sheets, ensure_ascii=False))
