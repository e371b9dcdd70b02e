"""Seeded, deterministic generator of messy department list files.

Used by ``callcentre demo``, by tests and by the import benchmark. Files follow the
evaluation plan's templates: 附件4 企业全量样本表 (lists) and 附件5 系统工单 (work
orders), with the mess real departments produce (see :mod:`callcentre.demo.mess` for
the cell-level kinds and :class:`ListStyle` for the sheet-level ones).

Each file is described as a list of :class:`Sheet` layouts (plain rows plus merged
ranges) and then saved as xlsx (openpyxl write-only mode, which does keep merged
ranges), csv (UTF-8 with BOM or GBK) or xls (``xlwt``, optional). Same seed, same
cell values.
"""

from __future__ import annotations

import csv
import datetime as dt
import multiprocessing
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.cell_range import CellRange

from callcentre.xlsx_stream import save_xlsx_stream

from .cfb import write_encrypted_xlsx
from .mess import ALL_ROW_KINDS, BENCH_RATES, DEMO_RATES, Rates, empty_tally, make_list_rows
from .population import Population, make_population, mobile_number, person_name

#: Departments that submit lists, with the business they record (业务描述).
DEPARTMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("市市场监管委", ("企业开办（设立登记）", "变更登记", "食品经营许可")),
    ("市税务局", ("发票申领", "税费申报", "出口退税")),
    ("市人社局", ("社会保险登记", "招用工备案")),
    ("区政务服务办", ("一网通办", "一制三化审批")),
    ("国网天津电力", ("低压用电报装", "高压用电报装")),
    ("市水务局", ("供水报装", "排水许可")),
    ("市住房城乡建设委", ("施工许可", "竣工验收备案")),
    ("市规划资源局", ("不动产登记", "工程规划许可")),
    ("天津海关", ("进出口货物通关", "企业备案")),
    ("市高级人民法院", ("网上立案", "执行案件")),
)

#: Header wording per column of 附件4; the first is the template's own.
HEADER_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("序号",),
    ("区域", "所属区", "区"),
    ("企业名称", "单位名称", "市场主体名称"),
    ("统一社会信用代码", "社会信用代码"),
    ("企业办理业务联系人\n(或法定代表人)", "企业办理业务联系人(或法定代表人)", "联系人", "法定代表人"),
    ("联系电话\n(手机号)", "联系电话", "手机号码", "联系电话（手机号）"),
    ("业务描述", "办理业务"),
    ("备注",),
)
TEMPLATE_LABELS: tuple[str, ...] = tuple(s[0] for s in HEADER_SYNONYMS)

INSTRUCTIONS: tuple[str, ...] = (
    "填表说明",
    "1. 请按模板填写本部门办理相关业务的全部企业，不得遗漏，不得修改表头。",
    "2. 统一社会信用代码为18位，请以文本格式填写，勿以数字格式保存。",
    "3. 联系电话请优先填写企业办理业务联系人的手机号码；无手机号的填写座机并注明区号。",
    "4. 区域请填写企业注册所在区（如：和平区、滨海新区）。",
    "5. 此表电子版请于规定时间内反馈至评估组邮箱。",
)
NOTE_LINE = "注：1. 本表由部门据业务系统导出；2. 联系电话为企业办理业务时预留号码，如有变更以企业实际为准。"

#: Sheet-level and format-level mess kinds (the row-level ones are in ``mess``).
SHEET_KINDS = ("title_merged", "title_row_3", "header_row_2", "header_row_3", "header_synonyms",
               "spacer_rows", "note_line", "instructions_sheet", "second_data_sheet",
               "empty_extra_sheet")
FORMAT_KINDS = ("csv_utf8_bom", "csv_gbk", "xls")
WORKORDER_KINDS = ("workorder_two_row_header", "workorder_date_as_text",
                   "workorder_stage_incomplete", "workorder_total_mismatch")
BROKEN_KINDS = ("empty", "not_xlsx", "truncated", "encrypted")

DEFAULT_ITEMS = (1, 5, 6, 25, 40, 61, 77, 90)


@dataclass(frozen=True)
class GeneratedFile:
    """One generated file and its ground truth."""

    path: Path
    department: str
    item: int | None
    kind: str  # "list" | "workorder" | "broken"
    #: data rows written (excluding title, header, 注 lines and spacer rows)
    rows_in_data: int
    #: ground truth: ``n_<kind>`` counts, code statuses, ``n_no_phone``, ``mess`` (kinds
    #: present), ``format``, ``header_row``, ``n_spacer_rows``; for broken files ``error``
    expected: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ListStyle:
    """Sheet-level mess of one list file."""

    title: bool = True  # merged "部门：… 联系人：… 手机号码：…" row above the header
    header_row: int = 2  # 1-based row of the header
    labels: tuple[str, ...] = TEMPLATE_LABELS
    spacer_rate: float = 0.0  # blank rows between data rows
    note_line: bool = False  # "注：…" line under the data
    instructions_sheet: bool = False  # a 填表说明 sheet with prose
    instructions_first: bool = False
    second_sheet_rows: int = 0  # last rows put on a second data sheet
    empty_extra_sheet: bool = False
    sheet_name: str = "Sheet1"
    seed: int = 0  # where the spacer rows go

    def __post_init__(self) -> None:
        if self.header_row < 1 + self.title or self.header_row > 3:
            raise ValueError(f"header_row {self.header_row} impossible with title={self.title}")
        if len(self.labels) != len(TEMPLATE_LABELS):
            raise ValueError(f"need {len(TEMPLATE_LABELS)} labels, got {len(self.labels)}")

    def kinds(self) -> list[str]:
        """The sheet-level mess kinds this style shows."""
        out = []
        if self.title:
            out.append("title_merged")
            if self.header_row == 3:
                out.append("title_row_3")
        if self.header_row > 1:
            out.append(f"header_row_{self.header_row}")
        if self.labels != TEMPLATE_LABELS:
            out.append("header_synonyms")
        for flag, kind in ((self.spacer_rate > 0, "spacer_rows"), (self.note_line, "note_line"),
                           (self.instructions_sheet, "instructions_sheet"),
                           (self.second_sheet_rows > 0, "second_data_sheet"),
                           (self.empty_extra_sheet, "empty_extra_sheet")):
            if flag:
                out.append(kind)
        return out


@dataclass
class Sheet:
    """One sheet as plain rows (``None`` = empty cell) and merged ranges like ``"A1:H1"``."""

    name: str
    rows: list[Sequence[object]]
    merges: list[str] = field(default_factory=list)
    data: bool = True


# --- layouts ---------------------------------------------------------------------------

def _col(n: int) -> str:
    """1-based column number to letters (up to ZZ)."""
    return (chr(64 + (n - 1) // 26) if n > 26 else "") + chr(65 + (n - 1) % 26)


def list_layout(rows: Sequence[Sequence[object]], *, department: str, style: ListStyle,
                contact: tuple[str, str] = ("王伟", "13820001234")) -> tuple[list[Sheet], int]:
    """Sheets of a 附件4 list file, and the number of spacer rows inserted."""
    width = len(TEMPLATE_LABELS)
    last = _col(width)
    top: list[Sequence[object]] = []
    merges: list[str] = []
    title = f"部门：{department}          联系人：{contact[0]}          手机号码：{contact[1]}"
    if style.title:
        if style.header_row == 3 and style.seed % 2 == 0:
            top.append(["企业全量样本表"])
            merges.append(f"A1:{last}1")
        top.append([title])
        merges.append(f"A{len(top)}:{last}{len(top)}")
    while len(top) < style.header_row - 1:
        top.append([])
    top.append(list(style.labels))

    split = len(rows) - style.second_sheet_rows
    rng = random.Random(f"spacers:{style.seed}")
    body: list[Sequence[object]] = []
    spacers = 0
    for row in rows[:split]:
        if style.spacer_rate and body and rng.random() < style.spacer_rate:
            body.append([] if rng.random() < 0.7 else [None, "", " "])
            spacers += 1
        body.append(row)
    all_rows = top + body
    if style.note_line:
        all_rows += [[], [NOTE_LINE]]
        merges.append(f"A{len(all_rows)}:{last}{len(all_rows)}")
    sheets = [Sheet(style.sheet_name, all_rows, merges)]
    if style.second_sheet_rows:
        sheets.append(Sheet("Sheet2", [list(style.labels), *rows[split:]]))
    if style.instructions_sheet:
        info = Sheet("填表说明", [[line] for line in INSTRUCTIONS], data=False)
        sheets.insert(0 if style.instructions_first else len(sheets), info)
    if style.empty_extra_sheet:
        sheets.append(Sheet("Sheet3", [], data=False))
    return sheets, spacers


# --- savers ----------------------------------------------------------------------------

def save_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write with openpyxl's write-only mode (fast; merged ranges are kept)."""
    wb = Workbook(write_only=True)
    # fixed document dates so that files from the same seed differ only in zip timestamps
    wb.properties.created = wb.properties.modified = dt.datetime(2021, 6, 1, 9, 0, 0)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for row in sheet.rows:
            ws.append(list(row))
        for ref in sheet.merges:
            ws.merged_cells.add(CellRange(ref))
    wb.save(path)


def save_csv(path: Path, sheets: Sequence[Sheet], encoding: str) -> None:
    """The single data sheet as csv (``utf-8-sig`` or ``gbk``); floats as Python prints them."""
    data = [s for s in sheets if s.data]
    if len(data) != 1:
        raise ValueError("a csv file holds exactly one data sheet")
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        for row in data[0].rows:
            writer.writerow(["" if v is None else v for v in row])


def xls_available() -> bool:
    try:
        import xlwt  # noqa: F401
    except ImportError:
        return False
    return True


def save_xls(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write a BIFF8 .xls with ``xlwt`` (a runtime dependency; the demo skips it if absent)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd hh:mm")
    for sheet in sheets:
        ws = wb.add_sheet(sheet.name)
        merged: dict[tuple[int, int], tuple[int, int]] = {}
        for ref in sheet.merges:
            cr = CellRange(ref)
            merged[(cr.min_row - 1, cr.min_col - 1)] = (cr.max_row - 1, cr.max_col - 1)
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if (r, c) in merged:
                    r2, c2 = merged[(r, c)]
                    ws.write_merge(r, r2, c, c2, v)
                elif isinstance(v, dt.datetime):
                    ws.write(r, c, v, date_style)
                else:
                    ws.write(r, c, v)
    wb.save(str(path))


def _save(path: Path, sheets: Sequence[Sheet], fmt: str) -> None:
    if fmt == "xlsx":
        save_xlsx(path, sheets)
    elif fmt == "xlsx_fast":
        save_xlsx_stream(path, sheets)
    elif fmt == "xls":
        save_xls(path, sheets)
    elif fmt in ("csv_utf8_bom", "csv_gbk"):
        save_csv(path, sheets, "utf-8-sig" if fmt == "csv_utf8_bom" else "gbk")
    else:
        raise ValueError(f"unknown format {fmt!r}")


def write_list_xlsx(path: Path, rows: Sequence[Sequence[object]], *, department: str,
                    style: ListStyle, contact: tuple[str, str] = ("王伟", "13820001234"),
                    fmt: str = "xlsx") -> int:
    """Write one 附件4 list file (xlsx by default; ``fmt`` also ``xlsx_fast`` — the same
    xlsx by :func:`callcentre.xlsx_stream.save_xlsx_stream` —, ``csv_utf8_bom``, ``csv_gbk`` or ``xls``).
    Returns the number of spacer rows inserted."""
    sheets, spacers = list_layout(rows, department=department, style=style, contact=contact)
    _save(Path(path), sheets, fmt)
    return spacers


# --- work orders (附件5) ----------------------------------------------------------------

WORKORDER_LABELS = ("序号", "工单号", "企业名称", "统一社会信用代码", "企业联系人(或法定代表人)",
                    "联系电话(手机号)", "业务描述")


def workorder_rows(rng: random.Random, list_rows: Sequence[Sequence[object]], n_stages: int,
                   department_code: int) -> tuple[list[list[object]], dict[str, int]]:
    """Turn list rows into 附件5 rows: stage start/end times and durations in days.

    Most dates are datetime cells; some are text in the ways people type dates. Some
    orders stop before the last stage; the claimed total is sometimes off.
    """
    tally = dict.fromkeys(("n_workorder_date_as_text", "n_workorder_stage_incomplete",
                           "n_workorder_total_mismatch"), 0)
    out = []
    for k, lr in enumerate(list_rows):
        seq, _district, name, code, contact, phone, business, note = lr
        t = dt.datetime(2021, 1, 4, 9) + dt.timedelta(days=rng.randrange(330),
                                                      minutes=rng.randrange(8 * 60))
        done = n_stages - 1 if rng.random() < 0.06 else n_stages
        stages: list[object] = []
        total = 0.0
        as_text = False
        for s in range(n_stages):
            if s >= done:
                stages += [None, None, None]
                continue
            end = t + dt.timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 8, 13)),
                                   minutes=rng.randrange(1, 8 * 60))
            days = round((end - t).total_seconds() / 86400, 1)
            total += days
            cells: list[object] = [t, end]
            if rng.random() < 0.05:
                fmt = rng.choice(("{d.year}/{d.month}/{d.day}", "{d.year}年{d.month}月{d.day}日",
                                  "{d:%Y-%m-%d %H:%M}"))
                cells = [fmt.format(d=t), fmt.format(d=end)]
                as_text = True
            stages += [*cells, days]
            t = end + dt.timedelta(minutes=rng.randrange(0, 120))
        claimed = round(total, 1)
        if rng.random() < 0.05:
            claimed = round(total + rng.choice((-2, -1, 1, 2, 3)), 1)
            tally["n_workorder_total_mismatch"] += 1
        tally["n_workorder_date_as_text"] += as_text
        tally["n_workorder_stage_incomplete"] += done < n_stages
        order_no = f"GD{department_code:02d}2021{k + 1:06d}"
        out.append([seq, order_no, name, code, contact, phone, business, *stages, claimed, note])
    return out, tally


def workorder_layout(rows: Sequence[Sequence[object]], *, department: str, n_stages: int,
                     contact: tuple[str, str]) -> list[Sheet]:
    """附件5 sheet: merged title, two-row header with merged cells, data."""
    width = len(WORKORDER_LABELS) + 3 * n_stages + 2
    last = _col(width)
    title = f"上报部门(单位)：{department}          联系人：{contact[0]}          联系电话：{contact[1]}"
    head1: list[object] = list(WORKORDER_LABELS)
    head2: list[object] = [None] * len(WORKORDER_LABELS)
    merges = [f"A1:{last}1"] + [f"{_col(c)}2:{_col(c)}3" for c in range(1, len(head1) + 1)]
    for s in range(1, n_stages + 1):
        c = len(head1) + 1
        head1 += [f"环节{s}\n(单位:天)", None, None]
        head2 += ["开始时间", "完成时间", f"环节{s}总时长"]
        merges.append(f"{_col(c)}2:{_col(c + 2)}2")
    for label in ("各环节累计总时长", "备注"):
        head1.append(label)
        head2.append(None)
        merges.append(f"{_col(len(head1))}2:{_col(len(head1))}3")
    return [Sheet("工单", [[title], head1, head2, *rows], merges)]


# --- the demo --------------------------------------------------------------------------

def _weighted_sample(rng: random.Random, weights: Sequence[float], k: int) -> list[int]:
    """``k`` distinct indices, more active enterprises more likely (Efraimidis–Spirakis)."""
    keys = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return [i for _, i in keys[:k]]


def demo_style(k: int, *, seed: int, spacer_rate: float = 0.01) -> ListStyle:
    """The ``k``-th list's style: cycles so that a handful of files shows every kind."""
    rng = random.Random(f"style:{seed}:{k}")
    title = k % 5 != 4
    header_row = (2 + k % 2) if title else 1 + (k % 10 == 9)
    labels = TEMPLATE_LABELS if k % 3 == 0 else tuple(
        syn[((k // 3) * 2 + k % 3 + j) % len(syn)] for j, syn in enumerate(HEADER_SYNONYMS))
    return ListStyle(
        title=title, header_row=header_row, labels=labels,
        spacer_rate=spacer_rate if k % 2 == 1 else 0.0,
        note_line=k % 2 == 0, instructions_sheet=k % 3 == 0, instructions_first=k % 6 == 0,
        second_sheet_rows=0, empty_extra_sheet=k % 4 == 2,
        sheet_name=rng.choice(("Sheet1", "企业名单", "样本表", "名单")), seed=rng.randrange(1 << 30))


def _list_file(path: Path, pop: Population, members: Sequence[int], *, department: str,
               dept_index: int, item: int, style: ListStyle, fmt: str, rates: Rates,
               rng: random.Random, force: Sequence[str] = (), target: int | None = None,
               ) -> GeneratedFile:
    rows, tally = make_list_rows(pop, members, business=DEPARTMENTS[dept_index][1], rates=rates,
                                 rng=rng, force=force, target=target)
    if style.second_sheet_rows:
        style = replace(style, second_sheet_rows=min(style.second_sheet_rows, len(rows) // 3))
    contact = (person_name(rng), mobile_number(rng))
    spacers = write_list_xlsx(path, rows, department=department, style=style, contact=contact,
                              fmt=fmt)
    expected: dict[str, object] = dict(empty_tally())
    expected.update(tally)
    kinds = [k for k in ALL_ROW_KINDS if tally[f"n_{k}"] > 0]
    kinds += [k for k in style.kinds() if k != "spacer_rows" or spacers]
    fmt = "xlsx" if fmt == "xlsx_fast" else fmt
    if fmt != "xlsx":
        kinds.append(fmt)
    expected.update(mess=sorted(kinds), format=fmt, header_row=style.header_row,
                    n_spacer_rows=spacers, title=style.title)
    return GeneratedFile(path, department, item, "list", len(rows), expected)


def _fix_zip_times(path: Path) -> None:
    """Rewrite a zip (xlsx) with fixed entry times and without docProps (which carry
    the save time), so its bytes depend on the content only."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename.startswith("docProps/"):
                continue
            fixed = zipfile.ZipInfo(info.filename, date_time=(2021, 6, 1, 9, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    path.write_bytes(buf.getvalue())


def _broken_file(path: Path, error: str, seed: int) -> None:
    if error == "empty":
        path.write_bytes(b"")
    elif error == "not_xlsx":
        path.write_text("部门：市水务局\n这是一个被改了扩展名的文本文件，不是Excel工作簿。\n", encoding="utf-8")
    elif error == "truncated":
        save_xlsx(path, [Sheet("Sheet1", [list(TEMPLATE_LABELS)] + [[i, "和平区", f"企业{i}"]
                                                                    for i in range(1, 200)])])
        _fix_zip_times(path)  # the cut must fall in the same bytes every time
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif error == "encrypted":
        write_encrypted_xlsx(path, seed)
    else:
        raise ValueError(error)


def write_manifest(out_dir: Path, files: Sequence[GeneratedFile]) -> Path:
    """``manifest.csv`` with ``file,department,item`` (file relative to ``out_dir``)."""
    path = out_dir / "manifest.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["file", "department", "item"])
        for f in files:
            w.writerow([f.path.relative_to(out_dir).as_posix(), f.department,
                        "" if f.item is None else f.item])
    return path


def generate_demo(out_dir: Path, *, seed: int = 2021, n_enterprises: int = 3000,
                  items: Sequence[int] = DEFAULT_ITEMS, departments: int = 6,
                  ) -> list[GeneratedFile]:
    """Write the demo's list, work-order and broken files plus ``manifest.csv``.

    Each item is listed by one department, every other item by a second one too, so
    the same enterprise turns up in several lists (with, at times, another name or
    phone). The first xlsx list shows every row-level mess kind at least once; the
    last lists are a UTF-8-with-BOM csv, a GBK csv and (when ``xlwt`` is installed)
    an .xls; one xlsx has a second data sheet.
    """
    if not 1 <= departments <= len(DEPARTMENTS):
        raise ValueError(f"departments must be 1..{len(DEPARTMENTS)}, got {departments}")
    if not items:
        raise ValueError("need at least one item")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pop = make_population(n_enterprises, seed)
    rng = random.Random(f"demo:{seed}")
    activity = [rng.paretovariate(1.2) for _ in range(len(pop))]
    depts = list(range(departments))
    lists: list[tuple[int, int]] = []  # (department index, item)
    for k, item in enumerate(items):
        lists.append((depts[k % departments], item))
        if k % 2 == 0 and departments > 1:
            lists.append((depts[(k + 3) % departments], item))
    formats = ["xlsx"] * len(lists)
    tail = ["csv_utf8_bom", "csv_gbk"] + (["xls"] if xls_available() else [])
    for j, fmt in enumerate(tail[: max(0, len(lists) - 1)]):
        formats[len(lists) - 1 - j] = fmt

    files: list[GeneratedFile] = []
    for k, ((d, item), fmt) in enumerate(zip(lists, formats)):
        dept = DEPARTMENTS[d][0]
        size = max(20, int(len(pop) * rng.uniform(0.05, 0.15)))
        members = _weighted_sample(rng, activity, min(size, len(pop)))
        style = demo_style(k, seed=seed)
        if fmt.startswith("csv"):  # one sheet only
                style = replace(style, instructions_sheet=False, empty_extra_sheet=False)
        elif fmt == "xlsx" and k == 1:
                style = replace(style, second_sheet_rows=max(5, len(members) // 4))
        ext = "csv" if fmt.startswith("csv") else fmt
        path = out_dir / f"{k + 1:02d}_{dept}_第{item}项_企业名单.{ext}"
        files.append(_list_file(path, pop, members, department=dept, dept_index=d, item=item,
                                style=style, fmt=fmt, rates=DEMO_RATES, rng=rng,
                                force=ALL_ROW_KINDS if k == 0 else ()))

    wo_dept = next((i for i in depts if DEPARTMENTS[i][0] == "国网天津电力"), depts[-1])
    for s, n_stages in enumerate((2, 3)):
        dept = DEPARTMENTS[wo_dept][0]
        item = items[-1 - s % len(items)]
        members = _weighted_sample(rng, activity, min(len(pop), max(10, len(pop) // 20)))
        lrows, tally = make_list_rows(pop, members, business=DEPARTMENTS[wo_dept][1],
                                      rates=BENCH_RATES, rng=rng)
        rows, wtally = workorder_rows(rng, lrows, n_stages, wo_dept)
        path = out_dir / f"{len(files) + 1:02d}_{dept}_第{item}项_系统工单.xlsx"
        save_xlsx(path, workorder_layout(rows, department=dept, n_stages=n_stages,
                                         contact=(person_name(rng), mobile_number(rng))))
        expected: dict[str, object] = dict(empty_tally())
        expected.update(tally)
        expected.update(wtally)
        kinds = ["workorder_two_row_header", "title_merged"]
        kinds += [k for k in WORKORDER_KINDS[1:] if wtally[f"n_{k}"] > 0]
        expected.update(mess=sorted(kinds), format="xlsx", header_row=2, n_stages=n_stages)
        files.append(GeneratedFile(path, dept, item, "workorder", len(rows), expected))

    for b, error in enumerate(BROKEN_KINDS):
        d = depts[b % departments]
        dept = DEPARTMENTS[d][0]
        path = out_dir / f"{len(files) + 1:02d}_{dept}_{error}.xlsx"
        _broken_file(path, error, seed)
        files.append(GeneratedFile(path, dept, items[b % len(items)], "broken", 0,
                                   {"error": error, "mess": [error]}))
    write_manifest(out_dir, files)
    return files


# --- the benchmark ---------------------------------------------------------------------

_BENCH_POP: Population | None = None  # shared with forked workers


@dataclass(frozen=True)
class _BenchJob:
    index: int
    path: Path
    rows: int
    seed: int


def _bench_item(f: int) -> int:
    return 1 + (f * 37) % 103


def _bench_one(job: _BenchJob) -> GeneratedFile:
    pop = _BENCH_POP
    assert pop is not None
    d = job.index % len(DEPARTMENTS)
    rng = random.Random(f"bench:{job.seed}:{job.index}")
    members = rng.sample(range(len(pop)), min(len(pop), job.rows))
    style = demo_style(job.index, seed=job.seed, spacer_rate=0.001)
    if job.index % 7 == 1:
        style = replace(style, second_sheet_rows=job.rows // 5)
    return _list_file(job.path, pop, members, department=DEPARTMENTS[d][0], dept_index=d,
                      item=_bench_item(job.index), style=style, fmt="xlsx_fast",
                      rates=BENCH_RATES, rng=rng, target=job.rows)


def generate_bench_lists(out_dir: Path, *, total_rows: int = 1_000_000, files: int = 20,
                         seed: int = 7, progress: Callable[[int, int], None] | None = None,
                         jobs: int = 2) -> list[GeneratedFile]:
    """Write ``files`` xlsx lists with ``total_rows`` data rows in all, plus ``manifest.csv``.

    Each file lists a random third or so of a population of ``total_rows // 3``
    enterprises, so every enterprise appears in about three files. Files are written
    in ``jobs`` forked processes (the population is built once, before the fork);
    each file has its own seed, so the output does not depend on ``jobs``.
    ``progress(rows_done, total_rows)`` is called as files finish.
    """
    global _BENCH_POP
    if files < 1 or total_rows < files:
        raise ValueError(f"need files ≥ 1 and total_rows ≥ files, got {files}, {total_rows}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _BENCH_POP = make_population(max(1000, total_rows // 3), seed)
    base, extra = divmod(total_rows, files)
    bench_jobs = []
    for f in range(files):
        dept = DEPARTMENTS[f % len(DEPARTMENTS)][0]
        path = out_dir / f"bench_{f + 1:03d}_{dept}_第{_bench_item(f)}项.xlsx"
        bench_jobs.append(_BenchJob(f, path, base + (f < extra), seed))
    done = 0
    results: list[GeneratedFile] = []
    try:
        if jobs > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(min(jobs, files)) as pool:
                for gf in pool.imap(_bench_one, bench_jobs):
                    results.append(gf)
                    done += gf.rows_in_data
                    if progress:
                        progress(done, total_rows)
        else:
            for job in bench_jobs:
                gf = _bench_one(job)
                results.append(gf)
                done += gf.rows_in_data
                if progress:
                    progress(done, total_rows)
    finally:
        _BENCH_POP = None
    write_manifest(out_dir, results)
    return results
