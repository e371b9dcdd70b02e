"""Dispositions (AAPOR, establishment reading) and the derivation of a case's final one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcentre.fieldwork.case import Attempt
from callcentre.fieldwork.dispositions import (
    DISPOSITIONS,
    STANDARD,
    CustomDisposition,
    Disposition,
    Group,
    Retry,
    Section,
)
from callcentre.fieldwork.final import derive_final
from callcentre.i18n import catalogue
from questionnaires.engine import Progress, Thresholds

T0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


def test_codes_groups_and_finality() -> None:
    want = {
        "complete": ("1.1", Group.I, True), "partial": ("1.2", Group.P, False),
        "refusal_soft": ("2.111", Group.R, False), "refusal_hard": ("2.112", Group.R, True),
        "break_off": ("2.12", Group.R, False), "respondent_away": ("2.21", Group.NC, False),
        "appointment_hard": ("2.211", Group.NC, False),
        "appointment_soft": ("2.212", Group.NC, False),
        "other_eligible": ("2.30", Group.O, True), "not_attempted": ("3.11", Group.UH, False),
        "busy": ("3.12", Group.UH, False), "no_answer": ("3.13", Group.UH, False),
        "technical": ("3.16", Group.UH, False), "unknown_other": ("3.90", Group.UO, False),
        "enterprise_closed": ("4.10", Group.NE, True), "fax": ("4.20", Group.NE, False),
        "not_working": ("4.30", Group.NE, False), "wrong_enterprise": ("4.50", Group.NE, False),
        "no_eligible_respondent": ("4.70", Group.NE, True),
        "quota_filled": ("4.80", Group.NE, True),
    }
    for key, (code, group, final) in want.items():
        d = DISPOSITIONS.get(key)
        assert (d.code, d.group, d.final) == (code, group, final), key
    assert all(DISPOSITIONS.get(k).number_dead for k in ("fax", "not_working", "wrong_enterprise"))
    assert DISPOSITIONS.get("do_not_call").dnc and DISPOSITIONS.get("do_not_call").final
    assert not DISPOSITIONS.get("abandoned").attempt
    assert DISPOSITIONS.get("refusal_soft").retry is Retry.SOFT_REFUSAL
    with pytest.raises(KeyError, match="nonsense"):
        DISPOSITIONS.get("nonsense")


def test_every_label_in_both_languages() -> None:
    keys = catalogue()
    for d in STANDARD:
        zh, en = keys[d.label_key]
        assert zh and en
        assert d.label("zh") == zh and d.label("en") == en
    for section in Section:
        if section is not Section.SYSTEM:
            assert f"fieldwork.picker.{section.value}" in keys
    for group in Group:
        assert f"fieldwork.group.{group.value}" in keys


def test_picker_follows_the_caller_sketch() -> None:
    """DESIGN §7: 1 完成访问 2 部分完成 / 3 预约回访 4 稍后再拨 / 5 婉拒 6 明确拒绝 7 中途挂断 /
    8 无人接听 9 占线 0 传真 / a 空号停机 b 非本企业 c 企业已注销."""
    sketch = {"1": "完成访问", "2": "部分完成", "3": "预约回访", "4": "稍后再拨", "5": "婉拒",
              "6": "明确拒绝", "7": "中途挂断", "8": "无人接听", "9": "占线",
              "0": "传真/调制解调器", "a": "空号/停机", "b": "非本企业", "c": "企业已注销"}
    for hotkey, label in sketch.items():
        d = DISPOSITIONS.by_hotkey(hotkey)
        assert d is not None and d.label("zh") == label, hotkey
    rows = DISPOSITIONS.picker()
    assert [s for s, _ in rows][:4] == [Section.DONE, Section.APPOINTMENT, Section.REFUSAL,
                                       Section.NO_CONTACT]
    no_contact = dict(rows)[Section.NO_CONTACT]
    assert [d.hotkey for d in no_contact][:3] == ["8", "9", "0"]
    # system outcomes are never offered
    offered = {d.key for _, ds in rows for d in ds}
    assert not offered & {"not_attempted", "abandoned", "unknown_other", "quota_filled"}


def test_custom_codes() -> None:
    ds = DISPOSITIONS.with_custom([
        CustomDisposition("moved_away", "4.11", Group.NE, "企业已迁出本市", "Moved out of the city",
                          hotkey="m"),
        CustomDisposition("language", "2.33", Group.O, "语言障碍", "Language barrier",
                          retry=Retry.UNAVAILABLE),
        CustomDisposition("blocked", "3.15", Group.UH, "来电拦截", "Call blocking",
                          retry=Retry.TECHNICAL),
    ])
    moved = ds.get("moved_away")
    assert moved.final and moved.group is Group.NE and moved.contact
    assert moved.label("zh") == "企业已迁出本市" and moved.label("en") == "Moved out of the city"
    assert ds.by_hotkey("m") is moved
    assert not ds.get("blocked").contact and not ds.get("language").final
    assert len(ds) == len(DISPOSITIONS) + 3 and "moved_away" not in DISPOSITIONS
    with pytest.raises(ValueError, match="standard AAPOR code"):
        DISPOSITIONS.with_custom([CustomDisposition("x", "4.10", Group.NE, "x", "x")])
    with pytest.raises(ValueError, match="defined twice"):
        DISPOSITIONS.with_custom([CustomDisposition("busy", "3.19", Group.UH, "x", "x")])
    with pytest.raises(ValueError, match="hotkey"):
        DISPOSITIONS.with_custom([CustomDisposition("y", "3.19", Group.UH, "x", "x",
                                                    hotkey="1")])
    with pytest.raises(ValueError, match="appointments"):
        DISPOSITIONS.with_custom([CustomDisposition("z", "2.213", Group.NC, "x", "x",
                                                    retry=Retry.APPOINTMENT)])
    with pytest.raises(ValueError, match="final"):
        Disposition("9", "bad", Group.UO, final=True, retry=Retry.BUSY, contact=False)


# --- final dispositions
def _attempts(*keys: str | tuple[str, int]) -> list[Attempt]:
    out = []
    for i, k in enumerate(keys):
        key, number = (k, 0) if isinstance(k, str) else k
        out.append(Attempt(T0 + timedelta(hours=4 * i), key, number))
    return out


def _final(*keys: str | tuple[str, int], numbers: int = 1,
           interview: Progress | None = None, **kw: object) -> tuple[str, str]:
    got = derive_final(_attempts(*keys), numbers=numbers, interview=interview,
                       **kw)  # type: ignore[arg-type]
    return got.disposition.key, got.rule


def test_final_by_share_answered() -> None:
    assert _final("break_off", interview=Progress(8, 10)) == ("complete", "share_complete")
    assert _final("complete", interview=Progress(5, 10)) == ("partial", "share_partial")
    assert _final("partial", interview=Progress(4, 10)) == ("break_off", "share_break_off")
    # the thresholds are configurable
    assert _final("partial", interview=Progress(4, 10),
                  thresholds=Thresholds(complete=0.9, partial=0.4)) == ("partial", "share_partial")
    # complete and partial beat anything else the attempts say
    assert _final("refusal_hard", "enterprise_closed", interview=Progress(10, 10))[0] == "complete"
    # without a share, the recorded outcome decides
    assert _final("no_answer", "complete") == ("complete", "recorded")
    assert _final("partial", "no_answer", interview=Progress(0, 12)) == ("partial", "recorded")


def test_final_ineligible_beats_refusal_but_not_interview() -> None:
    assert _final("refusal_soft", "enterprise_closed") == ("enterprise_closed", "ineligible")
    assert _final("no_eligible_respondent", "refusal_hard")[0] == "no_eligible_respondent"
    assert _final("quota_filled")[0] == "quota_filled"
    # a dead number does not make the enterprise ineligible while it has other numbers
    assert _final(("not_working", 0), ("no_answer", 1), numbers=2) == ("no_answer", "no_contact")


def test_final_refusals_and_break_offs() -> None:
    assert _final("refusal_soft", "no_answer") == ("refusal_soft", "refusal")
    assert _final("refusal_hard", "refusal_soft") == ("refusal_hard", "refusal")   # final wins
    assert _final("refusal_soft", "break_off") == ("break_off", "refusal")          # latest
    # a begun interview below the partial share is a break-off, even after a soft refusal
    assert _final("refusal_soft", interview=Progress(2, 10)) == ("break_off", "share_break_off")
    assert _final("other_eligible", "no_answer") == ("other_eligible", "other")


def test_cap_after_one_contact_is_eligible_non_interview() -> None:
    """The issue's rule: attempts exhausted after one contact → eligible (2.21), not unknown."""
    assert _final("no_answer", "appointment_soft", "no_answer", "no_answer", "busy",
                  "no_answer") == ("respondent_away", "contact")
    got = derive_final(_attempts("respondent_away", "no_answer"), numbers=1)
    assert got.group is Group.NC and "2.21" in got.reason.text("zh")


def test_numbers_dead() -> None:
    assert _final(("fax", 0), ("not_working", 1), numbers=2) == ("not_working", "numbers_dead")
    assert _final(("fax", 0), ("not_working", 1), numbers=2,
                  dead_numbers_ineligible=False) == ("unknown_other", "numbers_dead_unknown")
    # one number dead, the other never tried: not attempted (it stays open anyway)
    assert _final(("fax", 0), numbers=2) == ("not_attempted", "not_attempted")


def test_no_contact_codes() -> None:
    assert _final("busy", "busy", "busy") == ("busy", "always_busy")
    assert _final("busy", "no_answer", "busy") == ("no_answer", "no_contact")
    assert _final("voicemail", "technical") == ("voicemail", "no_contact")
    assert _final("technical", "busy") == ("busy", "no_contact")
    assert _final("abandoned") == ("not_attempted", "not_attempted")   # an abandon is no attempt
    assert _final() == ("not_attempted", "not_attempted")
    none = derive_final([], numbers=1)
    assert none.group is Group.UH and none.reason.key == "fieldwork.final.not_attempted"


def test_custom_codes_in_final() -> None:
    ds = DISPOSITIONS.with_custom([
        CustomDisposition("moved_away", "4.11", Group.NE, "企业已迁出本市", "Moved away"),
        CustomDisposition("blocked", "3.15", Group.UH, "来电拦截", "Call blocking",
                          retry=Retry.TECHNICAL),
    ])
    got = derive_final(_attempts("no_answer", "moved_away"), numbers=1, dispositions=ds)
    assert got.disposition.key == "moved_away" and "企业已迁出本市" in got.reason.text("zh")
    assert derive_final(_attempts("no_answer", "blocked"), numbers=1,
                        dispositions=ds).disposition.key == "no_answer"
    assert derive_final(_attempts("blocked"), numbers=1,
                        dispositions=ds).disposition.key == "blocked"
