"""Fieldwork settings from a plain mapping (a ``[fieldwork]`` table of the settings file).

Every key is optional; the defaults are those of issue 12 and DESIGN §4::

    [fieldwork]
    timezone = "Asia/Shanghai"
    windows = ["09:00-12:00", "13:30-17:30"]
    afternoon_from = "12:00"
    max_attempts = 6
    min_days = 3
    both_half_days = true
    max_attempts_per_day = 3
    max_attempts_per_number = 6
    max_attempts_per_number_per_day = 2
    appointment_extra_attempts = 2
    hard_appointment_lead_minutes = 5
    same_caller_hold_minutes = 30
    appointment_horizon_days = 60
    complete_share = 0.8
    partial_share = 0.5
    dead_numbers_ineligible = true

    [fieldwork.retry]                     # per retry rule: minutes, next_half_day, converter_only
    busy = { minutes = 15 }
    no_answer = { minutes = 120, next_half_day = true }
    soft_refusal = { minutes = 4320, converter_only = true }

    [[fieldwork.custom_dispositions]]
    key = "moved_away"
    code = "4.11"
    group = "NE"                          # I P R NC O UH UO NE
    label_zh = "企业已迁出本市"
    label_en = "Moved out of the city"
    retry = "none"                        # a retry rule name; "none" = final
    hotkey = "m"

A bad value raises :class:`ConfigError` (a ``ValueError``) whose :attr:`~ConfigError.notice`
names the key, the value and what was expected (``fieldwork.config.*``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callcentre.fieldwork.dispositions import (
    DISPOSITIONS,
    CustomDisposition,
    DispositionSet,
    Group,
    Retry,
)
from callcentre.fieldwork.hours import CallingHours, Window
from callcentre.fieldwork.notices import Notice, notice
from callcentre.fieldwork.rules import DEFAULT_DELAYS, RetryDelay, SchedulerConfig
from questionnaires.engine import Thresholds

_CLOCK = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*$")
_WINDOW = re.compile(r"^\s*(\d{1,2}[:：]\d{2})\s*[-–~～至]\s*(\d{1,2}[:：]\d{2})\s*$")
_INTS = ("max_attempts", "min_days", "max_attempts_per_day", "max_attempts_per_number",
         "max_attempts_per_number_per_day", "appointment_extra_attempts")
_MINUTES = {"hard_appointment_lead_minutes": "hard_appointment_lead",
            "same_caller_hold_minutes": "same_caller_hold"}
_KNOWN = {"timezone", "windows", "afternoon_from", "both_half_days", "appointment_horizon_days",
          "complete_share", "partial_share", "dead_numbers_ineligible", "retry",
          "custom_dispositions", *_INTS, *_MINUTES}


class ConfigError(ValueError):
    """A bad fieldwork setting; :attr:`notice` is the message for the user."""

    def __init__(self, key: str, value: object, expected: str) -> None:
        self.notice: Notice = notice("fieldwork.config.bad", key=key, value=repr(value),
                                     expected=notice(f"fieldwork.config.expected.{expected}"))
        super().__init__(f"fieldwork setting {key} = {value!r}: expected {expected}")


@dataclass(frozen=True)
class FieldworkConfig:
    """Calling hours, scheduler rules and the outcome set, as configured."""

    hours: CallingHours = field(default_factory=CallingHours)
    scheduler: SchedulerConfig = field(default_factory=SchedulerConfig)
    dispositions: DispositionSet = field(default_factory=lambda: DISPOSITIONS)


def _clock(key: str, value: object) -> time:
    m = _CLOCK.match(value) if isinstance(value, str) else None
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ConfigError(key, value, "clock")
    return time(int(m.group(1)), int(m.group(2)))


def _int(key: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(key, value, "count" if minimum >= 1 else "count0")
    return value


def _bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, value, "bool")
    return value


def _share(key: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(key, value, "share")
    return float(value)


def _windows(value: object) -> tuple[Window, ...]:
    if not isinstance(value, (list, tuple)) or not value:
        raise ConfigError("windows", value, "windows")
    out = []
    for item in value:
        m = _WINDOW.match(item) if isinstance(item, str) else None
        if m is None:
            raise ConfigError("windows", item, "windows")
        start, end = _clock("windows", m.group(1)), _clock("windows", m.group(2))
        if not start < end:
            raise ConfigError("windows", item, "windows")
        out.append(Window(start, end))
    return tuple(out)


def _retry(value: object) -> dict[Retry, RetryDelay]:
    delays = dict(DEFAULT_DELAYS)
    if not isinstance(value, Mapping):
        raise ConfigError("retry", value, "table")
    for name, spec in value.items():
        key = f"retry.{name}"
        try:
            rule = Retry(name)
        except ValueError:
            raise ConfigError(key, name, "retry_rule") from None
        if rule is Retry.NONE or not isinstance(spec, Mapping):
            raise ConfigError(key, spec, "table")
        unknown = set(spec) - {"minutes", "next_half_day", "converter_only"}
        if unknown:
            raise ConfigError(f"{key}.{min(unknown)}", spec, "retry_keys")
        old = delays[rule]
        minutes = spec.get("minutes")
        delays[rule] = RetryDelay(
            timedelta(minutes=_int(f"{key}.minutes", minutes, 0)) if minutes is not None
            else old.after,
            _bool(f"{key}.next_half_day", spec.get("next_half_day", old.next_half_day)),
            _bool(f"{key}.converter_only", spec.get("converter_only", old.converter_only)))
    return delays


def _custom(value: object) -> list[CustomDisposition]:
    if not isinstance(value, (list, tuple)):
        raise ConfigError("custom_dispositions", value, "list")
    out = []
    for i, item in enumerate(value, start=1):
        where = f"custom_dispositions[{i}]"
        if not isinstance(item, Mapping):
            raise ConfigError(where, item, "table")
        for required in ("key", "code", "group", "label_zh", "label_en"):
            if not isinstance(item.get(required), str) or not item[required].strip():
                raise ConfigError(f"{where}.{required}", item.get(required), "text")
        try:
            group = Group(item["group"])
        except ValueError:
            raise ConfigError(f"{where}.group", item["group"], "group") from None
        try:
            retry = Retry(item.get("retry", "none"))
        except ValueError:
            raise ConfigError(f"{where}.retry", item.get("retry"), "retry_rule") from None
        contact = item.get("contact")
        out.append(CustomDisposition(
            key=item["key"], code=item["code"], group=group, label_zh=item["label_zh"],
            label_en=item["label_en"], retry=retry,
            contact=None if contact is None else _bool(f"{where}.contact", contact),
            hotkey=str(item.get("hotkey", ""))))
    return out


def fieldwork_config(settings: Mapping[str, Any] | None = None) -> FieldworkConfig:
    """Build the :class:`FieldworkConfig` from a ``[fieldwork]`` mapping (see the module)."""
    s = dict(settings or {})
    unknown = sorted(set(s) - _KNOWN)
    if unknown:
        raise ConfigError(unknown[0], s[unknown[0]], "known_key")
    hours_kw: dict[str, Any] = {}
    if "windows" in s:
        hours_kw["windows"] = _windows(s["windows"])
    if "timezone" in s:
        try:
            ZoneInfo(s["timezone"])
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ConfigError("timezone", s["timezone"], "timezone") from None
        hours_kw["timezone"] = s["timezone"]
    if "afternoon_from" in s:
        hours_kw["afternoon_from"] = _clock("afternoon_from", s["afternoon_from"])
    try:
        hours = CallingHours(**hours_kw)
    except ValueError:                        # overlapping windows
        raise ConfigError("windows", s.get("windows"), "windows") from None
    sched: dict[str, Any] = {}
    for key in _INTS:
        if key in s:
            sched[key] = _int(key, s[key], 0 if key == "appointment_extra_attempts" else 1)
    for key, attr in _MINUTES.items():
        if key in s:
            sched[attr] = timedelta(minutes=_int(key, s[key], 0))
    if "appointment_horizon_days" in s:
        sched["appointment_horizon"] = timedelta(days=_int("appointment_horizon_days",
                                                           s["appointment_horizon_days"], 1))
    for key in ("both_half_days", "dead_numbers_ineligible"):
        if key in s:
            sched[key] = _bool(key, s[key])
    complete = _share("complete_share", s.get("complete_share", 0.8))
    partial = _share("partial_share", s.get("partial_share", 0.5))
    if partial > complete:
        raise ConfigError("partial_share", partial, "partial_below_complete")
    sched["thresholds"] = Thresholds(complete=complete, partial=partial)
    if "retry" in s:
        sched["delays"] = _retry(s["retry"])
    dispositions = DISPOSITIONS
    if "custom_dispositions" in s:
        try:
            dispositions = DISPOSITIONS.with_custom(_custom(s["custom_dispositions"]))
        except ValueError as exc:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError("custom_dispositions", str(exc), "unique") from None
    return FieldworkConfig(hours, SchedulerConfig(**sched), dispositions)
