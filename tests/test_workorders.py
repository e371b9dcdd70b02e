"""附件5 work orders: two-row merged header, stage dates and days, links to enterprises."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl
from sqlalchemy import select

from callcentre.db.engine import open_engine
from callcentre.db.models import WorkOrder
from callcentre.importer.jobs import ImportJob
from callcentre.importer.pipeline import import_files
from callcentre.importer.workorders import import_workorders, parse_date, parse_days
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
