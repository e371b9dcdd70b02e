"""The demo generator: deterministic, every kind of mess present, truthful row counts.

Files are read back with python-calamine (as the importer reads them), so the
checks see what a department's file really holds, not what the generator meant.
"""

from __future__ import annotations

import csv
import itertools
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineError, CalamineWorkbook

from callcentre.demo import ALL_ROW_KINDS, GeneratedFile, generate_bench_lists, generate_demo
from callcentre.demo.cfb import MAGIC
from callcentre.demo.generator import (
    BROKEN_KINDS,
    FORMAT_KINDS,
    HEADER_SYNONYMS,
    SHEET_KINDS,
    WORKORDER_KINDS,
    xls_available,
)
from callcentre.demo.population import DISTRICT_ALIASES, ZONES, make_population
from sampling.identifiers.uscc import is_valid_uscc

N = 600  # enterprises: small and quick, still every kind of mess


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> list[GeneratedFile]:
    return generate_demo(tmp_path_factory.mktemp("demo"), seed=11, n_enterprises=N)


# --- reading back ------------------------------------------------------------------------

def _sheets(path: Path) -> list[tuple[str, list[list[object]]]]:
    """(sheet name, rows) as the importer sees them; csv is one sheet."""
    if path.suffix == ".csv":
        raw = path.read_bytes()
        text = raw[3:].decode("utf-8") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("gbk")
        return [("csv", [list(r) for r in csv.reader(text.splitlines())])]
    wb = CalamineWorkbook.from_path(str(path))
    return [(name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in wb.sheet_names]


def _blank(row: list[object]) -> bool:
    return all(str(v).strip() == "" for v in row)


def _data_rows(path: Path) -> tuple[list[list[object]], dict[str, object]]:
    """Data rows of every data sheet (a sheet whose header row starts with 序号), and facts
    about the layout: header row, spacer rows, 注 lines, sheet names."""
    rows: list[list[object]] = []
    facts: dict[str, object] = {"spacers": 0, "notes": 0, "sheets": [], "header_rows": [],
                                "headers": []}
    for name, sheet in _sheets(path):
        facts["sheets"].append(name)  # type: ignore[union-attr]
        header = next((i for i, r in enumerate(sheet[:5]) if r and r[0] == "序号"), None)
        if header is None:
            continue
        facts["header_rows"].append(header + 1)  # type: ignore[union-attr]
        facts["headers"].append(sheet[header])  # type: ignore[union-attr]
        body = sheet[header + 1:]
        while body and _blank(body[-1]):
            body.pop()
        for r in body:
            if _blank(r):
                facts["spacers"] += 1  # type: ignore[operator]
            elif str(r[0]).startswith("注："):
                facts["notes"] += 1  # type: ignore[operator]
            else:
                rows.append(r)
    facts["spacers"] -= facts["notes"]  # the blank line above each 注 line  # type: ignore[operator]
    return rows, facts


def _norm_code(v: object) -> str:
    return unicodedata.normalize("NFKC", str(v)).replace(" ", "").replace("-", "").upper()


def _values(f: GeneratedFile) -> object:
    """Cell values of a readable file; the bytes of a broken one."""
    return f.path.read_bytes() if f.kind == "broken" else _sheets(f.path)


# --- tests -------------------------------------------------------------------------------

def test_deterministic(tmp_path: Path, demo: list[GeneratedFile]) -> None:
    again = generate_demo(tmp_path / "again", seed=11, n_enterprises=N)
    assert [f.path.name for f in again] == [f.path.name for f in demo]
    for a, b in zip(demo, again):
        assert _values(a) == _values(b), a.path.name
        assert a.expected == b.expected and a.rows_in_data == b.rows_in_data
    other = generate_demo(tmp_path / "other", seed=12, n_enterprises=N)
    assert _values(other[0]) != _values(demo[0])


def test_manifest(demo: list[GeneratedFile]) -> None:
    out = demo[0].path.parent
    with open(out / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["file"] for r in rows] == [f.path.name for f in demo]
    assert all((out / r["file"]).exists() and r["department"] for r in rows)
    assert {f.kind for f in demo} == {"list", "workorder", "broken"}


def test_every_mess_kind_declared(demo: list[GeneratedFile]) -> None:
    declared = {k for f in demo for k in f.expected["mess"]}
    wanted = set(ALL_ROW_KINDS) | set(SHEET_KINDS) | set(WORKORDER_KINDS) | set(BROKEN_KINDS)
    wanted |= {k for k in FORMAT_KINDS if k != "xls" or xls_available()}
    assert wanted <= declared, wanted - declared


def test_row_counts_match_files(demo: list[GeneratedFile]) -> None:
    for f in demo:
        if f.kind != "list":
            continue
        rows, facts = _data_rows(f.path)
        e = f.expected
        assert len(rows) == f.rows_in_data, f.path.name
        assert facts["spacers"] == e["n_spacer_rows"], f.path.name
        assert facts["header_rows"][0] == e["header_row"], f.path.name
        assert sum(e[k] for k in ("n_valid_code", "n_bad_code", "n_code_digits_lost",
                                  "n_old_regno", "n_no_code")) == f.rows_in_data
        codes = [r[3] for r in rows]
        assert sum(is_valid_uscc(_norm_code(c)) for c in codes) == e["n_valid_code"], f.path.name
        assert sum(isinstance(c, float) or "e+" in str(c) for c in codes) == e["n_code_digits_lost"]
        assert sum(len(_norm_code(c)) == 15 for c in codes) == e["n_old_regno"]
        dups = sum(a == b for a, b in itertools.pairwise(rows))
        assert dups == e["n_exact_duplicate"], f.path.name


def test_mess_visible_in_files(demo: list[GeneratedFile]) -> None:
    """Every kind of mess can be seen in the cells, not only in the generator's word."""
    lists = [f for f in demo if f.kind == "list"]
    cells: Counter[str] = Counter()
    headers: set[str] = set()
    by_code: dict[str, set[str]] = {}
    for f in lists:
        rows, facts = _data_rows(f.path)
        headers |= {str(h) for hs in facts["headers"] for h in hs}  # type: ignore[union-attr]
        cells["spacer"] += facts["spacers"]  # type: ignore[operator]
        cells["note"] += facts["notes"]  # type: ignore[operator]
        cells["second_sheet"] += len(facts["header_rows"]) > 1  # type: ignore[arg-type]
        cells["instructions"] += "填表说明" in facts["sheets"]  # type: ignore[operator]
        cells["header_row_3"] += facts["header_rows"][0] == 3  # type: ignore[index]
        for r in rows:
            district, name, code, phone = str(r[1]), str(r[2]), r[3], r[5]
            s = str(code)
            cells["code_lower"] += s != s.upper()
            cells["code_fullwidth"] += "０" <= s[:1] <= "ｚ"
            cells["code_padded"] += s != s.strip() or " " in s.strip()
            cells["code_float"] += isinstance(code, float) or "e+" in s
            cells["code_15"] += len(s) == 15 and s.isdigit()
            n = _norm_code(s)
            cells["code_typo"] += len(n) == 18 and not is_valid_uscc(n)
            p = str(phone)
            cells["phone_float"] += isinstance(phone, float) or p.endswith(".0")
            cells["phone_fullwidth"] += any("０" <= ch <= "９" for ch in p)
            cells["phone_plus86"] += "+86" in p
            cells["phone_022"] += "022" in p
            cells["phone_local8"] += len(p) == 8 and p.isdigit()
            cells["phone_ext"] += "转" in p or "分机" in p
            cells["phone_two"] += any(sep in p for sep in ("/", "、", "；"))
            cells["phone_space"] += " " in p.strip() and "+86" not in p and "022" not in p
            cells["district_alias"] += district in {a for v in DISTRICT_ALIASES.values() for a in v}
            cells["district_old"] += district in {"蓟县", "塘沽", "汉沽", "大港", "静海县"}
            cells["district_zone"] += district in ZONES
            cells["kaifaqu"] += district == "开发区"
            cells["bracket_half"] += "(天津)" in name
            cells["bracket_full"] += "（天津）" in name
            if is_valid_uscc(n):
                by_code.setdefault(n, set()).add(unicodedata.normalize("NFKC", name).strip())
    missing = [k for k, v in cells.items() if v == 0]
    assert not missing, missing
    for label in ("单位名称", "市场主体名称", "社会信用代码", "所属区", "区", "手机号码",
                  "联系电话（手机号）"):
        assert label in headers
    assert sum(len(v) > 1 for v in by_code.values()) > 0, "no conflicting names across lists"
    assert sum(1 for v in by_code.values()) < sum(f.expected["n_valid_code"] for f in lists)


def test_merged_title_and_formats(demo: list[GeneratedFile]) -> None:
    first = next(f for f in demo if f.kind == "list" and f.expected["title"])
    ws = load_workbook(first.path).worksheets[-1]
    assert any(str(r).startswith("A") and r.min_row == r.max_row for r in ws.merged_cells.ranges)
    wo = next(f for f in demo if f.kind == "workorder")
    ranges = {str(r) for r in load_workbook(wo.path).active.merged_cells.ranges}
    assert {"A2:A3", "H2:J2"} <= ranges  # two-row header
    by_fmt = {f.expected.get("format"): f for f in demo}
    assert by_fmt["csv_utf8_bom"].path.read_bytes().startswith(b"\xef\xbb\xbf")
    gbk = by_fmt["csv_gbk"].path.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert "企业名称" in gbk.decode("gbk") or "单位名称" in gbk.decode("gbk")
    if xls_available():
        assert by_fmt["xls"].path.read_bytes().startswith(MAGIC)


def test_broken_files(demo: list[GeneratedFile]) -> None:
    broken = {f.expected["error"]: f.path for f in demo if f.kind == "broken"}
    assert set(broken) == set(BROKEN_KINDS)
    assert broken["empty"].stat().st_size == 0
    assert broken["encrypted"].read_bytes().startswith(MAGIC)
    assert "EncryptedPackage".encode("utf-16-le") in broken["encrypted"].read_bytes()
    for path in broken.values():
        with pytest.raises(CalamineError):
            wb = CalamineWorkbook.from_path(str(path))
            wb.get_sheet_by_index(0).to_python()


def test_workorders(demo: list[GeneratedFile]) -> None:
    for f in (f for f in demo if f.kind == "workorder"):
        (_, rows), = _sheets(f.path)
        assert rows[1][0] == "序号" and rows[2][7] == "开始时间"
        data = rows[3:]
        assert len(data) == f.rows_in_data
        n = f.expected["n_stages"]
        mismatch = 0
        for r in data:
            days = [r[7 + 3 * s + 2] for s in range(n)]
            total = sum(d for d in days if isinstance(d, float))
            mismatch += abs(total - r[7 + 3 * n]) > 0.15
        assert mismatch == f.expected["n_workorder_total_mismatch"]


def test_population_codes_valid_and_unique() -> None:
    pop = make_population(2000, seed=3)
    assert len(set(pop.codes)) == len(pop.names) == len(set(pop.names)) == 2000
    assert all(is_valid_uscc(c) for c in pop.codes)
    assert any(c.isdigit() for c in pop.codes)  # some codes Excel can turn into numbers


def test_phones_in_population_are_valid() -> None:
    phonenumbers = pytest.importorskip("phonenumbers")
    pop = make_population(300, seed=4)
    for m in pop.mobile[:100]:
        assert phonenumbers.is_valid_number(phonenumbers.parse(m, "CN"))
    for ll in pop.landline[:100]:
        assert phonenumbers.is_valid_number(phonenumbers.parse("022" + ll, "CN"))


def test_header_synonyms_cover_issue_wording() -> None:
    flat = {w for syn in HEADER_SYNONYMS for w in syn}
    assert {"企业名称", "单位名称", "市场主体名称", "联系电话", "手机号码", "区域", "所属区", "区",
            "统一社会信用代码", "社会信用代码"} <= flat


def test_bench_lists_small(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    files = generate_bench_lists(tmp_path / "a", total_rows=1200, files=3, seed=5, jobs=1,
                                 progress=lambda d, t: seen.append((d, t)))
    assert sum(f.rows_in_data for f in files) == 1200 and seen[-1] == (1200, 1200)
    for f in files:
        rows, _ = _data_rows(f.path)
        assert len(rows) == f.rows_in_data == 400
    forked = generate_bench_lists(tmp_path / "b", total_rows=1200, files=3, seed=5, jobs=2)
    for a, b in zip(files, forked):
        assert _values(a) == _values(b)
    assert (tmp_path / "a" / "manifest.csv").exists()
