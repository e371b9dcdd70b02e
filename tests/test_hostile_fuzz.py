"""Property-based fuzzing (hypothesis) of the list reader and importer, the work-order
reader and the XLSForm reader (issue 15).

Random and mutated workbooks, csv files and web pages never crash the process or
raise anything but the reader's own refusal (which has a catalogue message), and never
lose a row: for every list file that imports, rows read = accepted + warning + rejected
+ duplicate, in the result and in the database. Forms: every issue is a message, and a
form that validates can be interviewed with any answers.

CI runs a fixed seed (``derandomize``) and a bounded number of examples;
``HOSTILE_FUZZ_EXAMPLES=N`` (and ``HOSTILE_FUZZ_SEED`` for other random draws) runs
longer: ``HOSTILE_FUZZ_EXAMPLES=2000 pytest tests/test_hostile_fuzz.py``.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from callcentre.db.engine import open_engine
from callcentre.db.models import ListRow, SourceFile, WorkOrder
from callcentre.i18n import has
from callcentre.importer.jobs import ImportJob
from callcentre.importer.parse import is_workorder_file, set_aside_workorders
from callcentre.importer.pipeline import import_files
from callcentre.importer.workorders import import_workorders
from questionnaires.engine import Interview
from questionnaires.xlsform import check_sheets, validate_xlsform
from sampling.listfile.normalise import STATUSES
from sampling.listfile.reader import ListFileError, read_list_file
from tests import hostile_corpus as corpus

EXAMPLES = int(os.environ.get("HOSTILE_FUZZ_EXAMPLES", "0"))
SEEDED = "HOSTILE_FUZZ_SEED" in os.environ


def fuzz(ci_examples: int) -> settings:
    """CI: ``ci_examples`` with a fixed seed; a long run: as many as asked, seeded."""
    return settings(max_examples=EXAMPLES or ci_examples, derandomize=not SEEDED,
                    deadline=None, database=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


# --- cells, rows, files ---------------------------------------------------------

CODES = ["91120116592938202F", "91110000600037341L", "121200004013590816",
         "91120116592938202X", "911201165929382", "9.1120116592938e17", ""]
PHONES = ["13812345678", 13812345678.0, "022-23456789 转 801", "25508690-77", "96599966",
          "400-123-4567", "1.3812345678E10", "138", "１３８１２３４５６７８"]
WORDS = [*corpus.LIST_HEADER, *corpus.WORKORDER_HEADER, "联系人", "手机号码", "区域", "合计",
         "小计：3家", "注：以上信息由部门提供", "部门：市税务局", "续表", "和平区", "滨海新区",
         "开发区", "蓟县", "天津甲科技有限公司", "天津（甲）科技有限公司", "2021-03-01", "45000"]
ODD = ["\u2066", "\u2069", "\u202e", "\u200b", "\ufeff", "\x00", "\x1f", "\ud800", "\uffff",
       "=cmd|' /C calc'!A0", "\r", "\n", "\t", '"', "<", "&", "]]>"]

texts = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
odd_text = st.lists(st.sampled_from([*ODD, "天津", "a", " "]), max_size=6).map("".join)
long_text = st.builds(lambda ch, n: ch * n, st.sampled_from(["天", "a", "\u200b"]),
                      st.sampled_from([299, 301, 5000, 32_767, 32_768, 40_000]))
cells = st.one_of(
    st.none(), st.just(""), st.sampled_from(WORDS), st.sampled_from(CODES),
    st.sampled_from(PHONES), texts, odd_text, long_text,
    st.integers(-(10**20), 10**20), st.floats(allow_nan=True, allow_infinity=True))
rows = st.lists(cells, max_size=9)


@st.composite
def grids(draw: st.DrawFn) -> list[list[object]]:
    """Rows of cells, most often under a list or work-order header."""
    header = draw(st.sampled_from([[], corpus.LIST_HEADER, corpus.WORKORDER_HEADER,
                                   list(reversed(corpus.LIST_HEADER))]))
    body = draw(st.lists(rows, max_size=12))
    top = draw(st.lists(rows, max_size=2))
    return [*top, *([header] if header else []), *body]


def _xml_safe(value: object) -> object:
    """What XML 1.0 can hold (the raw workbook writer writes text as is)."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n\r" or (
            " " <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" or ch >= "\U00010000"))
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


near = st.integers(1, 30)
refs = st.builds(lambda c, r: f"{corpus.column_letters(c)}{r}",
                 st.one_of(near, near, near, st.integers(1, 16_384)),
                 st.one_of(near, near, near, st.integers(1, 1_048_576)))


@st.composite
def workbooks(draw: st.DrawFn, grid: list[list[object]]) -> bytes:
    """The grid as an xlsx, sometimes with far cells or cells without references."""
    safe = [[_xml_safe(v) for v in row] for row in grid]
    extra = sorted(draw(st.lists(refs, max_size=2)),
                   key=lambda ref: int("".join(filter(str.isdigit, ref))))
    xml = corpus.sheet_xml(safe, [(ref, "x") for ref in extra],
                           dimension=draw(st.sampled_from([None, "A1", "A1:XFD1048576"])))
    if draw(st.booleans()):
        n = draw(st.integers(1, 400))
        xml = xml.replace("</sheetData>",
                          f"<row>{corpus.cell_xml(None, 'x') * n}</row></sheetData>")
    with tempfile.TemporaryDirectory() as tmp:
        path = corpus.write_workbook(Path(tmp) / "w.xlsx", [("名单", xml)])
        return path.read_bytes()


def csv_bytes(grid: list[list[object]], encoding: str, delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in grid:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue().encode(encoding, errors="replace")


def html_bytes(grid: list[list[object]], spans: list[tuple[int, int]]) -> bytes:
    cycle = itertools.cycle(spans or [(1, 1)])
    body = "".join(
        "<tr>" + "".join(f"<td colspan={c} rowspan={r}>{v}</td>"
                         for v, (c, r) in zip(row, cycle, strict=False)) + "</tr>"
        for row in grid)
    return f"<html><body><table>{body}</table></body></html>".encode("utf-8", "replace")


def mutate(data: bytes, draw: st.DrawFn) -> bytes:
    """Flip bytes, cut the end off, or splice in a chunk of itself; half the time within
    the file's middle, where a workbook's compressed sheet is."""
    out = bytearray(data)
    middle = draw(st.booleans())
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "flip", "cut", "splice"]))
        if not out:
            break
        low = len(out) // 4 if middle else 0
        at = draw(st.integers(low, max(low, len(out) * 3 // 4 if middle else len(out) - 1)))
        if kind == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del out[at:]
        else:
            out[at:at] = out[draw(st.integers(0, len(out) - 1)):][:draw(st.integers(1, 64))]
    return bytes(out)


@st.composite
def list_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, content): csv in several encodings and delimiters, xlsx, a web page
    saved as .xls, or any of them mutated."""
    grid = draw(grids())
    kind = draw(st.sampled_from(["csv", "xlsx", "html", "txt"]))
    if kind in ("csv", "txt"):
        data = csv_bytes(grid, draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030",
                                                     "utf-16"])),
                         draw(st.sampled_from([",", "\t", ";"])))
        name = f"list.{kind}"
    elif kind == "xlsx":
        data, name = draw(workbooks(grid)), "list.xlsx"
    else:
        spans = draw(st.lists(st.tuples(st.integers(1, 1000), st.integers(1, 1000)),
                              max_size=3))
        data, name = html_bytes(grid, spans), "list.xls"
    if draw(st.integers(0, 3)) == 0:
        data = mutate(data, draw)
    return name, data


# --- the list reader ---------------------------------------------------------------

def _read(path: Path) -> int | None:
    """The list's data rows, or None when refused (with a catalogue message)."""
    try:
        listfile = read_list_file(path)
    except ListFileError as exc:
        event(f"refused: {exc.code}")
        assert has(f"import.file.{exc.code}"), exc.code
        return None
    event("read")
    for sheet in listfile.sheets:
        numbers = [r.row for r in sheet.rows]
        assert numbers == sorted(set(numbers)), sheet.name
        assert sheet.header_row >= 1
    if is_workorder_file(listfile):
        return None
    set_aside_workorders(listfile)
    return listfile.data_rows


@fuzz(60)
@given(list_files())
def test_the_list_reader_refuses_or_reads_every_file(file: tuple[str, bytes]) -> None:
    name, data = file
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        _read(path)


# --- the importer ------------------------------------------------------------------

@pytest.fixture(scope="module")
def engine() -> Iterator[object]:
    with tempfile.TemporaryDirectory() as tmp:
        eng = open_engine(f"sqlite:///{Path(tmp) / 'fuzz.db'}")
        yield eng
        eng.dispose()


_batch = itertools.count(1)


@fuzz(15)
@given(st.lists(list_files(), min_size=1, max_size=3))
def test_the_importer_loses_no_row(engine: object, files: list[tuple[str, bytes]]) -> None:
    batch = next(_batch)
    with tempfile.TemporaryDirectory() as tmp:
        jobs, expected = [], {}
        for i, (name, data) in enumerate(files):
            path = Path(tmp) / f"{i}_{name}"
            path.write_bytes(data)
            jobs.append(ImportJob(path, f"部门{batch}", 1 + (batch * 3 + i) % 103))
            expected[path.resolve()] = _read(path)
        summary = import_files(engine, jobs, workers=0)  # type: ignore[arg-type]
    assert len(summary.files) == len(jobs)
    for result in summary.files:
        event(f"{result.outcome} {result.kind} {result.error or ''}")
        if result.outcome == "failed":
            assert result.error and has(f"import.file.{result.error}"), result
            continue
        if result.kind == "workorder" or result.outcome == "unchanged":
            continue
        rows_in = expected[result.path.resolve()]
        assert rows_in is not None, result
        assert result.rows == rows_in == sum(result.counts[s] for s in STATUSES), result
        with engine.connect() as conn:  # type: ignore[attr-defined]
            file_id = conn.execute(select(SourceFile.id).where(
                SourceFile.path == str(result.path.resolve()))).scalar_one()
            stored = Counter(dict(conn.execute(
                select(ListRow.status, func.count()).where(ListRow.source_file_id == file_id)
                .group_by(ListRow.status)).all()))
        assert sum(stored.values()) == rows_in and set(stored) <= set(STATUSES), stored


# --- the work-order reader -----------------------------------------------------------

@st.composite
def workorder_files(draw: st.DrawFn) -> bytes:
    body = draw(st.lists(st.lists(cells, min_size=0, max_size=11), max_size=8))
    grid = [["部门：市税务局"], corpus.WORKORDER_HEADER, *body]
    data = draw(workbooks(grid))
    return mutate(data, draw) if draw(st.integers(0, 3)) == 0 else data


@fuzz(20)
@given(workorder_files())
def test_the_workorder_reader_refuses_or_stores_every_file(engine: object, data: bytes) -> None:
    batch = next(_batch)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"orders_{batch}.xlsx"
        path.write_bytes(data)
        result = import_workorders(engine, path, wave="2021",  # type: ignore[arg-type]
                                   department=f"部门{batch}", item=28)
    event(f"work orders: {result.error or 'stored'}")
    if result.error:
        assert has(f"import.file.{result.error}"), result.error
        return
    with engine.connect() as conn:  # type: ignore[attr-defined]
        stored = conn.execute(select(func.count()).select_from(WorkOrder).join(
            SourceFile, SourceFile.id == WorkOrder.source_file_id).where(
            SourceFile.path == str(path.resolve()))).scalar_one()
    assert stored == result.rows, result


# --- the XLSForm reader ----------------------------------------------------------------

NAMES = [f"q{i}" for i in range(6)]
TYPES = ["integer", "decimal", "text", "select_one yn", "select_multiple yn", "calculate",
         "date", "note", "begin group", "end group", "select_one nolist", "begin repeat", ""]
ATOMS = ["${q0}", "${q1}", "${q2}", ".", "1", "'a'", "3.5", "true()", "''", "${nope}"]
FUNCTIONS = ["not({})", "count({})", "string-length({})", "selected({}, '1')", "({} + 1)",
             "({} > 2)", "({} and {})", "if({}, 1, 0)", "regex({}, '{p}')", "({} to {})",
             "sum({})", "concat({}, {})", "matches({}, 'a')", "int({})", "{}[1]"]
PATTERNS = ["(a+)+$", "^\\d{11}$", "(a)\\1", "(?=a)", "[", "\\u4e00", "a{1001}", ".*", ""]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 4 or draw(st.integers(0, 2)) == 0:
        atom = draw(st.sampled_from(ATOMS))
        return atom if draw(st.integers(0, 9)) else draw(st.sampled_from(
            ["1 to 100000000000", "not(" * 300 + "1" + ")" * 300, "$x", "${", "(((",
             "for $x in (1, 2) return $x"]))
    template = draw(st.sampled_from(FUNCTIONS))
    parts = [draw(expressions(depth + 1)) for _ in range(template.count("{}"))]
    text = template.replace("{p}", draw(st.sampled_from(PATTERNS)))
    for part in parts:
        text = text.replace("{}", part, 1)
    return text


@st.composite
def surveys(draw: st.DrawFn) -> list[list[object]]:
    header = ["type", "name", "label", "relevant", "constraint", "calculation", "required"]
    body = []
    # mostly well-formed rows (so that many forms validate and get interviewed), now
    # and then anything
    usual = st.sampled_from(["integer", "text", "select_one yn", "select_multiple yn",
                             "decimal"])
    for i in range(draw(st.integers(0, 8))):
        kind = draw(st.one_of(usual, usual, usual, st.sampled_from(TYPES)))
        maybe_expr = st.one_of(st.just(""), st.just(""), st.just(""), expressions(), odd_text)
        calculation = draw(expressions()) if kind == "calculate" else draw(maybe_expr)
        body.append([kind,
                     draw(st.one_of(*[st.just(f"q{i}")] * 8, st.sampled_from(NAMES), texts)),
                     draw(st.one_of(*[st.just("问题")] * 4, texts, st.just("${q1} 的值"))),
                     draw(maybe_expr), draw(maybe_expr), calculation,
                     draw(st.sampled_from(["", "", "yes", "no", "maybe"]))])
    return [header, *body]


CHOICES = [["list_name", "name", "label"], ["yn", "1", "是"], ["yn", "0", "否"]]


@fuzz(80)
@given(surveys(), st.lists(st.one_of(texts, st.sampled_from(["1", "0", "1 0", "2021-03-01",
                                                             "a" * 40 + "b", "12", ""])),
                           max_size=8))
def test_the_xlsform_reader_reports_every_problem_as_a_message(
        survey: list[list[object]], answers: list[str]) -> None:
    form, issues = check_sheets({"survey": survey, "choices": CHOICES}, source="fuzz")
    for issue in issues:
        assert has(issue.key), issue.key
        assert issue.key not in str(issue)              # the message, not its key
    event("form valid" if form is not None else f"{len(issues) > 0} issues")
    if form is None:
        assert issues
        return
    interview = Interview(form)
    for question, answer in zip(form.questions, answers, strict=False):
        interview.answer(question.name, answer, advance=False)
        interview.progress()


@fuzz(30)
@given(surveys(), st.data())
def test_xlsform_workbooks_written_and_mutated_never_raise(survey: list[list[object]],
                                                            data: st.DataObject) -> None:
    safe = [[_xml_safe(v) for v in row] for row in survey]
    with tempfile.TemporaryDirectory() as tmp:
        path = corpus.xlsform(Path(tmp) / "form.xlsx", safe)
        if data.draw(st.booleans()):
            path.write_bytes(mutate(path.read_bytes(), data.draw))
        for issue in validate_xlsform(path):
            assert has(issue.key), issue.key


@fuzz(40)
@given(grids(), st.data())
def test_damaged_workbooks_are_refused_as_unreadable_or_read(grid: list[list[object]],
                                                             data: st.DataObject) -> None:
    """A few bytes flipped anywhere in a valid workbook (its compressed parts most of
    all): read, or refused with a message; never zlib's or zipfile's own exception."""
    workbook = bytearray(data.draw(workbooks(grid)))
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(workbook) - 1))
        workbook[at] ^= data.draw(st.integers(1, 255))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "damaged.xlsx"
        path.write_bytes(bytes(workbook))
        _read(path)
        for issue in validate_xlsform(path):
            assert has(issue.key), issue.key
