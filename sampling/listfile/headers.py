"""Header detection: which row holds the column names, and which column is which.

Departments word their headers differently (企业名称 / 单位名称 / 市场主体名称 …),
add notes in brackets ("联系电话（手机号）") and put a merged title row above the
header. A header cell is normalised (NFKC, whitespace and bracketed notes removed)
and matched against each field's synonyms; the header row is the row among the
first ``scan_rows`` that matches the most fields, provided it matches a name or a
code column and at least ``min_fields`` fields in all.
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
    "phone": ("联系电话", "手机号码", "手机号", "联系方式", "电话号码", "电话", "手机"),
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
    more characters (e.g. "联系电话手机号" once brackets are gone) matches.
    """
    text = normalise_header(cell)
    if not text:
        return None
    for field, names in FIELDS.items():
        if text in names:
            return field
    for field, names in FIELDS.items():
        for name in names:
            if len(name) >= 2 and text.startswith(name):
                return field
    return None


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """The header row (0-based index into the rows scanned) and field -> column."""

    row_index: int
    columns: dict[str, int]
    labels: tuple[str, ...]


def find_header(
    rows: Sequence[Sequence[object]], *, scan_rows: int = 12, min_fields: int = 2
) -> HeaderMatch | None:
    """Find the header row among the first ``scan_rows`` rows.

    Returns ``None`` when no row names a company-name or credit-code column plus
    at least ``min_fields`` known fields (e.g. a 填表说明 sheet).
    """
    best: HeaderMatch | None = None
    for index, row in enumerate(rows[:scan_rows]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            field = match_field(cell)
            if field is not None and field not in columns:
                columns[field] = col
        if "name" not in columns and "uscc" not in columns:
            continue
        if len(columns) < min_fields:
            continue
        if best is None or len(columns) > len(best.columns):
            labels = tuple("" if c is None else str(c).strip() for c in row)
            best = HeaderMatch(row_index=index, columns=columns, labels=labels)
    return best
