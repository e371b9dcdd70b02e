"""A case's final disposition, derived from all its attempts by stated rules.

:func:`derive_final` gives the disposition the case counts as in the rates: for a
closed case its final code, for an open one its code "if fieldwork ended now"
(AAPOR rates during fieldwork count open cases this way). The first rule that
applies decides:

1. **Interview by share answered.** If the interview has begun (at least one
   applicable question answered), the share of applicable questions answered
   decides between complete (≥ 80 %), partial (≥ 50 %) and break-off (below), with
   the thresholds of :class:`questionnaires.engine.Thresholds`. Complete and partial
   win over every other outcome; a break-off is kept for rule 3. Without a known
   share, a recorded complete (group I) or partial (group P) outcome decides.
2. **Case-level ineligibility.** An outcome saying the *enterprise* is not eligible
   (4.10 deregistered/closed, 4.70 no eligible respondent, 4.80 quota filled, custom
   NE codes that do not only kill a number): the latest such outcome.
3. **Refusal or break-off (R).** An interview begun below the partial share is a
   break-off (2.12); else the latest final refusal (2.112 hard refusal) if any, else
   the latest refusal outcome (2.111 soft refusal, 2.12 break-off, custom R codes).
4. **Other eligible non-interview (O)**: the latest such outcome (2.30 …).
5. **Contact without interview (NC).** Someone at the enterprise was reached
   (appointment, contact person away …) but nothing above applies: the case is an
   eligible non-interview, 2.21 "respondent never available" (or the latest final
   custom NC code). This is the rule "a case that reached its attempt cap after one
   contact is eligible non-interview".
6. **Every number dead.** Each of the case's numbers ended with a number-killing
   outcome (4.20 fax, 4.30 non-working, 4.50 another party's number): the latest of
   them (not eligible, as DESIGN §4 reads AAPOR for business numbers). With
   ``dead_numbers_ineligible=False`` the case is 3.90 other unknown instead (for
   list samples where the enterprise surely exists).
7. **No contact.** Attempts were made and nobody was reached: 3.12 "always busy" if
   every such attempt was busy, else the latest no-answer / voicemail (3.13, 3.14),
   else the latest other unknown outcome (technical 3.16, custom UH/UO codes).
8. **Not attempted**: 3.11.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from callcentre.fieldwork.case import Attempt
from callcentre.fieldwork.dispositions import DISPOSITIONS, Disposition, DispositionSet, Group
from callcentre.fieldwork.notices import Notice, notice
from questionnaires.engine import Progress, Thresholds

DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class FinalOutcome:
    """The derived disposition and the rule that gave it (``fieldwork.final.<rule>``)."""

    disposition: Disposition
    rule: str
    reason: Notice

    @property
    def group(self) -> Group:
        return self.disposition.group


def _latest(items: Sequence[Disposition]) -> Disposition | None:
    return items[-1] if items else None


def derive_final(attempts: Sequence[Attempt], *, numbers: int,
                 interview: Progress | None = None, thresholds: Thresholds = DEFAULT_THRESHOLDS,
                 dispositions: DispositionSet = DISPOSITIONS,
                 dead_numbers_ineligible: bool = True) -> FinalOutcome:
    """The case's disposition by the rules of the module docstring.

    Parameters
    ----------
    attempts
        The case's ended attempts in start order.
    numbers
        How many phone numbers the case has (for rule 6).
    interview
        Answered / applicable questions of its interview, if one began.
    thresholds
        Shares for complete and partial (default 80 % / 50 %).
    dispositions
        The outcome set in use (custom codes included).
    dead_numbers_ineligible
        Rule 6: every number dead makes the case not eligible (default) or
        unknown (3.90).
    """
    ds = [dispositions.get(a.disposition) for a in attempts]

    def outcome(key: str, rule: str, **params: object) -> FinalOutcome:
        return FinalOutcome(dispositions.get(key), rule,
                            notice(f"fieldwork.final.{rule}", **params))

    def found(d: Disposition, rule: str) -> FinalOutcome:
        return FinalOutcome(d, rule, notice(f"fieldwork.final.{rule}", code=d.code,
                                            label=d.label_notice()))

    # 1. the interview
    started = interview is not None and interview.answered > 0
    if interview is not None and started:
        status = thresholds.status(interview.share)
        share = f"{interview.share:.0%}"
        if status == "complete":
            return outcome("complete", "share_complete", share=share)
        if status == "partial":
            return outcome("partial", "share_partial", share=share)
    else:
        if (d := _latest([d for d in ds if d.group is Group.I])) is not None:
            return found(d, "recorded")
        if (d := _latest([d for d in ds if d.group is Group.P])) is not None:
            return found(d, "recorded")
    # 2. the enterprise is not eligible
    if (d := _latest([d for d in ds if d.group is Group.NE and not d.number_dead])) is not None:
        return found(d, "ineligible")
    # 3. refusal or break-off
    if started and interview is not None:
        return outcome("break_off", "share_break_off", share=f"{interview.share:.0%}")
    refusals = [d for d in ds if d.group is Group.R]
    if (d := _latest([d for d in refusals if d.final]) or _latest(refusals)) is not None:
        return found(d, "refusal")
    # 4. other eligible non-interview
    if (d := _latest([d for d in ds if d.group is Group.O])) is not None:
        return found(d, "other")
    # 5. contact made, no interview
    if any(d.contact for d in ds):
        custom_nc = _latest([d for d in ds if d.group is Group.NC and d.final])
        if custom_nc is not None:
            return found(custom_nc, "contact")
        return outcome("respondent_away", "contact")
    # 6. every number dead
    dead_on = {a.number for a, d in zip(attempts, ds, strict=True) if d.number_dead}
    if numbers and dead_on >= set(range(numbers)):
        last_dead = _latest([d for d in ds if d.number_dead])
        assert last_dead is not None
        if dead_numbers_ineligible:
            return found(last_dead, "numbers_dead")
        return outcome("unknown_other", "numbers_dead_unknown")
    # 7. attempts without contact
    tried = [d for d in ds if d.attempt and not d.number_dead]
    if tried:
        if all(d.key == "busy" for d in tried):
            return outcome("busy", "always_busy", n=len(tried))
        unanswered = _latest([d for d in tried if d.key in ("no_answer", "voicemail")])
        return found(unanswered or tried[-1], "no_contact")
    # 8. never dialled
    return outcome("not_attempted", "not_attempted")
