"""Tianjin districts (GB/T 2260): codes, names, old names and functional zones.

:func:`normalise_district` maps a district cell to its six-digit code.  It accepts

* the code itself, as text or as a number (``120101``, ``"120101"``, the 12-digit
  statistical form ``"120101000000"``), including the old codes of abolished
  counties and districts (``district_alias``);
* the name (``和平区``), the short name without ``区`` (``和平``), with any
  ``中国``/``天津市``/``天津`` prefix, and a longer address that contains one
  (``天津市和平区南京路``);
* old names: ``蓟县`` -> 蓟州区, ``宁河县``, ``静海县``, ``宝坻县``, ``武清县`` -> their
  ``区``, ``塘沽``/``汉沽``/``大港`` -> 滨海新区 (``district_alias``);
* functional zones inside 滨海新区 -> 120116 with ``zone`` set (``district_zone``).

A bare ``开发区`` (or ``经济技术开发区``/``经开区``) names no district -- Tianjin has
several -- so the code stays None (``district_ambiguous_kaifaqu``) unless a district
is named as well: ``西青开发区`` is 西青区.  ``天津开发区`` is the official short name
of the 天津经济技术开发区 (TEDA) and maps there.  An explicit district name beats a
zone (``南开区华苑街道`` is 南开区, although 华苑 is also a part of 滨海高新区).
Two different districts in one cell give ``district_multiple`` and no code.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

DISTRICTS: dict[str, str] = {
    "120101": "和平区",
    "120102": "河东区",
    "120103": "河西区",
    "120104": "南开区",
    "120105": "河北区",
    "120106": "红桥区",
    "120110": "东丽区",
    "120111": "西青区",
    "120112": "津南区",
    "120113": "北辰区",
    "120114": "武清区",
    "120115": "宝坻区",
    "120116": "滨海新区",
    "120117": "宁河区",
    "120118": "静海区",
    "120119": "蓟州区",
}
BINHAI = "120116"

#: Old names (abolished counties / districts) -> current code.
OLD_NAMES: dict[str, str] = {
    "蓟县": "120119",
    "宁河县": "120117",
    "静海县": "120118",
    "宝坻县": "120115",
    "武清县": "120114",
    "塘沽区": BINHAI,
    "汉沽区": BINHAI,
    "大港区": BINHAI,
    "塘沽": BINHAI,
    "汉沽": BINHAI,
    "大港": BINHAI,
}

#: Old GB/T 2260 codes -> current code (武清县 2000, 宝坻县 2001, the three Binhai
#: districts 2009, 宁河县 and 静海县 2015, 蓟县 2016).
OLD_CODES: dict[str, str] = {
    "120222": "120114",
    "120224": "120115",
    "120107": BINHAI,
    "120108": BINHAI,
    "120109": BINHAI,
    "120221": "120117",
    "120223": "120118",
    "120225": "120119",
}

#: Functional zones inside 滨海新区: zone name -> the spellings that name it.
ZONES: dict[str, tuple[str, ...]] = {
    "天津经济技术开发区": ("天津经济技术开发区", "天津经济开发区", "天津开发区", "泰达", "TEDA"),
    "天津港保税区": ("天津港保税区", "天津保税区", "保税区"),
    "滨海高新区": (
        "天津滨海高新技术产业开发区",
        "滨海高新技术产业开发区",
        "滨海高新区",
        "高新区",
        "华苑产业区",
        "华苑科技园",
        "华苑",
        "渤龙湖",
    ),
    "东疆": ("东疆保税港区", "东疆综合保税区", "东疆港", "东疆"),
    "中新天津生态城": ("中新天津生态城", "中新生态城", "天津生态城", "生态城"),
    "空港经济区": ("空港经济区", "空港"),
    "临港经济区": ("临港经济区", "临港工业区", "临港"),
    "南港工业区": ("南港工业区", "南港"),
    "于家堡金融区": ("于家堡金融区", "于家堡"),
}

#: Words that name "a development zone" without saying whose.
AMBIGUOUS_ZONE_WORDS = ("开发区", "经开区")


@dataclass(frozen=True, slots=True)
class District:
    """Result of :func:`normalise_district`.

    Attributes
    ----------
    code : str or None
        Six-digit GB/T 2260 code of a current district, or None.
    name : str or None
        Its current name (``DISTRICTS[code]``).
    zone : str or None
        The functional zone inside 滨海新区, when one was named (a key of
        :data:`ZONES`).
    reasons : tuple of str
        Reason codes.
    """

    code: str | None
    name: str | None
    zone: str | None
    reasons: tuple[str, ...]


def _short(name: str) -> str:
    return name[:-1] if name.endswith("区") and name != "滨海新区" else "滨海"


# alias -> (code, zone, is_old_name).  Names and short names first; zones and old
# names may not override them.
_ALIASES: dict[str, tuple[str, str | None, bool]] = {}
for _code, _name in DISTRICTS.items():
    _ALIASES[_name] = (_code, None, False)
    _ALIASES[_short(_name)] = (_code, None, False)
_ALIASES["滨海新"] = (BINHAI, None, False)
for _old, _code in OLD_NAMES.items():
    _ALIASES.setdefault(_old, (_code, None, True))
for _zone, _spellings in ZONES.items():
    for _sp in _spellings:
        _ALIASES.setdefault(_sp.upper(), (BINHAI, _zone, False))

# The city's own name is consumed as a token of its own so that it cannot lend its
# second character to a district: "天津南开区" is 南开区, not 津南区.  Zones whose
# spelling starts with 天津 are longer and so still win ("天津开发区" is TEDA).
_SKIP = ("天津市", "天津")
# A name followed by one of these is a street, not the place: 河北路 and 西青道 lie in
# 和平区 and 南开区 ("天津市和平区河北路" names one district).
_STREET = "(?![路道街里巷弄]|大街|大道|胡同|公路|支路|东路|西路|南路|北路)"
# Longest alias first, so that at each position the longest spelling wins
# ("滨海高新区" before "高新区", "河西区" before "河西").  "河北" followed by "省" is the
# province, not the district; a short name (no 区 / 县) followed by a street word is
# a street.
_SCAN_RE = re.compile(
    "|".join(
        re.escape(a) + ("(?!省)" if a == "河北" else "")
        + (_STREET if a not in _SKIP and not a.endswith(("区", "县")) else "")
        for a in sorted((*_ALIASES, *_SKIP), key=len, reverse=True)
    )
)
_WS_RE = re.compile(r"\s+")
# six digits (GB/T 2260), or the 9- and 12-digit statistical division codes of a
# township or street (120117022, 120117022000): the first six name the district
_CODE_RE = re.compile(r"[0-9]{6}(?:[0-9]{3}(?:[0-9]{3})?)?")

_MISSING = District(None, None, None, ("district_missing",))
_UNKNOWN = District(None, None, None, ("district_unknown",))


def _from_code(code: str) -> District:
    if code in DISTRICTS:
        return District(code, DISTRICTS[code], None, ())
    if code in OLD_CODES:
        new = OLD_CODES[code]
        return District(new, DISTRICTS[new], None, ("district_alias",))
    return _UNKNOWN


@lru_cache(maxsize=4096)
def _from_text(text: str) -> District:
    s = _WS_RE.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not s:
        return _MISSING
    if s.isdigit():
        if _CODE_RE.fullmatch(s):
            return _from_code(s[:6])
        return _UNKNOWN
    exact = _ALIASES.get(s)
    if exact is not None:
        hits = [exact]
    else:
        hits = [_ALIASES[m] for m in _SCAN_RE.findall(s) if m not in _SKIP]
    named = [h for h in hits if h[1] is None]  # districts and old names
    zones = [h[1] for h in hits if h[1] is not None]
    if named:
        codes = {h[0] for h in named}
        if len(codes) > 1:
            return District(None, None, None, ("district_multiple",))
        code = named[0][0]
        zone = zones[0] if zones and code == BINHAI else None
        alias = all(h[2] for h in named)
        return District(code, DISTRICTS[code], zone, ("district_alias",) if alias else ())
    if zones:
        return District(BINHAI, DISTRICTS[BINHAI], zones[0], ("district_zone",))
    if any(w in s for w in AMBIGUOUS_ZONE_WORDS):
        return District(None, None, None, ("district_ambiguous_kaifaqu",))
    return _UNKNOWN


def normalise_district(value: object) -> District:
    """Normalise a district cell to its GB/T 2260 code (see the module notes).

    Parameters
    ----------
    value : str, int, float or None
        The cell as python-calamine or the csv reader returns it.

    Returns
    -------
    District
    """
    if value is None:
        return _MISSING
    if isinstance(value, bool):
        return _UNKNOWN
    if isinstance(value, int):
        return _from_code(str(value)) if 100000 <= value <= 999999 else _from_text(str(value))
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return _UNKNOWN
        return _from_text(str(int(value)))
    return _from_text(value if isinstance(value, str) else str(value))


# --- addresses ---------------------------------------------------------------------------

#: An address outside Tianjin: it starts with another province, region or city.
_ELSEWHERE_RE = re.compile(
    r"(?:中国)?(?:北京|上海|重庆|河北省|山西|内蒙古|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南"
    r"|湖北|湖南|广东|广西|海南|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|香港|澳门|台湾"
    r"|(?!天津)[\u4e00-\u9fff]{2,5}(?:省|自治区|自治州|市))")
_FROM_ADDRESS = ("district_from_address",)
_OUTSIDE = District(None, None, None, ("address_outside_tianjin",))


@lru_cache(maxsize=1 << 14)
def _address_text(text: str) -> District:
    s = _WS_RE.sub("", unicodedata.normalize("NFKC", text)).upper()
    if not s:
        return _MISSING
    for m in _SCAN_RE.finditer(s):
        alias = m.group()
        if alias in _SKIP:
            continue
        if m.start() == 0 or not _ELSEWHERE_RE.match(s):
            code, zone, old = _ALIASES[alias]
            reasons = _FROM_ADDRESS + (("district_alias",) if old else
                                       ("district_zone",) if zone else ())
            return District(code, DISTRICTS[code], zone, reasons)
        break
    if _ELSEWHERE_RE.match(s):
        return _OUTSIDE
    return _UNKNOWN


def district_from_address(value: object) -> District:
    """The district an address lies in: the first district, old county or district
    name, or functional zone named in it that is a place (河北路 and 西青道 are
    streets: ``天津市和平区河北路`` is 和平区), with ``district_from_address``.

    An address that starts with another province or city (``北京市朝阳区…``,
    ``河北省廊坊市…``) gives ``address_outside_tianjin`` and no code; one that names
    no district gives ``district_unknown`` (``district_missing`` when empty).
    """
    if value is None:
        return _MISSING
    return _address_text(value if isinstance(value, str) else str(value))


def district_from_sheet_name(name: str) -> District | None:
    """The district a sheet is named after (``和平区``, ``滨海新区名单``), or None:
    workbooks with one sheet per district have no district column."""
    found = _from_text(name)
    if found.code is None:
        return None
    return District(found.code, found.name, found.zone, ("district_from_sheet",))
