"""Every message key the fieldwork rules use exists in the catalogue, in both languages."""

from __future__ import annotations

import re
import string
from pathlib import Path

from callcentre.i18n import catalogue

ROOT = Path(__file__).resolve().parents[1]
FILES = [*sorted((ROOT / "callcentre" / "fieldwork").glob("*.py")),
         ROOT / "callcentre" / "calendar_import.py"]
KEY = re.compile(r"[\"'](fieldwork\.[a-z_]+\.[a-z_]+)[\"']")
# derive_final names its rule; the key is fieldwork.final.<rule>
RULE = re.compile(r"(?:outcome\(\"[a-z_]+\"|found\([a-z_]+), \"([a-z_]+)\"")


def test_used_keys_exist_in_both_languages() -> None:
    keys = catalogue()
    texts = [p.read_text(encoding="utf-8") for p in FILES]
    used = {m for t in texts for m in KEY.findall(t)}
    used |= {f"fieldwork.final.{r}" for t in texts for r in RULE.findall(t)}
    assert len(used) > 40
    assert sorted(k for k in used if k not in keys) == []
    for key, (zh, en) in keys.items():
        if key.startswith("fieldwork."):
            assert zh and en, key
            # both languages take the same parameters
            fields = [{f for _, f, _, _ in string.Formatter().parse(s) if f} for s in (zh, en)]
            assert fields[0] == fields[1], key
