"""A seeded population of fictitious Tianjin enterprises.

Held as parallel lists (struct of arrays) rather than one object per enterprise,
so that the benchmark's few hundred thousand enterprises stay small and can be
shared with worker processes by ``fork`` without copying.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sampling.identifiers.uscc import ALPHABET, uscc_check_char

#: GB/T 2260 codes and names of the 16 districts (DESIGN §4), with a rough share of
#: enterprises per district used when drawing the population.
DISTRICTS: tuple[tuple[str, str, float], ...] = (
    ("120101", "和平区", 5),
    ("120102", "河东区", 4),
    ("120103", "河西区", 6),
    ("120104", "南开区", 6),
    ("120105", "河北区", 4),
    ("120106", "红桥区", 3),
    ("120110", "东丽区", 6),
    ("120111", "西青区", 8),
    ("120112", "津南区", 5),
    ("120113", "北辰区", 6),
    ("120114", "武清区", 9),
    ("120115", "宝坻区", 5),
    ("120116", "滨海新区", 20),
    ("120117", "宁河区", 3),
    ("120118", "静海区", 5),
    ("120119", "蓟州区", 5),
)
BINHAI = DISTRICTS.index(next(d for d in DISTRICTS if d[0] == "120116"))

#: Functional zones inside 滨海新区; the first is written in several ways.
ZONES: tuple[str, ...] = (
    "天津经济技术开发区", "泰达", "保税区", "滨海高新区", "东疆", "生态城", "空港", "临港",
    "南港", "于家堡",
)

#: Ways a district is written besides its proper name: short form, with the city,
#: and the old county / district names of DESIGN §4.
DISTRICT_ALIASES: dict[str, tuple[str, ...]] = {
    "120101": ("和平", "天津市和平区"),
    "120102": ("河东", "天津市河东区"),
    "120103": ("河西", "天津市河西区"),
    "120104": ("南开", "天津市南开区"),
    "120105": ("河北", "天津市河北区"),
    "120106": ("红桥", "天津市红桥区"),
    "120110": ("东丽", "天津市东丽区"),
    "120111": ("西青", "天津市西青区"),
    "120112": ("津南", "天津市津南区"),
    "120113": ("北辰", "天津市北辰区"),
    "120114": ("武清县", "武清", "天津市武清区"),
    "120115": ("宝坻县", "宝坻", "天津市宝坻区"),
    "120116": ("塘沽", "汉沽", "大港", "滨海", "天津市滨海新区"),
    "120117": ("宁河县", "宁河", "天津市宁河区"),
    "120118": ("静海县", "静海", "天津市静海区"),
    "120119": ("蓟县", "蓟州", "天津市蓟州区"),
}

MOBILE_PREFIXES: tuple[str, ...] = (
    *(f"13{d}" for d in range(10)),
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    "166", "170", "171", "173", "175", "176", "177", "178",
    *(f"18{d}" for d in range(10)),
    "191", "193", "195", "196", "198", "199",
)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌鹏辉宇浩凯健俊帅欣怡佳琪子涵雨晨博瑞泽晓东海波宁春梅雪松林峰"
_BRAND = "华泰鑫源恒达宏盛金利隆兴昌嘉信诚安和瑞丰永裕通汇鼎新天海中博远航创宇宁德富康祥润泽聚云弘正荣腾骏凯宝益联合众乐"
_INDUSTRIES: tuple[str, ...] = (
    "科技", "商贸", "建筑工程", "物流", "机械设备", "电子", "餐饮管理", "医药", "新材料",
    "环保科技", "信息技术", "食品", "汽车销售", "国际贸易", "物业管理", "装饰工程", "化工",
    "文化传媒", "生物科技", "能源", "供应链管理", "钢铁", "电气", "包装制品", "印刷",
    "企业管理咨询", "房地产开发", "人力资源服务", "网络科技", "精密机械",
)
_SHOPS: tuple[str, ...] = ("便利店", "饭店", "五金店", "理发店", "汽车修理部", "超市", "烟酒店")


@dataclass
class Population:
    """Enterprises ``0 … n-1``; every list has one entry per enterprise."""

    names: list[str] = field(default_factory=list)
    #: valid 18-character credit codes (check character from ``uscc_check_char``)
    codes: list[str] = field(default_factory=list)
    #: index into :data:`DISTRICTS`
    district: list[int] = field(default_factory=list)
    #: index into :data:`ZONES`, or -1 (only 滨海新区 enterprises have one)
    zone: list[int] = field(default_factory=list)
    #: True when positions 9–17 carry a wrong GB 11714 check (a warning, not an error)
    org_check_bad: list[bool] = field(default_factory=list)
    legal_rep: list[str] = field(default_factory=list)
    mobile: list[str] = field(default_factory=list)
    contact2: list[str] = field(default_factory=list)
    mobile2: list[str] = field(default_factory=list)
    landline: list[str] = field(default_factory=list)  # 8 local digits, area code 022

    def __len__(self) -> int:
        return len(self.codes)

    def all_digit_code(self, i: int) -> bool:
        return self.codes[i].isdigit()


def person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def mobile_number(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def local_number(rng: random.Random) -> str:
    """An 8-digit Tianjin local number (first digit 2–8)."""
    return f"{rng.randrange(2, 9)}{rng.randrange(10**7):07d}"


def org_check_char(body8: str) -> str:
    """GB 11714 check character for an 8-character organisation code body."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, weights))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


_ORG_ALPHABET = ALPHABET  # new-style organisation codes avoid I, O, S, V, Z too


def _credit_code(rng: random.Random, district_code: str, kind: str, org_bad: bool) -> str:
    prefix = {"enterprise": "91", "individual": "92", "coop": "93", "institution": "12"}[kind]
    area = district_code if rng.random() < 0.7 else "120000"
    if kind == "institution" or rng.random() < 0.5:
        body = f"{rng.randrange(10**8):08d}"
    else:
        body = "MA0" + "".join(rng.choice(_ORG_ALPHABET) for _ in range(5))
    check = org_check_char(body)
    if org_bad:
        check = rng.choice([c for c in "0123456789X" if c != check])
    first17 = prefix + area + body + check
    return first17 + uscc_check_char(first17)


def _name(rng: random.Random, kind: str, district_name: str) -> str:
    brand = rng.choice(_BRAND) + rng.choice(_BRAND)
    if rng.random() < 0.25:
        brand += rng.choice(_BRAND)
    ind = rng.choice(_INDUSTRIES)
    if kind == "individual":
        return f"{district_name}{brand}{rng.choice(_SHOPS)}"
    if kind == "coop":
        return f"天津市{district_name}{brand}农民专业合作社"
    if kind == "institution":
        return f"天津市{brand}{ind}服务中心"
    r = rng.random()
    if r < 0.40:
        return f"天津{brand}{ind}有限公司"
    if r < 0.55:
        return f"天津市{brand}{ind}有限公司"
    if r < 0.65:
        return f"{brand}(天津){ind}有限公司"
    if r < 0.75:
        return f"{brand}（天津）{ind}有限公司"
    if r < 0.85:
        return f"天津{brand}{ind}股份有限公司"
    if r < 0.93:
        return f"天津{brand}{ind}有限责任公司"
    return f"天津{brand}{ind}有限公司{district_name}分公司"


def make_population(n: int, seed: int) -> Population:
    """Draw ``n`` distinct enterprises (distinct names and codes), reproducibly."""
    rng = random.Random(f"population:{seed}")
    pop = Population()
    weights = [d[2] for d in DISTRICTS]
    district_idx = rng.choices(range(len(DISTRICTS)), weights=weights, k=n)
    seen_names: set[str] = set()
    seen_codes: set[str] = set()
    for i in range(n):
        d = district_idx[i]
        code6, dname = DISTRICTS[d][0], DISTRICTS[d][1]
        r = rng.random()
        kind = ("enterprise" if r < 0.86 else "individual" if r < 0.92
                else "coop" if r < 0.95 else "institution")
        org_bad = rng.random() < 0.01
        code = _credit_code(rng, code6, kind, org_bad)
        while code in seen_codes:
            code = _credit_code(rng, code6, kind, org_bad)
        name = _name(rng, kind, dname)
        while name in seen_names:
            name = _name(rng, kind, dname)
        seen_codes.add(code)
        seen_names.add(name)
        pop.codes.append(code)
        pop.names.append(name)
        pop.district.append(d)
        pop.zone.append(rng.randrange(len(ZONES)) if d == BINHAI and rng.random() < 0.6 else -1)
        pop.org_check_bad.append(org_bad)
        pop.legal_rep.append(person_name(rng))
        pop.mobile.append(mobile_number(rng))
        pop.contact2.append(person_name(rng))
        pop.mobile2.append(mobile_number(rng))
        pop.landline.append(local_number(rng))
    return pop
