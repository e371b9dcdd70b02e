"""Issue 16: the same files give the same frame whatever order they are imported in.

Compared by content, not database ids: each enterprise by its credit code (or its
registration number, or its name key when known by name only), each membership by
(enterprise, item, department), each row by (file, sheet, row) with its status and
its enterprise."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select, text

from callcentre.db.engine import open_engine
from callcentre.db.models import Enterprise
from callcentre.demo.generator import generate_demo
from callcentre.importer.jobs import ImportJob, read_manifest
from callcentre.importer.pipeline import import_files
from sampling.identifiers.names import key_of_normalised

Snapshot = tuple[frozenset, frozenset, dict, dict]  # type: ignore[type-arg]


def snapshot(url: str) -> Snapshot:
    """(enterprises, memberships, rows) of a database, by content."""
    engine = open_engine(url)
    with engine.connect() as conn:
        keys = {}
        for e in conn.execute(select(Enterprise.id, Enterprise.uscc, Enterprise.reg_no,
                                     Enterprise.name)):
            keys[e.id] = e.uscc or (f"reg:{e.reg_no}" if e.reg_no
                                    else f"name:{key_of_normalised(e.name)}")
        members = frozenset(
            (keys[r.enterprise_id], r.number, r.dept) for r in conn.execute(text(
                "SELECT m.enterprise_id, i.number, d.name AS dept FROM itemmembership m "
                "JOIN item i ON i.id = m.item_id JOIN department d ON d.id = m.department_id")))
        rows = {(r.file, r.sheet, r.row): (r.status, keys.get(r.enterprise_id))
                for r in conn.execute(text(
                    "SELECT f.name AS file, l.sheet, l.row, l.status, l.enterprise_id "
                    "FROM listrow l JOIN sourcefile f ON f.id = l.source_file_id"))}
        counts = {r.name: tuple(r)[1:] for r in conn.execute(text(
            "SELECT name, rows_total, rows_accepted, rows_warning, rows_rejected, rows_duplicate "
            "FROM sourcefile WHERE kind = 'list'"))}
        stored = {r.name: tuple(r)[1:] for r in conn.execute(text(
            "SELECT f.name, count(*), sum(l.status = 'accepted'), sum(l.status = 'warning'), "
            "sum(l.status = 'rejected'), sum(l.status = 'duplicate') FROM listrow l "
            "JOIN sourcefile f ON f.id = l.source_file_id GROUP BY f.name"))}
    engine.dispose()
    assert counts == stored                  # each file's counts are its rows'
    return frozenset(keys.values()), members, rows, counts


def import_in_order(url: str, jobs: list[ImportJob]) -> Snapshot:
    import_files(open_engine(url), jobs, workers=0)
    return snapshot(url)


def _assert_same(a: Snapshot, b: Snapshot) -> None:
    assert a[0] == b[0]                      # enterprises
    assert a[1] == b[1]                      # memberships
    diff = {k: (a[2].get(k), b[2].get(k)) for k in a[2].keys() | b[2].keys()
            if a[2].get(k) != b[2].get(k)}
    assert not diff                          # every row: status and enterprise
    assert a[3] == b[3]                      # each file's counts


def test_the_demo_lists_give_one_frame_in_any_order(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    generate_demo(out, seed=11, n_enterprises=250)
    jobs = read_manifest(out / "manifest.csv")
    first = import_in_order(f"sqlite:///{tmp_path / 'a.db'}", jobs)
    assert len(first[0]) > 100 and len(first[2]) > 300
    rng = random.Random(16)
    for n in range(3):
        shuffled = rng.sample(jobs, len(jobs))
        _assert_same(first, import_in_order(f"sqlite:///{tmp_path / f'p{n}.db'}", shuffled))


CODE_A, CODE_B, CODE_C = "91120116592938202F", "121200004013590816", "91110000600037341L"
HEADER = ["序号", "企业名称", "统一社会信用代码", "联系电话", "所属区"]


def _write(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def name_only_lists(folder: Path) -> list[ImportJob]:
    """Four lists: name-only rows of enterprises whose codes come in other files, one
    name two code enterprises carry, registration numbers, and a name no code has."""
    folder.mkdir()
    names = _write(folder / "names.xlsx", [
        [1, "天津华泰科技有限公司", "", "13800000001", "和平区"],         # A's name, no code
        [2, "天津宏盛商贸有限公司", "无", "13800000002", "河西区"],       # B's name
        [3, "天津恒达物流有限公司", "", "13800000003", "南开区"],         # no code anywhere
        [4, "天津鼎新电子有限公司", "", "13800000004", "河北区"],         # carried by two codes
        [5, "天津恒达物流有限公司", "/", "13800000005", "南开区"],
        [6, "天津永裕食品有限公司", "120101000012345", "13800000006", "和平区"],  # old number
    ])
    codes = _write(folder / "codes.xlsx", [
        [1, "天津华泰科技有限公司", CODE_A, "13900000001", "和平区"],
        [2, "天津宏盛商贸有限公司", CODE_B, "13900000002", "河西区"],
        [3, "天津鼎新电子有限公司", CODE_C, "13900000003", "河北区"],
    ])
    other = _write(folder / "other.xlsx", [
        [1, "天津鼎新电子有限公司", "91120116MA05XQ4B8N", "13700000001", "河北区"],
        [2, "天津华泰科技有限责任公司", CODE_A, "13700000002", "和平区"],  # A, other name
        [3, "天津永裕食品有限公司", "", "13700000003", "和平区"],         # the old number's name
        [4, "天津恒达物流有限公司", "", "13700000004", "东丽区"],
    ])
    return [ImportJob(names, "市税务局", 1), ImportJob(codes, "市人社局", 5),
            ImportJob(other, "国网天津电力", 25)]


def test_name_only_rows_join_the_enterprise_whose_code_carries_the_name(tmp_path: Path) -> None:
    jobs = name_only_lists(tmp_path / "lists")
    url = f"sqlite:///{tmp_path / 'names-first.db'}"
    ents, members, rows, _counts = import_in_order(url, jobs)    # the names come first
    assert rows[("names.xlsx", "名单", 2)][1] == CODE_A
    assert rows[("names.xlsx", "名单", 3)][1] == CODE_B
    assert rows[("names.xlsx", "名单", 4)][1] == rows[("names.xlsx", "名单", 6)][1] \
        == rows[("other.xlsx", "名单", 5)][1] == "name:天津恒达物流有限公司"
    assert rows[("names.xlsx", "名单", 5)][1] == "name:天津鼎新电子有限公司"  # ambiguous
    assert rows[("names.xlsx", "名单", 7)][1] == "reg:120101000012345"
    assert rows[("other.xlsx", "名单", 4)][1] == "reg:120101000012345"
    assert (CODE_A, 1, "市税务局") in members
    assert len([e for e in ents if e.startswith("name:")]) == 2
    engine = open_engine(url)
    with engine.connect() as conn:
        reasons = dict(conn.execute(text(
            "SELECT l.row, l.reasons FROM listrow l JOIN sourcefile f ON f.id = l.source_file_id "
            "WHERE f.name = 'names.xlsx'")).all())
    assert "joined_by_name" in reasons[2] and "name_only" not in reasons[2]
    assert "name_ambiguous" in reasons[5] and "name_only" in reasons[4]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_name_only_rows_give_one_frame_in_any_order(tmp_path: Path, seed: int) -> None:
    jobs = name_only_lists(tmp_path / "lists")
    first = import_in_order(f"sqlite:///{tmp_path / 'a.db'}", jobs)
    order = random.Random(seed).sample(jobs, len(jobs))
    while order == jobs:
        order = random.Random(seed + 10).sample(jobs, len(jobs))
    _assert_same(first, import_in_order(f"sqlite:///{tmp_path / 'b.db'}", order))


def test_re_importing_a_file_gives_the_frame_a_fresh_import_gives(tmp_path: Path) -> None:
    jobs = name_only_lists(tmp_path / "lists")
    url = f"sqlite:///{tmp_path / 'again.db'}"
    import_files(open_engine(url), jobs, workers=0)
    codes = jobs[1].path
    kept = tmp_path / "codes-kept.xlsx"
    shutil.copy(codes, kept)
    _write(codes, [[1, "天津宏盛商贸有限公司", CODE_B, "13900000002", "河西区"]])   # A gone
    import_files(open_engine(url), [jobs[1]], workers=0)
    shutil.copy(kept, codes)                                                       # A back
    import_files(open_engine(url), [jobs[1]], workers=0)
    fresh = import_in_order(f"sqlite:///{tmp_path / 'fresh.db'}", jobs)
    _assert_same(fresh, snapshot(url))


def test_removing_a_file_gives_the_frame_of_an_import_without_it(tmp_path: Path) -> None:
    from sqlalchemy import select as sql_select

    from callcentre.db.models import SourceFile
    from callcentre.importer.pipeline import remove_file

    jobs = name_only_lists(tmp_path / "lists")
    url = f"sqlite:///{tmp_path / 'removed.db'}"
    engine = open_engine(url)
    import_files(engine, jobs, workers=0)
    with engine.connect() as conn:
        codes_id = conn.execute(sql_select(SourceFile.id).where(
            SourceFile.name == "codes.xlsx")).scalar_one()
    remove_file(engine, codes_id)
    engine.dispose()
    without = import_in_order(f"sqlite:///{tmp_path / 'without.db'}", [jobs[0], jobs[2]])
    _assert_same(without, snapshot(url))


def test_a_file_re_sent_without_a_code_frees_the_rows_that_joined_it(tmp_path: Path) -> None:
    """codes.xlsx re-sent without 宏盛 (whose code only it had): the name-only row that
    had joined 宏盛 is an enterprise known by name only, as in a fresh import."""
    jobs = name_only_lists(tmp_path / "lists")
    url = f"sqlite:///{tmp_path / 'resent.db'}"
    import_files(open_engine(url), jobs, workers=0)
    _write(jobs[1].path, [[1, "天津华泰科技有限公司", CODE_A, "13900000001", "和平区"],
                          [3, "天津鼎新电子有限公司", CODE_C, "13900000003", "河北区"]])
    import_files(open_engine(url), [jobs[1]], workers=0)
    fresh = import_in_order(f"sqlite:///{tmp_path / 'fresh.db'}", jobs)
    _assert_same(fresh, snapshot(url))
    assert fresh[2][("names.xlsx", "名单", 3)][1] == "name:天津宏盛商贸有限公司"
