"""End-to-end import on SQLite and PostgreSQL: nothing lost, de-duplication,
idempotent re-import, replacement, bad files, check workbook and CSV."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from callcentre.db.engine import open_engine
from callcentre.db.models import Enterprise, ItemMembership, ListRow, SourceFile
from callcentre.importer.check_report import CSV_COLUMNS, write_check_workbook, write_rows_csv
from callcentre.importer.jobs import ImportJob
from callcentre.importer.pipeline import import_files

HEADER = ["序号", "区域", "企业名称", "统一社会信用代码", "企业办理业务联系人\n(或法定代表人)",
          "联系电话\n(手机号)", "业务描述", "备注"]
A = "91120116592938202F"
B = "91110000600037341L"
C = "121200004013590816"


def write_list(path: Path, rows: list[list[object]], *, title: str = "部门：市税务局 联系人：张三") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append([title])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    ws.append(["注：以上信息由部门提供"])
    wb.save(path)
    return path


def tax_rows() -> list[list[object]]:
    return [
        [1, "和平区", "天津甲科技有限公司", A, "张一", 13812345678.0, "开办", None],
        [2, "河东", "天津乙贸易有限公司", B.lower(), "张二", "022-23456789 转 801", "变更", None],
        [3, "泰达", "天津丙物流有限公司", C, "张三", "13912345678/13712345678", "注销", None],
        [4, "南开区", "天津丁有限公司", "91120116592938202X", "张四", "13612345678", "开办", None],
        [5, "西青区", "天津戊有限公司", "", "张五", "", "开办", None],
        [6, "和平区", "天津甲科技有限公司", A, "张一", 13812345678.0, "开办", None],  # duplicate of 1
        [7, "", "", "", "", "13512345678", "", None],  # cannot be identified
    ]


def counts(engine, model, **where) -> int:  # type: ignore[no-untyped-def]
    stmt = select(func.count()).select_from(model)
    for k, v in where.items():
        stmt = stmt.where(getattr(model, k) == v)
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one()


def test_import_keeps_every_row_and_deduplicates(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    tax = write_list(tmp_path / "tax.xlsx", tax_rows())
    power = write_list(tmp_path / "power.xlsx", [
        [1, "和平区", "天津甲科技公司", A, "王一", "13812345679", "用电", None],   # name conflict
        [2, "河西区", "天津戊有限公司", "", "王五", "13312345678", "用电", None],  # joins by name
    ], title="部门：国网天津电力 联系人：王")
    summary = import_files(engine, [ImportJob(tax, None, 1), ImportJob(power, None, 25)])
    assert [f.outcome for f in summary.files] == ["imported", "imported"]
    tax_result, power_result = summary.files
    assert tax_result.department == "市税务局"          # from the title row
    assert power_result.department == "国网天津电力"
    # nothing lost: every data row is stored with one of the four statuses
    for result, n in ((tax_result, 7), (power_result, 2)):
        assert result.rows == n
    assert counts(engine, ListRow) == 9
    statuses = dict(tax_result.counts)
    assert statuses == {"accepted": 3, "warning": 1, "rejected": 2, "duplicate": 1}
    with engine.connect() as conn:
        all_rows = conn.execute(select(ListRow).order_by(ListRow.id)).all()
    tax_file = all_rows[0].source_file_id
    rows = {r.row: r for r in all_rows if r.source_file_id == tax_file}
    assert rows[3].uscc == A and rows[3].phone_e164 == "+8613812345678"
    assert rows[4].uscc == B and rows[4].phone_ext == "801"
    assert rows[5].phones.split(";") == ["+8613912345678", "+8613712345678"]
    assert rows[5].district_code == "120116"
    assert "uscc_bad_check" in rows[6].reasons.split(",")
    assert rows[7].status == "rejected" and "phone_missing" in rows[7].reasons
    assert rows[8].status == "duplicate" and rows[8].duplicate_of == "名单!3"
    assert rows[9].status == "rejected" and "not_identifiable" in rows[9].reasons
    # the same enterprise across departments: one Enterprise, two memberships
    assert counts(engine, Enterprise, uscc=A) == 1
    with engine.connect() as conn:
        ent = conn.execute(select(Enterprise).where(Enterprise.uscc == A)).one()
        conflicts = json.loads(ent.conflicts)
        assert conflicts["name"] == ["天津甲科技有限公司", "天津甲科技公司"]
        assert [p["e164"] for p in json.loads(ent.phones)] == ["+8613812345678", "+8613812345679"]
        members = conn.execute(select(func.count()).select_from(ItemMembership)
                               .where(ItemMembership.enterprise_id == ent.id)).scalar_one()
    assert members == 2
    # rows without a valid code: 戊 (no phone in tax list) and power's 戊 make one
    # enterprise known by name only (no code row carries the name), whichever came first
    power_rows = [r for r in all_rows if r.source_file_id != tax_file]
    wu = next(r for r in power_rows if r.name == "天津戊有限公司")
    assert "name_only" in wu.reasons.split(",") and "name_only" in rows[7].reasons
    assert wu.enterprise_id == rows[7].enterprise_id


def test_reimport_unchanged_is_a_no_op_and_changed_replaces(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(path, "市税务局", 1)])
    again = import_files(engine, [ImportJob(path, "市税务局", 1)])
    assert again.files[0].outcome == "unchanged"
    assert counts(engine, ListRow) == 7
    assert counts(engine, SourceFile) == 1
    # a changed file replaces its rows, in one go
    write_list(path, tax_rows()[:3])
    changed = import_files(engine, [ImportJob(path, "市税务局", 1)])
    assert changed.files[0].outcome == "replaced"
    assert counts(engine, ListRow) == 3
    assert counts(engine, SourceFile) == 1
    # memberships no longer backed by a row are gone: 甲, 乙, 丙 remain
    assert counts(engine, ItemMembership) == 3


def item_numbers(engine) -> set[int]:  # type: ignore[no-untyped-def]
    from callcentre.db.models import Item

    with engine.connect() as conn:
        return set(conn.execute(select(Item.number).join(
            ItemMembership, ItemMembership.item_id == Item.id).distinct()).scalars())


def test_same_file_under_another_item_or_department_moves_its_rows(db_url: str,
                                                                   tmp_path: Path) -> None:
    """Unchanged content is only "unchanged" for the same department and item: filed
    again under another one, it is a correction, and its rows move there."""
    engine = open_engine(db_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(path, "市税务局", 1)])
    moved = import_files(engine, [ImportJob(path, "市税务局", 2)])
    assert moved.files[0].outcome == "replaced"
    assert item_numbers(engine) == {2}
    assert counts(engine, ListRow) == 7 and counts(engine, SourceFile) == 1
    other = import_files(engine, [ImportJob(path, "市交通局", 2)], workers=0)
    assert other.files[0].outcome == "replaced"
    assert import_files(engine, [ImportJob(path, "市交通局", 2)]).files[0].outcome == "unchanged"
    # no department given: the one the file names in its title row (市税务局) counts
    assert import_files(engine, [ImportJob(path, None, 2)]).files[0].outcome == "replaced"


def test_a_file_listed_twice_in_one_import_is_reported_not_lost(db_url: str,
                                                                tmp_path: Path) -> None:
    engine = open_engine(db_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    other = write_list(tmp_path / "other.xlsx", tax_rows()[:2])
    summary = import_files(engine, [ImportJob(path, "市税务局", 5), ImportJob(other, "市税务局", 6),
                                    ImportJob(path, "市税务局", 7)])
    assert [f.outcome for f in summary.files] == ["imported", "imported", "failed"]
    assert summary.files[2].error == "listed_twice"
    assert item_numbers(engine) == {5, 6}


def test_bad_files_are_reported_and_others_still_import(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    fake = tmp_path / "fake.xlsx"
    fake.write_text("hello")
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
                       + "EncryptedPackage".encode("utf-16-le"))
    good = write_list(tmp_path / "good.xlsx", tax_rows())
    summary = import_files(engine, [ImportJob(p, "市税务局", 1) for p in (empty, fake, locked, good)])
    assert [(f.path.name, f.outcome, f.error) for f in summary.files] == [
        ("empty.xlsx", "failed", "empty"), ("fake.xlsx", "failed", "unreadable"),
        ("locked.xlsx", "failed", "encrypted"), ("good.xlsx", "imported", None)]
    assert counts(engine, ListRow) == 7


def test_check_workbook_and_rows_csv(sqlite_url: str, tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(path, "市税务局", 1)])
    out = tmp_path / "check.xlsx"
    assert write_check_workbook(engine, out, wave="2021") == 7
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names[:2] == ["逐行核查", "部门汇总"]
    rows = wb.get_sheet_by_name("逐行核查").to_python()
    assert len(rows) == 8
    assert rows[0][:5] == ["文件", "部门", "工作表", "行号", "状态"]
    by_row = {int(r[3]): r for r in rows[1:]}
    assert by_row[7][4] == "拒绝" and by_row[7][5] == "无法拨打（无有效电话）"
    assert by_row[9][5] == "无法识别企业"
    assert by_row[8][4] == "重复行"
    summary = wb.get_sheet_by_name("部门汇总").to_python()
    assert summary[1][:8] == ["市税务局", 7, 3, 1, 2, 1, 1, 1]
    csv_path = tmp_path / "rows.csv"
    write_rows_csv(engine, csv_path, wave="2021")
    with open(csv_path, encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    assert tuple(records[0].keys()) == CSV_COLUMNS
    assert len(records) == 7
    assert {r["status"] for r in records} == {"accepted", "warning", "rejected", "duplicate"}
    first = records[0]
    assert (first["file"], first["sheet"], first["row"], first["uscc"], first["phone_e164"]) == (
        "tax.xlsx", "名单", "3", A, "+8613812345678")
    bad = next(r for r in records if r["row"] == "6")
    assert bad["uscc"] == ""


@pytest.mark.postgres
def test_same_results_on_sqlite_and_postgresql(sqlite_url: str, pg_url: str, tmp_path: Path) -> None:
    files = [write_list(tmp_path / "tax.xlsx", tax_rows()),
             write_list(tmp_path / "p.xlsx", [[1, "河西区", "天津戊有限公司", "", "王", "13312345678", "", None]])]
    outputs = []
    for url in (sqlite_url, pg_url):
        engine = open_engine(url)
        import_files(engine, [ImportJob(files[0], "市税务局", 1), ImportJob(files[1], "水务局", 2)])
        csv_path = tmp_path / f"rows-{engine.dialect.name}.csv"
        write_rows_csv(engine, csv_path, wave="2021")
        outputs.append(csv_path.read_text(encoding="utf-8"))
        engine.dispose()
    assert outputs[0] == outputs[1]


def test_reimport_keeps_memberships_a_sample_refers_to(db_url: str, tmp_path: Path) -> None:
    """A changed list that drops a sampled enterprise must not break the sample."""
    from sqlmodel import Session

    from callcentre.db.models.sample import SampleUnit
    from callcentre.services.sampling import draw_sample
    from callcentre.services.sampling_options import DesignOptions
    from tests.helpers import admin

    engine = open_engine(db_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(path, "市税务局", 1)])
    with Session(engine) as session:
        draw_sample(session=session, actor=admin(engine), wave="2021",
                    options=DesignOptions(by=("item",), n=3), seed=1, name="main")
        sampled = set(session.execute(select(SampleUnit.membership_id)).scalars())
    assert sampled
    write_list(path, [])  # the department withdraws every row
    assert import_files(engine, [ImportJob(path, "市税务局", 1)]).files[0].outcome == "replaced"
    with engine.connect() as conn:
        kept = set(conn.execute(select(ItemMembership.id)).scalars())
    assert sampled <= kept
    assert counts(engine, ListRow) == 0
    # … and sending the rows again re-uses the kept memberships (once this failed
    # with a UNIQUE violation on uq_membership)
    write_list(path, tax_rows())
    assert import_files(engine, [ImportJob(path, "市税务局", 1)]).files[0].outcome == "replaced"
    with engine.connect() as conn:
        assert set(conn.execute(select(ItemMembership.id)).scalars()) >= sampled
        assert set(conn.execute(select(ListRow.membership_id)).scalars()) >= sampled


def test_a_corrected_file_is_not_flagged_against_its_own_old_rows(db_url: str,
                                                                   tmp_path: Path) -> None:
    """Re-sent with a new phone, a row is not a "conflict_phone" with its own old
    version; a name-only row is not "joined_by_name" to the enterprise its own old
    version made."""
    engine = open_engine(db_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(path, "市税务局", 1)])
    fixed = tax_rows()
    fixed[0][5] = fixed[5][5] = "13600000000"
    write_list(path, fixed)
    import_files(engine, [ImportJob(path, "市税务局", 1)])
    with engine.connect() as conn:
        reasons = dict(conn.execute(select(ListRow.row, ListRow.reasons)).all())
    assert "conflict_phone" not in reasons[3]
    assert "joined_by_name" not in reasons[7]          # 天津戊: no code, its own name
    assert counts(engine, Enterprise) == 5


def test_a_list_re_sent_from_another_folder_replaces_the_earlier_one(sqlite_url: str,
                                                                     tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    first = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(first, "市税务局", 1)])
    (tmp_path / "resent").mkdir()
    again = write_list(tmp_path / "resent" / "tax.xlsx", tax_rows()[:3])
    result = import_files(engine, [ImportJob(again, "市税务局", 1)]).files[0]
    assert (result.outcome, result.replaces) == ("replaced", str(first.resolve()))
    assert counts(engine, SourceFile) == 1 and counts(engine, ListRow) == 3
    # another department's file of that name is its own
    other = write_list(tmp_path / "tax2.xlsx", tax_rows()[:2])
    (tmp_path / "dept2").mkdir()
    other = other.rename(tmp_path / "dept2" / "tax.xlsx")
    assert import_files(engine, [ImportJob(other, "市人社局", 1)]).files[0].outcome == "imported"


def test_control_characters_never_break_the_check_workbook(sqlite_url: str, tmp_path: Path) -> None:
    """Copy-and-paste debris (BEL, zero-width space) in names and the department."""
    engine = open_engine(sqlite_url)
    path = tmp_path / "odd.csv"
    path.write_text(
        "部门：市税\u200b务局\x07 联系人：张三,,,,\n"
        "序号,企业名称,统一社会信用代码,联系电话,区域\n"
        f"1,天津\x07甲科技\u200b有限公司,{A},13812345678,和平区\n"
        "2,天津甲科技有限公司,,13812345679,和平区\n", encoding="utf-8")
    summary = import_files(engine, [ImportJob(path, None, 1)])
    result = summary.files[0]
    assert result.department == "市税务局"
    assert result.counts["accepted"] + result.counts["warning"] == 2
    with engine.connect() as conn:
        names = conn.execute(select(ListRow.name).order_by(ListRow.id)).scalars().all()
    assert names[0] == "天津甲科技有限公司"          # cleaned, so the second row joins it by name
    out = tmp_path / "check.xlsx"
    assert write_check_workbook(engine, out, wave="2021") == 2
    sheet = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("部门汇总").to_python()
    assert sheet[1][0] == "市税务局"


def test_check_workbook_splits_rows_over_sheets(sqlite_url: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Past Excel's row limit the row table continues on 逐行核查2, 逐行核查3 …"""
    from callcentre.importer import check_report

    monkeypatch.setattr(check_report, "MAX_ROWS", 4)   # header + 3 rows per sheet
    engine = open_engine(sqlite_url)
    import_files(engine, [ImportJob(write_list(tmp_path / "tax.xlsx", tax_rows()), "市税务局", 1)])
    out = tmp_path / "check.xlsx"
    assert write_check_workbook(engine, out, wave="2021") == 7
    wb = CalamineWorkbook.from_path(str(out))
    assert wb.sheet_names[:4] == ["逐行核查", "逐行核查2", "逐行核查3", "部门汇总"]
    sheets = [wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names[:3]]
    assert [len(s) for s in sheets] == [4, 4, 2]
    assert all(s[0][0] == "文件" for s in sheets)
    assert [int(r[3]) for s in sheets for r in s[1:]] == [3, 4, 5, 6, 7, 8, 9]


def test_a_workbook_with_a_list_and_a_workorder_sheet_imports_the_list(sqlite_url: str,
                                                                       tmp_path: Path) -> None:
    """A department's workbook holding its 附件4 list and its 附件5 work orders: the
    list is imported, the work-order sheet reported as skipped (not the whole file
    taken for work orders, which lost the list)."""
    from callcentre.importer.check_report import describe_sheets

    path = write_list(tmp_path / "mixed.xlsx", tax_rows())
    wb = openpyxl.load_workbook(path)
    orders = wb.create_sheet("工单")
    orders.append(["序号", "工单号", "企业名称", "统一社会信用代码", "各环节累计总时长"])
    orders.append([1, "GD1", "天津甲科技有限公司", A, 3])
    wb.save(path)
    engine = open_engine(sqlite_url)
    summary = import_files(engine, [ImportJob(path, "市税务局", 1)])
    assert summary.files[0].kind == "list" and summary.files[0].rows == 7
    assert counts(engine, ListRow) == 7
    with engine.connect() as conn:
        sheets = conn.execute(select(SourceFile.sheets)).scalar_one()
    assert "是工单表" in describe_sheets(sheets)


def test_a_replaced_file_leaves_no_trace_of_its_old_values(db_url: str, tmp_path: Path) -> None:
    """A department corrects a phone and re-sends its file: the enterprise's primary
    phone is the corrected one, not the old one kept beside it as a "conflict"; and
    the next file is resolved against the corrected enterprise."""
    engine = open_engine(db_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(path, "市税务局", 1)])
    fixed = tax_rows()
    fixed[0][5] = fixed[5][5] = "13600000000"          # 甲 (and its duplicate row)
    fixed[1][2] = "天津乙商贸有限公司"                    # 乙 renamed
    write_list(path, fixed)
    assert import_files(engine, [ImportJob(path, "市税务局", 1)]).files[0].outcome == "replaced"
    with engine.connect() as conn:
        ents = {e.uscc: e for e in conn.execute(select(Enterprise))}
    assert ents[A].phone_e164 == "+8613600000000"
    assert json.loads(ents[A].phones) == [{"e164": "+8613600000000", "ext": None,
                                           "kind": "mobile"}]
    assert ents[B].name == "天津乙商贸有限公司" and ents[B].conflicts == "{}"
    # another department's file then adds to the corrected state, not the old one
    other = write_list(tmp_path / "other.xlsx", [tax_rows()[0]])
    import_files(engine, [ImportJob(other, "市人社局", 1)])
    with engine.connect() as conn:
        phones = conn.execute(select(Enterprise.phones).where(Enterprise.uscc == A)).scalar_one()
    assert [p["e164"] for p in json.loads(phones)] == ["+8613600000000", "+8613812345678"]


def test_a_row_repeated_on_a_wider_sheet_is_still_a_duplicate(tmp_path: Path) -> None:
    """A note out in column I of one sheet makes it wider: its rows then have one more
    empty cell than the same rows on the 续表, and are still the same rows."""
    from callcentre.importer.parse import parse_list_file

    path = write_list(tmp_path / "wide.xlsx", tax_rows()[:2])
    wb = openpyxl.load_workbook(path)
    wb["名单"]["J1"] = "单位：家"
    more = wb.create_sheet("续表")
    more.append(tax_rows()[1])
    more.append(tax_rows()[2])
    wb.save(path)
    statuses = [(r[0], r[1], r[3]) for r in parse_list_file(path).rows()]
    assert statuses == [("名单", 3, "accepted"), ("名单", 4, "accepted"),
                        ("续表", 1, "duplicate"), ("续表", 2, "accepted")]


def test_an_enterprise_is_the_same_whatever_order_files_were_replaced_in(
        sqlite_url: str, tmp_path: Path) -> None:
    """甲 is on two departments' lists with different phones. Replacing the first
    list (another row changed) must leave 甲 as a fresh import of the same files
    would: its phones in the order of the files, not in the order of the imports."""
    def phones(engine) -> list[str]:  # type: ignore[no-untyped-def]
        with engine.connect() as conn:
            text = conn.execute(select(Enterprise.phones).where(Enterprise.uscc == A)).scalar_one()
        return [p["e164"] for p in json.loads(text)]

    engine = open_engine(sqlite_url)
    tax = write_list(tmp_path / "tax.xlsx", tax_rows())
    other_rows = [list(tax_rows()[0])]
    other_rows[0][5] = "13600000000"
    other = write_list(tmp_path / "other.xlsx", other_rows)
    import_files(engine, [ImportJob(tax, "市税务局", 1), ImportJob(other, "市人社局", 1)])
    assert phones(engine) == ["+8613812345678", "+8613600000000"]
    changed = tax_rows()
    changed[2][4] = "张三丰"
    write_list(tax, changed)
    import_files(engine, [ImportJob(tax, "市税务局", 1)])
    assert phones(engine) == ["+8613812345678", "+8613600000000"]
    fresh = open_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    import_files(fresh, [ImportJob(tax, "市税务局", 1), ImportJob(other, "市人社局", 1)])
    assert phones(fresh) == phones(engine)
