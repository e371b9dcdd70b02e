"""Header detection: which row holds the column names, and which column is which.

Departments word their headers differently (企业名称 / 单位名称 / 市场主体名称 …),
add notes in brackets ("联系电话（手机号）") and put a merged title row above the
header. A header cell is normalised (NFKC, whitespace and bracketed notes removed)
and matched against each field's synonyms; the header row is the row among the
first ``scan_rows`` that matches the most fields, provided it matches a name or a
code column and at least ``min_fields`` fields in all.

A sheet may have several phone columns (联系电话 and 手机号码, 固定电话 and 移动电话):
the first is ``phone``, the others ``phone_2``, ``phone_3`` … in column order.

A header may take two rows: a group label merged over several columns (联系方式)
with a sub-header below it naming each of them (联系人, 联系电话). Such a sub-header
row is merged into the header (its fields win for its columns), and the header then
ends at the sub-header row (``row_index``), so that the data starts below it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# field -> synonyms, most specific first. Matching is on the normalised text.
FIELDS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "序列号"),
    "order_no": ("工单号", "工单编号", "办件编号", "业务流水号"),
    "district": ("所属区域", "所在区域", "所属区县", "所属区", "所在区", "行政区划", "行政区", "区县",
                 "区域", "辖区", "区"),
    "name": ("企业名称", "单位名称", "市场主体名称", "企业单位名称", "纳税人名称", "用户名称",
             "主体名称", "公司名称", "名称"),
    "uscc": ("统一社会信用代码", "社会信用代码", "统一信用代码", "信用代码", "纳税人识别号",
             "统一代码"),
    "contact": ("企业办理业务联系人", "企业联系人", "业务联系人", "法定代表人", "联系人", "经办人",
                "负责人"),
    # a contact's phone (联系人电话) is a phone column, not the contact's: matching takes
    # the longest synonym a cell starts with, and a contact word followed by a phone
    # word is a phone (see match_field)
    "phone": ("联系电话", "手机号码", "手机号", "联系方式", "电话号码", "电话", "手机",
              "联系人电话", "联系人电话号码", "联系人手机", "联系人手机号", "联系人手机号码",
              "联系人联系电话", "联系人联系方式", "固定电话", "固话", "座机", "座机号码",
              "座机电话", "办公电话", "移动电话", "移动电话号码", "手机电话"),
    # backup numbers: used after the main phone columns, in column order
    "phone_backup": ("备用电话", "备用联系电话", "备用手机", "备用手机号", "备用手机号码", "备用号码",
                     "备用联系方式", "其他联系方式", "其它联系方式", "其他联系电话", "其它联系电话",
                     "其他电话", "其它电话", "其他号码", "其它号码"),
    "address": ("注册地址", "经营地址", "生产经营地址", "实际经营地址", "企业地址", "单位地址",
                "通讯地址", "通信地址", "联系地址", "办公地址", "详细地址", "住所", "地址"),
    "business": ("业务描述", "业务类型", "办理业务", "业务名称", "办理事项", "事项名称"),
    "note": ("备注", "说明"),
    "total_days": ("各环节累计总时长", "累计总时长", "总时长", "办理总时长"),
}

_BRACKETED = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]")
_SPACE = re.compile(r"[\s\u3000:：*＊]+")


def normalise_header(cell: object) -> str:
    """Normalise a header cell: NFKC, drop bracketed notes, whitespace, colons, stars."""
    if cell is None:
        return ""
    text = unicodedata.normalize("NFKC", str(cell))
    text = _BRACKETED.sub("", text)
    return _SPACE.sub("", text)


def match_field(cell: object) -> str | None:
    """The field a header cell names, or ``None``.

    Exact synonym matches win; otherwise a cell that starts with a synonym of two or
    more characters (e.g. "联系电话手机号" once brackets are gone) matches, the longest
    such synonym of any field deciding. A contact word followed by a phone word
    ("企业联系人手机号", "法定代表人电话") names the contact's phone.
    """
    text = normalise_header(cell)
    if not text:
        return None
    field = _EXACT.get(text)
    if field is not None:
        return field
    name, field = _longest_prefix(text)
    if field == "contact":
        rest = text[len(name):].removeprefix("的")
        if rest and (_EXACT.get(rest) == "phone" or _longest_prefix(rest)[1] == "phone"):
            return "phone"
    return field


# exact text -> field (the first field listing it, as FIELDS is ordered)
_EXACT: dict[str, str] = {}
for _field, _names in FIELDS.items():
    for _name in _names:
        _EXACT.setdefault(_name, _field)
# the first characters of the labels (an exact label once normalised starts with one,
# or with a bracketed note)
_LABEL_FIRST = frozenset({n[0] for n in _EXACT} | set("（([【"))
# prefix synonyms (two characters or more) by their first character, longest first;
# equal lengths in FIELDS order (the reader asks about odd data cells too: most share
# no first character with any synonym)
_PREFIXES: dict[str, list[tuple[str, str]]] = {}
for _name, _field in sorted(((n, f) for f, names in FIELDS.items() for n in names if len(n) >= 2),
                            key=lambda nf: -len(nf[0])):
    _PREFIXES.setdefault(_name[0], []).append((_name, _field))


def is_exact_label(cell: object) -> bool:
    """Whether a cell is exactly one of the known labels (once normalised): header rows
    are mostly that, data cells that merely start like one ("统一代码暂缺") are not."""
    return normalise_header(cell) in _EXACT


def _longest_prefix(text: str) -> tuple[str, str | None]:
    """(synonym, field) of the longest synonym ``text`` starts with, or ``("", None)``."""
    for name, field in _PREFIXES.get(text[:1], ()):
        if text.startswith(name):
            return name, field
    return "", None


#: Fields a sheet may have several columns of; the second is "<field>_2", and so on.
MULTI_FIELDS = ("phone", "phone_backup")


def field_columns(fields: dict[int, str]) -> dict[str, int]:
    """field -> column from column -> field: the first column of each field, except
    that further phone columns become ``phone_2``, ``phone_3`` … in column order."""
    columns: dict[str, int] = {}
    counts: dict[str, int] = {}
    for col in sorted(fields):
        field = fields[col]
        if field not in columns:
            columns[field] = col
            counts[field] = 1
        elif field in MULTI_FIELDS:
            counts[field] += 1
            columns[f"{field}_{counts[field]}"] = col
    return columns


def _is_field(name: str, field: str) -> bool:
    """``name`` is ``field`` or one of its further columns (``field_2`` …)."""
    return name == field or (name.startswith(field + "_") and name[len(field) + 1:].isdigit())


def phone_columns(columns: dict[str, int]) -> list[int]:
    """The columns of every phone field of a column map: the main ones in column order,
    then the backup ones (备用电话, 其他联系方式) in column order."""
    return (sorted(col for field, col in columns.items() if _is_field(field, "phone"))
            + sorted(col for field, col in columns.items() if _is_field(field, "phone_backup")))


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """The header row (0-based index into the rows scanned) and field -> column.

    With a two-row header (group labels and a sub-header below them), ``row_index``
    is the sub-header row (the data start below it), ``header_rows`` is 2 and the
    ``labels`` of the sub-header's columns are combined: "联系方式/联系电话".
    """

    row_index: int
    columns: dict[str, int]
    labels: tuple[str, ...]
    header_rows: int = 1


def _row_fields(row: Sequence[object]) -> dict[int, str]:
    fields: dict[int, str] = {}
    for col, cell in enumerate(row):
        field = match_field(cell)
        if field is not None:
            fields[col] = field
    return fields


def _label(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def is_blank(cell: object) -> bool:
    """An empty cell: ``None`` or text of spaces only."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _group_start(header: Sequence[object], col: int) -> int | None:
    """The column of the group label over ``col``: ``col`` itself when its header
    cell is followed by a blank one (a label merged rightwards), else the nearest
    label to the left when the header cell is blank; ``None`` when ``col`` is under
    a header cell of its own (a one-column label)."""
    if col < len(header) and not is_blank(header[col]):
        return col if col + 1 < len(header) and is_blank(header[col + 1]) else None
    for back in range(min(col, len(header)) - 1, -1, -1):
        if not is_blank(header[back]):
            return back
    return -1  # blank header cells from the first column on: no label


def _sub_header(header: Sequence[object], sub: Sequence[object]) -> dict[int, str] | None:
    """column -> field of the row below the header if it is a sub-header, else None.

    A sub-header names fields only (every non-blank cell is text matching a field,
    so no data-like values), each under a group label or a blank header cell.
    """
    fields: dict[int, str] = {}
    for col, cell in enumerate(sub):
        if is_blank(cell):
            continue
        if not isinstance(cell, str):
            return None
        field = match_field(cell)
        if field is None:
            return None
        # under a label of its own only when it repeats it (序号 under 序号)
        if _group_start(header, col) is None and (
                col >= len(header) or match_field(header[col]) != field):
            return None
        fields[col] = field
    if all(col < len(header) and not is_blank(header[col]) and _group_start(header, col) is None
           for col in fields):
        return None     # only repeats: a repeated header row, not a sub-header
    return fields or None


def _super_header(above: Sequence[object], header: Sequence[object]) -> dict[int, str]:
    """column -> field of labels in the row above the header standing over blank header
    cells: labels merged down over both header rows (序号, 区域, 联系电话 beside a group
    企业基本情况 over 企业名称 / 统一社会信用代码) keep their text in the upper row only.
    Empty unless that row holds only labels (no data, no "联系人：张三" title items)."""
    fields: dict[int, str] = {}
    for col, cell in enumerate(above):
        if is_blank(cell):
            continue
        if not isinstance(cell, str) or ":" in cell or "：" in cell or LONG_DIGITS.search(cell):
            return {}
        field = match_field(cell)
        if field is not None and (col >= len(header) or is_blank(header[col])):
            fields[col] = field
    return fields


#: seven digits in a row: a phone or code number, which no label holds
LONG_DIGITS = re.compile(r"\d{7}")


def _with_sub_header(index: int, header: Sequence[object], sub: Sequence[object],
                     header_fields: dict[int, str], sub_fields: dict[int, str]) -> HeaderMatch:
    """The header of rows ``index`` and ``index + 1`` merged (see :func:`_sub_header`)."""
    fields = dict(header_fields)
    labels = [_label(c) for c in header]
    labels += [""] * (len(sub) - len(labels))
    for col, field in sub_fields.items():
        group = _group_start(header, col)
        if group is None:
            continue    # a label repeated under itself
        labels[col] = (f"{_label(header[group])}/{_label(sub[col])}"
                       if group >= 0 else _label(sub[col]))
        # the sub-header's field wins: the group label's (联系方式 -> phone) is superseded
        fields[col] = field
    return HeaderMatch(row_index=index + 1, columns=field_columns(fields), labels=tuple(labels),
                       header_rows=2)


#: The header is the best row among the first ``FIRST_ROWS``; failing that, among the
#: first ``SCAN_ROWS`` (a long block of instructions may come first); further down,
#: the first row of two or more exact labels still counts.
FIRST_ROWS = 12
SCAN_ROWS = 50


def _first_labelled(rows: Sequence[Sequence[object]], start: int) -> int | None:
    """The index of the first row from ``start`` on with two or more cells that are
    exactly known labels (and a name or code label among them)."""
    first = _LABEL_FIRST
    for index in range(start, len(rows)):
        row = rows[index]
        # (a cheap look at the first character first: most data cells start with
        # nothing any label starts with)
        if sum(1 for c in row if isinstance(c, str) and c.lstrip()[:1] in first
               and is_exact_label(c)) >= 2:
            named = {_EXACT.get(normalise_header(c)) for c in row}
            if "name" in named or "uscc" in named:
                return index
    return None


def find_header(
    rows: Sequence[Sequence[object]], *, scan_rows: int = SCAN_ROWS, min_fields: int = 2
) -> HeaderMatch | None:
    """Find the header row among the first ``scan_rows`` rows, or else at the first
    row with at least two exact labels (a name or code label among them) further down.

    Returns ``None`` when no row names a company-name or credit-code column plus
    at least ``min_fields`` known fields (e.g. a 填表说明 sheet). A sub-header row
    right below the header row is merged into it (module notes).
    """
    first = min(FIRST_ROWS, scan_rows, len(rows))
    found = _best_header(rows, range(first), min_fields)
    if found is None and scan_rows > first:
        # (the second table of a sheet, further down, does not outrank the first)
        found = _best_header(rows, range(first, min(scan_rows, len(rows))), min_fields)
    if found is None and scan_rows >= SCAN_ROWS and len(rows) > scan_rows:
        later = _first_labelled(rows, scan_rows)
        if later is not None:
            found = _best_header(rows, range(later, later + 1), min_fields)
    if found is None:
        return None
    return _header_at_row(rows, *found)


def _best_header(rows: Sequence[Sequence[object]], scan: range,
                 min_fields: int) -> tuple[int, dict[int, str]] | None:
    """(index, column -> field) of the row in ``scan`` naming the most fields."""
    best: tuple[int, dict[int, str]] | None = None
    best_score = 0
    for index in scan:
        row = rows[index]
        fields = _row_fields(row)
        named = set(fields.values())
        if "name" not in named and "uscc" not in named:
            continue
        if len(named) < min_fields:
            continue
        if best is None or len(named) > best_score:
            best, best_score = (index, fields), len(named)
    return best


def _header_at_row(rows: Sequence[Sequence[object]], index: int,
                   fields: dict[int, str]) -> HeaderMatch:
    """The header at row ``index`` with its super- and sub-header rows merged in."""
    header = rows[index]
    if index > 0 and (upper := _super_header(rows[index - 1], header)):
        # labels merged down from the row above fill the header's blank cells
        fields = {**fields, **upper}
        header = [rows[index - 1][c] if c in upper else cell for c, cell in enumerate(header)]
    if index + 1 < len(rows):
        sub = rows[index + 1]
        sub_fields = _sub_header(header, sub)
        if sub_fields is not None:
            return _with_sub_header(index, header, sub, fields, sub_fields)
    return HeaderMatch(row_index=index, columns=field_columns(fields),
                       labels=tuple(_label(c) for c in header))
