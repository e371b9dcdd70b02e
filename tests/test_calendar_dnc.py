"""``callcentre calendar import|list`` and ``callcentre dnc``: services and command line."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from callcentre.cli.common import os_login
from callcentre.db.engine import open_engine
from callcentre.db.models.audit import AuditEvent
from callcentre.db.models.fieldwork import CalendarDay, DoNotCall
from callcentre.errors import InvalidInput, NotFound, PermissionDenied
from callcentre.services import calendar, dnc
from tests.helpers import admin, cli, user, wave

GOOD = "日期,类型,名称\n2027-01-01,放假,元旦\n2027/2/6,调休,春节\n2027年2月10日,假日,春节\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def actions(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return [e.action for e in s.exec(select(AuditEvent)).all()]


def test_calendar_import_update_and_refusals(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    boss = admin(engine)
    caller = user(engine, "wangfang", "caller")
    with Session(engine) as s:
        res = calendar.import_calendar(session=s, actor=boss, path=write(tmp_path, "a.csv", GOOD))
        assert (res.added, res.updated, res.same) == (3, 0, 0)
        # the same day again with another kind and name: updated, the rest unchanged
        res = calendar.import_calendar(session=s, actor=boss, path=write(
            tmp_path, "b.csv", "日期,类型,名称\n2027-01-01,放假,元旦\n2027-02-06,放假,春节调整\n"))
        assert (res.added, res.updated, res.same) == (0, 1, 1)
        day = s.get(CalendarDay, date(2027, 2, 6))
        assert day is not None and (day.kind, day.name) == ("holiday", "春节调整")
        # bad rows: nothing stored, each named by row and column
        bad = write(tmp_path, "bad.csv", "日期,类型,名称\n2027-03-01,放假,x\n2027-13-01,放假,y\n"
                    "2027-03-03,开会,z\n")
        with pytest.raises(InvalidInput) as info:
            calendar.import_calendar(session=s, actor=boss, path=bad)
        text = str(info.value)
        assert "bad.csv 有 2 处错误" in text
        assert "第 3 行 A 列（日期）" in text and "第 4 行 B 列（类型）" in text
        assert s.get(CalendarDay, date(2027, 3, 1)) is None
        with pytest.raises(PermissionDenied):
            calendar.import_calendar(session=s, actor=caller, path=write(tmp_path, "c.csv", GOOD))
        years = {r.year: r for r in calendar.calendar_years(session=s, actor=caller,
                                                            today=date(2027, 6, 1))}
        assert years[2026].official and not years[2026].holidays
        assert not years[2027].official and years[2027].has_data
        assert (years[2027].holidays, years[2027].workdays) == (3, 0)  # 02-06 updated
        assert not years[2028].has_data
        cal = calendar.stored_calendar(s)
        assert not cal.is_workday(date(2027, 2, 10)) and not cal.is_workday(date(2027, 2, 6))
    assert actions(engine).count("calendar.import") == 2
    engine.dispose()


def test_calendar_cli_warns_for_years_without_data(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    admin(open_engine(db), os_login())
    wave(open_engine(db))
    res = cli(db, "calendar", "import", str(write(tmp_path, "h.csv", GOOD)))
    assert res.exit_code == 0, res.output
    assert "新增 3 天" in res.output
    res = cli(db, "calendar", "list", "--year", "2028")
    assert res.exit_code == 0 and "无数据" in res.output and "警告" in res.output
    res = cli(db, "calendar", "list", "--year", "2027")
    assert "已导入" in res.output and "警告" not in res.output and "元旦" in res.output
    res = cli(db, "calendar", "import", str(write(tmp_path, "bad.csv", "日期,类型\nx,放假\n")))
    assert res.exit_code != 0 and "bad.csv" in res.output and "第 2 行 A 列" in res.output
    assert "Traceback" not in res.output


def test_dnc_add_list_remove_and_permission(db_url: str) -> None:
    engine = open_engine(db_url)
    boss = admin(engine)
    caller = user(engine, "wangfang", "caller")
    with Session(engine) as s:
        assert dnc.add_number(session=s, actor=boss, number="138 1234 5678", reason="投诉")
        assert not dnc.add_number(session=s, actor=boss, number="+86 13812345678")
        dnc.add_number(session=s, actor=boss, number="25508690")  # a Tianjin landline
        rows = dnc.list_numbers(session=s, actor=boss)
        assert [r.e164 for r in rows] == ["+8613812345678", "+862225508690"]
        assert rows[0].reason == "投诉" and rows[0].added_by == boss.username
        with pytest.raises(InvalidInput):
            dnc.add_number(session=s, actor=boss, number="12")
        with pytest.raises(PermissionDenied):
            dnc.add_number(session=s, actor=caller, number="13812345679")
        with pytest.raises(PermissionDenied):
            dnc.list_numbers(session=s, actor=caller)
        assert dnc.remove_number(session=s, actor=boss, number="13812345678") == "+8613812345678"
        with pytest.raises(NotFound):
            dnc.remove_number(session=s, actor=boss, number="13812345678")
        assert [r.e164 for r in s.exec(select(DoNotCall)).all()] == ["+862225508690"]
    assert actions(engine).count("dnc.add") == 3 and actions(engine).count("dnc.remove") == 1
    engine.dispose()


def test_dnc_cli(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'd.db'}"
    admin(open_engine(db), os_login())
    wave(open_engine(db))
    res = cli(db, "dnc", "add", "13812345678", "--reason", "[b]要求不再来电")
    assert res.exit_code == 0 and "138 1234 5678" in res.output
    res = cli(db, "dnc", "list")
    assert "[b]要求不再来电" in res.output and "138 1234 5678" in res.output
    res = cli(db, "dnc", "add", "abc")
    assert res.exit_code != 0 and "不是有效的电话号码" in res.output
    res = cli(db, "dnc", "remove", "138-1234-5678")
    assert res.exit_code == 0 and "已移出" in res.output
    assert "免打扰名单为空" in cli(db, "dnc", "list").output
