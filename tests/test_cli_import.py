"""The import command as a user runs it: Chinese messages, exit status, outputs."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from callcentre.cli import main_group
from tests.test_import_pipeline import tax_rows, write_list


def run(*args: str) -> tuple[int, str]:
    """The command on a database that has its wave (created if missing)."""
    if "--db" in args:
        db = args[args.index("--db") + 1]
        CliRunner().invoke(main_group, ["--db", db, "wave", "new", "2021"])
    result = CliRunner().invoke(main_group, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_import_command_reports_and_writes_outputs(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    good = write_list(tmp_path / "税务局名单.xlsx", tax_rows())
    broken = tmp_path / "坏文件.xlsx"
    broken.write_text("garbage")
    report, rows_csv = tmp_path / "核查表.xlsx", tmp_path / "rows.csv"
    code, out = run("--db", db, "import", str(good), str(broken), "--item", "1",
                    "--report", str(report), "--rows-csv", str(rows_csv), "--report-dir",
                    str(tmp_path / "depts"))
    assert code == 1                      # one file failed …
    assert "坏文件.xlsx" in out and "无法读取" in out
    assert "导入汇总" in out and "税务局名单.xlsx" in out
    assert report.exists() and (tmp_path / "depts" / "市税务局-核查表.xlsx").exists()
    with open(rows_csv, encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 7   # … and the good one imported
    code, out = run("--db", db, "import", str(good), "--item", "1")
    assert code == 0 and "未变化" in out


def test_import_with_manifest(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    write_list(tmp_path / "a.xlsx", tax_rows())
    (tmp_path / "manifest.csv").write_text("文件,部门,指标\na.xlsx,市税务局,5\n", encoding="utf-8")
    code, out = run("--db", db, "import", "--manifest", str(tmp_path / "manifest.csv"))
    assert code == 0, out
    assert "市税务局" in out


def test_manifest_row_numbers_are_not_item_numbers(tmp_path: Path) -> None:
    """A manifest's own 序号 column is its row number; the item is in 指标."""
    from callcentre.importer.jobs import read_manifest

    (tmp_path / "manifest.csv").write_text(
        "序号,文件,部门,指标\n1,a.xlsx,市税务局,5\n2,b.xlsx,市交通局,7\n", encoding="utf-8")
    jobs = read_manifest(tmp_path / "manifest.csv")
    assert [(j.path.name, j.department, j.item) for j in jobs] == [
        ("a.xlsx", "市税务局", 5), ("b.xlsx", "市交通局", 7)]
    (tmp_path / "only.csv").write_text("序号,文件,部门\n1,a.xlsx,市税务局\n", encoding="utf-8")
    assert read_manifest(tmp_path / "only.csv")[0].item is None


def test_a_file_listed_twice_gets_a_chinese_message(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    write_list(tmp_path / "a.xlsx", tax_rows())
    (tmp_path / "manifest.csv").write_text("文件,部门,指标\na.xlsx,市税务局,5\na.xlsx,市税务局,7\n",
                                           encoding="utf-8")
    code, out = run("--db", db, "import", "--manifest", str(tmp_path / "manifest.csv"))
    assert code == 1
    assert "列出了不止一次" in out and "a.xlsx" in out


def test_department_with_a_slash_gets_its_own_check_workbook(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    good = write_list(tmp_path / "a.xlsx", tax_rows())
    code, out = run("--db", db, "import", str(good), "--item", "1", "--department",
                    "市场监管局/知识产权局", "--report-dir", str(tmp_path / "depts"))
    assert code == 0, out
    assert [p.name for p in (tmp_path / "depts").iterdir()] == ["市场监管局_知识产权局-核查表.xlsx"]


def test_two_files_of_one_name_are_told_apart_in_the_rows_csv(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    for dept in ("甲部门", "乙部门"):
        (tmp_path / dept).mkdir()
        write_list(tmp_path / dept / "名单 2021.xlsx", tax_rows(), title=f"部门：{dept}")
    rows_csv = tmp_path / "rows.csv"
    code, out = run("--db", db, "import", str(tmp_path / "甲部门" / "名单 2021.xlsx"),
                    str(tmp_path / "乙部门" / "名单 2021.xlsx"), "--item", "1",
                    "--rows-csv", str(rows_csv))
    assert code == 0, out
    with open(rows_csv, encoding="utf-8") as fh:
        files = {r["file"] for r in csv.DictReader(fh)}
    assert files == {"甲部门/名单 2021.xlsx", "乙部门/名单 2021.xlsx"}


def test_import_without_files_is_a_clear_error(tmp_path: Path) -> None:
    code, out = run("--db", f"sqlite:///{tmp_path / 'cc.db'}", "import")
    assert code == 1
    assert "没有要导入的文件" in out


def test_help_is_chinese() -> None:
    code, out = run("import", "--help")
    assert code == 0
    assert "报送部门" in out and "--manifest" in out


def test_unreadable_files_get_chinese_messages_naming_them(tmp_path: Path) -> None:
    empty = tmp_path / "空文件.xlsx"
    empty.write_bytes(b"")
    locked = tmp_path / "加密.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                       + "EncryptedPackage".encode("utf-16-le"))
    good = write_list(tmp_path / "好.xlsx", tax_rows())
    code, out = run("--db", f"sqlite:///{tmp_path / 'cc.db'}", "import", str(empty),
                    str(locked), str(good), "--item", "1")
    assert code == 1
    assert "Traceback" not in out
    assert f"文件为空，没有任何数据：{empty}" in out
    assert f"文件已加密（设有打开密码），无法读取：{locked}" in out
    assert "好.xlsx" in out and "已导入" in out


def test_department_written_loosely_is_one_department(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    write_list(tmp_path / "a.xlsx", tax_rows())
    code, out = run("--db", db, "import", str(tmp_path / "a.xlsx"), "--item", "1",
                    "--department", " 国网 天津电力 ", "--report-dir", str(tmp_path / "d"))
    assert code == 0, out
    assert (tmp_path / "d" / "国网天津电力-核查表.xlsx").exists()


def test_a_database_that_cannot_be_opened_is_a_chinese_message(tmp_path: Path) -> None:
    write_list(tmp_path / "a.xlsx", tax_rows())
    for db in (str(tmp_path), str(tmp_path / "no" / "such" / "cc.db"), str(tmp_path / "a.xlsx")):
        result = CliRunner().invoke(main_group, ["--db", db, "import", str(tmp_path / "a.xlsx"),
                                                 "-i", "1"])
        assert result.exit_code == 1, result.output
        assert "无法打开数据库" in result.output and "Traceback" not in result.output


def test_an_output_that_cannot_be_written_is_a_chinese_message(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    good = write_list(tmp_path / "a.xlsx", tax_rows())
    (tmp_path / "afile").write_text("")
    code, out = run("--db", db, "import", str(good), "-i", "1", "--rows-csv",
                    str(tmp_path / "afile" / "rows.csv"))
    assert code == 1 and "无法写入" in out
    # the import is stored; the outputs come with the next run, into new folders
    code, out = run("--db", db, "import", str(good), "-i", "1", "--rows-csv",
                    str(tmp_path / "new" / "rows.csv"))
    assert code == 0 and "未变化" in out and (tmp_path / "new" / "rows.csv").exists()
