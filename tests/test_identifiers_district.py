"""District normalisation (DESIGN §4): names, short names, codes, old names, zones."""

from __future__ import annotations

import pytest

from sampling.identifiers.district import (
    DISTRICTS,
    OLD_CODES,
    ZONES,
    District,
    normalise_district,
)
from sampling.identifiers.reasons import REASONS

EXPECTED = {
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


def test_the_sixteen_districts() -> None:
    assert DISTRICTS == EXPECTED


@pytest.mark.parametrize(("code", "name"), sorted(EXPECTED.items()))
def test_every_district_by_name_short_name_code(code: str, name: str) -> None:
    want = District(code, name, None, ())
    short = "滨海" if name == "滨海新区" else name[:-1]
    for value in (
        name,
        short,
        f" {name} ",
        "天津市" + name,
        "天津" + name,
        "中国天津市" + name,
        "天津市" + short,
        " ".join(name),
        name + "某某街道某某路1号",
        "天津市" + name + "某某路",
        code,
        int(code),
        float(code),
        code + "000000",
        "".join(chr(ord(c) + 0xFEE0) for c in code),  # full-width digits
    ):
        assert normalise_district(value) == want, value


@pytest.mark.parametrize(
    ("old", "code"),
    [
        ("蓟县", "120119"),
        ("天津市蓟县", "120119"),
        ("宁河县", "120117"),
        ("静海县", "120118"),
        ("宝坻县", "120115"),
        ("武清县", "120114"),
        ("塘沽", "120116"),
        ("塘沽区", "120116"),
        ("汉沽", "120116"),
        ("汉沽区", "120116"),
        ("大港", "120116"),
        ("大港区", "120116"),
        ("天津市塘沽区某某路", "120116"),
    ],
)
def test_old_names(old: str, code: str) -> None:
    assert normalise_district(old) == District(code, EXPECTED[code], None, ("district_alias",))
    assert REASONS["district_alias"] == "info"


@pytest.mark.parametrize(("old", "new"), sorted(OLD_CODES.items()))
def test_old_codes(old: str, new: str) -> None:
    assert normalise_district(old).code == new
    assert normalise_district(int(old)).reasons == ("district_alias",)


def test_old_codes_table() -> None:
    assert OLD_CODES == {
        "120222": "120114",
        "120224": "120115",
        "120107": "120116",
        "120108": "120116",
        "120109": "120116",
        "120221": "120117",
        "120223": "120118",
        "120225": "120119",
    }


ZONE_CASES = [
    ("天津经济技术开发区", "天津经济技术开发区"),
    ("泰达", "天津经济技术开发区"),
    ("TEDA", "天津经济技术开发区"),
    ("teda", "天津经济技术开发区"),
    ("ＴＥＤＡ", "天津经济技术开发区"),
    ("天津开发区", "天津经济技术开发区"),
    ("天津经济技术开发区第三大街", "天津经济技术开发区"),
    ("保税区", "天津港保税区"),
    ("天津港保税区", "天津港保税区"),
    ("滨海高新区", "滨海高新区"),
    ("高新区", "滨海高新区"),
    ("天津滨海高新技术产业开发区", "滨海高新区"),
    ("华苑", "滨海高新区"),
    ("华苑产业区", "滨海高新区"),
    ("东疆", "东疆"),
    ("东疆保税港区", "东疆"),
    ("东疆综合保税区", "东疆"),
    ("中新天津生态城", "中新天津生态城"),
    ("生态城", "中新天津生态城"),
    ("空港", "空港经济区"),
    ("空港经济区", "空港经济区"),
    ("临港", "临港经济区"),
    ("临港经济区", "临港经济区"),
    ("南港", "南港工业区"),
    ("南港工业区", "南港工业区"),
    ("于家堡", "于家堡金融区"),
    ("天津市于家堡", "于家堡金融区"),
]


@pytest.mark.parametrize(("value", "zone"), ZONE_CASES)
def test_functional_zones(value: str, zone: str) -> None:
    assert normalise_district(value) == District("120116", "滨海新区", zone, ("district_zone",))


def test_every_zone_spelling_is_covered() -> None:
    for zone, spellings in ZONES.items():
        for spelling in spellings:
            got = normalise_district(spelling)
            assert (got.code, got.zone) == ("120116", zone), spelling


def test_zone_with_binhai_named() -> None:
    assert normalise_district("滨海新区泰达") == District(
        "120116", "滨海新区", "天津经济技术开发区", ()
    )


@pytest.mark.parametrize(
    "value", ["开发区", "经济技术开发区", "经开区", "天津市开发区", " 开 发 区 "]
)
def test_bare_kaifaqu_is_ambiguous(value: str) -> None:
    assert normalise_district(value) == District(None, None, None, ("district_ambiguous_kaifaqu",))
    assert REASONS["district_ambiguous_kaifaqu"] == "warning"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("西青开发区", "120111"),
        ("西青经济技术开发区", "120111"),
        ("武清开发区", "120114"),
        ("北辰经济技术开发区", "120113"),
        ("东丽开发区", "120110"),
        ("静海经济开发区", "120118"),
        ("滨海新区开发区", "120116"),
    ],
)
def test_kaifaqu_with_a_district_is_that_district(value: str, code: str) -> None:
    got = normalise_district(value)
    assert got.code == code
    assert "district_ambiguous_kaifaqu" not in got.reasons


def test_district_name_beats_zone() -> None:
    assert normalise_district("南开区华苑街道") == District("120104", "南开区", None, ())


def test_two_districts_are_flagged() -> None:
    assert normalise_district("和平区/河西区").reasons == ("district_multiple",)
    assert normalise_district("和平区/河西区").code is None


def test_binhai_and_its_old_parts_agree() -> None:
    assert normalise_district("滨海新区塘沽") == District("120116", "滨海新区", None, ())


@pytest.mark.parametrize("value", [None, "", "  ", "\u3000"])
def test_missing(value: object) -> None:
    assert normalise_district(value).reasons == ("district_missing",)


@pytest.mark.parametrize(
    "value",
    ["北京市朝阳区", "河北省廊坊市", "120100", "120000", "110101", 999999, "市内", 1.5, "abc"],
)
def test_unknown(value: object) -> None:
    assert normalise_district(value) == District(None, None, None, ("district_unknown",))
