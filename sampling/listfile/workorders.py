"""Departments' system work orders (附件5) as values: dates, stage columns, durations
and the problems of each row. Pure; the importer stores what this reads
(:mod:`callcentre.importer.workorders`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sampling.identifiers.names import cut_name, normalise_name
from sampling.identifiers.phone import PhoneRules, phone_rules
from sampling.identifiers.region import TIANJIN, RegionFacts
from sampling.identifiers.uscc import normalise_credit_code
from sampling.listfile.headers import is_blank, normalise_header
from sampling.listfile.normalise import raw_json
from sampling.listfile.reader import DataRow, ListSheet

_EXCEL_EPOCH = date(1899, 12, 30)
#: Excel serial numbers taken for dates: 1954-10-03 to 2119-01-10
_SERIALS = (20000, 80000)
_SERIAL_TEXT = re.compile(r"\d{5}(?:\.\d+)?")
#: sub-header words of a stage's start, end and duration columns
_START, _END, _DAYS = ("开始", "受理"), ("完成", "结束", "办结"), ("时长", "天数")



@dataclass(slots=True)
class StageColumns:
    name: str
    start: int | None = None
    end: int | None = None
    days: int | None = None


# --- cell values ---------------------------------------------------------------------

def parse_date(value: object) -> date | None:
    """A date from an ISO text, a Chinese date text or an Excel serial number (also as
    text, as csv gives it); only serials of plausible dates count."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if _SERIALS[0] <= value < _SERIALS[1]:
            return _from_serial(float(value))
        text = str(int(value)) if float(value).is_integer() else str(value)
    else:
        text = str(value).strip()
    if _SERIAL_TEXT.fullmatch(text):
        serial = float(text)
        return _from_serial(serial) if _SERIALS[0] <= serial < _SERIALS[1] else None
    return _date_from_text(text)


def _from_serial(serial: float) -> date:
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _date_from_text(text: str) -> date | None:
    text = re.sub(r"[年月/.]", "-", text).replace("日", "")
    try:
        return datetime.fromisoformat(text.split(" ")[0].split("T")[0]).date()
    except ValueError:
        m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
        return None


def parse_days(value: object) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return float(value)
    m = re.search(r"-?\d+(?:\.\d+)?", str(value))
    return float(m.group()) if m else None


# --- the stage columns ---------------------------------------------------------------

def _sub_kind(cell: object) -> str | None:
    """start / end / days for a sub-header cell, else ``None``."""
    text = normalise_header(cell)
    if text.startswith(_START):
        return "start"
    if text.startswith(_END):
        return "end"
    return "days" if any(w in text for w in _DAYS) else None


def stage_columns(header: tuple[str, ...], sub: Sequence[object]) -> list[StageColumns]:
    """Stage groups from the merged header row and the sub-header below it."""
    stages: list[StageColumns] = []
    current: StageColumns | None = None
    for col, cell in enumerate(sub):
        kind = _sub_kind(cell)
        if kind == "start":
            label = next((normalise_header(header[b]) for b in range(min(col, len(header) - 1), -1, -1)
                          if header[b].strip()), "")
            current = StageColumns(name=label or f"环节{len(stages) + 1}", start=col)
            stages.append(current)
        elif current is not None and kind == "end":
            current.end = col
        elif current is not None and kind == "days":
            current.days = col
    return stages


def _sub_header(sheet: ListSheet) -> Sequence[object] | None:
    """Take the stage sub-header (the first row under the header) off the data rows."""
    if sheet.rows:
        kinds = {_sub_kind(c) for c in sheet.rows[0].cells} - {None}
        if "start" in kinds and len(kinds) > 1:
            return sheet.rows.pop(0).cells
    return None


# --- one row -------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _workdays(start: date, end: date) -> int:
    """Official workdays after ``start`` up to ``end`` (Mon–Fri beyond the calendar's years)."""
    if end <= start:
        return 0
    first = start + timedelta(days=1)
    try:
        import chinese_calendar

        return len(chinese_calendar.get_workdays(first, end, include_weekends=False))
    except (ImportError, NotImplementedError):
        return sum((first + timedelta(days=i)).weekday() < 5 for i in range((end - start).days))


def _stage_problems(start: date | None, end: date | None, given: float | None) -> list[str]:
    """End before start; claimed days neither calendar days (±1) nor workdays (−1)."""
    if start is None or end is None:
        return []
    if end < start:
        return ["wo_end_before_start"]
    if given is None:
        return []
    elapsed = (end - start).days
    if given < 0 or given > elapsed + 1 or given < _workdays(start, end) - 1:
        return ["wo_stage_days_mismatch"]
    return []


def _stage_values(cells: Sequence[object], stages: list[StageColumns],
                  reasons: list[str]) -> tuple[list[dict[str, Any]], float]:
    def cell(col: int | None) -> object:
        return cells[col] if col is not None and col < len(cells) else None

    out: list[dict[str, Any]] = []
    total = 0.0
    for st in stages:
        start, end = parse_date(cell(st.start)), parse_date(cell(st.end))
        if (not is_blank(cell(st.start)) and start is None) or (
                not is_blank(cell(st.end)) and end is None):
            reasons.append("wo_bad_date")
        given = parse_days(cell(st.days))
        reasons += _stage_problems(start, end, given)
        days = given
        if days is None and start and end and end >= start:
            days = float((end - start).days)
        total += days or 0.0
        out.append({"name": st.name, "start": start.isoformat() if start else None,
                    "end": end.isoformat() if end else None, "days": days})
    return out, total


def _is_template_row(sheet: ListSheet, row: DataRow) -> bool:
    """Nothing filled but (perhaps) the 序号: a numbered row of an empty template."""
    seq = sheet.header.columns.get("seq")
    return all(is_blank(c) for i, c in enumerate(row.cells) if i != seq)


def _order_no(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def _order_values(sheet: ListSheet, row: DataRow, stages: list[StageColumns],
                  phones_of: PhoneRules) -> dict[str, Any]:
    """The stored values of one row, but for its file, item, department and enterprise;
    its problem codes so far under ``_reasons``."""
    reasons: list[str] = []
    stage_values, total_from_stages = _stage_values(row.cells, stages, reasons)
    total = parse_days(sheet.cell(row, "total_days"))
    if total is not None and stage_values and abs(total - total_from_stages) > 0.5:
        reasons.append("wo_days_mismatch")
    phones = phones_of.normalise(sheet.cell(row, "phone"))
    name, cut = cut_name(normalise_name(sheet.cell(row, "name")))
    reasons.extend(cut)
    return {
        "sheet": sheet.name, "row": row.row,
        "order_no": _order_no(sheet.cell(row, "order_no"))[:100],
        "name": name,
        "uscc": normalise_credit_code(sheet.cell(row, "uscc")).code,
        "contact": str(sheet.cell(row, "contact") or "").strip()[:200],
        "phone_e164": phones.primary.e164 if phones.primary else None,
        "business": str(sheet.cell(row, "business") or "").strip(),
        "stages": json.dumps(stage_values, ensure_ascii=False),
        "total_days": total if total is not None else (total_from_stages if stage_values else None),
        "raw": raw_json(row.cells), "_reasons": reasons,
    }


def read_orders(sheets: list[ListSheet], region: RegionFacts = TIANJIN,
                ) -> tuple[list[dict[str, Any]], int]:
    """The orders of the sheets (their stored values, problem codes under
    ``_reasons``, repeated order numbers flagged) and how many rows were blank
    (empty rows, numbered rows of an empty template). ``region``: the area of a
    bare local phone number."""
    phones_of = phone_rules(region)
    orders = []
    blank = 0
    for sheet in sheets:
        sub = _sub_header(sheet)
        stages = stage_columns(sheet.header.labels, sub) if sub else []
        blank += len(sheet.blank_rows)
        for row in sheet.rows:
            if _is_template_row(sheet, row):
                blank += 1
            else:
                orders.append(_order_values(sheet, row, stages, phones_of))
    _flag_repeated_order_nos(orders)
    return orders, blank


def _flag_repeated_order_nos(orders: list[dict[str, Any]]) -> None:
    seen = Counter(o["order_no"] for o in orders if o["order_no"])
    for o in orders:
        if seen[o["order_no"]] > 1:
            o["_reasons"].append("wo_duplicate_order_no")
