"""Every message key the code uses exists in the catalogue, in both languages.

What is checked statically, over every module outside ``callcentre/i18n/``:

- every string literal shaped like a key (``area.word[.word…]``) whose first part is one of
  the catalogue's areas (``import``, ``sample``, ``cli`` …) is a key of the catalogue: this
  covers ``t("…")``, ``UserError("…")``, ``message("…")`` and keys kept in tables;
- every f-string used as a key (``t(f"reason.{code}")``) has its literal prefix shared by at
  least one key. The values filled in cannot be known statically: their families are checked
  where the values are defined (reason codes in ``tests/test_identifiers_*.py``, questionnaire
  statuses in ``tests/test_questionnaire_messages.py`` …);
- a call ``t("key", a=…, b=…)`` (or ``UserError``, ``message``) with a literal key and no
  ``**params`` supplies every ``{placeholder}`` of both texts, so showing it cannot fail.

Every catalogue entry has a non-empty Chinese and English text.
"""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from callcentre.i18n import catalogue

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("callcentre", "sampling", "questionnaires")
KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
PREFIX = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*[._][a-z0-9_]*")
NOT_KEYS = re.compile(r".*\.(?:xlsx|xls|csv|db|json|txt|py|md|log|ini|toml|tsv)")
KEY_CALLS = {"t", "has", "UserError", "message", "bad"}


def _sources() -> Iterator[tuple[str, ast.AST]]:
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if rel.parts[:2] == ("callcentre", "i18n") or "migrations" in rel.parts:
                continue
            yield str(rel), ast.parse(path.read_text(encoding="utf-8"))


def _areas() -> set[str]:
    return {key.split(".")[0] for key in catalogue()}


def _placeholders(text: str) -> set[str]:
    return {field.split(".")[0].split("[")[0].split("!")[0]
            for _, field, _, _ in string.Formatter().parse(text) if field}


def _in_fstring(tree: ast.AST) -> set[int]:
    return {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
            for part in node.values}


def _not_messages(tree: ast.AST) -> set[int]:
    """Dotted names that are not message keys: permissions (``require(actor,
    "sample.draw")``, ``actor.may(…)``, the keys of ``PERMISSIONS``) and audit
    actions (``record(…, action="import.file")``); foreign keys (``"wave.id"``); the ids
    of the TUI's key bindings (``Binding(…, id="case.dial")``)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("require", "may"):
                out.update(id(a) for a in node.args)
            for k in node.keywords:
                # an audit action, a column, a key binding's id (``Binding(id="case.dial")``)
                if k.arg in ("action", "foreign_key", "id"):
                    out.update(id(n) for n in ast.walk(k.value))
        elif isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(getattr(t, "id", "") == "PERMISSIONS" for t in targets):
                out.update(id(k) for k in node.value.keys if k is not None)
    return out


def test_literal_keys_exist() -> None:
    keys, areas = catalogue(), _areas()
    used: dict[str, str] = {}
    for rel, tree in _sources():
        skip = _in_fstring(tree) | _not_messages(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and id(node) not in skip and KEY.fullmatch(node.value)
                    and node.value.split(".")[0] in areas and not NOT_KEYS.fullmatch(node.value)):
                used.setdefault(node.value, f"{rel}:{node.lineno}")
    assert len(used) > 200  # the scan sees the code's keys
    assert {k: where for k, where in used.items() if k not in keys} == {}


def test_fstring_key_families_exist() -> None:
    keys = catalogue()
    families: dict[str, str] = {}
    for rel, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            if name in KEY_CALLS and isinstance(first, ast.JoinedStr):
                head = first.values[0]
                prefix = head.value if isinstance(head, ast.Constant) else ""
                assert isinstance(prefix, str) and PREFIX.fullmatch(prefix), \
                    f"{rel}:{node.lineno}: a key built without a literal area prefix"
                families.setdefault(prefix, f"{rel}:{node.lineno}")
    assert "reason." in families
    assert {p: where for p, where in families.items()
            if not any(k.startswith(p) for k in keys)} == {}


def test_literal_key_calls_fill_every_placeholder() -> None:
    keys = catalogue()
    gaps = []
    for rel, tree in _sources():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            first = node.args[0]
            if (name not in KEY_CALLS - {"has"} or not isinstance(first, ast.Constant)
                    or first.value not in keys or any(k.arg is None for k in node.keywords)):
                continue
            zh, en = keys[first.value]
            missing = (_placeholders(zh) | _placeholders(en)) - {k.arg for k in node.keywords}
            if missing:
                gaps.append(f"{rel}:{node.lineno} {first.value} lacks {sorted(missing)}")
    assert gaps == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_message_has_text_in_both_languages(lang: str) -> None:
    index = 0 if lang == "zh" else 1
    assert [k for k, texts in catalogue().items() if not texts[index].strip()] == []


def test_chinese_texts_are_chinese() -> None:
    """The default language is Simplified Chinese: a zh text holds at least one CJK character
    unless it is only placeholders, digits and symbols."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    latin_word = re.compile(r"[A-Za-z]{4,}")
    english = [k for k, (zh, _en) in catalogue().items()
               if not cjk.search(zh) and latin_word.search(re.sub(r"\{[^}]*\}", "", zh))]
    assert english == []
