"""``regex(value, pattern)`` on RE2: matching time linear in the text, whatever the
pattern (``(a+)+$`` backtracked for 18 s on a 29-character answer with Python's ``re``).

RE2 has no backreferences or lookaround; a pattern using them is refused when the
questionnaire is validated (:func:`pattern_problem`), and counts as "no match" if one
reaches the engine anyway (say, from an answer used as the pattern). ``\\uXXXX``
escapes (Java's, as ODK's regex() takes) become RE2's ``\\x{XXXX}``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import re2

from questionnaires.limits import LIMITS

# \uXXXX not preceded by an escaping backslash
_UNICODE_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u([0-9A-Fa-f]{4})")


class PatternError(ValueError):
    """A pattern RE2 cannot take, or too long; ``detail`` says why (in English)."""

    def __init__(self, pattern: str, detail: str) -> None:
        super().__init__(f"{pattern!r}: {detail}")
        self.pattern = pattern
        self.detail = detail


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False          # errors are ours to report, not RE2's to print
    options.max_mem = 8 << 20           # bounds the compiled program (and its DFA cache)
    return options


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> Any:
    """The compiled RE2 pattern; raise :class:`PatternError` if it cannot be one."""
    if len(pattern) > LIMITS.max_pattern_chars:
        raise PatternError(pattern, f"longer than {LIMITS.max_pattern_chars} characters")
    translated = _UNICODE_ESCAPE.sub(lambda m: m.group(1) + "\\x{" + m.group(2) + "}", pattern)
    try:
        return re2.compile(translated, _options())
    except Exception as exc:  # noqa: BLE001 - re2.error, or text RE2 cannot encode
        detail = exc.args[0] if exc.args else str(exc)
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise PatternError(pattern, str(detail)) from None


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used by regex(), or ``None`` if it can."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return exc.detail
    return None


def regex_search(value: object, pattern: object) -> bool:
    """XLSForm's ``regex()``: whether ``pattern`` matches somewhere in ``value``."""
    try:
        compiled = compile_pattern(str(pattern))
        return compiled.search(str(value if value is not None else "")) is not None
    except Exception:  # noqa: BLE001 - a bad pattern or text: no match, never a traceback
        return False
