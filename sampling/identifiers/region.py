"""The region whose enterprises are surveyed: districts, their other names, area code.

A :class:`RegionFacts` is pure and immutable. Everything that reads a list file
(:func:`sampling.listfile.normalise.row_normaliser`, the district and phone rules
built from it by :func:`sampling.identifiers.district.district_rules` and
:func:`sampling.identifiers.phone.phone_rules`) and everything that shows a district
by name takes one as a parameter; nothing here reads settings or the environment.
The application builds one from its settings (``[region]`` in ``callcentre.toml``,
see :mod:`callcentre.settings`) and passes it on, to helper processes as well.

:data:`TIANJIN` is the built-in default: the evaluation's city (DESIGN §4), its
sixteen districts (GB/T 2260), their old county and district names and codes, and
the functional zones of 滨海新区.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

#: Provinces, autonomous regions and cities (as addresses start with them) that put an
#: address outside a region, unless the region's own names cover them. "河北省" is
#: spelled whole: "河北" alone is also a district of Tianjin.
PROVINCES: tuple[str, ...] = (
    "北京", "天津", "上海", "重庆", "河北省", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "江苏",
    "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川",
    "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)


@dataclass(frozen=True)
class DistrictFacts:
    """One current district (or county) of the region.

    Attributes
    ----------
    code : str
        Six-digit GB/T 2260 code.
    name : str
        Its current name (``和平区``).
    aliases : tuple of str
        Other spellings that name it as it is now (``和平``; ``滨海``, ``滨海新``).
    old_names : tuple of str
        Abolished counties or districts now part of it (``蓟县``, ``塘沽``): read as
        this district, with ``district_alias``.
    old_codes : tuple of str
        Their GB/T 2260 codes, read the same way.
    """

    code: str
    name: str
    aliases: tuple[str, ...] = ()
    old_names: tuple[str, ...] = ()
    old_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Zone:
    """A functional zone (开发区 …) that lies in one district, and its spellings."""

    name: str
    district: str
    spellings: tuple[str, ...]


@dataclass(frozen=True)
class RegionFacts:
    """Facts of the region whose enterprises are surveyed.

    Attributes
    ----------
    name : str
        ``天津市``.
    area_code : str
        Telephone area code with its trunk ``0`` (``022``): a bare local number
        (``local_digits`` long, first digit 2-9) is a landline of this area.
    service_numbers : tuple of str
        The survey's own outbound lines (local numbers in this area): set aside when
        a list names them, never kept as an enterprise's number.
    districts : tuple of DistrictFacts
    zones : tuple of Zone
        Functional zones; a zone named without its district gives that district
        (``district_zone``).
    own_names : tuple of str
        The region's own names as an address starts with them (``天津市``, ``天津``):
        read as one token, so that they never lend a character to a district
        (``天津南开区`` is 南开区, not 津南区), and never make an address "elsewhere".
    local_digits : int
        Length of a local number without the area code.
    ambiguous_zone_words : tuple of str
        Words naming "a development zone" without saying whose: a cell with only
        these gives ``district_ambiguous_kaifaqu`` and no code.
    """

    name: str = "天津市"
    area_code: str = "022"
    service_numbers: tuple[str, ...] = ("96599966", "96599977", "96599988")
    districts: tuple[DistrictFacts, ...] = ()
    zones: tuple[Zone, ...] = ()
    own_names: tuple[str, ...] = ("天津市", "天津")
    local_digits: int = 8
    ambiguous_zone_words: tuple[str, ...] = ("开发区", "经开区")

    def __post_init__(self) -> None:
        names = {d.code: d.name for d in self.districts}
        old_codes = {old: d.code for d in self.districts for old in d.old_codes}
        if len(names) != len(self.districts):
            raise ValueError(f"{self.name}: a district code is listed twice")
        bad = [z.name for z in self.zones if z.district not in names]
        if bad:
            raise ValueError(f"{self.name}: zones in no listed district: {bad}")
        digits = self.area_code[1:]
        if not (self.area_code.startswith("0") and digits.isdigit() and 2 <= len(digits) <= 3):
            raise ValueError(f"{self.name}: area code {self.area_code!r} is not 0 + 2-3 digits")
        # derived once (the region is immutable): lookups per row stay dict lookups
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_old_codes", old_codes)
        object.__setattr__(self, "_hash", hash(tuple(getattr(self, f.name)
                                                     for f in fields(self))))

    # hashed per sheet (rules are cached by region): computed once, not per lookup
    def __hash__(self) -> int:
        return self._hash  # type: ignore[attr-defined, no-any-return]

    def __getstate__(self) -> dict[str, Any]:
        # only the fields: the hash of text differs between processes
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        self.__post_init__()

    @property
    def district_names(self) -> dict[str, str]:
        """Code -> current name, in the order listed (a copy)."""
        return dict(self._names)  # type: ignore[attr-defined]

    def district_name(self, code: str) -> str | None:
        """The current name of district ``code``, or None when it is not one."""
        return self._names.get(code)  # type: ignore[attr-defined, no-any-return]

    def current_code(self, code: str) -> str | None:
        """``code`` when it is a current district, the district an old code became,
        or None."""
        if code in self._names:  # type: ignore[attr-defined]
            return code
        return self._old_codes.get(code)  # type: ignore[attr-defined, no-any-return]

    @property
    def area_digits(self) -> str:
        """The area code without its trunk 0 (``22``), as in E.164."""
        return self.area_code[1:]


# --- Tianjin ------------------------------------------------------------------------------

_BINHAI = "120116"

TIANJIN = RegionFacts(
    name="天津市",
    area_code="022",
    service_numbers=("96599966", "96599977", "96599988"),
    own_names=("天津市", "天津"),
    districts=(
        DistrictFacts("120101", "和平区", ("和平",)),
        DistrictFacts("120102", "河东区", ("河东",)),
        DistrictFacts("120103", "河西区", ("河西",)),
        DistrictFacts("120104", "南开区", ("南开",)),
        DistrictFacts("120105", "河北区", ("河北",)),
        DistrictFacts("120106", "红桥区", ("红桥",)),
        DistrictFacts("120110", "东丽区", ("东丽",)),
        DistrictFacts("120111", "西青区", ("西青",)),
        DistrictFacts("120112", "津南区", ("津南",)),
        DistrictFacts("120113", "北辰区", ("北辰",)),
        # old GB/T 2260 codes: 武清县 2000, 宝坻县 2001, the three Binhai districts
        # 2009, 宁河县 and 静海县 2015, 蓟县 2016
        DistrictFacts("120114", "武清区", ("武清",), ("武清县",), ("120222",)),
        DistrictFacts("120115", "宝坻区", ("宝坻",), ("宝坻县",), ("120224",)),
        DistrictFacts("120116", "滨海新区", ("滨海", "滨海新"),
                      ("塘沽区", "汉沽区", "大港区", "塘沽", "汉沽", "大港"),
                      ("120107", "120108", "120109")),
        DistrictFacts("120117", "宁河区", ("宁河",), ("宁河县",), ("120221",)),
        DistrictFacts("120118", "静海区", ("静海",), ("静海县",), ("120223",)),
        DistrictFacts("120119", "蓟州区", ("蓟州",), ("蓟县",), ("120225",)),
    ),
    zones=(
        Zone("天津经济技术开发区", _BINHAI,
             ("天津经济技术开发区", "天津经济开发区", "天津开发区", "泰达", "TEDA")),
        Zone("天津港保税区", _BINHAI, ("天津港保税区", "天津保税区", "保税区")),
        Zone("滨海高新区", _BINHAI, (
            "天津滨海高新技术产业开发区",
            "滨海高新技术产业开发区",
            "滨海高新区",
            "高新区",
            "华苑产业区",
            "华苑科技园",
            "华苑",
            "渤龙湖",
        )),
        Zone("东疆", _BINHAI, ("东疆保税港区", "东疆综合保税区", "东疆港", "东疆")),
        Zone("中新天津生态城", _BINHAI, ("中新天津生态城", "中新生态城", "天津生态城", "生态城")),
        Zone("空港经济区", _BINHAI, ("空港经济区", "空港")),
        Zone("临港经济区", _BINHAI, ("临港经济区", "临港工业区", "临港")),
        Zone("南港工业区", _BINHAI, ("南港工业区", "南港")),
        Zone("于家堡金融区", _BINHAI, ("于家堡金融区", "于家堡")),
    ),
)


def short_name(name: str) -> str | None:
    """A district's name without ``区``/``县`` (``和平区`` -> ``和平``), or None when
    that would leave fewer than two characters."""
    if name.endswith(("区", "县")) and len(name) >= 3:
        return name[:-1]
    return None
