"""The options of a sample design, checked before any maths.

Checked here so that a message names the option and the value as typed (the maths
would name its own parameter, in English, or a derived per-stratum count).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from callcentre.errors import InvalidInput

FRAME_COLUMNS = ("item", "area", "district", "department")
COORDINATION = ("overlap", "spread", "independent")
METHODS = ("proportional", "neyman", "power", "equal")

# rule -> (test, catalogue key)
OPTION_RULES: dict[str, tuple[Callable[[float], bool], str]] = {
    "open01": (lambda v: 0.0 < v < 1.0, "sample.error.range_open01"),
    "closed01": (lambda v: 0.0 <= v <= 1.0, "sample.error.range_closed01"),
    "rate": (lambda v: 0.0 < v <= 1.0, "sample.error.range_rate"),
    "positive": (lambda v: v > 0 and math.isfinite(v), "sample.error.range_positive"),
    "non_negative": (lambda v: v >= 0 and math.isfinite(v), "sample.error.range_non_negative"),
    "at_least_one": (lambda v: v >= 1, "sample.error.range_at_least_one"),
}
# parameter name -> (option as typed, rule)
OPTION_CHECKS: dict[str, tuple[str, str]] = {
    "p": ("--p", "open01"),
    "margin": ("--margin", "open01"),
    "confidence": ("--confidence", "open01"),
    "deff": ("--deff", "positive"),
    "population": ("--population", "non_negative"),
    "response_rate": ("--response-rate", "rate"),
    "eligibility_rate": ("--eligibility-rate", "rate"),
    "n": ("--n", "at_least_one"),
    "completes": ("--completes", "at_least_one"),
    "power": ("--power", "closed01"),
    "minimum": ("--minimum", "non_negative"),
    "maximum": ("--maximum", "non_negative"),
    "take_all_below": ("--take-all-below", "non_negative"),
    "reserve_factor": ("--reserve", "non_negative"),
    "replicate_share": ("--replicate", "positive"),
    "max_items": ("--max-items", "at_least_one"),
    "seed": ("--seed", "non_negative"),
}


def shown(value: float) -> str:
    """A number as the user typed it (``0`` not ``0.0``, ``-1`` not ``-1.0``)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def check_options(values: dict[str, Any]) -> None:
    """Refuse an out-of-range option with a message naming it and the value typed."""
    for name, value in values.items():
        if name not in OPTION_CHECKS or value is None:
            continue
        option, rule = OPTION_CHECKS[name]
        test, key = OPTION_RULES[rule]
        if not test(value):
            raise InvalidInput(key, option=option, value=shown(value))
    lo, hi = values.get("minimum"), values.get("maximum")
    if lo is not None and hi is not None and lo > hi:
        raise InvalidInput("sample.error.minimum_above_maximum", minimum=lo, maximum=hi)


def parse_p_stratum(texts: Iterable[str], *, open_interval: bool) -> dict[str, float]:
    """``--p-stratum LABEL=VALUE`` options: a stratum margin needs 0 < p < 1 (sample
    size); Neyman allows 0 and 1."""
    out: dict[str, float] = {}
    for text in texts:
        label, sep, value = text.rpartition("=")
        try:
            out[label] = float(value)
        except ValueError:
            raise InvalidInput("sample.error.p_stratum", text=text) from None
        if not sep or not label:
            raise InvalidInput("sample.error.p_stratum", text=text)
        test, key = OPTION_RULES["open01" if open_interval else "closed01"]
        if not test(out[label]):
            raise InvalidInput(key, option="--p-stratum", value=text)
    return out


def parse_by(text: str) -> tuple[str, ...]:
    by = tuple(c.strip() for c in text.split(",") if c.strip())
    for c in by:
        if c not in FRAME_COLUMNS:
            raise InvalidInput("sample.error.bad_column", column=c, allowed=", ".join(FRAME_COLUMNS))
    return by


@dataclass
class DesignOptions:
    """Everything that decides the allocation (stored with the draw)."""

    by: tuple[str, ...] = ("item",)
    n: int | None = None
    completes: int | None = None
    margin: float | None = None
    margin_level: str = "overall"
    p: float = 0.5
    p_stratum: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.95
    deff: float = 1.0
    response_rate: float = 1.0
    eligibility_rate: float = 1.0
    method: str = "proportional"
    power: float = 0.5
    minimum: int = 0
    maximum: int | None = None
    take_all_below: int = 0
    reserve_factor: float = 1.0
    replicate_share: float = 0.25
    coordination: str = "overlap"
    max_items: int | None = None

    def check(self) -> None:
        from dataclasses import asdict

        for c in self.by:
            if c not in FRAME_COLUMNS:
                raise InvalidInput("sample.error.bad_column", column=c,
                                   allowed=", ".join(FRAME_COLUMNS))
        if self.coordination not in COORDINATION:
            raise InvalidInput("sample.error.value", detail=f"coordination={self.coordination!r}")
        check_options({k: v for k, v in asdict(self).items() if k in OPTION_CHECKS})
        for text, value in self.p_stratum.items():
            if not 0.0 <= value <= 1.0:
                raise InvalidInput("sample.error.range_closed01", option="--p-stratum",
                                   value=f"{text}={shown(value)}")
