"""Working days: chinesecalendar's official data, the imported table, the Mon–Fri fallback,
and the parser of the imported holiday file."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from callcentre.fieldwork.calendar import CalendarEntry, DayKind, Source, WorkCalendar
from callcentre.fieldwork.calendar_file import (
    column_letter,
    parse_calendar_sheet,
    parse_date,
)

# 2026 in chinesecalendar 1.11: make-up workdays 01-04 (Sun), 02-14 (Sat), 02-28 (Sat),
# 05-09 (Sat), 09-20 (Sun), 10-10 (Sat); National Day from 10-01 (listed with
# chinese_calendar.get_workdays / get_holidays for 2026).
TIAOXIU_SATURDAYS_2026 = (date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                          date(2026, 10, 10))


def test_official_2026_makeup_saturdays_and_holidays() -> None:
    cal = WorkCalendar()
    for day in TIAOXIU_SATURDAYS_2026:
        info = cal.day(day)
        assert day.weekday() == 5
        assert info.workday and info.makeup and info.source is Source.OFFICIAL
    assert cal.day(date(2026, 10, 10)).name == "国庆节"
    national = cal.day(date(2026, 10, 1))                 # a Thursday
    assert not national.workday and national.holiday and national.name == "国庆节"
    assert cal.is_workday(date(2026, 12, 2))              # an ordinary Wednesday
    assert not cal.is_workday(date(2026, 12, 5))          # an ordinary Saturday
    assert cal.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 10, 9), include=False) == date(2026, 10, 10)
    assert cal.years_without_data(date(2025, 1, 1), date(2026, 12, 31)) == ()
    assert cal.fallback_notice(date(2026, 1, 1), date(2026, 12, 31)) is None


def test_2027_without_data_falls_back_to_monday_to_friday_loudly() -> None:
    cal = WorkCalendar()
    new_year = cal.day(date(2027, 1, 1))                  # a Friday; surely a holiday, unknown
    assert new_year.workday and new_year.source is Source.FALLBACK
    assert not cal.is_workday(date(2027, 1, 2))           # Saturday
    assert cal.years_without_data(date(2026, 11, 1), date(2028, 2, 1)) == (2027, 2028)
    warning = cal.fallback_notice(date(2026, 11, 1), date(2027, 3, 1))
    assert warning is not None and warning.key == "fieldwork.calendar.fallback"
    assert "2027" in warning.text("zh") and "周一至周五" in warning.text("zh")
    assert "2027" in warning.text("en")


def test_2027_with_an_imported_table() -> None:
    cal = WorkCalendar([
        CalendarEntry(date(2027, 1, 1), DayKind.HOLIDAY, "元旦"),
        CalendarEntry(date(2027, 10, 1), DayKind.HOLIDAY, "国庆节"),
        CalendarEntry(date(2027, 10, 9), DayKind.WORKDAY, "国庆节"),   # a Saturday
    ])
    assert cal.years_without_data(date(2027, 1, 1), date(2027, 12, 31)) == ()
    assert cal.fallback_notice(date(2027, 1, 1), date(2027, 12, 31)) is None
    info = cal.day(date(2027, 1, 1))
    assert not info.workday and info.holiday and info.source is Source.IMPORTED
    assert cal.day(date(2027, 10, 9)).makeup
    # other days of an imported year: Monday–Friday, but no longer a fallback
    assert cal.day(date(2027, 3, 3)) .source is Source.IMPORTED
    assert cal.is_workday(date(2027, 3, 3)) and not cal.is_workday(date(2027, 3, 6))
    assert cal.years_without_data(date(2027, 1, 1), date(2028, 1, 1)) == (2028,)


def test_imported_rows_override_official_data() -> None:
    cal = WorkCalendar([CalendarEntry(date(2026, 12, 2), DayKind.HOLIDAY, "临时停工")])
    assert not cal.is_workday(date(2026, 12, 2))
    assert cal.day(date(2026, 12, 2)).name == "临时停工"
    assert cal.is_workday(date(2026, 12, 3))


def test_conflicting_entries_are_refused() -> None:
    with pytest.raises(ValueError, match="2027-10-09"):
        WorkCalendar([CalendarEntry(date(2027, 10, 9), DayKind.HOLIDAY),
                      CalendarEntry(date(2027, 10, 9), DayKind.WORKDAY)])


def test_without_official_data_every_year_is_fallback() -> None:
    cal = WorkCalendar(official=False)
    assert cal.is_workday(date(2026, 10, 1))              # Thursday, no data used
    assert cal.years_without_data(date(2026, 1, 1), date(2026, 1, 1)) == (2026,)


# --- the import file
def test_parse_chinese_headers_kind_words_and_date_forms() -> None:
    grid = [
        ["2027年放假安排", None, None],
        ["名称", "日期", "类型"],                            # columns in another order
        ["元旦", datetime(2027, 1, 1), "假日"],
        ["春节", "2027/2/6", "休息"],
        ["春节", "2027年2月7日", "节假日"],
        ["春节", 20270220, "调休"],
        [None, None, None],
        ["劳动节", "2027-05-01 00:00:00", "放假"],
        ["劳动节", 46515, "上班"],                          # Excel serial of 2027-05-08
        ["国庆节", " 2027.10.09 ", "工作日"],
        ["", "2027-10-01", "holiday"],
        ["元旦", "2027-01-01", "假日"],                     # same row twice: accepted once
    ]
    result = parse_calendar_sheet(grid)
    assert result.ok, [e.message.text() for e in result.errors]
    got = [(e.day.isoformat(), e.kind.value, e.name) for e in result.entries]
    assert got == [
        ("2027-01-01", "holiday", "元旦"),
        ("2027-02-06", "holiday", "春节"),
        ("2027-02-07", "holiday", "春节"),
        ("2027-02-20", "workday", "春节"),
        ("2027-05-01", "holiday", "劳动节"),
        ("2027-05-08", "workday", "劳动节"),
        ("2027-10-01", "holiday", ""),
        ("2027-10-09", "workday", "国庆节"),
    ]


def test_parse_errors_name_row_and_column() -> None:
    grid = [
        ["日期", "类型", "名称"],
        ["2027-02-30", "假日", "春节"],        # row 2: no such date
        ["2027-02-06", "放鞭炮", "春节"],       # row 3: unknown kind
        [None, "调休", "春节"],                 # row 4: date missing
        ["2027-02-20", None, "春节"],          # row 5: kind missing
        ["2027-02-06", "休息", ""],            # ok
        ["2027-02-06", "上班", ""],            # row 7: conflicts with row 6
    ]
    result = parse_calendar_sheet(grid)
    assert not result.ok and result.entries == ()
    where = [(e.row, e.column, e.message.key) for e in result.errors]
    assert where == [
        (2, "A", "fieldwork.calendar.date_bad"),
        (3, "B", "fieldwork.calendar.kind_bad"),
        (4, "A", "fieldwork.calendar.date_missing"),
        (5, "B", "fieldwork.calendar.kind_missing"),
        (7, "A", "fieldwork.calendar.date_conflict"),
    ]
    text = result.errors[1].message.text("zh")
    assert "第 3 行" in text and "B 列" in text and "放鞭炮" in text and "类型" in text
    assert "第 6 行" in result.errors[4].message.text("zh")
    assert "Row 2, column A" in result.errors[0].message.text("en")


def test_parse_without_header_or_rows() -> None:
    none = parse_calendar_sheet([["a", "b"], ["2027-01-01", "假日"]])
    assert [e.message.key for e in none.errors] == ["fieldwork.calendar.no_header"]
    empty = parse_calendar_sheet([["date", "kind", "name"], [None, None, None]])
    assert [e.message.key for e in empty.errors] == ["fieldwork.calendar.empty"]


def test_parse_real_files(tmp_path: Path) -> None:
    """An xlsx (dates as Excel dates) and a GBK csv (line numbers), read as the service will."""
    from openpyxl import Workbook

    from sampling.listfile.reader import _read_csv, _read_workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["日期", "类型", "名称"])
    ws.append([datetime(2027, 10, 1), "假日", "国庆节"])
    ws.append([datetime(2027, 10, 9), "调休", "国庆节"])
    wb.save(tmp_path / "h.xlsx")
    (_name, grid, lines), = _read_workbook(tmp_path / "h.xlsx")
    parsed = parse_calendar_sheet(grid, lines)
    assert parsed.ok
    assert [(e.day, e.kind) for e in parsed.entries] == [
        (date(2027, 10, 1), DayKind.HOLIDAY), (date(2027, 10, 9), DayKind.WORKDAY)]

    (tmp_path / "h.csv").write_bytes(
        "日期,类型,名称\n\n2027-10-01,假日,国庆节\n2027-10-0x,假日,国庆节\n".encode("gbk"))
    (_name, grid, lines), = _read_csv(tmp_path / "h.csv")
    parsed = parse_calendar_sheet(grid, lines)
    assert [(e.row, e.column) for e in parsed.errors] == [(4, "A")]


def test_read_calendar_file(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from callcentre.calendar_import import read_calendar_file

    wb = Workbook()
    notes = wb.active
    assert notes is not None
    notes.title = "说明"
    notes.append(["2027年节假日安排，见第二个工作表"])
    table = wb.create_sheet("2027")
    table.append(["日期", "类型", "名称"])
    table.append(["2027-10-01", "假日", "国庆节"])
    table.append(["2027-10-32", "假日", "国庆节"])
    wb.save(tmp_path / "假日.xlsx")
    parsed = read_calendar_file(tmp_path / "假日.xlsx")
    assert parsed.sheet == "2027" and [(e.row, e.column) for e in parsed.errors] == [(3, "A")]
    (line,) = parsed.messages("zh")
    assert line.startswith("假日.xlsx（工作表“2027”）：第 3 行 A 列")
    (tmp_path / "ok.csv").write_text("date,kind,name\n2027-10-01,holiday,National Day\n",
                                     encoding="utf-8")
    ok = read_calendar_file(tmp_path / "ok.csv")
    assert ok.ok and ok.entries[0].name == "National Day" and ok.messages() == []
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    broken = read_calendar_file(tmp_path / "broken.xlsx")
    assert [e.message.key for e in broken.errors] == ["fieldwork.calendar.unreadable"]
    assert "broken.xlsx" in broken.messages("zh")[0]
    only_notes = tmp_path / "notes.csv"
    only_notes.write_text("nothing here\n", encoding="utf-8")
    assert [e.message.key for e in read_calendar_file(only_notes).errors] == [
        "fieldwork.calendar.no_header"]


def test_small_helpers() -> None:
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "ZZ", "AAA"]
    assert parse_date(True) is None and parse_date(1.5) is None and parse_date(0) is None
    assert parse_date("1899-12-31") is None            # outside 2000–2100: a typo
    assert parse_date(date(2027, 1, 1)) == date(2027, 1, 1)
