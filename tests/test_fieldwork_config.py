"""Fieldwork settings from a [fieldwork] table: defaults, overrides, and clear errors."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcentre.fieldwork.case import Attempt, CaseState, PhoneNumber, record_attempt
from callcentre.fieldwork.config import ConfigError, fieldwork_config
from callcentre.fieldwork.dispositions import DISPOSITIONS, Group, Retry
from callcentre.fieldwork.hours import DEFAULT_WINDOWS, CallingTimes
from callcentre.fieldwork.notices import Notice
from callcentre.fieldwork.rules import SchedulerConfig, decide
from callcentre.i18n import has

SH = ZoneInfo("Asia/Shanghai")


def L(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SH).astimezone(UTC)  # type: ignore[misc]


def test_defaults() -> None:
    cfg = fieldwork_config({})
    assert cfg.hours.windows == DEFAULT_WINDOWS and cfg.hours.timezone == "Asia/Shanghai"
    assert cfg.scheduler == SchedulerConfig()
    assert cfg.dispositions is DISPOSITIONS
    assert fieldwork_config(None) == cfg


def test_a_settings_file() -> None:
    text = """
[fieldwork]
windows = ["08:30-11:30", "14:00～18:00"]
afternoon_from = "13:00"
max_attempts = 8
min_days = 4
max_attempts_per_day = 2
hard_appointment_lead_minutes = 10
appointment_horizon_days = 30
complete_share = 0.9
partial_share = 0.6
dead_numbers_ineligible = false

[fieldwork.retry]
busy = { minutes = 20 }
no_answer = { minutes = 180 }
soft_refusal = { minutes = 2880, converter_only = false }

[[fieldwork.custom_dispositions]]
key = "moved_away"
code = "4.11"
group = "NE"
label_zh = "企业已迁出本市"
label_en = "Moved out of the city"
hotkey = "m"
"""
    cfg = fieldwork_config(tomllib.loads(text)["fieldwork"])
    assert [(w.start, w.end) for w in cfg.hours.windows] == [
        (time(8, 30), time(11, 30)), (time(14, 0), time(18, 0))]
    assert cfg.hours.afternoon_from == time(13, 0)
    s = cfg.scheduler
    assert (s.max_attempts, s.min_days, s.max_attempts_per_day) == (8, 4, 2)
    assert s.hard_appointment_lead == timedelta(minutes=10)
    assert s.appointment_horizon == timedelta(days=30)
    assert (s.thresholds.complete, s.thresholds.partial) == (0.9, 0.6)
    assert not s.dead_numbers_ineligible
    assert s.delays[Retry.BUSY].after == timedelta(minutes=20)
    no_answer = s.delays[Retry.NO_ANSWER]
    assert no_answer.after == timedelta(hours=3) and no_answer.next_half_day   # kept
    assert not s.delays[Retry.SOFT_REFUSAL].converter_only
    assert s.delays[Retry.TECHNICAL] == SchedulerConfig().delays[Retry.TECHNICAL]
    moved = cfg.dispositions.get("moved_away")
    assert moved.group is Group.NE and moved.final and moved.label("zh") == "企业已迁出本市"
    # the settings drive the scheduler
    times = CallingTimes(cfg.hours)
    state = record_attempt(CaseState((PhoneNumber("+8613812345678"),),
                                     released_at=L(2026, 12, 1, 8, 0)),
                           Attempt(L(2026, 12, 2, 9, 0), "busy", 0, L(2026, 12, 2, 9, 1)))
    d = decide(state, L(2026, 12, 2, 9, 5), config=s, times=times,
               dispositions=cfg.dispositions)
    assert d.next_at == L(2026, 12, 2, 9, 21)


@pytest.mark.parametrize(("settings", "key", "expected"), [
    ({"windows": ["9-12"]}, "windows", "windows"),
    ({"windows": ["12:00-09:00"]}, "windows", "windows"),
    ({"windows": ["09:00-12:00", "11:00-13:00"]}, "windows", "windows"),
    ({"windows": []}, "windows", "windows"),
    ({"timezone": "Mars/Olympus"}, "timezone", "timezone"),
    ({"afternoon_from": "25:00"}, "afternoon_from", "clock"),
    ({"max_attempts": 0}, "max_attempts", "count"),
    ({"max_attempts": "6"}, "max_attempts", "count"),
    ({"max_attempts": True}, "max_attempts", "count"),
    ({"appointment_extra_attempts": -1}, "appointment_extra_attempts", "count0"),
    ({"both_half_days": "yes"}, "both_half_days", "bool"),
    ({"complete_share": 1.5}, "complete_share", "share"),
    ({"partial_share": 0.9}, "partial_share", "partial_below_complete"),
    ({"retry": {"bussy": {"minutes": 5}}}, "retry.bussy", "retry_rule"),
    ({"retry": {"busy": {"minutes": -5}}}, "retry.busy.minutes", "count0"),
    ({"retry": {"busy": {"hours": 1}}}, "retry.busy.hours", "retry_keys"),
    ({"retry": {"none": {"minutes": 1}}}, "retry.none", "table"),
    ({"max_attemps": 6}, "max_attemps", "known_key"),
    ({"custom_dispositions": [{"key": "x", "code": "4.11", "group": "ZZ", "label_zh": "x",
                               "label_en": "x"}]}, "custom_dispositions[1].group", "group"),
    ({"custom_dispositions": [{"key": "x", "code": "4.11", "group": "NE", "label_zh": "",
                               "label_en": "x"}]}, "custom_dispositions[1].label_zh", "text"),
    ({"custom_dispositions": [{"key": "busy", "code": "4.11", "group": "NE", "label_zh": "x",
                               "label_en": "x"}]}, "custom_dispositions", "unique"),
])
def test_bad_settings_are_named(settings: dict[str, object], key: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        fieldwork_config(settings)
    assert info.value.notice.params["key"] == key
    text = info.value.notice.text("zh")
    assert key in text and "无效" in text
    wanted = info.value.notice.params["expected"]
    assert isinstance(wanted, Notice) and wanted.key == f"fieldwork.config.expected.{expected}"
    assert has(wanted.key) and wanted.text("zh") in text
    assert isinstance(info.value, ValueError)
