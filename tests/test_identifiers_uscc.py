"""Credit-code normalisation (DESIGN §4): known codes, typos, numbers, old numbers."""

from __future__ import annotations

import pytest

from sampling.identifiers.reasons import REASONS
from sampling.identifiers.uscc import (
    ALPHABET,
    WEIGHTS,
    CreditCode,
    is_valid_uscc,
    normalise_credit_code,
    orgcode_check_char,
    uscc_check_char,
)

KNOWN_VALID = ("91110000600037341L", "121200004013590816", "91120116592938202F")


def test_weights_and_alphabet() -> None:
    assert WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    assert len(ALPHABET) == 31
    assert not set("IOSVZ") & set(ALPHABET)


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_known_valid(code: str) -> None:
    assert is_valid_uscc(code)
    assert uscc_check_char(code[:17]) == code[17]
    assert orgcode_check_char(code[8:16]) == code[16]
    assert normalise_credit_code(code) == CreditCode(code, code, None, ())


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_every_single_character_typo_rejected(code: str) -> None:
    """Every substitution at every position, by every other alphabet character."""
    count = 0
    for pos in range(18):
        for ch in ALPHABET:
            if ch == code[pos]:
                continue
            typo = code[:pos] + ch + code[pos + 1 :]
            got = normalise_credit_code(typo)
            assert got.code is None, typo
            assert got.reasons == ("uscc_bad_check",), typo
            assert not is_valid_uscc(typo)
            count += 1
    assert count == 18 * 30


@pytest.mark.parametrize("code", KNOWN_VALID)
@pytest.mark.parametrize("bad", list("IOSVZ*"))
def test_letters_outside_the_alphabet(code: str, bad: str) -> None:
    for pos in range(18):
        got = normalise_credit_code(code[:pos] + bad + code[pos + 1 :])
        assert got.code is None
        assert got.reasons == ("uscc_bad_char",)


def test_fast_check_matches_reference_loop() -> None:
    """The base-34 trick agrees with the plain weighted-sum definition."""
    import random

    rng = random.Random(7)
    for _ in range(3000):
        body = "".join(rng.choice(ALPHABET) for _ in range(17))
        code = body + uscc_check_char(body)
        assert normalise_credit_code(code).code == code
        wrong = body + ALPHABET[(ALPHABET.index(code[17]) + 1) % 31]
        assert normalise_credit_code(wrong).code is None


@pytest.mark.parametrize(
    "raw",
    [
        " 91120116592938202F ",
        "91120116592938202f",
        "９１１２０１１６５９２９３８２０２Ｆ",
        "９１１２０１１６５９２９３８２０２ｆ",
        "9112 0116 5929 3820 2F",
        "9112-0116-5929-3820-2F",
        "911201165929382０2F",
        "'91120116592938202F",
        "\u3000\t91120116592938202F\n",
        "9112011659293820—2F",
        "\ufeff91120116592938202F",
    ],
)
def test_normalised_forms(raw: str) -> None:
    got = normalise_credit_code(raw)
    assert got.code == "91120116592938202F"
    assert got.normalised == "91120116592938202F"
    assert got.reasons == ("uscc_normalised",)


@pytest.mark.parametrize("value", [None, "", "   ", "-", "\u3000"])
def test_missing(value: object) -> None:
    got = normalise_credit_code(value)
    assert got.code is None and got.reasons == ("uscc_missing",)
    assert got.normalised == ""


@pytest.mark.parametrize(
    "value",
    [
        9.1120116592938e17,
        911201165929382000.0,
        1.21200004013591e17,
        "9.1120116592938E+17",
        "9.1120116592938e+17",
        "1.21200004013591E17",
        "911201165929382000.0",
    ],
)
def test_excel_number_lost_digits(value: object) -> None:
    got = normalise_credit_code(value)
    assert got.code is None
    assert got.reasons[-1] == "uscc_float_lost"
    assert REASONS["uscc_float_lost"] == "reject_identify"


def test_float_normalised_text_shows_excel_digits() -> None:
    assert normalise_credit_code(9.1120116592938e17).normalised == "911201165929380000"


def test_exact_int_code_is_accepted() -> None:
    """A reader that kept an all-digit code as an exact int lost nothing."""
    got = normalise_credit_code(121200004013590816)
    assert got.code == "121200004013590816"
    assert got.reasons == ("uscc_normalised",)
    # an int whose digits fail the check is what Excel's rounding leaves behind
    assert normalise_credit_code(121200004013591000).reasons == ("uscc_float_lost",)


@pytest.mark.parametrize(
    "value",
    [
        "120000400001234",
        " 120000400001234 ",
        120000400001234,
        120000400001234.0,
        "1.20000400001234E14",
    ],
)
def test_old_registration_number(value: object) -> None:
    got = normalise_credit_code(value)
    assert got.code is None
    assert got.reg_no == "120000400001234"
    assert got.reasons[-1] == "uscc_regno15"
    assert REASONS["uscc_regno15"] == "warning"


def test_organisation_code_alone() -> None:
    got = normalise_credit_code("60003734-1")
    assert got.code is None
    assert got.normalised == "600037341"
    assert got.reasons == ("uscc_normalised", "uscc_orgcode9")


@pytest.mark.parametrize("value", ["9112011659293820", "911201165929382022F", "ABC", 12345, "无"])
def test_bad_length(value: object) -> None:
    got = normalise_credit_code(value)
    assert got.code is None
    assert got.reasons[-1] == "uscc_bad_length"


def test_orgcode_check_is_only_a_warning() -> None:
    # Build a code whose USCC check passes but whose organisation-code check fails.
    body = "91120116" + "59293820" + "3"  # org check should be "2"
    code = body + uscc_check_char(body)
    got = normalise_credit_code(code)
    assert got.code == code
    assert got.reasons == ("orgcode_check",)
    assert REASONS["orgcode_check"] == "warning"
    assert normalise_credit_code(code.lower()).reasons == ("uscc_normalised", "orgcode_check")


@pytest.mark.parametrize(
    ("body", "check"),
    [("60003734", "1"), ("40135908", "1"), ("59293820", "2"), ("00000000", "0"), ("D2143569", "X")],
)
def test_orgcode_check_char(body: str, check: str) -> None:
    assert orgcode_check_char(body) == check


def test_orgcode_check_char_x_and_zero() -> None:
    """11 - (sum mod 11): 10 is written X and 11 is written 0."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    seen = set()
    for n in range(0, 10**8, 9_999_991):
        body = f"{n:08d}"
        total = sum(int(c) * w for c, w in zip(body, weights))
        value = 11 - total % 11
        assert orgcode_check_char(body) == {10: "X", 11: "0"}.get(value, str(value))
        seen.add(orgcode_check_char(body))
    with pytest.raises(ValueError):
        orgcode_check_char("1234567")
    with pytest.raises(ValueError):
        orgcode_check_char("1234567!")


def test_result_is_frozen() -> None:
    got = normalise_credit_code(KNOWN_VALID[0])
    with pytest.raises(AttributeError):
        got.code = "x"  # type: ignore[misc]
    assert got.valid


def test_every_reason_is_catalogued() -> None:
    for raw in ("", "x", "91120116592938202G", "9112011659293820IF", 9.1e17, "120000400001234"):
        for code in normalise_credit_code(raw).reasons:
            assert code in REASONS
