"""Row-level normalisation: a sheet's column map applied to a row's cells."""

from __future__ import annotations

from sampling.identifiers.reasons import REASONS
from sampling.listfile.normalise import NORMALISED_FIELDS, normalise_row, row_normaliser, row_status

COLUMNS = {"seq": 0, "name": 1, "uscc": 2, "phone": 3, "district": 4, "contact": 5}


def test_a_clean_row() -> None:
    row = normalise_row(COLUMNS, [1.0, "天津某某科技有限公司", "91120116670656092H",
                                  "13945388387", "滨海新区", " 董华 "])
    assert set(row) == set(NORMALISED_FIELDS)
    assert row["uscc"] == "91120116670656092H"
    assert row["phones"] == (("+8613945388387", None, "mobile"),)
    assert (row["phone_e164"], row["phone_ext"]) == ("+8613945388387", None)
    assert row["district_code"] == "120116"
    assert row["contact"] == "董华"
    assert row["business"] == ""           # no such column
    assert row_status(row["reasons"]) == "accepted"


def test_several_phones_and_an_extension_as_text() -> None:
    row = normalise_row(COLUMNS, [2, "某某", "", "022-23456789转801；13812345678", "", ""])
    assert row["phones_text"] == "+862223456789 ext 801;+8613812345678"
    assert row["phone_ext"] == "801"
    assert "uscc_missing" in row["reasons"]


def test_a_short_csv_record_is_padded() -> None:
    row = normalise_row(COLUMNS, ["3", "某某有限公司"])
    assert row["name"] == "某某有限公司"
    assert row["uscc"] is None and row["phones"] == ()
    assert "phone_missing" in row["reasons"] and "district_missing" in row["reasons"]
    assert row_status(row["reasons"]) == "rejected"


def test_no_name_and_no_code_cannot_be_identified() -> None:
    reasons = normalise_row(COLUMNS, [4, "", "", "13812345678", "和平区", ""])["reasons"]
    assert reasons[-2:] == ("name_missing", "not_identifiable")
    with_code = normalise_row(COLUMNS, [4, "-", "91120116670656092H", "13812345678", "", ""])
    assert with_code["reasons"][-1] == "name_missing"


def test_memoised_text_and_numbers_agree() -> None:
    """Text cells go through the caches, numbers do not; a float phone is flagged."""
    normalise = row_normaliser(COLUMNS)
    text = normalise([1, "某某", "", "13812345678", "", ""])
    again = normalise([1, "某某", "", "13812345678", "", ""])
    number = normalise([1, "某某", "", 13812345678.0, "", ""])
    assert text == again
    assert number[NORMALISED_FIELDS.index("phones")] == text[NORMALISED_FIELDS.index("phones")]
    assert "phone_float" in number[-1] and "phone_float" not in text[-1]


def test_contact_and_business_memoised_as_computed() -> None:
    """NFKC and trimmed, the first time and from the cache; numbers written as text;
    an empty cell (not kept: "" is falsy) stays empty."""
    columns = {**COLUMNS, "business": 6}
    normalise = row_normaliser(columns)
    contact, business = (NORMALISED_FIELDS.index(f) for f in ("contact", "business"))
    for _ in range(2):
        row = normalise([1, "某某", "", "13812345678", "", " 董华\u3000", "食品经营许可 "])
        assert (row[contact], row[business]) == ("董华", "食品经营许可")
        number = normalise([1, "某某", "", "13812345678", "", 12.0, None])
        assert (number[contact], number[business]) == ("12", "")
        empty = normalise([1, "某某", "", "13812345678", "", "", "  "])
        assert (empty[contact], empty[business]) == ("", "")


def test_memo_keeps_text_apart_from_numbers_and_forgets_the_oldest(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A district code as text and as a number, an old code as text: each gives its
    own result however the cache was filled, also once the oldest entries are dropped."""
    import sampling.listfile.normalise as N

    known, compute = N._memo(lambda v: (type(v).__name__, v))
    assert known("1") is None
    assert compute("1") == ("str", "1") and known("1") == ("str", "1")
    assert known(1.0) is None and compute(1.0) == ("float", 1.0)
    assert known(1) is None          # numbers are never kept
    monkeypatch.setattr(N, "_CACHE", 4)
    for text in ("2", "3", "4", "5"):  # full at "5": the oldest ("1") goes
        compute(text)
    assert known("1") is None
    assert known("2") == ("str", "2") and known("5") == ("str", "5")

    normalise = row_normaliser(COLUMNS)
    code = NORMALISED_FIELDS.index("district_code")
    as_text = normalise([1, "某某", "", "13812345678", "120101", ""])
    as_number = normalise([1, "某某", "", "13812345678", 120101.0, ""])
    assert as_text[code] == as_number[code] == "120101"
    for _ in range(3):                # whatever the cache holds by now
        assert normalise([1, "某某", "", "13812345678", "120101", ""]) == as_text


PHONES = {"name": 0, "uscc": 1, "phone": 2, "phone_2": 3, "district": 4}


def test_several_phone_columns_are_combined_in_column_order() -> None:
    row = normalise_row(PHONES, ["某某", "", "022-23456789", "13812345678", ""])
    assert row["phones"] == (("+862223456789", None, "fixed"), ("+8613812345678", None, "mobile"))
    assert row["phone_e164"] == "+862223456789"
    assert row["phones_text"] == "+862223456789;+8613812345678"
    assert "phone_multiple" in row["reasons"] and "phone_missing" not in row["reasons"]


def test_an_empty_first_phone_column_is_skipped() -> None:
    for empty in (None, "", "  "):
        row = normalise_row(PHONES, ["某某", "", empty, "13812345678", ""])
        assert row["phones"] == (("+8613812345678", None, "mobile"),)
        assert "phone_missing" not in row["reasons"] and "phone_multiple" not in row["reasons"]
    row = normalise_row(PHONES, ["某某", "", None, None, ""])
    assert row["phones"] == () and "phone_missing" in row["reasons"]


def test_number_cells_combined_as_the_phone_rules_read_them() -> None:
    """13812345678.0 (a number, or float text) is 13812345678, not an invalid piece."""
    normalise = row_normaliser(PHONES)
    phones, reasons = NORMALISED_FIELDS.index("phones"), NORMALISED_FIELDS.index("reasons")
    for mobile in (13812345678.0, 13812345678, "13812345678.0", "1.3812345678E10"):
        row = normalise(["某某", "", mobile, "022-23456789", ""])
        assert row[phones] == (("+8613812345678", None, "mobile"),
                               ("+862223456789", None, "fixed"))
        assert "phone_invalid" not in row[reasons] and "phone_float" in row[reasons]
    text = normalise(["某某", "", "13812345678", "022-23456789", ""])
    assert "phone_float" not in text[reasons]
    assert list(text[reasons]) == sorted(text[reasons], key=list(REASONS).index)


def test_one_phone_column_unchanged_by_extra_phone_columns() -> None:
    """A lone non-empty cell of several phone columns gives what one column gives."""
    single = row_normaliser({"name": 0, "uscc": 1, "phone": 2, "district": 4})
    several = row_normaliser(PHONES)
    for cell in ("13812345678", 13812345678.0, "022-23456789转801", "abc", "12345"):
        assert several(["某某", "", cell, None, ""]) == single(["某某", "", cell, None, ""])
        assert several(["某某", "", None, cell, ""]) == single(["某某", "", cell, None, ""])
