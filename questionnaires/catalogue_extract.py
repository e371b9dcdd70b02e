"""Extract the structured item catalogue from a responsibility list's plain text.

The evaluation plan (``../shared/seeds/001_*.txt``) carries the 2021 list as
附件7 "2021年优化营商环境责任清单佐证要求": per item a bare number line, the area
heading when a new area starts (sometimes repeated after a page break), the
assessed text (评估内容), the lead unit(s) (牵头单位, broken across lines as the
table cell wrapped), the partner units (责任单位, "——" for none) and the evidence
required (佐证要求, one or more paragraphs). Blocks are separated by blank lines.

This is a one-off developer tool: its output, ``questionnaires/data/
catalogue_2021.json``, is what ships and what :mod:`questionnaires.catalogue`
reads. Re-run it with::

    python -m questionnaires.catalogue_extract ../shared/seeds/001_*.txt

Promised time limits are found by pattern (``不超过60天``, ``压缩至8个工作日`` …);
what each limit applies to is written by hand in :data:`LIMIT_SUBJECTS`, since
the sentence structure varies too much to guess it reliably.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HEADING_2021 = "2021年优化营商环境责任清单佐证要求"
END_MARK = "注:2022年责任清单"
OUTPUT = Path(__file__).with_name("data") / "catalogue_2021.json"

# Endings that close a unit name, so a line break after one starts the next unit.
_UNIT_ENDINGS = ("委", "局", "办", "公司", "政府", "行", "中心", "院", "会", "海关", "集团", "组",
                 "单位", "部", "所", "处", "厅", "室")
_AREA = re.compile(r"^(\d{1,2})\.(\S{2,30})$")
_ITEM = re.compile(r"^\d{1,3}$")
_LIMIT = re.compile(
    r"(不超过|压缩至|压缩到|控制在|缩短至|缩短到|以内|)\s*(\d+(?:\.\d+)?)\s*个?(工作日|日|天)(内|以内)?"
)

# Line starts that continue the unit on the line before ("市委" / "网信办").
_UNIT_CONTINUATIONS = ("网信办", "天津分行", "办公室")
# Notes in a lead-unit cell that are not units.
_UNIT_NOTES = ("按职责分工负责",)

# (item, position of the limit in the text) -> what the limit applies to.
LIMIT_SUBJECTS: dict[tuple[int, int], str] = {
    (6, 0): "一般社会投资工程建设项目从申请项目备案到取得施工许可证",
    (19, 0): "企业间不动产转移登记",
    (27, 0): "办理正常出口退税业务",
    (28, 0): "低压客户办电(受理签约至装表接电)",
    (28, 1): "高压10千伏客户办电(受理申请至竣工接电)",
    (33, 0): "市内六区小微项目用水报装至通水",
    (33, 1): "小时总用气量小于25立方米且不涉及外线的小微项目用气报装至通气",
}

# Promises of "on the spot" that carry no number: (item, phrase, value, unit).
IMMEDIATE_PROMISES: dict[int, dict[str, object]] = {
    19: {"value": 0, "unit": "working_days", "phrase": "即时办结"},
}

# A short name for the reform each item asks about, for reading out on the phone
# ("请问贵单位是否办理或使用过……?"). Written by hand, one per item.
REFORMS: dict[int, str] = {
    1: "通过“一窗通”平台办理企业开办及员工参保登记",
    2: "通过“津心办”APP办理企业名称、设立或变更登记",
    3: "企业开办智慧审批(名称、经营范围、住所自主申报)",
    4: "电子营业执照、税务UKey、电子印章或电子发票",
    5: "企业简易注销",
    6: "社会投资工程建设项目从备案到取得施工许可证",
    7: "厂房、仓库项目免予施工图审查(告知承诺制)",
    8: "工程建设项目前期策划生成",
    9: "“用地清单制”改革(拿地前统一提出评估评价指标)",
    10: "区域评估成果共享(项目不再单独评估审批)",
    11: "建设用地审批、规划许可阶段“联合测绘”",
    12: "联合审批系统及市政公用设施接入并联审批",
    13: "“四免”或“免申即享”政务服务事项",
    14: "“一件事”场景式审批服务",
    15: "网上中介超市",
    16: "政务服务“好差评”或便民专线(“津呼速应”)",
    17: "政务服务事项“跨省通办”",
    18: "政务服务“一网通办”或自助服务网点",
    19: "企业间不动产转移登记",
    20: "通过网上办事大厅或“津心办”APP办理不动产登记",
    21: "“双随机、一公开”监管抽查",
    22: "“互联网+监管”系统及监管APP",
    23: "人社网厅查询员工就业失业登记和社保信息",
    24: "新业态、新技术、新工艺行业定制培训",
    25: "增值税、消费税与附加税费合并申报",
    26: "网上办税缴费",
    27: "出口退税",
    28: "低压或高压(10千伏)办电",
    29: "“网上国网”刷脸办电或证照线上获取(办电“零要件”)",
    30: "电力接入工程“免审批”线上流转、在线备案",
    31: "电力业务系统与“政务一网通”、联合审批系统互联互通(提前获取项目信息)",
    32: "供电可靠性管控(《天津电网供电可靠性管制计划》)",
    33: "小微项目用水或用气报装",
    34: "小微用水报装项目精简审批(签协议、作承诺即可施工)",
    35: "通过“政务一网通”、APP或微信公众号申请供水供气报装",
    36: "用水用气报装要件、流程、时限、收费、进度公示",
    37: "跨境贸易便利化措施(天津港口岸)",
    38: "“两步申报”或“提前申报”通关",
    39: "信易贷平台(市中小企业融资综合信用服务平台)",
    40: "“线上银税互动服务平台”",
    41: "云闪付APP“津e融”融资服务",
    42: "中征应收账款融资服务平台(政府采购合同融资)",
    43: "企业征信、信用评级服务",
    44: "小微企业贷款差异化定价(合理确定贷款利率)",
    45: "市融资担保发展基金再担保业务",
    46: "科创板、创业板上市服务",
    47: "海河产业基金投资",
    48: "滨海产业发展基金投资",
    49: "招标投标全流程电子化交易系统",
    50: "招标采购监管(打击围标串标)",
    51: "招投标全流程电子化事中事后监管",
    52: "政府采购负面清单及采购意向公开",
    53: "市公共资源交易中心电子采购平台",
    54: "公路养护工程招投标(简化流程、信用评价)",
    55: "以保函、保险替代招标投标保证金",
    56: "工程质量潜在缺陷保险、投标保证保险、履约保证保险或农民工工资保证保险",
    57: "孵化器或众创空间服务",
    58: "国家级专精特新“小巨人”企业培育",
    59: "企业技术中心认定及补助",
    60: "国家高新技术企业认定或科技型中小企业入库",
    61: "市级工程研究中心认定",
    62: "大型科研仪器开放共享",
    63: "创新示范工程(重点企业应用场景清单)",
    64: "5G网络服务",
    65: "数据资源共享和流通交易",
    66: "智慧港口、智慧园区(进口集装箱提货单无纸化)",
    67: "利用外资服务",
    68: "货物贸易进出口服务",
    69: "法治化营商环境(清理不合规规章制度)",
    70: "“政策一点通”平台(政策发布和解读)",
    71: "政策制定前调研论证或实施后第三方评估",
    72: "信用信息共享平台(政务诚信)",
    73: "行业信用监管(信用承诺、信用报告、信用修复)",
    74: "知识产权强企工程(发明专利)",
    75: "知识产权纠纷多元化解(惩罚性赔偿、仲裁、调解)",
    76: "中国(天津)知识产权保护中心",
    77: "知识产权运营服务体系(滨海新区、东丽区)",
    78: "法院社会化集约送达",
    79: "法院与市场监管等部门数据共享送达",
    80: "人民法院调解平台",
    81: "“分调裁审”(诉讼案件分流调解)",
    82: "小额消费类金融案件集约化审理",
    83: "涉民营经济案件专题统计与通报",
    84: "终本案件恢复执行平台",
    85: "投资者宣传教育活动",
    86: "证券纠纷多元化解(代表人诉讼、示范判决+调解)",
    87: "破产管理人绩效考评",
    88: "破产审判配套机制(天津破产法庭)",
    89: "破产费用保障(破产费用援助资金)",
    90: "高校、重点实验室、院士专家工作站、博士后工作站等人才平台",
    91: "中国天津人力资源服务产业园",
    92: "人才引进平台及高校毕业生落户一站式服务",
    93: "公共文化服务(图书馆、文化馆、综合文化服务中心)",
    94: "公共体育场地及群众体育活动",
    95: "线上优质教育资源及职业技能等级证书",
    96: "基层医疗卫生机构胸痛救治单元",
    97: "养老机构服务",
    98: "大气污染治理(超低排放改造、绩效分级差异化管控)",
    99: "建设用地土壤污染风险管控和修复",
    100: "水污染治理(污水管网、污水处理厂提质增效)",
    101: "公交线路新增优化",
    102: "地铁线路(地铁4号线南段)",
    103: "京唐、京滨、津兴铁路建设",
}

# Lead-unit cells whose line breaks do not fall between unit names.
LEAD_OVERRIDES: dict[int, list[str]] = {
    18: ["市委网信办", "市政务服务办"],
}


def _blocks(lines: list[str]) -> list[str]:
    """Group lines into blank-line separated blocks (lines kept, stripped)."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        line = line.strip()
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return ["\n".join(b) for b in blocks if b]


def _split_units(cell: str) -> list[str]:
    """Re-join a wrapped unit cell and split it into unit names."""
    units: list[str] = []
    current = ""
    for piece in cell.split("\n"):
        piece = piece.strip()
        if not piece:
            continue
        if not current and units and piece.startswith(_UNIT_CONTINUATIONS):
            units[-1] += piece
            continue
        current += piece
        if current.endswith(_UNIT_ENDINGS) and current not in ("市委", "人民银行"):
            units.append(current)
            current = ""
    if current:
        units.append(current)
    return [u for u in units if u not in _UNIT_NOTES]


def _split_list(cell: str) -> list[str]:
    """Split a partner-unit cell on 、 , ; outside quotation marks."""
    parts: list[str] = []
    current, depth = "", 0
    for ch in cell:
        if ch in "“「(（":
            depth += 1
        elif ch in "”」)）":
            depth = max(0, depth - 1)
        if depth == 0 and ch in "、,,;;":
            if current.strip():
                parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def _is_evidence_start(block: str) -> bool:
    return bool(re.match(r"^(\d+\.|请|提供|用水|用气|相关|《|梳理|全市|市|按)", block)) and (
        block[0].isdigit() or "提供" in block or "请" in block[:3] or block.startswith("用水")
    )


def find_limits(text: str) -> list[dict[str, object]]:
    """Every promised time limit in ``text``, in order.

    Returns dicts with ``value`` (number), ``unit`` (``"working_days"`` or
    ``"days"``) and ``phrase`` (the matched words).
    """
    found: list[dict[str, object]] = []
    for m in _LIMIT.finditer(text):
        before, number, unit, after = m.groups()
        if not (before or after):
            continue  # a bare count of days, not a promise
        value: float | int = float(number)
        if value == int(value):
            value = int(value)
        found.append({
            "value": value,
            "unit": "working_days" if unit == "工作日" else "days",
            "phrase": m.group(0),
        })
    return found


def extract(text: str) -> list[dict[str, object]]:
    """Parse the responsibility list in ``text`` into one record per item."""
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.strip() == HEADING_2021)
    end = next((i for i, ln in enumerate(lines) if ln.strip().startswith(END_MARK)), len(lines))
    body = lines[start + 1:end]
    item_rows = [i for i, ln in enumerate(body) if _ITEM.match(ln.strip())]
    # keep only the running sequence 1, 2, 3 … (numbers can occur in evidence text)
    numbered: list[tuple[int, int]] = []
    for i in item_rows:
        n = int(body[i].strip())
        if n == len(numbered) + 1:
            numbered.append((n, i))
    records: list[dict[str, object]] = []
    area, area_name = 0, ""
    for k, (n, i) in enumerate(numbered):
        stop = numbered[k + 1][1] if k + 1 < len(numbered) else len(body)
        blocks = _blocks(body[i + 1:stop])
        head = _AREA.match(blocks[0]) if blocks else None
        if head and int(head.group(1)) in (area, area + 1) and len(blocks) > 4:
            area, area_name = int(head.group(1)), head.group(2)
            blocks = blocks[1:]
        item_text = blocks[0].replace("\n", "")
        rest = blocks[1:]
        ev = next(j for j, b in enumerate(rest) if j >= 2 and _is_evidence_start(b))
        unit_blocks = rest[:ev]
        lead_cell = "\n".join(unit_blocks[:-1])
        partners_cell = unit_blocks[-1].replace("\n", "")
        lead = LEAD_OVERRIDES.get(n) or _split_units(lead_cell)
        partners = [] if partners_cell.strip("—- ") == "" else _split_list(partners_cell)
        limits = find_limits(item_text)
        if n in IMMEDIATE_PROMISES:
            limits.insert(0, dict(IMMEDIATE_PROMISES[n]))
        for pos, lim in enumerate(limits):
            lim["subject"] = LIMIT_SUBJECTS.get((n, pos), "")
        records.append({
            "item": n,
            "area": area,
            "area_name": area_name,
            "text": item_text,
            "reform": REFORMS.get(n, ""),
            "lead_units": lead,
            "partner_units": partners,
            "evidence": "\n".join(rest[ev:]),
            "promised_limits": limits,
        })
    return records


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        raise SystemExit("usage: python -m questionnaires.catalogue_extract SEED_TXT [OUT_JSON]")
    records = extract(Path(args[0]).read_text(encoding="utf-8"))
    out = Path(args[1]) if len(args) > 1 else OUTPUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"year": 2021, "items": records}, ensure_ascii=False, indent=1)
                   + "\n", encoding="utf-8")
    print(f"{len(records)} items, {len({r['area'] for r in records})} areas -> {out}")


if __name__ == "__main__":
    main()
