"""The traps a new supervisor met on the command line (issue 11), one test each:
typos that silently re-filed lists, tracebacks, markup, English, cut numbers."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from callcentre.cli import main_group
from tests.helpers import cli
from tests.test_import_pipeline import tax_rows, write_list


def clean(result) -> str:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cc.db'}"
    assert cli(url, "wave", "new", "2021").exit_code == 0
    return url


def test_refiling_a_list_asks_first_and_changes_nothing_without_yes(db: str,
                                                                    tmp_path: Path) -> None:
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    assert cli(db, "import", str(path), "-d", "市税务局", "-i", "5").exit_code == 0
    before = cli(db, "files", "list", "--json").stdout
    r = cli(db, "import", str(path), "-d", "市税务局", "-i", "6")
    out = clean(r)
    assert r.exit_code == 3 and "第5项" in out and "第6项" in out and "--yes" in out
    assert cli(db, "files", "list", "--json").stdout == before  # nothing moved
    r = cli(db, "import", str(path), "-d", "市税务局", "-i", "6", "--yes")
    assert r.exit_code == 0 and "已替换" in r.output
    assert '"item": 6' in cli(db, "files", "list", "--json").stdout


def test_a_department_one_character_off_asks_did_you_mean(db: str, tmp_path: Path) -> None:
    a = write_list(tmp_path / "a.xlsx", tax_rows())
    b = write_list(tmp_path / "b.xlsx", tax_rows()[:2])
    assert cli(db, "import", str(a), "-d", "市水务局", "-i", "5").exit_code == 0
    r = cli(db, "import", str(b), "-d", "市水物局", "-i", "5")
    assert r.exit_code == 3 and "市水务局" in clean(r) and "是否想输入" in r.output
    assert "市水物局" not in cli(db, "departments", "list").stdout
    # full-width letters or spaces are the same department after normalising: no question
    r = cli(db, "import", str(b), "-d", "市水务局 ", "-i", "5")
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("item", ["104", "999"])
def test_an_item_outside_the_catalogue_is_refused(db: str, tmp_path: Path, item: str) -> None:
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    r = cli(db, "import", str(path), "-d", "市税务局", "-i", item)
    assert r.exit_code == 1 and f"指标 {item} 不在" in clean(r) and "1–103" in r.output
    assert "files.none" not in r.output and "还没有导入" in cli(db, "files", "list").output


def test_a_huge_item_number_is_a_message(db: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    r = cli(db, "import", str(path), "-i", "99999999999999999999")
    assert r.exit_code == 2 and "不在范围" in clean(r) and "Error" not in r.output


def test_quiet_still_says_what_happened(db: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    r = cli(db, "import", str(path), "-d", "市税务局", "-i", "1", "-q")
    assert r.exit_code == 0 and "已处理 1 个文件，共 7 行" in r.stdout


def test_files_departments_and_samples_can_be_listed_and_removed(db: str, tmp_path: Path) -> None:
    a = write_list(tmp_path / "a.xlsx", tax_rows())
    b = write_list(tmp_path / "b.xlsx", tax_rows()[:3])
    assert cli(db, "import", str(a), "-d", "市税务局", "-i", "1").exit_code == 0
    assert cli(db, "import", str(b), "-d", "市场监管委", "-i", "2").exit_code == 0
    listing = cli(db, "files", "list").stdout
    assert "a.xlsx" in listing and "b.xlsx" in listing and "市场监管委" in listing
    depts = cli(db, "departments", "list").stdout
    assert "市税务局" in depts and "市场监管委" in depts
    assert cli(db, "files", "remove", "b.xlsx").exit_code == 3  # asks first
    r = cli(db, "files", "remove", "b.xlsx", "--yes")
    assert r.exit_code == 0 and "已删除 b.xlsx" in r.output
    assert "b.xlsx" not in cli(db, "files", "list").stdout
    assert "市场监管委" not in cli(db, "departments", "list").stdout
    r = cli(db, "files", "remove", "nope.xlsx", "--yes")
    assert r.exit_code == 1 and "没有文件 nope.xlsx" in clean(r)
    assert cli(db, "sample", "draw", "--n", "3", "--seed", "1").exit_code == 0
    assert "main" in cli(db, "sample", "list").stdout
    r = cli(db, "sample", "drop", "main", "--yes")
    assert r.exit_code == 0 and "尚未抽取" in cli(db, "sample", "list").stdout
    # once fieldwork has begun, neither the sample nor its files can go
    assert cli(db, "sample", "draw", "--n", "3", "--seed", "1").exit_code == 0
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.begin() as conn:
        conn.execute(text("UPDATE samplecase SET status = 'in_progress'"))
    engine.dispose()
    r = cli(db, "sample", "drop", "main", "--yes")
    assert r.exit_code == 1 and "已开始拨打" in clean(r)
    r = cli(db, "files", "remove", "a.xlsx", "--yes")
    assert r.exit_code == 1 and "已经开始拨打" in clean(r)


def test_the_wrong_folder_creates_no_database(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLCENTRE_DB", raising=False)
    r = CliRunner().invoke(main_group, ["sample", "list"])
    out = clean(r)
    assert r.exit_code == 1 and str(tmp_path / "callcentre.db") in out and "--db" in out
    assert not (tmp_path / "callcentre.db").exists()


def test_every_command_names_its_database_and_wave_first(db: str) -> None:
    r = cli(db, "sample", "list")
    first = r.output.splitlines()[0]
    assert first.startswith("数据库：") and "cc.db" in first and "轮次：2021" in first


def test_export_to_a_missing_folder_is_a_message(db: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    cli(db, "import", str(path), "-d", "市税务局", "-i", "1")
    cli(db, "sample", "draw", "--n", "3", "--seed", "1")
    r = cli(db, "sample", "export", "--out", str(tmp_path / "missing" / "dir" / "s.xlsx"))
    assert r.exit_code == 1 and "不存在" in clean(r) and "missing" in r.output


@pytest.mark.parametrize("args,text", [
    (["--items", "999"], "指标 999 不在 2021 年的清单内"),
    (["--items", "abc"], "指标 abc 不在"),
    (["--year", "2022"], "没有 2022 年的指标清单"),
])
def test_questionnaire_preview_bad_values_are_messages(args: list[str], text: str) -> None:
    r = CliRunner().invoke(main_group, ["questionnaire", "preview", *args])
    assert r.exit_code == 1 and text in clean(r)


def test_catalogue_of_a_year_without_one_is_chinese() -> None:
    r = CliRunner().invoke(main_group, ["questionnaire", "catalogue", "--year", "2022"])
    assert r.exit_code == 1 and "没有 2022 年的指标清单" in clean(r)
    assert "no item catalogue" not in r.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_a_read_only_database_is_a_message(db: str, tmp_path: Path) -> None:  # pragma: no cover
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    os.chmod(tmp_path / "cc.db", stat.S_IRUSR)
    r = cli(db, "import", str(path), "-d", "市税务局", "-i", "1")
    assert r.exit_code == 1 and "只读" in clean(r)


def test_a_full_disk_is_a_message(db: str, tmp_path: Path) -> None:
    """Importing onto a full disk (SQLite's 'database or disk is full', made here by
    capping the database's pages) ends in one Chinese line, not a traceback."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()
    engine.dispose()
    rows = tax_rows() * 40
    path = write_list(tmp_path / "big.xlsx", rows)
    from sqlalchemy import event

    from callcentre.db import engine as engine_module

    real = engine_module.make_engine

    def capped(url=None, *, echo=False):  # type: ignore[no-untyped-def]
        eng = real(url, echo=echo)

        @event.listens_for(eng, "connect")
        def _cap(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 3}")

        return eng

    engine_module.make_engine = capped
    try:
        r = cli(db, "import", str(path), "-d", "市税务局", "-i", "1", "--yes")
    finally:
        engine_module.make_engine = real
    assert r.exit_code == 1 and "磁盘已满" in clean(r)


def test_data_text_is_never_markup(db: str, tmp_path: Path) -> None:
    """A department named [/b], an enterprise and a path with [/x]: stored and shown
    as written (each crashed the summary or the draw, after the rows were stored)."""
    folder = tmp_path / "[" / "x]"          # a path holding "[/x]"
    folder.mkdir(parents=True)
    rows = tax_rows()
    rows[0][2] = "天津[/x]科技有限公司"
    path = write_list(folder / "名单[i].xlsx", rows, title="部门：[/b]")
    r = cli(db, "import", str(path), "-i", "1", "--report", str(tmp_path / "r.xlsx"))
    out = clean(r)
    assert r.exit_code == 0 and "名单[i].xlsx" in out and "[/b]" in out
    r = cli(db, "import", str(write_list(tmp_path / "b.xlsx", tax_rows()[:2])), "-i", "2",
            "-d", "[bold]局")
    assert r.exit_code == 0 and "[bold]局" in clean(r)
    r = cli(db, "sample", "draw", "--by", "item,department", "--n", "4", "--seed", "1")
    assert r.exit_code == 0 and "[/b]" in clean(r)
    assert "[/b]" in cli(db, "departments", "list").stdout


def test_no_english_reaches_the_summary(db: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    broken = tmp_path / "坏文件.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    r = cli(db, "import", str(path), str(broken), "-d", "市税务局", "-i", "1")
    out = clean(r)
    # no reason codes (name_only …), no library detail (Zip archive, EOCD)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", out), out
    assert "Zip" not in out and "EOCD" not in out and "坏文件.xlsx" in out
    r = CliRunner().invoke(main_group, ["--db", db, "import", str(tmp_path / "nope.xlsx"),
                                        "-i", "1", "-d", "市税务局"])
    assert "does not exist" not in r.output


def test_the_summary_fits_80_columns_without_cutting_numbers(db: str, tmp_path: Path) -> None:
    from rich.console import Console

    from callcentre.cli.import_cmd import summary_table
    from callcentre.importer.jobs import ImportJob
    from callcentre.importer.pipeline import FileResult, ImportSummary

    summary = ImportSummary(wave="2021")
    for k in range(3):
        f = FileResult(path=Path(f"市场监管委员会企业开办名单第{k}批（2021年度）.xlsx"),
                       outcome="imported", department="天津市市场监督管理委员会", item=1)
        f.counts.update({"accepted": 2000123, "warning": 45678, "rejected": 9876,
                         "duplicate": 5432})
        f.new_enterprises = 1999999
        summary.files.append(f)
    del ImportJob
    console = Console(width=80, record=True, color_system=None)
    console.print(summary_table(summary, 80))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    for number in ("6183327", "6137403", "29628", "16296", "5999997"):
        assert number in text, text


def test_help_follows_the_language_asked_for() -> None:
    from callcentre.i18n import set_language

    try:
        en = CliRunner().invoke(main_group, ["--lang", "en", "import", "--help"]).output
    finally:
        set_language(None)
    # the only Chinese left is the label a title row carries ('部门：…')
    assert not re.search(r"[\u4e00-\u9fff]", en.replace("部门：", "")), en
    zh = CliRunner().invoke(main_group, ["import", "--help"]).output
    assert "导入部门提交的企业全量名单" in zh and "Import departments" not in zh


def test_a_department_title_with_a_seal_note(db: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "t.xlsx", tax_rows(), title="部门：市税务局（盖章）")
    r = cli(db, "import", str(path), "-i", "1")
    assert r.exit_code == 0
    assert "市税务局（盖章）" not in cli(db, "departments", "list").stdout
    assert "市税务局" in cli(db, "departments", "list").stdout
