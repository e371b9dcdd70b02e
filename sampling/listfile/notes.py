"""Lines of a list sheet that look like data rows but are not enterprises.

Templates and departments put other lines among the data: a units row under the
header (``（全称）``, ``必填``, ``18位``), the example row of a 填表说明 sheet
(``天津市XX科技有限公司``, ``13800000000``), a sign-off footer (``填报单位（盖章）：``,
``填报人：张三``) and section headings (``一、企业开办（共120户）``). The reader keeps
them as note rows (counted and listed in the check workbook), never as enterprises.

Each test here is cheap on an ordinary data row (a look at a character or two), as
the reader asks about every row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sampling.listfile.headers import LONG_DIGITS, is_blank

#: Note-row kinds (the check workbook names each).
UNITS, EXAMPLE, SIGNOFF, HEADING = "units", "example", "signoff", "heading"
NOTE_KINDS = (UNITS, EXAMPLE, SIGNOFF, HEADING)

# a cell of a units row: a bracketed note, or the words templates put under a label
_UNIT_CELL = re.compile(
    r"\s*(?:[（(【\[][^）)】\]]{0,20}[）)】\]]"
    r"|[^\d]{0,10}(?:必填|选填|非必填|可不填|全称|简称|\d{1,2}位|格式|填写|如[:：]|例[:：]|单位[:：])"
    r"[^\d]{0,10})\s*")
# a placeholder in an example row's name: 天津市XX科技有限公司, ××公司, 某某有限公司
_PLACEHOLDER = re.compile(r"[XＸxｘ]{2}|×{2}|某某|\*{3}|示例|样例")
# a dummy number of an example row: 13800000000, 13888888888, 022-00000000
_DUMMY_NUMBER = re.compile(r"\D*1[3-9]\d(\d)\1{7}\D*|\D*(?:022-?)?0{8}\D*")
# sign-off words a footer's first cell starts with ("填报单位（盖章）：", "审核人：")
_SIGNOFF = re.compile(
    r"\s*(?:填报单位|填报部门|报送单位|填报人|填表人|制表人|审核人|审批人|负责人|单位负责人|分管领导|"
    r"主要负责人|经办人|联系人|联系电话|填报日期|报送日期|日期)\s*(?:[（(][^）)]*[）)])?\s*[:：]")
_SEAL = ("盖章", "签字", "签章", "公章")
_SIGNOFF_FIRST = frozenset("填报制审负单分主经联日（(")
# a section heading: 一、… / （一）… / 第一部分 …
_HEADING = re.compile(
    r"\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]"
    r"|第[一二三四五六七八九十\d]{1,3}(?:部分|类|批|章|节))")
_HEADING_FIRST = frozenset("一二三四五六七八九十（(第")


def _filled(raw: Sequence[object]) -> list[object]:
    return [c for c in raw if not is_blank(c)]


def units_row(raw: Sequence[object]) -> bool:
    """A row of units and instructions under the header: two or more cells, each a
    bracketed note or a 必填 / 18位 / 全称 word, and no number."""
    cells = _filled(raw)
    return len(cells) >= 2 and all(
        isinstance(c, str) and LONG_DIGITS.search(c) is None and _UNIT_CELL.fullmatch(c)
        for c in cells)


def example_row(raw: Sequence[object], name_col: int | None, notes_sheet: bool) -> bool:
    """An example row: its name holds a placeholder (天津市XX科技有限公司), or, on a sheet
    named like instructions (填表说明, 示例), a cell holds a dummy number (13800000000)."""
    if name_col is not None and name_col < len(raw):
        name = raw[name_col]
        if isinstance(name, str) and _PLACEHOLDER.search(name) is not None:
            return True
    return notes_sheet and any(
        _DUMMY_NUMBER.fullmatch(c if isinstance(c, str) else str(int(c)))
        for c in raw if isinstance(c, str) or (isinstance(c, int | float) and
        not isinstance(c, bool) and float(c).is_integer()))


def signoff_row(raw: Sequence[object]) -> bool:
    """A sign-off footer: its first cell starts with 填报单位 / 填报人 / 审核人 … and a
    colon, or one of its few cells asks for a seal or signature (盖章, 签字)."""
    cells = _filled(raw)
    if not cells or len(cells) > 6 or not isinstance(cells[0], str):
        return False
    first = cells[0]
    if first.lstrip()[:1] in _SIGNOFF_FIRST and _SIGNOFF.match(first) is not None:
        return True
    return any(isinstance(c, str) and any(w in c for w in _SEAL) for c in cells)


def heading_row(raw: Sequence[object]) -> bool:
    """A section heading: one or two cells, the first one 一、… / （一）… / 第一部分…"""
    cells = _filled(raw)
    return (0 < len(cells) <= 2 and isinstance(cells[0], str)
            and cells[0].lstrip()[:1] in _HEADING_FIRST and _HEADING.match(cells[0]) is not None)


def may_be_signoff(first: object) -> bool:
    """Cheap pre-test on a row's first cell (most data rows start with a number or a
    name): whether :func:`signoff_row` is worth asking."""
    return first is None or first == "" or (
        type(first) is str and first.lstrip()[:1] in _SIGNOFF_FIRST)


def may_be_example(name: object) -> bool:
    """Cheap pre-test on a row's name cell for :func:`example_row`'s placeholder."""
    return type(name) is str and ("X" in name or "x" in name or "×" in name or "某某" in name
                                  or "Ｘ" in name or "***" in name or "例" in name)
