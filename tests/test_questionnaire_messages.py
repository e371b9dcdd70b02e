"""Every message key the questionnaire code uses exists in the catalogue, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

from callcentre.i18n import catalogue

ROOT = Path(__file__).resolve().parents[1]
FILES = [*sorted((ROOT / "questionnaires").glob("*.py")), ROOT / "callcentre/questionnaire_store.py",
         ROOT / "callcentre/cli/questionnaire_cmd.py"]
KEY = re.compile(r"[\"']((?:cli\.)?questionnaire\.[a-z_]+(?:\.[a-z_]+)+)[\"']")


def test_used_keys_exist() -> None:
    keys = catalogue()
    used = {m for path in FILES for m in KEY.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 40
    assert sorted(k for k in used if k not in keys) == []
    for status in ("complete", "partial", "breakoff"):
        assert f"questionnaire.status.{status}" in keys


def test_both_languages_filled() -> None:
    for key, (zh, en) in catalogue().items():
        if "questionnaire" in key:
            assert zh and en, key
