"""附件5 work orders: two-row merged header, stage dates and days, links to enterprises."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import openpyxl
from sqlalchemy import select

from callcentre.db.engine import open_engine
from callcentre.db.models import WorkOrder
from callcentre.importer import workorders as workorders_module
from callcentre.importer.jobs import ImportJob
from callcentre.importer.pipeline import import_files
from callcentre.importer.workorders import import_workorders
from sampling.listfile.workorders import parse_date, parse_days
from tests.test_import_pipeline import A, tax_rows, write_list


def write_workorders(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append(["上报部门(单位)：国网天津电力          联系人：王工          联系电话：13800000000"])
    ws.merge_cells("A1:P1")
    ws.append(["序号", "工单号", "企业名称", "统一社会信用代码", "企业联系人(或法定代表人)",
               "联系电话(手机号)", "业务描述", "环节1\n(单位:天)", None, None, "环节2\n(单位:天)",
               None, None, "各环节累计总时长", "备注"])
    ws.merge_cells("H2:J2")
    ws.merge_cells("K2:M2")
    ws.append([None] * 7 + ["开始时间", "完成时间", "环节1总时长", "开始时间", "完成时间",
                            "环节2总时长"])
    ws.append([1, "GD2021001", "天津甲科技有限公司", A, "张一", "13812345678", "低压接电",
               datetime(2021, 6, 1), datetime(2021, 6, 2), 1, datetime(2021, 6, 2),
               datetime(2021, 6, 4), 2, 3, None])
    ws.append([2, 2021002.0, "天津不存在有限公司", "", "李", "022-23456789", "低压接电",
               "2021年6月3日", "2021/6/5", None, "2021-06-05", "坏日期", 1, 9, None])
    wb.save(path)
    return path


def test_parse_helpers() -> None:
    assert parse_date(44348.0).isoformat() == "2021-06-01"
    assert parse_date("2021年6月3日").isoformat() == "2021-06-03"
    assert parse_date("2021/6/5").isoformat() == "2021-06-05"
    assert parse_date("坏日期") is None
    assert parse_days("3天") == 3.0 and parse_days("") is None


def test_workorders_linked_to_enterprises_and_items(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    import_files(engine, [ImportJob(write_list(tmp_path / "tax.xlsx", tax_rows()), "市税务局", 28)])
    result = import_workorders(engine, write_workorders(tmp_path / "wo.xlsx"), wave="2021",
                               department=None, item=28)
    assert (result.error, result.rows, result.linked) == (None, 2, 1)
    with engine.connect() as conn:
        orders = conn.execute(select(WorkOrder).order_by(WorkOrder.row)).all()
    first, second = orders
    assert first.order_no == "GD2021001" and first.row == 4 and first.enterprise_id is not None
    assert json.loads(first.stages) == [
        {"name": "环节1", "start": "2021-06-01", "end": "2021-06-02", "days": 1.0},
        {"name": "环节2", "start": "2021-06-02", "end": "2021-06-04", "days": 2.0}]
    assert first.total_days == 3.0 and first.reasons == ""
    assert second.order_no == "2021002" and second.enterprise_id is None
    stages = json.loads(second.stages)
    assert stages[0]["days"] == 2.0          # computed from the dates when the cell is empty
    assert set(second.reasons.split(",")) == {"wo_no_enterprise", "wo_bad_date",
                                              "wo_days_mismatch"}
    again = import_workorders(engine, tmp_path / "wo.xlsx", wave="2021", department=None, item=28)
    assert again.outcome == "unchanged"


def test_a_workorder_import_waits_for_another_writer(tmp_path: Path) -> None:
    """Like the list import, the work-order import takes SQLite's write lock at BEGIN
    (begun deferred, it failed with "database is locked" when another writer
    committed between its read of the waves and its insert)."""
    from tests.test_import_concurrency import while_another_writes

    db = tmp_path / "race.db"
    engine = open_engine(f"sqlite:///{db}")
    path = write_workorders(tmp_path / "wo.xlsx")
    result = while_another_writes(db, lambda: import_workorders(
        engine, path, wave="2021", department=None, item=28))
    assert (result.error, result.rows) == (None, 2)
    engine.dispose()


def test_workorder_file_among_lists_is_routed(sqlite_url: str, tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    summary = import_files(engine, [ImportJob(write_workorders(tmp_path / "wo.xlsx"), None, 28)])
    (result,) = summary.files
    assert (result.kind, result.outcome, result.department, result.workorders) == (
        "workorder", "imported", "国网天津电力", 2)


# --- problems found by testing the command as a user runs it -------------------------

SUB = ("开始时间", "完成时间", "环节{n}总时长")
D = datetime


def write_wo(path: Path, rows: list[list[object]], *, sub: tuple[str, str, str] = SUB,
             title: str = "上报部门(单位)：国网天津电力") -> Path:
    """A two-stage 附件5 file with the given data rows (15 columns each)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append([title])
    ws.append(["序号", "工单号", "企业名称", "统一社会信用代码", "企业联系人(或法定代表人)",
               "联系电话(手机号)", "业务描述", "环节1\n(单位:天)", None, None, "环节2\n(单位:天)",
               None, None, "各环节累计总时长", "备注"])
    ws.merge_cells("H2:J2")
    ws.merge_cells("K2:M2")
    ws.append([None] * 7 + [w.format(n=1) for w in sub] + [w.format(n=2) for w in sub])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def order(no: object, name: str = "天津甲科技有限公司", code: str = A,
          stages: tuple[object, ...] = (D(2021, 6, 1), D(2021, 6, 2), 1,
                                        D(2021, 6, 2), D(2021, 6, 4), 2),
          total: object = 3, seq: int = 1) -> list[object]:
    return [seq, no, name, code, "张一", "13812345678", "低压接电", *stages, total, None]


def orders(engine) -> list:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(conn.execute(select(WorkOrder).order_by(WorkOrder.row)).all())


def run_cli(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    from callcentre.cli import main_group

    if "--db" in args:  # the wave must exist (created explicitly)
        db = args[args.index("--db") + 1]
        CliRunner().invoke(main_group, ["--db", db, "wave", "new", "2021"])
        CliRunner().invoke(main_group, ["--db", db, "wave", "use", "2021"])
    result = CliRunner().invoke(main_group, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_a_file_imported_as_a_list_is_not_taken_as_work_orders(db_url: str,
                                                               tmp_path: Path) -> None:
    from callcentre.db.models import ListRow, SourceFile

    engine = open_engine(db_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    import_files(engine, [ImportJob(path, "市税务局", 28)])
    result = import_workorders(engine, path, wave="2021", department=None, item=28)
    assert result.error == "already_list"
    with engine.connect() as conn:
        assert conn.execute(select(SourceFile.kind)).scalars().all() == ["list"]
        assert len(conn.execute(select(ListRow.id)).all()) == 7
    code, out = run_cli("--db", db_url, "workorders", str(path), "-i", "28")
    assert code == 1 and "已作为名单导入" in out and "tax.xlsx" in out
    write_wo(path, [order("GD1")])          # the same path now holds work orders
    result = import_workorders(engine, path, wave="2021", department=None, item=28)
    assert result.error == "already_list"
    with engine.connect() as conn:
        assert conn.execute(select(SourceFile.kind)).scalars().all() == ["list"]
        assert conn.execute(select(WorkOrder.id)).all() == []


def test_a_list_without_order_numbers_is_refused(sqlite_url: str, tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    result = import_workorders(engine, path, wave="2021", department=None, item=28)
    assert result.error == "not_workorder" and orders(engine) == []
    code, out = run_cli("--db", sqlite_url, "workorders", str(path), "-i", "28")
    assert code == 1 and "工单号" in out and "tax.xlsx" in out


def test_work_orders_imported_before_the_lists_are_linked_later(db_url: str,
                                                                tmp_path: Path) -> None:
    from callcentre.db.engine import write_transaction
    from callcentre.db.models import SourceFile
    from callcentre.importer.workorders import relink_workorders

    engine = open_engine(db_url)
    rows = [order("GD1"), order("GD2", name="天津戊有限公司", code="", seq=2),
            order("GD3", name="天津无此有限公司", code="", seq=3)]
    first = import_workorders(engine, write_wo(tmp_path / "wo.xlsx", rows), wave="2021",
                              department=None, item=28)
    assert (first.rows, first.linked) == (3, 0)
    # the list import links them (relink_workorders in its transaction) …
    import_files(engine, [ImportJob(write_list(tmp_path / "tax.xlsx", tax_rows()), "市税务局", 28)])
    with write_transaction(engine) as conn:       # … so nothing is left to link
        assert relink_workorders(conn) == 0
    linked, by_name, missing = orders(engine)
    assert linked.enterprise_id is not None and linked.reasons == ""
    assert by_name.enterprise_id is not None and by_name.reasons == ""
    assert missing.enterprise_id is None and missing.reasons == "wo_no_enterprise"
    with engine.connect() as conn:
        assert conn.execute(select(SourceFile.rows_accepted).where(
            SourceFile.kind == "workorder")).scalar_one() == 2


def test_a_work_order_import_links_earlier_unlinked_orders(sqlite_url: str,
                                                           tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    import_workorders(engine, write_wo(tmp_path / "early.xlsx", [order("GD1")]), wave="2021",
                      department=None, item=28)
    import_files(engine, [ImportJob(write_list(tmp_path / "tax.xlsx", tax_rows()), "市税务局", 28)])
    assert all(o.enterprise_id is not None for o in orders(engine))   # linked by the list
    again = import_workorders(engine, tmp_path / "early.xlsx", wave="2021", department=None,
                              item=28)
    assert again.outcome == "unchanged" and again.relinked == 0
    assert (again.rows, again.linked) == (1, 1)
    import_workorders(engine, write_wo(tmp_path / "late.xlsx", [order("GD9")]), wave="2021",
                      department=None, item=28)
    assert all(o.enterprise_id is not None for o in orders(engine))


def test_same_content_under_another_item_or_department_is_a_correction(
        db_url: str, tmp_path: Path) -> None:
    from callcentre.db.models import Department, Item

    engine = open_engine(db_url)
    path = write_wo(tmp_path / "wo.xlsx", [order("GD1")])
    import_workorders(engine, path, wave="2021", department=None, item=28)
    moved = import_workorders(engine, path, wave="2021", department=None, item=29)
    assert moved.outcome == "replaced"
    moved = import_workorders(engine, path, wave="2021", department="市水务局", item=29)
    assert moved.outcome == "replaced"
    with engine.connect() as conn:
        (only,) = conn.execute(select(Item.number, Department.name).join(
            WorkOrder, WorkOrder.item_id == Item.id).join(
            Department, Department.id == WorkOrder.department_id)).all()
    assert tuple(only) == (29, "市水务局")
    same = import_workorders(engine, path, wave="2021", department="市水务局", item=29)
    assert same.outcome == "unchanged" and same.rows == 1


def test_the_unchanged_message_gives_no_zero_counts(sqlite_url: str, tmp_path: Path) -> None:
    path = write_wo(tmp_path / "wo.xlsx", [order("GD1")])
    run_cli("--db", sqlite_url, "workorders", str(path), "-i", "28")
    code, out = run_cli("--db", sqlite_url, "workorders", str(path), "-i", "28")
    assert code == 0 and "未变化" in out and "共 0 行" not in out


def test_stage_sub_header_variants_and_serials_as_text(sqlite_url: str, tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    stages = ("44256", "44260", "4", "2021-03-05", "2021-03-06", "1")
    path = write_wo(tmp_path / "wo.xlsx", [order("GD1", stages=stages, total=5)],
                    sub=("受理时间", "办结时间", "办理时长"))
    result = import_workorders(engine, path, wave="2021", department=None, item=28)
    (wo,) = orders(engine)
    assert result.rows == 1 and "wo_bad_date" not in wo.reasons
    assert json.loads(wo.stages) == [
        {"name": "环节1", "start": "2021-03-01", "end": "2021-03-05", "days": 4.0},
        {"name": "环节2", "start": "2021-03-05", "end": "2021-03-06", "days": 1.0}]
    assert parse_date("44256").isoformat() == "2021-03-01"
    assert parse_date("123") is None and parse_date(5) is None and parse_date("99999") is None


def test_stage_problems_and_repeated_order_numbers_are_flagged(sqlite_url: str,
                                                               tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    rows = [
        order("GD1", stages=(D(2021, 3, 1), D(2021, 3, 20), 2, D(2021, 3, 20), D(2021, 3, 21), 1)),
        order("GD2", stages=(D(2021, 3, 10), D(2021, 3, 1), None, None, None, None), total=None),
        order("GD2", seq=3),
        order("GD4", seq=4),
    ]
    result = import_workorders(engine, write_wo(tmp_path / "wo.xlsx", rows), wave="2021",
                               department=None, item=28)
    reasons = [set(filter(None, o.reasons.split(","))) - {"wo_no_enterprise"}
               for o in orders(engine)]
    assert reasons == [{"wo_stage_days_mismatch"}, {"wo_end_before_start", "wo_duplicate_order_no"},
                       {"wo_duplicate_order_no"}, set()]
    assert result.reasons["wo_duplicate_order_no"] == 2


def test_working_days_and_rounding_are_not_flagged(sqlite_url: str, tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    rows = [order("GD1", stages=(D(2021, 6, 4, 17), D(2021, 6, 7, 9), 3,     # Fri → Mon
                                 D(2021, 6, 7), D(2021, 6, 21), 9), total=12)]   # working days
    import_workorders(engine, write_wo(tmp_path / "wo.xlsx", rows), wave="2021",
                      department=None, item=28)
    (wo,) = orders(engine)
    assert wo.reasons == "wo_no_enterprise"


def test_the_command_explains_the_problems(sqlite_url: str, tmp_path: Path) -> None:
    rows = [order("GD1"), order("GD1", seq=2),
            order("GD3", stages=("坏日期", None, None, None, None, None), total=None, seq=3)]
    path = write_wo(tmp_path / "wo.xlsx", rows)
    code, out = run_cli("--db", sqlite_url, "workorders", str(path), "-i", "28")
    assert code == 0
    lines = out.splitlines()
    assert any("3" in ln and "名单中找不到" in ln for ln in lines)
    assert any("2" in ln and "工单号重复" in ln for ln in lines)
    assert any("1" in ln and "日期无法识别" in ln for ln in lines)


def test_numbered_empty_template_rows_are_blank(sqlite_url: str, tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    rows = [order("GD1"), [2], [3, None, "", None], [4]]
    result = import_workorders(engine, write_wo(tmp_path / "wo.xlsx", rows), wave="2021",
                               department=None, item=28)
    assert (result.rows, result.blank) == (1, 3)
    assert len(orders(engine)) == 1


def test_every_work_order_problem_is_explained_in_both_languages() -> None:
    import sampling.listfile.workorders as pure
    from callcentre.i18n import catalogue

    codes = re.findall(r'"(wo_[a-z_]+)"', Path(workorders_module.__file__).read_text("utf-8")
                       + Path(pure.__file__).read_text("utf-8"))
    assert len(set(codes)) >= 6
    for key in [f"reason.{c}" for c in codes] + ["import.file.already_list",
                                                 "import.file.not_workorder"]:
        zh, en = catalogue()[key]
        assert zh and en, key


def test_an_unchanged_work_order_file_among_lists_keeps_its_counts(sqlite_url: str,
                                                                   tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    path = write_workorders(tmp_path / "wo.xlsx")
    import_files(engine, [ImportJob(path, None, 28)])
    (result,) = import_files(engine, [ImportJob(path, None, 28)]).files
    assert (result.outcome, result.workorders, result.workorders_linked) == ("unchanged", 2, 0)


def test_a_file_imported_as_work_orders_is_not_taken_as_a_list(db_url: str,
                                                                tmp_path: Path) -> None:
    """The other direction: a list at a path imported as work orders is refused, and
    the work orders stay as they were."""
    engine = open_engine(db_url)
    path = write_workorders(tmp_path / "wo.xlsx")
    import_workorders(engine, path, wave="2021", department="国网天津电力", item=40)
    with engine.connect() as conn:
        before = conn.execute(select(WorkOrder.id)).scalars().all()
    write_list(path, tax_rows())
    summary = import_files(engine, [ImportJob(path, "国网天津电力", 40)])
    assert summary.files[0].outcome == "failed"
    assert summary.files[0].error == "already_workorder"
    with engine.connect() as conn:
        assert conn.execute(select(WorkOrder.id)).scalars().all() == before


def test_work_orders_re_sent_from_another_folder_replace_the_earlier_ones(
        sqlite_url: str, tmp_path: Path) -> None:
    engine = open_engine(sqlite_url)
    import_workorders(engine, write_wo(tmp_path / "wo.xlsx", [order("GD1"), order("GD2", seq=2)]),
                      wave="2021", department=None, item=28)
    (tmp_path / "resent").mkdir()
    again = import_workorders(engine, write_wo(tmp_path / "resent" / "wo.xlsx", [order("GD1")]),
                              wave="2021", department=None, item=28)
    assert again.outcome == "replaced"
    assert [o.order_no for o in orders(engine)] == ["GD1"]
