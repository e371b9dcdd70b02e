"""Seeded lists with the mess issue 16 met in a fresh set of department lists, and
the truth about every row, to score an import against.

Each file shows a few kinds (:data:`HARD_KINDS`): an address column instead of a
district column (street names like 河北路 and 西青道 in other districts, old names
like 汉沽区), one sheet per district, 12-digit statistical division codes, a backup
phone column (备用电话 / 其他联系方式) used when the main one is empty or a hotline, a
400 number before the mobile, 8-digit landlines with a dash extension, credit codes
with a status note (已注销, 吊销), rows without a code whose enterprise's code comes
in another file (some before, some after), a units row under the header, a 填表说明
sheet with an example row, section headings, sign-off footers, and a header below a
long block of instructions.

:func:`score_import` compares what an import stored with that truth: the share of
data rows whose credit code, primary phone, district and status are right, the
enterprises found against the true ones (and how many were split or merged), and
the rows stored that are not data rows at all.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import text
from sqlalchemy.engine import Engine

from .generator import write_manifest
from .population import DISTRICTS, Population, make_population

HARD_KINDS = ("address_column", "address_street_names", "address_old_names", "sheet_per_district",
              "district_code12", "backup_phone_column", "phone_tollfree_first",
              "phone_local8_dash_ext", "code_status_note", "name_only_elsewhere", "units_row",
              "instructions_example", "section_headings", "signoff_footer", "header_below_12")

# streets named like a district, and the districts they lie in
_TRICKY_STREETS = (("河北路", "120101"), ("西青道", "120104"), ("河东路", "120102"),
                   ("南开三马路", "120104"), ("红桥北大街", "120106"))
_STREETS = ("南京路", "友谊路", "卫津路", "中山路", "黄河道", "复康路", "津塘路", "京津路", "第三大街")
_OLD_NAMES = {"120116": ("塘沽区", "汉沽区", "大港区"), "120119": ("蓟县",), "120117": ("宁河县",),
              "120118": ("静海县",), "120115": ("宝坻县",), "120114": ("武清县",)}
_NAME = {code: name for code, name, _ in DISTRICTS}


@dataclass(frozen=True, slots=True)
class RowTruth:
    """What a data row really says."""

    enterprise: int                 # index into the population
    code: str | None                # the valid credit code it carries, if any
    phone: tuple[str, str | None] | None   # primary (E.164, extension), None if uncallable
    district: str | None            # six-digit district code
    kept: bool                      # callable (not to be rejected)


@dataclass
class HardFile:
    path: Path
    department: str
    item: int
    kinds: list[str]
    #: (sheet, Excel row) -> truth, for every data row
    truth: dict[tuple[str, int], RowTruth] = field(default_factory=dict)
    kind: str = "list"


@dataclass(frozen=True, slots=True)
class Scores:
    rows: int
    code: float
    phone: float
    district: float
    status: float
    enterprises_true: int
    enterprises_found: int
    split: int                      # true enterprises spread over several found ones
    merged: int                     # found enterprises holding several true ones
    extra_rows: int                 # rows stored that are not data rows
    missing_rows: int               # data rows not stored


def _address(rng: random.Random, district: str, kinds: set[str]) -> str:
    name = _NAME[district]
    if district in _OLD_NAMES and rng.random() < 0.3:
        name = rng.choice(_OLD_NAMES[district])
        kinds.add("address_old_names")
    street = rng.choice(_STREETS)
    if rng.random() < 0.25:
        street = rng.choice([s for s, d in _TRICKY_STREETS if d != district])
        kinds.add("address_street_names")
    return f"天津市{name}{street}{rng.randrange(1, 999)}号"


class _Sheet:
    def __init__(self, name: str) -> None:
        self.name, self.rows = name, []  # type: ignore[var-annotated]

    def add(self, row: Sequence[object]) -> int:
        self.rows.append(list(row))
        return len(self.rows)


def _phone_cells(rng: random.Random, pop: Population, i: int, kinds: set[str], *,
                 backup: bool) -> tuple[object, object, tuple[str, str | None] | None]:
    """(main cell, backup cell, true primary)."""
    mobile = pop.mobile[i]
    r = rng.random()
    if backup and r < 0.25:
        kinds.add("backup_phone_column")
        return rng.choice((None, "无", "4008001234")), mobile, ("+86" + mobile, None)
    if r < 0.4:
        kinds.add("phone_tollfree_first")
        return f"400{rng.randrange(10**7):07d}、{mobile}", None, ("+86" + mobile, None)
    if r < 0.55:
        kinds.add("phone_local8_dash_ext")
        ext = str(rng.randrange(10, 9999))
        return f"{pop.landline[i]}-{ext}", None, ("+8622" + pop.landline[i], ext)
    if r < 0.58:
        return "无", None, None     # nothing callable
    return mobile, (pop.mobile2[i] if backup else None), ("+86" + mobile, None)


def _code_cell(rng: random.Random, code: str, kinds: set[str]) -> object:
    if rng.random() < 0.1:
        kinds.add("code_status_note")
        return code + rng.choice(("(已注销)", "（吊销）", "（已注销）"))
    return code


def generate_hard_lists(out_dir: Path, *, seed: int = 16, n_enterprises: int = 300,
                        ) -> list[HardFile]:
    """Write the lists (and ``manifest.csv``, the name-only list first) and return them
    with the truth about every data row."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pop = make_population(n_enterprises, seed)
    rng = random.Random(f"hard:{seed}")
    everyone = list(range(len(pop)))
    rng.shuffle(everyone)
    n = len(everyone)
    # the name-only list: a fifth of the enterprises without their code; most of them
    # have their code in a later list, some in none
    name_only = everyone[: n // 5]
    groups = [everyone[n // 5 + k * (4 * n // 5) // 5: n // 5 + (k + 1) * (4 * n // 5) // 5]
              for k in range(5)]
    with_code_later = set(rng.sample(name_only, len(name_only) * 3 // 4))
    files: list[HardFile] = []

    def save(name: str, dept: str, item: int, sheets: list[_Sheet], hard: HardFile) -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for sh in sheets:
            ws = wb.create_sheet(sh.name)
            for row in sh.rows:
                ws.append(row)
        wb.save(out_dir / name)
        hard.path = out_dir / name
        files.append(hard)

    # 0. name-only rows, address column, units row, sign-off footer
    kinds: set[str] = {"address_column", "units_row", "signoff_footer", "name_only_elsewhere"}
    hard = HardFile(Path(), "市税务局", 1, [])
    sh = _Sheet("名单")
    sh.add(["序号", "企业名称", "统一社会信用代码", "联系人", "联系电话", "注册地址"])
    sh.add([None, "（全称）", "18位", None, "必填", "（详细地址）"])
    for k, i in enumerate(name_only):
        main, _b, phone = _phone_cells(rng, pop, i, kinds, backup=False)
        d = DISTRICTS[pop.district[i]][0]
        row = sh.add([k + 1, pop.names[i], rng.choice(("", "无", None)), pop.legal_rep[i], main,
                      _address(rng, d, kinds)])
        hard.truth[(sh.name, row)] = RowTruth(i, None, phone, d, phone is not None)
    sh.add([])
    sh.add(["填报单位（盖章）：", None, "填报人：王伟", None, "联系电话：13820001234"])
    hard.kinds = sorted(kinds)
    save("01_市税务局_名称无代码.xlsx", hard.department, hard.item, [sh], hard)

    late = sorted(with_code_later)
    rng.shuffle(late)
    extra = [late[k::5] for k in range(5)]
    # 1. one sheet per district, backup phone column
    kinds = {"sheet_per_district", "backup_phone_column"}
    hard = HardFile(Path(), "市人社局", 5, [])
    by_district: defaultdict[str, list[int]] = defaultdict(list)
    for i in groups[0] + extra[0]:
        by_district[DISTRICTS[pop.district[i]][0]].append(i)
    sheets = []
    for d in sorted(by_district):
        sh = _Sheet(_NAME[d])
        sh.add(["序号", "单位名称", "统一社会信用代码", "联系电话", rng.choice(("备用电话", "其他联系方式"))])
        for k, i in enumerate(by_district[d]):
            main, backup, phone = _phone_cells(rng, pop, i, kinds, backup=True)
            row = sh.add([k + 1, pop.names[i], _code_cell(rng, pop.codes[i], kinds), main, backup])
            hard.truth[(sh.name, row)] = RowTruth(i, pop.codes[i], phone, d, phone is not None)
        sheets.append(sh)
    hard.kinds = sorted(kinds)
    save("02_市人社局_分区名单.xlsx", hard.department, hard.item, sheets, hard)

    # 2. header below a long block of instructions, 12-digit division codes, headings
    kinds = {"header_below_12", "district_code12", "section_headings"}
    hard = HardFile(Path(), "国网天津电力", 25, [])
    sh = _Sheet("名单")
    sh.add(["企业名单报送说明"])
    for k in range(18):
        sh.add([f"{k + 1}. 请按要求如实填写第{k + 1}项内容，联系电话请优先填写手机号码，勿留空。"])
    sh.add(["序号", "企业名称", "统一社会信用代码", "联系电话", "行政区划代码"])
    members = groups[1] + extra[1]
    half = len(members) // 2
    for part, title in ((members[:half], "一、低压用电报装（共{n}户）"),
                        (members[half:], "二、高压用电报装（共{n}户）")):
        sh.add([title.format(n=len(part))])
        for k, i in enumerate(part):
            main, _b, phone = _phone_cells(rng, pop, i, kinds, backup=False)
            d = DISTRICTS[pop.district[i]][0]
            row = sh.add([k + 1, pop.names[i], _code_cell(rng, pop.codes[i], kinds), main,
                          f"{d}{rng.randrange(1, 30):03d}000"])
            hard.truth[(sh.name, row)] = RowTruth(i, pop.codes[i], phone, d, phone is not None)
    hard.kinds = sorted(kinds)
    save("03_国网天津电力_长说明.xlsx", hard.department, hard.item, [sh], hard)

    # 3. an instructions sheet with an example row; address column; status notes
    kinds = {"instructions_example", "address_column"}
    hard = HardFile(Path(), "市市场监管委", 40, [])
    info = _Sheet("填表说明")
    info.add(["填表说明：请参照下例填写"])
    info.add(["序号", "企业名称", "统一社会信用代码", "联系电话", "经营地址"])
    info.add([1, "天津市XX科技有限公司", "91120000XXXXXXXXXX", "13800000000", "天津市和平区XX路1号"])
    sh = _Sheet("企业名单")
    sh.add(["序号", "企业名称", "统一社会信用代码", "联系电话", "经营地址"])
    for k, i in enumerate(groups[2] + extra[2]):
        main, _b, phone = _phone_cells(rng, pop, i, kinds, backup=False)
        d = DISTRICTS[pop.district[i]][0]
        row = sh.add([k + 1, pop.names[i], _code_cell(rng, pop.codes[i], kinds), main,
                      _address(rng, d, kinds)])
        hard.truth[(sh.name, row)] = RowTruth(i, pop.codes[i], phone, d, phone is not None)
    sh.add(["审核人：李娜", None, "填报日期：2021年6月1日"])
    kinds.add("signoff_footer")
    hard.kinds = sorted(kinds)
    save("04_市市场监管委_含示例.xlsx", hard.department, hard.item, [info, sh], hard)

    # 4, 5. plain lists with the district column and the rest of the codes
    for k, (dept, item) in enumerate((("区政务服务办", 61), ("市水务局", 77))):
        kinds = set()
        hard = HardFile(Path(), dept, item, [])
        sh = _Sheet("Sheet1")
        sh.add(["序号", "所属区", "企业名称", "统一社会信用代码", "联系电话"])
        for j, i in enumerate(groups[3 + k] + extra[3 + k]):
            main, _b, phone = _phone_cells(rng, pop, i, kinds, backup=False)
            d = DISTRICTS[pop.district[i]][0]
            row = sh.add([j + 1, _NAME[d], pop.names[i], _code_cell(rng, pop.codes[i], kinds),
                          main])
            hard.truth[(sh.name, row)] = RowTruth(i, pop.codes[i], phone, d, phone is not None)
        hard.kinds = sorted(kinds)
        save(f"0{5 + k}_{dept}_名单.xlsx", dept, item, [sh], hard)
    write_manifest(out_dir, files)  # type: ignore[arg-type]
    return files


def score_import(engine: Engine, files: Sequence[HardFile]) -> Scores:
    """How much of the truth an import into ``engine`` got right (module notes)."""
    stored: dict[tuple[str, str, int], tuple] = {}  # type: ignore[type-arg]
    with engine.connect() as conn:
        for r in conn.execute(text(
                "SELECT f.name AS file, l.sheet, l.row, l.uscc, l.phone_e164, l.phone_ext, "
                "l.district_code, l.status, l.enterprise_id FROM listrow l "
                "JOIN sourcefile f ON f.id = l.source_file_id")):
            stored[(r.file, r.sheet, r.row)] = tuple(r)[3:]
    right = dict.fromkeys(("code", "phone", "district", "status"), 0)
    rows = missing = 0
    found_of: defaultdict[int, set[int]] = defaultdict(set)    # found -> true
    true_of: defaultdict[int, set[int]] = defaultdict(set)     # true -> found
    truths: set[tuple[str, str, int]] = set()
    for f in files:
        for (sheet, row), truth in f.truth.items():
            key = (f.path.name, sheet, row)
            truths.add(key)
            rows += 1
            got = stored.get(key)
            if got is None:
                missing += 1
                continue
            uscc, e164, ext, district, status, ent = got
            right["code"] += uscc == truth.code
            right["phone"] += (None if e164 is None else (e164, ext)) == truth.phone
            right["district"] += district == truth.district
            right["status"] += (status != "rejected") == truth.kept
            if ent is not None:
                found_of[ent].add(truth.enterprise)
                true_of[truth.enterprise].add(ent)
    extra = sum(1 for key in stored if key[0] in {f.path.name for f in files}
                and key not in truths)
    share = {k: v / rows if rows else 1.0 for k, v in right.items()}
    return Scores(rows=rows, **share, enterprises_true=len({t.enterprise for f in files
                                                            for t in f.truth.values()}),
                  enterprises_found=len(found_of),
                  split=sum(len(v) > 1 for v in true_of.values()),
                  merged=sum(len(v) > 1 for v in found_of.values()),
                  extra_rows=extra, missing_rows=missing)
