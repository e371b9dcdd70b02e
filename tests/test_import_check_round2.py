"""Issue 16 in the check workbook: where a district came from, the enterprises that may
be out of scope (a deregistered or revoked code, an address outside Tianjin), and the
lines that are not enterprises (units, example, sign-off, heading), each named."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from callcentre.db.engine import open_engine
from callcentre.db.models import Enterprise, ListRow
from callcentre.importer.check_report import write_check_workbook
from callcentre.importer.jobs import ImportJob
from callcentre.importer.pipeline import import_files


def test_the_check_workbook_says_what_issue_16_found(sqlite_url: str, tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    for row in [
        ["序号", "企业名称", "统一社会信用代码", "联系电话", "注册地址"],
        [None, "（全称）", "18位", "必填", None],
        ["一、企业开办（共3户）"],
        [1, "天津华泰科技有限公司", "911201059J537QFF4N(已注销)", "13549486736",
         "天津市红桥区芥园道261号"],
        [2, "天津宏盛商贸有限公司", "91120116592938202F", "4002544408、13820001234",
         "北京市朝阳区建国路1号"],
        [3, "天津市XX科技有限公司", "121200004013590816", "13800000000", "天津市和平区河北路"],
        ["填报单位（盖章）：", None, "填报人：王伟", "联系电话：13820001234"],
    ]:
        ws.append(row)
    path = tmp_path / "list.xlsx"
    wb.save(path)
    engine = open_engine(sqlite_url)
    summary = import_files(engine, [ImportJob(path, "市税务局", 1)], workers=0)
    assert summary.files[0].rows == 2          # two enterprises; the rest are note lines
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Enterprise)).scalar() == 2
        rows = {r.row: r for r in conn.execute(select(ListRow))}
    assert rows[4].district_code == "120106" and "district_from_address" in rows[4].reasons
    assert rows[4].uscc == "911201059J537QFF4N" and "uscc_note_deregistered" in rows[4].reasons
    assert rows[5].phone_e164 == "+8613820001234" and "address_outside_tianjin" in rows[5].reasons
    report = tmp_path / "check.xlsx"
    write_check_workbook(engine, report, wave="2021")
    book = load_workbook(report, read_only=True)
    scope = [r for r in book["可能不在范围内的企业"].iter_rows(values_only=True)][1:]
    assert {(r[1], r[7]) for r in scope} == {("911201059J537QFF4N", 4), ("91120116592938202F", 5)}
    assert any("已注销" in str(r[3]) for r in scope)
    explained = {r[3]: r[7] for r in book["逐行核查"].iter_rows(values_only=True) if r[3] in (4, 5)}
    assert "地址" in explained[4]
    files = [r for r in book["文件"].iter_rows(values_only=True)][1]
    text = files[-1]
    for words in ("填写说明行", "示例行", "落款行", "分类标题行"):
        assert words in text, (words, text)
