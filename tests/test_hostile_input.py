"""Hostile and broken input (issue 15): one test per defect found, each failing on the
code before the fix. The files come from :mod:`tests.hostile_corpus`.

A file that aborted the process (a cell at XFD1048576) is tried through the command
line in a child process with its address space capped at 2 GiB, so that the code
before the fix fails the test instead of taking the machine down.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callcentre.db.engine import open_engine
from callcentre.db.models import Enterprise, ListRow
from callcentre.i18n import has
from callcentre.importer.jobs import ImportJob
from callcentre.importer.parse import parse_list_file
from callcentre.importer.pipeline import import_files
from questionnaires.engine import Interview
from questionnaires.expressions import NO_VALUE, compile_expression
from questionnaires.xlsform import check_sheets, validate_xlsform
from sampling.identifiers.names import NAME_MAX, check_name, normalise_name
from sampling.listfile.limits import ReadLimits
from sampling.listfile.reader import ListFileError, read_list_file
from tests import hostile_corpus as corpus

ROOT = Path(__file__).resolve().parents[1]
BIDI_AND_INVISIBLE = {chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A),
                                       0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060,
                                       0xFEFF, 0xFFFE, 0xFFFF]}



def words(error) -> str:  # type: ignore[no-untyped-def]
    """A refusal's detail as the user reads it (the limit, in the catalogue's words)."""
    from callcentre.i18n import t
    from sampling.listfile.limits import decode

    limit = decode(error.detail)
    return limit.describe(t) if limit is not None else error.detail

def _cap_memory() -> None:
    limit = 2 << 30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line in a child process (an abort there cannot take pytest with it)."""
    env = {**os.environ, "CALLCENTRE_LANG": "zh", "PYTHONPATH": str(ROOT)}
    if "--db" in args and args[args.index("--db") + 2] in ("import", "workorders"):
        subprocess.run([sys.executable, "-c", "from callcentre.cli import main; main()",
                        "--db", args[args.index("--db") + 1], "wave", "new", "2021"],
                       cwd=cwd, env=env, capture_output=True, text=True, check=False)
    return subprocess.run(
        [sys.executable, "-c", "from callcentre.cli import main; main()", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=_cap_memory)


def refused(path: Path, **limits: int) -> ListFileError:
    with pytest.raises(ListFileError) as caught:
        read_list_file(path, limits=ReadLimits(**limits))
    assert caught.value.code == "over_limit", caught.value
    return caught.value


# --- readers: no file aborts the process or exhausts memory ------------------------

def test_a_cell_at_xfd1048576_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    far = corpus.far_cell(tmp_path / "far.xlsx")
    good = corpus.list_workbook(tmp_path / "good.xlsx")
    cv = corpus.far_cell(tmp_path / "cv.xlsx", "CV1048576")
    db = f"sqlite:///{tmp_path / 'cc.db'}"
    done = cli("--db", db, "import", str(far), str(good), str(cv), "--department", "市税务局",
               "--item", "3", "--report", str(tmp_path / "check.xlsx"),
               "--rows-csv", str(tmp_path / "rows.csv"), cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out          # some files failed; not 134 (abort)
    assert "Traceback" not in out
    assert "far.xlsx" in out and "16,384" in out and "200 列" in out
    assert "cv.xlsx" in out and "104,857,600" in out
    assert (tmp_path / "check.xlsx").is_file() and (tmp_path / "rows.csv").is_file()
    engine = open_engine(db)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ListRow)).scalar_one() == 3


def test_a_cell_at_cv1048576_is_refused_before_it_is_read(tmp_path: Path) -> None:
    error = refused(corpus.far_cell(tmp_path / "cv.xlsx", "CV1048576"))
    assert "104,857,600" in words(error) and "10,000,000" in words(error)
    assert "名单" in words(error)            # the sheet, by the name Excel shows


def test_an_xls_cell_at_iv65536_is_refused_before_it_is_read(tmp_path: Path) -> None:
    pytest.importorskip("xlwt")
    error = refused(corpus.far_cell_xls(tmp_path / "far.xls"))
    assert "第 256 列" in words(error) and "名单" in words(error)
    assert read_list_file(corpus.far_cell_xls(tmp_path / "near.xls", 20, 6)).data_rows == 4


def test_an_ods_of_repeated_cells_is_refused_before_it_is_read(tmp_path: Path) -> None:
    error = refused(corpus.ods_repeats(tmp_path / "repeats.ods"))
    assert "20,000,080" in words(error) and "名单" in words(error)
    # the empty repeats LibreOffice writes at the end of a sheet are no part of the grid
    assert read_list_file(corpus.ods_repeats(tmp_path / "ok.ods", 2, 5)).data_rows == 5


def test_questionnaire_validate_refuses_a_far_cell(tmp_path: Path) -> None:
    form = corpus.form_far_cell(tmp_path / "form.xlsx")
    done = cli("questionnaire", "validate", str(form), cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out and "16,384" in out and "survey" in out


def test_workorders_refuse_a_far_cell(tmp_path: Path) -> None:
    orders = corpus.workorder_workbook(tmp_path / "orders.xlsx", [("XFD1048576", "x")])
    done = cli("--db", f"sqlite:///{tmp_path / 'cc.db'}", "workorders", str(orders),
               "--department", "市税务局", "--item", "28", cwd=tmp_path)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Traceback" not in out and "16,384" in out


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    error = refused(corpus.zip_bomb(tmp_path / "bomb.xlsx", 120 << 20))
    assert "104,857,600" in words(error)


def test_a_zip_bomb_that_lies_about_its_size_is_refused_while_inflating(tmp_path: Path) -> None:
    error = refused(corpus.zip_bomb(tmp_path / "bomb.xlsx", 120 << 20, lie=True))
    assert "104,857,600" in words(error)


def test_a_highly_compressed_sheet_is_refused_by_its_ratio(tmp_path: Path) -> None:
    error = refused(corpus.zip_bomb(tmp_path / "bomb.xlsx", 12 << 20))
    assert "压缩比" in words(error)


def test_grid_limits_are_parameters(tmp_path: Path) -> None:
    rows = [[i, f"天津{i}号有限公司", "", "和平区", f"138{i:08d}"] for i in range(1, 30)]
    path = corpus.list_workbook(tmp_path / "list.xlsx", rows=rows)
    assert read_list_file(path).data_rows == 29
    assert "31 行" in words(refused(path, max_rows=30))          # title, header, 29 rows
    assert "第 5 列" in words(refused(path, max_columns=4))
    refused(path, max_cells=100)


def test_cells_without_references_count_where_calamine_puts_them(tmp_path: Path) -> None:
    """Cells written without ``r`` are placed one after the other: 300 of them in a
    row make a sheet 300 columns wide."""
    cells = "".join(corpus.cell_xml(None, "x") for _ in range(300))
    xml = corpus.sheet_xml([["部门：市税务局"], corpus.LIST_HEADER, *corpus.LIST_ROWS])
    xml = xml.replace("</sheetData>", f'<row r="6">{cells}</row></sheetData>')
    path = corpus.write_workbook(tmp_path / "refless.xlsx", [("名单", xml)])
    assert "第 300 列" in words(refused(path))


def test_a_web_page_of_wide_colspans_is_refused(tmp_path: Path) -> None:
    error = refused(corpus.html_colspan_bomb(tmp_path / "page.xls"))
    assert "300,000" in words(error) and "page" in words(error)


def test_a_csv_too_wide_is_refused(tmp_path: Path) -> None:
    assert "第 305 列" in words(refused(corpus.wide_csv(tmp_path / "wide.csv")))


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path: Path) -> None:
    error = refused(corpus.csv_list(tmp_path / "long.csv", ["天" * 100_000]))
    assert "100,000" in words(error) and "32,767" in words(error)
    sheet = corpus.sheet_xml([corpus.LIST_HEADER, [1, "天" * 40_000, "", "和平区", "1"]])
    path = corpus.write_workbook(tmp_path / "long.xlsx", [("名单", sheet)])
    assert "40,000" in words(refused(path))


# --- names -----------------------------------------------------------------------

def test_names_lose_bidi_controls_zero_width_characters_and_noncharacters() -> None:
    for raw in [*corpus.BIDI_NAMES, "天津甲科技\uffff有限公司", "天津乙\ufffe公司"]:
        name = normalise_name(raw)
        assert not set(name) & BIDI_AND_INVISIBLE, repr(name)
        assert name.startswith("天津")
    assert normalise_name("\u2066天津甲科技有限公司\u2069") == "天津甲科技有限公司"


def test_imported_names_hold_no_bidi_or_invisible_character(tmp_path: Path) -> None:
    parsed = parse_list_file(corpus.csv_list(tmp_path / "bidi.csv", [
        *corpus.BIDI_NAMES, "天津甲科技\uffff有限公司"]))
    assert parsed.error is None and parsed.n_rows == 5
    for row in parsed.rows():
        assert not set(row[5]) & BIDI_AND_INVISIBLE, repr(row[5])


def test_a_name_cut_to_the_limit_gets_a_reason_and_stays_whole_in_the_raw_cells(
        tmp_path: Path, db_url: str) -> None:
    long_name = "天津" + "甲" * 5000 + "有限公司"
    path = corpus.csv_list(tmp_path / "long.csv", [long_name, "天津乙有限公司"])
    assert check_name(long_name)[1] == ("name_truncated",)
    engine = open_engine(db_url)
    summary = import_files(engine, [ImportJob(path, "市税务局", 3)], workers=0)
    assert summary.files[0].outcome == "imported", summary.files[0]
    with engine.connect() as conn:
        rows = conn.execute(select(ListRow).order_by(ListRow.row)).all()
        keys = conn.execute(select(func.max(func.length(Enterprise.name_key)))).scalar_one()
    assert len(rows[0].name) == NAME_MAX and "name_truncated" in rows[0].reasons
    assert rows[0].status == "warning"
    assert long_name in rows[0].raw
    assert "name_truncated" not in rows[1].reasons
    assert keys <= NAME_MAX
    assert has("reason.name_truncated")
    engine.dispose()


# --- XLSForm ---------------------------------------------------------------------

def test_deeply_nested_expressions_are_an_issue_naming_the_cell(tmp_path: Path) -> None:
    issues = validate_xlsform(corpus.form_nested_not(tmp_path / "form.xlsx", depth=300))
    assert [(i.sheet, i.row, i.column, i.key) for i in issues] == [
        ("survey", 3, "D", "questionnaire.err.expression_too_deep")]
    assert "300" in str(issues[0]) and "32" in str(issues[0])


def test_an_expression_too_long_is_an_issue(tmp_path: Path) -> None:
    issues = validate_xlsform(corpus.form_nested_not(tmp_path / "form.xlsx", depth=400))
    assert [i.key for i in issues] == ["questionnaire.err.expression_too_long"]


def test_a_huge_range_is_an_issue_and_bounded_when_evaluated(tmp_path: Path) -> None:
    issues = validate_xlsform(corpus.form_huge_range(tmp_path / "form.xlsx"))
    assert [(i.row, i.column, i.key) for i in issues] == [
        (3, "D", "questionnaire.err.expression_range")]
    counted = compile_expression("count(1 to ${n})")
    assert counted.evaluate({"n": "100000000000"}) is NO_VALUE       # not a MemoryError
    assert counted.evaluate({"n": "30000000"}) is NO_VALUE
    assert counted.evaluate({"n": "100"}) == 100
    nested = compile_expression("count((1 to 10000)[. = (1 to 10000)])")
    assert nested.evaluate({}) is NO_VALUE                           # the items' budget


def test_catastrophic_regex_does_not_freeze_the_interview(tmp_path: Path) -> None:
    """``(a+)+$`` took 18 s on a 29-character answer; here 5,000 characters, in a child
    process with a timeout (the code before the fix would run for ever)."""
    code = (
        "from questionnaires.xlsform import form_from_rows\n"
        "from questionnaires.engine import Interview\n"
        "form = form_from_rows([['type','name','label','constraint'],"
        "['text','a','A',\"regex(., '(a+)+$')\"], ['text','b','B','']])\n"
        "interview = Interview(form)\n"
        "print(interview.answer('a', 'a' * 5000 + 'b').ok)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr
    assert "re2" not in done.stderr.lower()          # RE2 logs nothing of its own


def test_regex_patterns_are_checked_at_validation(tmp_path: Path) -> None:
    issues = validate_xlsform(corpus.form_regex(tmp_path / "form.xlsx", r"(a)\1"))
    assert [(i.row, i.column, i.key) for i in issues] == [
        (2, "E", "questionnaire.err.regex_pattern")]
    assert validate_xlsform(corpus.form_regex(tmp_path / "ok.xlsx", r"^\d{11}$")) == []
    form, _ = check_sheets({"survey": [["type", "name", "label", "constraint"],
                                       ["text", "a", "A", r"regex(., '^[\u4e00-\u9fa5]+$')"]]})
    assert form is not None
    interview = Interview(form)
    assert interview.answer("a", "天津").ok and not Interview(form).answer("a", "abc").ok


def test_xpath_loops_and_backtracking_functions_are_refused() -> None:
    _, issues = check_sheets({"survey": [
        ["type", "name", "label", "relevant", "constraint"],
        ["integer", "a", "A", "", ""],
        ["integer", "b", "B", "some $x in (1 to 3) satisfies $x = ${a}", ""],
        ["text", "c", "C", "", "matches(., '(a+)+$')"]]})
    assert [(i.row, i.column, i.key) for i in issues] == [
        (3, "D", "questionnaire.err.expression_refused"),
        (4, "E", "questionnaire.err.expression_refused")]


def test_circular_references_are_reported_with_their_names(tmp_path: Path) -> None:
    issues = validate_xlsform(corpus.form_cycle(tmp_path / "form.xlsx"))
    assert [(i.row, i.column, i.key) for i in issues] == [(2, "D", "questionnaire.err.cycle")]
    assert "${a} → ${b} → ${c} → ${a}" in str(issues[0])


def test_a_question_relevant_on_its_own_group_is_a_cycle() -> None:
    _, issues = check_sheets({"survey": [
        ["type", "name", "label", "relevant", "constraint"],
        ["begin group", "g", "G", "${q} = 1", ""],
        ["integer", "q", "Q", "", ""],
        ["end group", "", "", "", ""],
        ["date", "start", "开始", "", ". <= ${end}"],
        ["date", "end", "结束", "", ". >= ${start}"]]})
    # start and end check each other in constraints only: not a cycle
    assert [(i.row, i.key) for i in issues] == [(2, "questionnaire.err.cycle")]
    assert "${g} → ${q} → ${g}" in str(issues[0])


def test_a_large_form_validates_correctly() -> None:
    """2,000 questions chained by relevant, each with a constraint (the time of 10,000 is
    in bench/bench_xlsform.py): valid; then one back reference makes exactly one cycle."""
    survey: list[list[str]] = [["type", "name", "label", "relevant", "constraint"]]
    for i in range(2000):
        survey.append(["integer", f"q{i}", f"问题{i}", f"${{q{i - 1}}} > 1" if i else "",
                       f". <= {i + 10}"])
    form, issues = check_sheets({"survey": survey})
    assert issues == [] and form is not None and len(form.questions) == 2000
    survey[1501][3] = "${q1700} > 1"                      # q1500 now waits on q1700
    _, issues = check_sheets({"survey": survey})
    assert [(i.row, i.key) for i in issues] == [(1502, "questionnaire.err.cycle")]
    assert str(issues[0]).count("→") == 201                # q1500 … q1700 → q1500


def test_a_manifest_over_a_limit_is_a_message(tmp_path: Path) -> None:
    from callcentre.errors import UserError
    from callcentre.importer.jobs import read_manifest

    with pytest.raises(UserError) as caught:
        read_manifest(corpus.wide_csv(tmp_path / "manifest.csv"))
    assert caught.value.key == "import.manifest_unreadable"
    assert "第 305 列" in str(caught.value)


def test_a_damaged_sheet_is_unreadable_not_a_traceback(tmp_path: Path) -> None:
    """Bytes flipped in a sheet's compressed data: zlib's own error was not caught."""
    import zipfile

    rows = [[i, f"天津{i}号有限公司", "", "和平区", "13812345678"] for i in range(500)]
    path = corpus.list_workbook(tmp_path / "list.xlsx", rows=rows)
    data = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename)
    codes = Counter()
    for at in range(start + 10, start + info.compress_size - 10, 97):
        damaged = bytearray(data)
        damaged[at] ^= 0x5A
        (tmp_path / "damaged.xlsx").write_bytes(bytes(damaged))
        try:
            read_list_file(tmp_path / "damaged.xlsx")
            codes["read"] += 1
        except ListFileError as exc:
            codes[exc.code] += 1
        assert all(has(i.key) for i in validate_xlsform(tmp_path / "damaged.xlsx"))
    assert codes["unreadable"] > 0, codes


def test_a_far_cell_behind_a_damaged_first_header_is_refused(tmp_path: Path) -> None:
    """calamine reads an .xlsx by its central directory, whatever its first bytes say:
    the size check must too (found by the fuzz tests: PK\\x03\\x05 … then ERW113430)."""
    path = corpus.far_cell(tmp_path / "far.xlsx")
    data = bytearray(path.read_bytes())
    data[3] = 0x05
    path.write_bytes(bytes(data))
    with pytest.raises(ListFileError) as caught:
        read_list_file(path)
    assert caught.value.code in ("unreadable", "over_limit")
