"""Phone normalisation (DESIGN §4): pre-parse forms, splitting, fast path = phonenumbers."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from sampling.identifiers import phone as P
from sampling.identifiers.phone import (
    SERVICE_NUMBERS,
    Phone,
    PhoneResult,
    mask_phone,
    normalise_phones,
    phone_cell_text,
)
from sampling.identifiers.reasons import REASONS

MOB = "+8613812345678"
MOB2 = "+8613987654321"
TJ = "+862223456789"


def e164s(value: object) -> list[str]:
    return [p.e164 for p in normalise_phones(value).phones]


# --- single numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "reasons"),
    [
        ("13812345678", ()),
        (" 13812345678 ", ()),
        ("138 1234 5678", ()),
        ("138-1234-5678", ()),
        ("１３８１２３４５６７８", ()),
        ("+8613812345678", ()),
        ("+86 138 1234 5678", ()),
        ("+86-13812345678", ()),
        ("＋８６　１３８１２３４５６７８", ()),
        ("(+86)13812345678", ()),
        ("0086 13812345678", ()),
        ("008613812345678", ()),
        ("8613812345678", ()),
        (13812345678, ("phone_float",)),
        (13812345678.0, ("phone_float",)),
        ("13812345678.0", ("phone_float",)),
        ("1.3812345678E10", ("phone_float",)),
        ("1.3812345678e+10", ("phone_float",)),
        ("手机：13812345678", ()),
        ("13812345678（张经理）", ()),
    ],
)
def test_mobile_forms(value: object, reasons: tuple[str, ...]) -> None:
    got = normalise_phones(value)
    assert got.phones == (Phone(MOB, None, "mobile"),)
    assert got.primary == Phone(MOB, None, "mobile")
    assert got.invalid == ()
    assert got.reasons == reasons


@pytest.mark.parametrize(
    ("value", "reasons"),
    [
        ("022-23456789", ()),
        ("02223456789", ()),
        ("022 2345 6789", ()),
        ("022 23456789", ()),
        ("(022)23456789", ()),
        ("（022）23456789", ()),
        ("(022) 2345-6789", ()),
        ("022—23456789", ()),
        ("+86 22 2345 6789", ()),
        ("+86-22-23456789", ()),
        ("0086 22 23456789", ()),
        ("2223456789", ()),
        ("23456789", ("phone_local8",)),
        ("2345 6789", ("phone_local8",)),
        ("2345-6789", ("phone_local8",)),
        (23456789, ("phone_float", "phone_local8")),
        (23456789.0, ("phone_float", "phone_local8")),
        ("23456789.0", ("phone_float", "phone_local8")),
        ("2.3456789E7", ("phone_float", "phone_local8")),
        ("座机:022-23456789", ()),
    ],
)
def test_tianjin_landline_forms(value: object, reasons: tuple[str, ...]) -> None:
    got = normalise_phones(value)
    assert got.phones == (Phone(TJ, None, "fixed"),)
    assert got.reasons == reasons
    assert got.phones[0].national == "02223456789"


@pytest.mark.parametrize("first", "23456789")
def test_bare_eight_digits_start_2_to_9(first: str) -> None:
    got = normalise_phones(first + "3456789")
    assert got.phones == (Phone("+8622" + first + "3456789", None, "fixed"),)
    assert "phone_local8" in got.reasons


def test_bare_eight_digits_starting_0_or_1_are_not_tianjin() -> None:
    for value in ("13456789", "03456789"):
        got = normalise_phones(value)
        assert got.phones == ()
        assert "phone_local8" not in got.reasons


@pytest.mark.parametrize(
    ("value", "ext"),
    [
        ("022-23456789转123", "123"),
        ("022-23456789 转 123", "123"),
        ("022-23456789转8001", "8001"),
        ("022-23456789分机123", "123"),
        ("022-23456789 分机号：123", "123"),
        ("022-23456789 ext 123", "123"),
        ("022-23456789 ext. 123", "123"),
        ("022-23456789EXT123", "123"),
        ("022-23456789-ext123", "123"),
        ("022-23456789 x123", "123"),
        ("022-23456789#123", "123"),
        ("022-23456789-123", "123"),
        ("022-23456789-8001", "8001"),
        ("23456789转123", "123"),
        ("022－23456789转１２３", "123"),
    ],
)
def test_extensions(value: str, ext: str) -> None:
    got = normalise_phones(value)
    assert got.phones == (Phone(TJ, ext, "fixed"),)
    assert "phone_extension" in got.reasons
    assert got.invalid == ()


def test_dash_after_a_mobile_is_not_an_extension() -> None:
    got = normalise_phones("13812345678-123")
    assert got.phones == (Phone(MOB, None, "mobile"),)
    assert got.invalid == ("123",)


# --- several numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678/13987654321",
        "13812345678 / 13987654321",
        "13812345678、13987654321",
        "13812345678；13987654321",
        "13812345678;13987654321",
        "13812345678,13987654321",
        "13812345678，13987654321",
        "13812345678 13987654321",
        "13812345678  13987654321",
        "13812345678\n13987654321",
        "13812345678-13987654321",
        "138 1234 5678 139 8765 4321",
        "张13812345678 李13987654321",
        "13812345678/13812345678/13987654321",
    ],
)
def test_two_mobiles(value: str) -> None:
    got = normalise_phones(value)
    assert e164s(value) == [MOB, MOB2]
    assert got.primary is not None and got.primary.e164 == MOB
    assert got.reasons == ("phone_multiple",)


@pytest.mark.parametrize(
    "value",
    [
        "022-23456789/13812345678",
        "022 2345 6789 13812345678",
        "02223456789 13812345678",
        "23456789 13812345678",
        "(022)23456789、13812345678",
        "座机022-23456789 手机13812345678",
    ],
)
def test_landline_then_mobile_in_order(value: str) -> None:
    assert e164s(value) == [TJ, MOB]


def test_order_is_cell_order() -> None:
    assert e164s("13987654321/022-23456789/13812345678") == [MOB2, TJ, MOB]


def test_invalid_piece_kept_and_valid_primary() -> None:
    got = normalise_phones("1234/13812345678")
    assert got.primary == Phone(MOB, None, "mobile")
    assert got.invalid == ("1234",)
    assert got.reasons == ("phone_invalid",)
    assert REASONS["phone_invalid"] == "warning"


def test_list_numbering_is_noise() -> None:
    got = normalise_phones("1.13812345678 2.13987654321")
    assert e164s("1.13812345678 2.13987654321") == [MOB, MOB2]
    assert got.invalid == ()


# --- invalid, missing, service ---------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   ", "无", "暂无", "-", "/"])
def test_missing(value: object) -> None:
    got = normalise_phones(value)
    assert got == PhoneResult((), (), ("phone_missing",))
    assert got.primary is None


@pytest.mark.parametrize(
    "value", ["138123456789", "1381234567", "14912345678", "022-2345678", "0000000000"]
)
def test_none_valid(value: str) -> None:
    got = normalise_phones(value)
    assert got.phones == ()
    assert got.invalid != ()
    assert got.reasons == ("phone_invalid", "phone_none_valid")
    assert REASONS["phone_none_valid"] == "reject_call"


@pytest.mark.parametrize("number", SERVICE_NUMBERS)
@pytest.mark.parametrize("form", ["{n}", "022-{n}", "+8622{n}", "(022){n}", "{n}.0"])
def test_service_numbers_are_not_respondent_numbers(number: str, form: str) -> None:
    got = normalise_phones(form.format(n=number))
    assert got.phones == ()
    assert got.service == ("+8622" + number,)
    assert "phone_service_number" in got.reasons
    assert "phone_none_valid" in got.reasons


def test_service_number_next_to_a_real_one() -> None:
    got = normalise_phones("96599966/13812345678")
    assert got.phones == (Phone(MOB, None, "mobile"),)
    assert got.reasons == ("phone_service_number",)


def test_special_numbers() -> None:
    got = normalise_phones("400-123-4567")
    assert got.phones == (Phone("+864001234567", None, "fixed"),)
    assert got.reasons == ("phone_special",)
    assert got.phones[0].national == "4001234567"


def test_other_cities_and_carrier_prefix() -> None:
    assert normalise_phones("010-12345678").phones == (Phone("+861012345678", None, "fixed"),)
    assert normalise_phones("0755-12345678").phones == (Phone("+8675512345678", None, "fixed"),)
    # a carrier-selection prefix (17951) is stripped by phonenumbers
    assert e164s("1795113812345678") == [MOB]


# --- the fast path gives exactly phonenumbers' answer -------------------------------------


def _library(digits: str) -> tuple[str, int] | None:
    try:
        num = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num):
        return None
    return (
        phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.number_type(num),
    )


def test_fast_classification_equals_phonenumbers() -> None:
    rng = random.Random(20240601)
    samples: list[str] = []
    for _ in range(1500):
        mobile = "1" + "".join(rng.choice("0123456789") for _ in range(10))
        tj = "22" + "".join(rng.choice("0123456789") for _ in range(8))
        samples += [mobile, "+86" + mobile, "0086" + mobile, tj, "0" + tj, "+86" + tj, "0086" + tj]
    # every 3- and 4-digit mobile prefix, valid or not
    samples += [f"1{p:02d}12345678" for p in range(100)]
    samples += [f"1{p:03d}1234567" for p in range(1000)]
    samples += [f"22{p:02d}345678" for p in range(100)]
    # other two-digit areas (2x) take the same fast path
    for area in range(20, 30):
        local = "".join(rng.choice("0123456789") for _ in range(8))
        samples += [f"{area}{local}", f"0{area}{local}", f"+86{area}{local}", f"0086{area}{local}"]
        samples += [f"{area}{p:02d}345678" for p in range(100)]
    for s in samples:
        assert P._classify(s) == _library(s), s


def test_cn_type_equals_phonenumbers_number_type() -> None:
    rng = random.Random(5)
    for _ in range(3000):
        n = rng.choice((7, 8, 9, 10, 11, 12))
        nn = rng.choice("123456789") + "".join(rng.choice("0123456789") for _ in range(n - 1))
        num = phonenumbers.PhoneNumber(country_code=86, national_number=int(nn))
        assert P._cn_type(nn) == phonenumbers.number_type(num), nn


def test_whole_pipeline_equals_phonenumbers_on_plain_cells() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        mobile = "1" + "".join(rng.choice("0123456789") for _ in range(10))
        got = normalise_phones(mobile)
        ref = _library(mobile)
        if ref is None:
            assert got.phones == ()
        else:
            assert got.phones[0].e164 == ref[0]
            assert got.phones[0].kind == (
                "mobile" if ref[1] == phonenumbers.PhoneNumberType.MOBILE else "fixed"
            )


# --- masking ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+8613812345678", "138****5678"),
        ("13812345678", "138****5678"),
        ("+862223456789", "022****6789"),
        ("+862223456789 ext 12", "022****6789转12"),
        ("022-23456789转123", "022****6789转123"),
        ("12345", "***45"),
        ("", ""),
    ],
)
def test_mask_phone(text: str, masked: str) -> None:
    assert mask_phone(text) == masked


def test_phone_masked_property() -> None:
    assert Phone(MOB, None, "mobile").masked == "138****5678"


def test_reasons_are_catalogued_and_ordered() -> None:
    order = list(REASONS)
    for value in ("23456789/96599966/12345/13812345678转1", 13812345678.0, "400-123-4567"):
        reasons = normalise_phones(value).reasons
        assert all(r in REASONS for r in reasons)
        assert list(reasons) == sorted(reasons, key=order.index)


def test_shortcuts_give_the_tokenisers_answer() -> None:
    """The whole-cell and split-at-separators shortcuts never change a result."""
    rng = random.Random(99)
    pieces = [
        "13812345678",
        "139 8765 4321",
        "+86 13812345678",
        "022-23456789",
        "(022)2345 6789",
        "23456789",
        "96599966",
        "12345",
        "14912345678",
        "400-123-4567",
        "010-12345678",
        "1",
        "",
    ]
    seps = ["/", "、", ";", "；", ",", "，", " / ", "\n", " "]
    for _ in range(3000):
        k = rng.randint(1, 4)
        cell = rng.choice(seps).join(rng.choice(pieces) for _ in range(k))
        if not cell.strip():
            continue
        assert P._parse_text(cell) == P._tokenise(cell), cell


@pytest.mark.parametrize("value", [13812345678, 13812345678.0, 23456789.0, 2223456789, 12345.0])
def test_numeric_cells_equal_their_text(value: float) -> None:
    text = str(int(value))
    want = P._tokenise(text)
    got = normalise_phones(value)
    assert got.phones == want.phones
    assert got.invalid == want.invalid
    assert "phone_float" in got.reasons


@pytest.mark.parametrize("cell", [
    13812345678.0, 13812345678, "13812345678.0", "1.3812345678E10", " 13812345678 ",
    "022-23456789转801", 2223456789.0, 23456789, 1.5, True, "", "+8613812345678",
    "13812345678/13912345678",
])
def test_phone_cell_text_converts_as_normalise_phones_does(cell: object) -> None:
    """Several phone columns are joined as text (phone_cell_text): each cell's numbers
    and float flag must be what the cell gives on its own."""
    text, was_number = phone_cell_text(cell)
    alone, joined = normalise_phones(cell), normalise_phones(text)
    assert alone.phones == joined.phones
    assert ("phone_float" in alone.reasons) == (was_number and bool(alone.phones))
