"""Enterprise names and the reason catalogue of the identifiers area."""

from __future__ import annotations

import pytest

from callcentre.i18n import catalogue
from callcentre.i18n.messages_identifiers import MESSAGES
from sampling.identifiers.names import check_name, name_key, normalise_name
from sampling.identifiers.reasons import REASONS, SEVERITIES, severity, worst


@pytest.mark.parametrize(
    ("raw", "want"),
    [
        ("天津某某科技有限公司", "天津某某科技有限公司"),
        ("  天津某某科技有限公司  ", "天津某某科技有限公司"),
        ("某某(天津)有限公司", "某某（天津）有限公司"),
        ("某某（天津）有限公司", "某某（天津）有限公司"),
        ("某某 ( 天津 ) 有限公司", "某某（天津）有限公司"),
        ("天津 某某  科技有限公司", "天津某某科技有限公司"),
        ("ＡＢＣ（天津）有限公司", "ABC（天津）有限公司"),
        ("ABC   Trading  Co., Ltd.", "ABC Trading Co., Ltd."),
        ("天津\t某某\n公司", "天津某某公司"),
        ("天津\u3000某某公司", "天津某某公司"),
        ("某某公司\u00a0", "某某公司"),
        (None, ""),
        (123.0, "123"),
    ],
)
def test_normalise_name(raw: object, want: str) -> None:
    assert normalise_name(raw) == want


def test_normalise_is_idempotent() -> None:
    for raw in ("某某 (天津) 有限公司", "ＡＢＣ　Co.", "a  b"):
        once = normalise_name(raw)
        assert normalise_name(once) == once


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("某某（天津）有限公司", "某某(天津)有限公司"),
        ("某某（天津）有限公司", " 某某 （天津） 有限公司。"),
        ("ABC Trading Co., Ltd.", "abc trading co ltd"),
        ("天津市某某·科技有限公司", "天津市某某科技有限公司"),
        ("某某-科技有限公司", "某某科技有限公司"),
        ("“某某”科技有限公司", "某某科技有限公司"),
    ],
)
def test_name_key_ignores_spacing_punctuation_case(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("某某（天津）有限公司", "某某（北京）有限公司"),
        ("某某科技有限公司", "某某科技有限责任公司"),
        ("某某一公司", "某某二公司"),
    ],
)
def test_name_key_keeps_identity(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_check_name() -> None:
    assert check_name("某某公司") == ("某某公司", ())
    assert check_name(" 某某公司") == ("某某公司", ("name_normalised",))
    assert check_name(None) == ("", ("name_missing",))
    assert check_name("-") == ("-", ("name_missing",))
    assert check_name("  ") == ("", ("name_missing",))


# --- the reason catalogue -----------------------------------------------------------------


def test_every_reason_has_a_valid_severity() -> None:
    assert set(REASONS.values()) <= set(SEVERITIES)
    assert severity("uscc_bad_check") == "reject_identify"
    assert severity("phone_none_valid") == "reject_call"
    with pytest.raises(KeyError, match="nope"):
        severity("nope")


def test_worst() -> None:
    assert worst(()) is None
    assert worst(("phone_float", "orgcode_check")) == "warning"
    assert worst(("phone_float", "phone_none_valid")) == "reject_call"


@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_has_a_chinese_explanation(code: str) -> None:
    key = f"reason.{code}"
    assert key in MESSAGES
    zh, en = MESSAGES[key]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), zh
    assert en.strip()
    assert catalogue()[key] == (zh, en)


def test_no_explanation_without_a_reason() -> None:
    reason_keys = {k for k in MESSAGES if k.startswith("reason.")}
    assert reason_keys == {f"reason.{c}" for c in REASONS}


def test_every_severity_has_a_name() -> None:
    for sev in SEVERITIES:
        assert f"identifiers.severity.{sev}" in MESSAGES


def test_sampling_identifiers_imports_stay_pure() -> None:
    import ast
    from pathlib import Path

    import sampling.identifiers as pkg

    banned = ("textual", "sqlalchemy", "sqlmodel", "callcentre")
    for path in Path(pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(banned), f"{path.name} imports {name}"


@pytest.mark.parametrize("name", [
    "天津某某科技有限公司", "某某（天津）有限公司", "ABC Trading（天津）Co.", "某某_有限公司",
    "某某·有限公司", "某某有限公司。", "Ⅻ号店", "①某某", "某某有限公司🙂", "（）", "（", "_",
    "ÄÖÜ Straße（天津）", "某某\u3000有限公司", "",
])
def test_key_fast_path_is_the_regex(name: str) -> None:
    """key_of_normalised's shortcut gives exactly what the regex gives."""
    import re

    from sampling.identifiers.names import key_of_normalised

    normalised = normalise_name(name)
    assert key_of_normalised(normalised) == re.sub(r"[\W_]+", "", normalised).casefold()
