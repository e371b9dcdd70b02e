"""The files the tool writes (callcentre.reports): formulas neutralised in every
writer, characters XML cannot hold, atomic writes, and workbooks people can use.
Every workbook is a real xlsx file read back with openpyxl."""

from __future__ import annotations

import csv
import errno
import os
import re
import subprocess
import sys
import textwrap
import zipfile
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from callcentre.cli import main_group
from callcentre.db.engine import open_engine
from callcentre.db.models import SourceFile
from callcentre.db.models.sample import SampleDesign
from callcentre.errors import UserError
from callcentre.importer.check_report import write_check_workbook, write_rows_csv
from callcentre.importer.jobs import ImportJob
from callcentre.importer.pipeline import import_files

FORMULA = "=cmd|' /C calc'!A0"
# the test's own oracle (independent of callcentre.reports.cells): what a cell may
# begin with only when it is a number or a telephone number
TRIGGERS = tuple("=+-@\t\r")
_NUMBER = re.compile(r"[+-]+|[+-][\d\s*()\-/.eE+]*(\s*ext\s*\d+)?")


def is_number_like(text: str) -> bool:
    return _NUMBER.fullmatch(text) is not None
A = "91120116592938202F"


def run(*args: str) -> tuple[int, str]:
    """The command on a database that has its wave (created explicitly, if missing)."""
    if "--db" in args and "import" in args:
        db = args[args.index("--db") + 1]
        CliRunner().invoke(main_group, ["--db", db, "wave", "new", "2021"])
    result = CliRunner().invoke(main_group, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def hostile_list(folder: Path, *, odd: str = "\uffff") -> Path:
    """A department's CSV list whose file name, names, contacts and cells begin with
    formula characters, and one name holding ``odd`` (U+FFFF)."""
    path = folder / "=HYPERLINK(1).csv"
    path.write_text(
        "部门：市税务局\n"
        "序号,区域,企业名称,统一社会信用代码,联系人,联系电话\n"
        f"1,和平区,{FORMULA},{A},=HYPERLINK(\"http://x\"),13812345678\n"
        f"2,南开,天津{odd}乙有限公司,91120116592938202X,张四,022-23456789 转 801\n"
        "3,河东,@SUM(1+1),,-5,+86 138 1234 5679\n"
        "4,泰达,+天津丙公司,,\t=1+1,13912345678\n",
        encoding="utf-8")
    return path


@pytest.fixture(params=["\uffff", ""], ids=["U+FFFF", "formulas-only"])
def hostile_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, Path]:
    """A database of :func:`hostile_list`, with and without U+FFFF in a name (so that
    a test of formulas does not fail for the other reason)."""
    url = f"sqlite:///{tmp_path / 'cc.db'}"
    engine = open_engine(url)
    summary = import_files(engine, [ImportJob(hostile_list(tmp_path, odd=request.param),
                                              None, 1)])
    assert summary.files[0].outcome == "imported", summary.files[0]
    engine.dispose()
    return url, tmp_path


def string_cells(path: Path) -> list[tuple[str, str, openpyxl.cell.Cell]]:
    """(sheet, coordinate, cell) of every cell of a workbook."""
    wb = openpyxl.load_workbook(path)
    return [(ws.title, c.coordinate, c) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.value is not None]


def assert_no_formula(path: Path) -> None:
    """No formula cell, and every text beginning like a formula is quoted or is a
    number / phone number marked with Excel's quote prefix."""
    for sheet, ref, cell in string_cells(path):
        assert cell.data_type != "f", (sheet, ref, cell.value)
        if isinstance(cell.value, str) and cell.value[:1] in TRIGGERS:
            assert is_number_like(cell.value) and cell.quotePrefix, (sheet, ref, cell.value)


# --- cells -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    (FORMULA, "'" + FORMULA),
    ("+SUM(1)", "'+SUM(1)"),
    ("-HYPERLINK(\"x\")", "'-HYPERLINK(\"x\")"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("-1+1", "'-1+1"),
    ("-A1", "'-A1"),
    # numbers and phone numbers keep their form
    ("-5", "-5"), ("-2.5e3", "-2.5e3"), ("+8613812345678", "+8613812345678"),
    ("+86 22 2345 6789 ext 103", "+86 22 2345 6789 ext 103"),
    ("+86138****5678", "+86138****5678"), ("-", "-"), ("--", "--"),
    ("天津甲公司", "天津甲公司"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise_follows_owasp_and_keeps_numbers(text: str, expected: str) -> None:
    from callcentre.reports.cells import neutralise

    assert neutralise(text) == expected


def test_xml_safe_drops_controls_and_replaces_non_characters() -> None:
    from callcentre.reports.cells import xml_safe

    assert xml_safe("a\x07b\x00c") == "abc"
    assert xml_safe("a\tb\nc\rd") == "a\tb\nc\rd"
    assert xml_safe("天津\uffff乙\ufffe") == "天津\ufffd乙\ufffd"
    assert xml_safe("x\ud800y") == "x\ufffdy"                  # unpaired surrogate
    assert xml_safe("\ud83d\ude00") == "\U0001f600"            # a pair is its character
    assert xml_safe("\udfff\ud83d") == "\ufffd\ufffd"


def test_cell_text_cuts_at_excels_limit_and_marks_phones_for_the_quote_prefix() -> None:
    from callcentre.reports.cells import EXCEL_MAX_CHARS, cell_text

    text, quote = cell_text("名" * 100_000)
    assert len(text) == EXCEL_MAX_CHARS and text.endswith("…") and not quote
    assert cell_text("+8613812345678") == ("+8613812345678", True)
    assert cell_text(FORMULA) == ("'" + FORMULA, False)


# --- every writer: formulas neutralised ----------------------------------------------


def test_check_workbook_neutralises_formulas(hostile_db: tuple[str, Path]) -> None:
    url, folder = hostile_db
    out = folder / "check.xlsx"
    write_check_workbook(open_engine(url), out, wave="2021")
    assert_no_formula(out)
    ws = openpyxl.load_workbook(out)["逐行核查"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    first = rows[0]
    assert first["文件"] == "'=HYPERLINK(1).csv" and first["工作表"] == "'=HYPERLINK(1)"
    assert first["企业名称（原始）"] == "'" + FORMULA
    assert first["联系人"] == "'=HYPERLINK(\"http://x\")"
    assert rows[2]["联系人"] == "-5"                      # a number, kept
    assert rows[3]["联系人"] == "'=1+1"                   # the tab is trimmed on import
    # the phone as sent keeps its form, as a text cell with Excel's quote prefix
    cell = next(c for c in ws["N"] if c.value == "+86 138 1234 5679")
    assert cell.data_type == "s" and cell.quotePrefix


def test_per_department_workbooks_neutralise_formulas(hostile_db: tuple[str, Path]) -> None:
    url, folder = hostile_db
    code, out = run("--db", url, "import", str(hostile_list(folder)), "-i", "1",
                    "--report-dir", str(folder / "depts"))
    assert code == 0, out
    written = list((folder / "depts").glob("*.xlsx"))
    assert [p.name for p in written] == ["市税务局-核查表.xlsx"]
    assert_no_formula(written[0])


def test_rows_csv_neutralises_file_and_sheet_names(hostile_db: tuple[str, Path]) -> None:
    """The rows CSV wrote file and sheet names beginning with = unescaped."""
    url, folder = hostile_db
    out = folder / "rows.csv"
    write_rows_csv(open_engine(url), out, wave="2021")
    with open(out, encoding="utf-8", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert len(records) == 4
    assert {r["file"] for r in records} == {"'=HYPERLINK(1).csv"}
    assert {r["sheet"] for r in records} == {"'=HYPERLINK(1)"}
    for r in records:
        for value in r.values():
            assert not value or value[0] not in TRIGGERS or is_number_like(value), value
    assert records[0]["phone_e164"] == "+8613812345678"   # a phone keeps its form


def draw_and_export(url: str, out: Path, *extra: str) -> tuple[int, str]:
    code, text = run("--db", url, "sample", "draw", "--n", "4", "--seed", "11")
    assert code == 0, text
    return run("--db", url, "sample", "export", "--out", str(out), *extra)


def test_sample_export_writes_no_formula_cells(hostile_db: tuple[str, Path]) -> None:
    """openpyxl took names beginning with = for formulas: the export ran them."""
    url, folder = hostile_db
    out = folder / "s.xlsx"
    code, text = draw_and_export(url, out, "--full-phones")
    assert code == 0, text
    assert_no_formula(out)
    names = [r[2] for r in openpyxl.load_workbook(out)["样本"].iter_rows(min_row=2,
                                                                         values_only=True)]
    assert "'" + FORMULA in names


# --- characters XML cannot hold ------------------------------------------------------


def test_u_ffff_in_a_name_gives_workbooks_openpyxl_opens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cc.db'}"
    import_files(open_engine(url), [ImportJob(hostile_list(tmp_path, odd="\uffff"), None, 1)])
    check, export = tmp_path / "check.xlsx", tmp_path / "s.xlsx"
    write_check_workbook(open_engine(url), check, wave="2021")
    assert draw_and_export(url, export)[0] == 0
    for path in (check, export):
        texts = [c.value for _, _, c in string_cells(path) if isinstance(c.value, str)]
        # the raw cells keep the character (replaced); the normalised name drops it
        assert any("天津\ufffd乙有限公司" in v or "天津乙有限公司" in v for v in texts), path
        assert not any("\uffff" in v for v in texts)


def test_stream_writer_survives_every_kind_of_bad_text(tmp_path: Path) -> None:
    from callcentre.reports.cells import EXCEL_MAX_CHARS
    from callcentre.reports.xlsx import StreamSheet, write_workbook

    bad = ["\x00\x01\x02\x1f", "\ufffe\uffff", "x\ud800", "\ud83d\ude00", "<&>\"'",
           " lead and trail ", "a\nb", "名" * 40_000]
    out = tmp_path / "bad.xlsx"
    write_workbook(out, [StreamSheet("表[1]:*?/\\" + "长" * 40, [["h"], bad, [1.5, float("nan")]],
                                     header_rows=1, inline=frozenset({0, 1}))])
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    assert len(ws.title) <= 31 and not set(ws.title) & set("[]:*?/\\")
    assert [c.value for c in ws[2]] == [None, "\ufffd\ufffd", "x\ufffd", "\U0001f600",
                                        "<&>\"'", " lead and trail ", "a\nb",
                                        "名" * (EXCEL_MAX_CHARS - 1) + "…"]
    assert [c.value for c in ws[3]][:3] == [1.5, "nan", None]


def test_fixture_writer_keeps_hostile_text_as_given(tmp_path: Path) -> None:
    """Demo and test input lists must hold what a department might send."""
    from callcentre.demo.generator import Sheet
    from callcentre.xlsx_stream import StreamSheet, save_xlsx_stream

    out = tmp_path / "input.xlsx"
    save_xlsx_stream(out, [StreamSheet("名单", [["企业名称"], [FORMULA]]),
                           Sheet("附表", [["部门：市税务局"], ["企业名称"], ["+SUM(1)"]], ["A1:B1"])])
    wb = openpyxl.load_workbook(out)
    assert wb["名单"]["A2"].value == FORMULA and wb["附表"]["A3"].value == "+SUM(1)"
    assert [r.coord for r in wb["附表"].merged_cells.ranges] == ["A1:B1"]


# --- atomic writes -------------------------------------------------------------------


def _fail_after(monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """Make the zip writer's file writes fail with ENOSPC after ``calls`` writes."""
    real = zipfile.ZipFile.writestr
    count = {"n": 0}

    def writestr(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)


def test_a_full_disk_leaves_the_earlier_workbook_and_no_partial_file(
        hostile_db: tuple[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    url, folder = hostile_db
    out = folder / "out" / "check.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"the earlier report")
    _fail_after(monkeypatch, 2)
    with pytest.raises(UserError) as info:
        write_check_workbook(open_engine(url), out, wave="2021")
    assert str(out) in str(info.value) and "磁盘空间不足" in str(info.value)
    assert out.read_bytes() == b"the earlier report"
    assert os.listdir(out.parent) == ["check.xlsx"]        # no temporary file left


def test_a_failing_csv_write_leaves_no_file(hostile_db: tuple[str, Path],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    url, folder = hostile_db
    out = folder / "out" / "rows.csv"

    def broken_writer(fh, *args, **kwargs):  # type: ignore[no-untyped-def]
        class W:
            n = 0

            def writerow(self, row):  # type: ignore[no-untyped-def]
                W.n += 1
                if W.n > 2:
                    raise OSError(errno.ENOSPC, "No space left on device")
                fh.write(",".join(map(str, row)) + "\n")
        return W()

    monkeypatch.setattr(csv, "writer", broken_writer)
    with pytest.raises(UserError, match="磁盘空间不足"):
        write_rows_csv(open_engine(url), out, wave="2021")
    assert os.listdir(out.parent) == []


_LIMITED = textwrap.dedent("""
    import resource, signal, sys
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write past the limit: EFBIG
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from callcentre.cli import main
    sys.argv = ["callcentre", *sys.argv[2:]]
    main()
""")


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_FSIZE and SIGXFSZ as on Linux")
def test_a_file_size_limit_stops_the_export_with_a_message_and_no_file(tmp_path: Path) -> None:
    """A real failing write (RLIMIT_FSIZE): the command says so in Chinese, names
    the path, leaves the earlier export as it was and no temporary file."""
    url = f"sqlite:///{tmp_path / 'cc.db'}"
    rows = "".join(f"{i},和平区,天津第{i}号很长名字的科技有限公司{'甲' * 40},,张{i},"
                   f"138{i:08d}\n" for i in range(1, 1500))
    path = tmp_path / "big.csv"
    path.write_text("序号,区域,企业名称,统一社会信用代码,联系人,联系电话\n" + rows,
                    encoding="utf-8")
    assert run("--db", url, "import", str(path), "-d", "市税务局", "-i", "1")[0] == 0
    assert run("--db", url, "sample", "draw", "--n", "1400", "--seed", "3")[0] == 0
    out = tmp_path / "out" / "样本.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"the earlier export")
    proc = subprocess.run(
        [sys.executable, "-c", _LIMITED, str(64 * 1024), "--db", url, "sample", "export",
         "--out", str(out), "--full-phones"],
        capture_output=True, text=True, env={**os.environ, "CALLCENTRE_LANG": "zh"},
        timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "文件超过系统允许的大小" in proc.stderr and str(out) in proc.stderr.replace("\n", "")
    assert out.read_bytes() == b"the earlier export"
    assert os.listdir(out.parent) == ["样本.xlsx"]
    # without the limit the same command writes it
    assert run("--db", url, "sample", "export", "--out", str(out))[0] == 0
    assert openpyxl.load_workbook(out)["样本"].max_row == 1401


def test_export_into_a_missing_folder_is_a_chinese_message(hostile_db: tuple[str, Path]) -> None:
    url, _ = hostile_db
    assert run("--db", url, "sample", "draw", "--n", "2", "--seed", "1")[0] == 0
    result = CliRunner().invoke(main_group, ["--db", url, "sample", "export", "--out",
                                             "/missing/dir/s.xlsx"])
    assert result.exit_code == 1
    assert "文件夹「/missing/dir」不存在" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not Path("/missing").exists()


def test_import_output_into_a_file_path_is_a_chinese_message(hostile_db: tuple[str, Path]) -> None:
    url, folder = hostile_db
    code, out = run("--db", url, "import", str(hostile_list(folder)), "-i", "1", "--report",
                    str(folder / "=HYPERLINK(1).csv" / "check.xlsx"))
    assert code == 1 and "无法写入" in out and "不是文件夹" in out


# --- the check workbook people can use -----------------------------------------------


def test_check_workbook_columns_widths_frozen_header_and_filter(
        hostile_db: tuple[str, Path]) -> None:
    from callcentre.importer.check_report import CHECK_COLUMNS

    url, folder = hostile_db
    out = folder / "check.xlsx"
    write_check_workbook(open_engine(url), out, wave="2021")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["逐行核查", "部门汇总", "可能不在范围内的企业", "部门重叠", "文件", "原因说明", "说明"]
    ws = wb["逐行核查"]
    header = [c.value for c in ws[1]]
    assert header == [
        "文件", "部门", "工作表", "行号", "状态", "拒绝类别", "原因代码", "原因说明",
        "企业名称（原始）", "企业名称（规范化）", "统一社会信用代码（原始）",
        "统一社会信用代码（规范化）", "联系人", "联系电话（原始）", "主要电话（E.164）",
        "全部电话", "区域（原始）", "区划代码", "所属区", "企业编号", "重复于", "原始整行"]
    assert len(header) == len(CHECK_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:V5"
    for letter, spec in zip("ABCDEFGHIJKLMNOPQRSTUV", CHECK_COLUMNS, strict=True):
        assert ws.column_dimensions[letter].width == spec.width
    rows = {r[3]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    # a wrong check digit: the normalised code is empty, the code as sent is shown
    bad = rows[4]
    assert bad["统一社会信用代码（原始）"] == "91120116592938202X"
    assert bad["统一社会信用代码（规范化）"] is None
    assert bad["联系人"] == "张四"
    assert bad["联系电话（原始）"] == "022-23456789 转 801"
    assert bad["区域（原始）"] == "南开" and bad["所属区"] == "南开区"
    name = bad["企业名称（原始）"]
    assert name in ("天津\ufffd乙有限公司", "天津乙有限公司")
    assert bad["原始整行"] == f"2 | 南开 | {name} | 91120116592938202X | 张四 | 022-23456789 转 801"
    # the other sheets: frozen header, fitted widths
    for name in ("部门汇总", "文件", "原因说明"):
        assert wb[name].freeze_panes == "A2"
        assert wb[name].column_dimensions["A"].width >= 6
    assert wb["文件"].auto_filter.ref is not None
    notes = [r[0] for r in wb["说明"].iter_rows(values_only=True)]
    assert any("单引号" in n for n in notes) and any("北京时间" in n for n in notes)


def test_masked_check_workbook_masks_the_phones_as_sent(hostile_db: tuple[str, Path]) -> None:
    url, folder = hostile_db
    out = folder / "check.xlsx"
    write_check_workbook(open_engine(url), out, wave="2021", mask_phones=True)
    texts = [str(c.value) for _, _, c in string_cells(out)]
    for number in ("13812345678", "23456789", "1234 5679", "13912345678"):
        assert not any(number in v for v in texts), number
    ws = openpyxl.load_workbook(out)["逐行核查"]
    assert [ws[f"N{r}"].value for r in range(2, 6)] == [
        "138****5678", "022-****6789 转 801", "+86 1** **** 5679", "139****5678"]
    assert any("已部分隐藏" in v for v in texts)


def test_check_workbook_times_are_beijing_time(hostile_db: tuple[str, Path]) -> None:
    url, folder = hostile_db
    engine = open_engine(url)
    out = folder / "check.xlsx"
    write_check_workbook(engine, out, wave="2021")
    with Session(engine) as s:
        stored = s.exec(select(SourceFile.imported_at)).one()   # UTC
    ws = openpyxl.load_workbook(out)["文件"]
    header = [c.value for c in ws[1]]
    shown = ws.cell(2, header.index("导入时间（北京时间）") + 1).value
    assert shown == (stored + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


# --- the sample export people can use ------------------------------------------------


def test_sample_export_contact_district_names_and_methods_in_words(
        hostile_db: tuple[str, Path]) -> None:
    url, folder = hostile_db
    out = folder / "s.xlsx"
    assert draw_and_export(url, out)[0] == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["分配方案", "样本", "设计参数"]
    ws = wb["样本"]
    header = [c.value for c in ws[1]]
    assert header[:6] == ["案例编号", "统一社会信用代码", "企业名称", "联系人", "区划代码",
                          "所属区"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:P{ws.max_row}"
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)]
    by_code = {r["区划代码"]: r for r in rows}
    assert by_code["120104"]["所属区"] == "南开区" and by_code["120104"]["联系人"] == "张四"
    assert by_code["120101"]["所属区"] == "和平区"
    assert by_code["120101"]["联系人"] == "'=HYPERLINK(\"http://x\")"
    assert all(r["层（说明）"] == "第1项" for r in rows)
    assert all("****" in r["电话"] for r in rows)
    assert ws.cell(2, header.index("基础权重") + 1).number_format == "0.00"
    allocation = wb["分配方案"]
    assert allocation["E2"].number_format == "0.0%" and allocation["K2"].number_format == "0.00"
    assert isinstance(allocation["E2"].value, float)          # still a number
    lines = [r[0] for r in wb["设计参数"].iter_rows(values_only=True)]
    text = "\n".join(lines)
    assert "{" not in text and "params" not in text             # no raw JSON
    with Session(open_engine(url)) as s:
        design = s.exec(select(SampleDesign)).one()
    created = (design.created_at + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    for expected in (f"于 {created}（北京时间）抽取", "按指标分层，共 1 层", "主样本量 4 由用户直接指定",
                     "按比例分配", "随机种子为 11", design.frame_digest, "备用样本为主样本的 1 倍",
                     f"callcentre {design.software_version}", "单引号", "电话号码已部分隐藏"):
        assert expected in text, expected


def test_methods_sheet_describes_margin_neyman_and_bounds() -> None:
    from datetime import datetime

    from callcentre.reports.sample_export import SampleExport, methods_lines

    export = SampleExport(
        name="main", wave="2021", created_at=datetime(2027, 3, 1, 1, 30), software_version="9",
        seed=5, frame_units=100, frame_digest="abc", target=60,
        params={"by": ["item", "district"], "margin": 0.05, "margin_level": "overall",
                "p": 0.5, "confidence": 0.95, "deff": 1.5, "response_rate": 0.6,
                "eligibility_rate": 0.9, "method": "neyman", "minimum": 2, "maximum": 30,
                "take_all_below": 3, "reserve_factor": 0.5, "replicate_share": 0.25,
                "coordination": "spread", "max_items": 2},
        strata=[{"reserve": 10, "released": 35, "size": 30}], units=[], full_phones=False)
    text = "\n".join(methods_lines(export))
    for expected in ("2027-03-01 09:30（北京时间）", "按指标、所属区分层，共 1 层",
                     "允许误差 ±0.05", "置信水平 0.95", "设计效应 1.5", "应答率 0.6",
                     "奈曼", "至少 2 个", "至多 30 个", "单位数不超过 3 的层全部入样",
                     "错开", "最多涉及 2 个指标", "备用样本为主样本的 0.5 倍", "共 10 个",
                     "已释放 5 个", "25%"):
        assert expected in text, expected


def test_sample_list_shows_beijing_time(hostile_db: tuple[str, Path]) -> None:
    url, _ = hostile_db
    assert run("--db", url, "sample", "draw", "--n", "2", "--seed", "1")[0] == 0
    with Session(open_engine(url)) as s:
        stored = s.exec(select(SampleDesign.created_at)).one()   # UTC
    code, out = run("--db", url, "sample", "list")
    assert code == 0 and (stored + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M") in out


def test_an_output_path_holding_markup_is_shown_as_typed(hostile_db: tuple[str, Path]) -> None:
    """The message names the path; a path like "[/b]" is not console markup."""
    url, folder = hostile_db
    assert run("--db", url, "sample", "draw", "--n", "2", "--seed", "1")[0] == 0
    target = folder / "[/b]x" / "s.xlsx"
    result = CliRunner().invoke(main_group, ["--db", url, "sample", "export", "--out",
                                             str(target)])
    assert result.exit_code == 1 and str(target.parent) in result.output


def test_whole_row_shows_numbers_as_excel_does(tmp_path: Path) -> None:
    """Whole numbers read from xlsx are floats: the whole row shows 1, not 1.0, and a
    credit code Excel stored as a number keeps its exponent (its digits are lost)."""
    from tests.test_import_pipeline import write_list

    url = f"sqlite:///{tmp_path / 'cc.db'}"
    path = write_list(tmp_path / "a.xlsx", [
        [1, "和平区", "天津甲科技有限公司", 1.21201023163164e17, "张一", 13812345678.0, "开办", None]])
    import_files(open_engine(url), [ImportJob(path, "市税务局", 1)])
    out = tmp_path / "check.xlsx"
    write_check_workbook(open_engine(url), out, wave="2021")
    ws = openpyxl.load_workbook(out)["逐行核查"]
    header = [c.value for c in ws[1]]
    row = dict(zip(header, next(ws.iter_rows(min_row=2, values_only=True))))
    assert row["原始整行"] == "1 | 和平区 | 天津甲科技有限公司 | 1.21201023163164e+17 | 张一 | " \
                             "13812345678 | 开办"
    assert row["统一社会信用代码（原始）"] == 1.21201023163164e17     # a number, as sent
    assert row["联系电话（原始）"] == 13812345678


def test_a_new_file_gets_the_usual_permissions_and_a_replaced_one_keeps_its_own(
        tmp_path: Path) -> None:
    """The temporary file is made 0600; the file it becomes is not."""
    from callcentre.reports.csv_file import write_csv

    mask = os.umask(0o022)
    os.umask(mask)
    new = tmp_path / "new.csv"
    write_csv(new, ["a"], [[1]])
    assert new.stat().st_mode & 0o777 == 0o666 & ~mask
    kept = tmp_path / "kept.csv"
    kept.write_text("old")
    kept.chmod(0o640)
    write_csv(kept, ["a"], [[1]])
    assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_bytes() == b"a\r\n1\r\n"
