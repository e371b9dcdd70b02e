"""Call outcomes: the establishment reading of the AAPOR disposition codes (DESIGN §4).

Every attempt ends with exactly one :class:`Disposition`. Each has

- ``code``: the AAPOR Standard Definitions code (telephone, establishment reading:
  a business number is *eligible*); appointment codes sit under 2.21 "respondent
  not available" (2.211 hard, 2.212 soft), soft and hard refusal under 2.11
  (2.111, 2.112), and 4.50 "not this enterprise's number" is the establishment
  reading of AAPOR's "non-residence";
- ``group``: the rate group (I, P, R, NC, O, UH, UO, NE, :class:`Group`);
- ``final``: whether it closes the case at once (complete, hard refusal, enterprise
  deregistered, no eligible respondent, quota filled, other);
- ``retry``: the :class:`Retry` rule the scheduler applies after it
  (:mod:`callcentre.fieldwork.rules` holds the delays);
- ``contact``: someone at the enterprise was reached (it exists and the number is
  right), which decides eligible vs unknown eligibility at the end;
- ``number_dead``: the *number* cannot reach the enterprise (fax, non-working,
  another party's number): the scheduler moves to the case's next number, and a
  case whose every number is dead ends with that code;
- ``attempt``: whether it counts as a call attempt (a lease that expired before the
  caller recorded anything does not);
- ``key`` (what the screens and the database store), ``hotkey`` and ``section`` for
  the caller's outcome picker (DESIGN §7), and the label (``fieldwork.disp.<key>``).

Custom codes from configuration (:class:`CustomDisposition`) are mapped to an AAPOR
group and a retry rule and carry their own labels: :meth:`DispositionSet.with_custom`.

The case's final disposition is derived from all its attempts by
:func:`callcentre.fieldwork.final.derive_final` (stated rules there).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from callcentre.fieldwork.notices import Notice


class Group(StrEnum):
    """AAPOR rate groups."""

    I = "I"  # noqa: E741 (AAPOR's name for completes)
    P = "P"
    R = "R"
    NC = "NC"
    O = "O"  # noqa: E741 (AAPOR's name for other non-interviews)
    UH = "UH"
    UO = "UO"
    NE = "NE"

    @property
    def eligible(self) -> bool:
        return self in (Group.I, Group.P, Group.R, Group.NC, Group.O)

    @property
    def unknown(self) -> bool:
        return self in (Group.UH, Group.UO)


class Retry(StrEnum):
    """What the scheduler does after an outcome (delays in ``SchedulerConfig.delays``)."""

    NONE = "none"                   # final: no more calls
    BUSY = "busy"                   # 15 min
    NO_ANSWER = "no_answer"         # next half-day and >= 2 h later
    UNAVAILABLE = "unavailable"     # the contact person is out: next half-day, >= 1 h
    TECHNICAL = "technical"         # line trouble: 30 min
    SOFT_REFUSAL = "soft_refusal"   # 3 days, refusal converters only
    BREAK_OFF = "break_off"         # 1 day, refusal converters only
    RESUME = "resume"               # partial interview: next half-day
    APPOINTMENT = "appointment"     # at the booked time
    NEXT_NUMBER = "next_number"     # the number is dead: the next number at once
    AGAIN = "again"                 # nothing happened (abandoned lease): at once


class Section(StrEnum):
    """Rows of the caller's outcome picker (DESIGN §7)."""

    DONE = "done"
    APPOINTMENT = "appointment"
    REFUSAL = "refusal"
    NO_CONTACT = "no_contact"
    NUMBER = "number"
    OTHER = "other"
    SYSTEM = "system"               # set by the system, never picked


@dataclass(frozen=True)
class Disposition:
    """One call outcome (see the module docstring for the fields)."""

    code: str
    key: str
    group: Group
    final: bool
    retry: Retry
    contact: bool
    number_dead: bool = False
    attempt: bool = True
    section: Section = Section.SYSTEM
    hotkey: str = ""
    appointment: bool = False
    """The caller books a time (hard or soft appointment)."""
    hard_appointment: bool = False
    refusal: bool = False
    dnc: bool = False
    """The enterprise asked never to be called again: its numbers go on the do-not-call list."""
    custom_label: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        if self.final != (self.retry is Retry.NONE):
            raise ValueError(f"{self.key}: final outcomes and only they have retry 'none'")
        if self.appointment != (self.retry is Retry.APPOINTMENT):
            raise ValueError(f"{self.key}: appointments and only they have retry 'appointment'")

    @property
    def label_key(self) -> str:
        return f"fieldwork.disp.{self.key}"

    def label(self, lang: str | None = None) -> str:
        """The caller-facing label (Chinese by default)."""
        return self.label_notice().text(lang)

    def label_notice(self) -> Notice:
        """The label as a :class:`Notice` (to put into other messages)."""
        return Notice(self.label_key, texts=self.custom_label)


def _d(code: str, key: str, group: Group, retry: Retry, *, contact: bool,
       section: Section = Section.SYSTEM, hotkey: str = "", number_dead: bool = False,
       attempt: bool = True, appointment: bool = False, hard_appointment: bool = False,
       refusal: bool = False, dnc: bool = False) -> Disposition:
    return Disposition(code=code, key=key, group=group, final=retry is Retry.NONE, retry=retry,
                       contact=contact, section=section, hotkey=hotkey, number_dead=number_dead,
                       attempt=attempt, appointment=appointment,
                       hard_appointment=hard_appointment, refusal=refusal, dnc=dnc)


S = Section
STANDARD: tuple[Disposition, ...] = (
    # 1 interviews
    _d("1.1", "complete", Group.I, Retry.NONE, contact=True, section=S.DONE, hotkey="1"),
    _d("1.2", "partial", Group.P, Retry.RESUME, contact=True, section=S.DONE, hotkey="2"),
    # 2.1 refusals and break-offs
    _d("2.111", "refusal_soft", Group.R, Retry.SOFT_REFUSAL, contact=True, section=S.REFUSAL,
       hotkey="5", refusal=True),
    _d("2.112", "refusal_hard", Group.R, Retry.NONE, contact=True, section=S.REFUSAL,
       hotkey="6", refusal=True),
    _d("2.112", "do_not_call", Group.R, Retry.NONE, contact=True, section=S.REFUSAL,
       hotkey="x", refusal=True, dnc=True),
    _d("2.12", "break_off", Group.R, Retry.BREAK_OFF, contact=True, section=S.REFUSAL,
       hotkey="7", refusal=True),
    # 2.2 non-contacts (the enterprise is reached, the respondent is not)
    _d("2.21", "respondent_away", Group.NC, Retry.UNAVAILABLE, contact=True,
       section=S.APPOINTMENT, hotkey="d"),
    _d("2.211", "appointment_hard", Group.NC, Retry.APPOINTMENT, contact=True,
       section=S.APPOINTMENT, hotkey="3", appointment=True, hard_appointment=True),
    _d("2.212", "appointment_soft", Group.NC, Retry.APPOINTMENT, contact=True,
       section=S.APPOINTMENT, hotkey="4", appointment=True),
    # 2.3 other eligible non-interviews
    _d("2.30", "other_eligible", Group.O, Retry.NONE, contact=True, section=S.OTHER, hotkey="h"),
    # 3.1 unknown eligibility (nobody reached)
    _d("3.11", "not_attempted", Group.UH, Retry.AGAIN, contact=False, attempt=False),
    _d("3.12", "busy", Group.UH, Retry.BUSY, contact=False, section=S.NO_CONTACT, hotkey="9"),
    _d("3.13", "no_answer", Group.UH, Retry.NO_ANSWER, contact=False, section=S.NO_CONTACT,
       hotkey="8"),
    _d("3.14", "voicemail", Group.UH, Retry.NO_ANSWER, contact=False, section=S.NO_CONTACT,
       hotkey="e"),
    _d("3.16", "technical", Group.UH, Retry.TECHNICAL, contact=False, section=S.NO_CONTACT,
       hotkey="g"),
    _d("3.16", "abandoned", Group.UH, Retry.AGAIN, contact=False, attempt=False),
    _d("3.90", "unknown_other", Group.UO, Retry.AGAIN, contact=False, attempt=False),
    # 4 not eligible
    _d("4.10", "enterprise_closed", Group.NE, Retry.NONE, contact=True, section=S.NUMBER,
       hotkey="c"),
    _d("4.20", "fax", Group.NE, Retry.NEXT_NUMBER, contact=False, section=S.NO_CONTACT,
       hotkey="0", number_dead=True),
    _d("4.30", "not_working", Group.NE, Retry.NEXT_NUMBER, contact=False, section=S.NUMBER,
       hotkey="a", number_dead=True),
    _d("4.50", "wrong_enterprise", Group.NE, Retry.NEXT_NUMBER, contact=False,
       section=S.NUMBER, hotkey="b", number_dead=True),
    _d("4.70", "no_eligible_respondent", Group.NE, Retry.NONE, contact=True, section=S.OTHER,
       hotkey="f"),
    _d("4.80", "quota_filled", Group.NE, Retry.NONE, contact=True),
)
"""The standard outcomes. ``do_not_call`` is a hard refusal that also puts the numbers on
the do-not-call list; ``abandoned`` is what an expired lease records; ``not_attempted``
and ``unknown_other`` are only ever derived (a case never dialled; nothing known)."""


@dataclass(frozen=True)
class CustomDisposition:
    """A configured outcome, mapped to an AAPOR group.

    ``code`` must not be a standard code's; ``retry`` defaults to ``none`` (final).
    """

    key: str
    code: str
    group: Group
    label_zh: str
    label_en: str
    retry: Retry = Retry.NONE
    contact: bool | None = None
    """Default: true for eligible and not-eligible groups, false for unknown ones."""
    hotkey: str = ""


class DispositionSet:
    """The outcomes in use: the standard ones plus configured custom ones, by key."""

    def __init__(self, dispositions: Iterable[Disposition] = STANDARD) -> None:
        self._by_key: dict[str, Disposition] = {}
        hotkeys: dict[str, str] = {}
        for d in dispositions:
            if d.key in self._by_key:
                raise ValueError(f"disposition key {d.key!r} defined twice")
            if d.hotkey:
                if d.hotkey in hotkeys:
                    raise ValueError(f"hotkey {d.hotkey!r} used by {hotkeys[d.hotkey]!r} "
                                     f"and {d.key!r}")
                hotkeys[d.hotkey] = d.key
            self._by_key[d.key] = d

    def with_custom(self, custom: Iterable[CustomDisposition]) -> DispositionSet:
        """A new set with ``custom`` added (``ValueError`` on clashing keys, codes, hotkeys)."""
        standard_codes = {d.code for d in self}
        added = []
        for c in custom:
            if c.code in standard_codes:
                raise ValueError(f"custom disposition {c.key!r}: code {c.code} is a standard "
                                 "AAPOR code; choose a sub-code (e.g. 2.351)")
            if c.retry is Retry.APPOINTMENT:
                raise ValueError(f"custom disposition {c.key!r}: appointments are standard only")
            contact = c.contact if c.contact is not None else not c.group.unknown
            added.append(Disposition(
                code=c.code, key=c.key, group=c.group, final=c.retry is Retry.NONE,
                retry=c.retry, contact=contact, section=Section.OTHER, hotkey=c.hotkey,
                number_dead=c.retry is Retry.NEXT_NUMBER, refusal=c.group is Group.R,
                custom_label=(c.label_zh, c.label_en)))
        return DispositionSet([*self, *added])

    def __iter__(self) -> Iterator[Disposition]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def get(self, key: str) -> Disposition:
        """The disposition stored as ``key``; ``KeyError`` naming it if unknown."""
        try:
            return self._by_key[key]
        except KeyError:
            raise KeyError(f"unknown disposition {key!r}") from None

    def by_hotkey(self, hotkey: str) -> Disposition | None:
        return next((d for d in self if d.hotkey == hotkey), None)

    def picker(self) -> list[tuple[Section, list[Disposition]]]:
        """The caller's outcome picker: sections in DESIGN §7 order, then the extras."""
        order = [Section.DONE, Section.APPOINTMENT, Section.REFUSAL, Section.NO_CONTACT,
                 Section.NUMBER, Section.OTHER]
        rows = []
        for section in order:
            items = [d for d in self if d.section is section and d.hotkey]
            if items:
                rows.append((section, sorted(items, key=lambda d: _hotkey_rank(d.hotkey))))
        return rows


def _hotkey_rank(hotkey: str) -> tuple[int, str]:
    # 1..9 then 0 then letters, as on the keyboard and in the DESIGN §7 sketch
    if hotkey.isdigit():
        return (0, str((int(hotkey) - 1) % 10))
    return (1, hotkey)


DISPOSITIONS = DispositionSet()
"""The standard set (no custom codes)."""
