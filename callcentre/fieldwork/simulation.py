"""Simulated respondents for the fieldwork simulator (pure: no database, no clock).

:class:`RespondentModel` says what happens when a simulated caller dials a case: who
answers, whether the respondent cooperates, how long the call takes, whether a callback
is booked and kept. The service :mod:`callcentre.services.simulation` drives the real
queue with it (claims, answers, dispositions on a fast-forward clock); ``callcentre
forecast`` runs the same on a throwaway copy of the database.

The model, per stratum (:class:`StratumProfile`):

- each enterprise gets fixed traits from ``(seed, case)``: its own contact and
  cooperation propensities (the stratum's, spread by ``spread`` so some enterprises are
  easy and some never answer), which of its numbers are dead (non-working, fax, another
  party's), and whether it is out of scope (closed, no eligible respondent);
- each attempt draws from ``(seed, case, attempt number)``: no contact (busy, no
  answer, voicemail, technical trouble), or contact: the respondent is away, asks for a
  callback (hard or soft appointment), refuses (soft or hard), breaks off, or completes
  the interview. A booked appointment is kept with probability ``keeps_appointment``;
  a refusal converter's call after a soft refusal cooperates with ``conversion``.

Every draw depends only on the seed, the case and how many attempts it had, never on
the order in which callers reach cases: a fixed seed gives the same fieldwork.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any


@dataclass(frozen=True)
class StratumProfile:
    """Propensities of the enterprises of one stratum (probabilities in [0, 1])."""

    contact: float = 0.5
    """Someone at the enterprise answers a dial."""
    busy: float = 0.25
    """Busy, given nobody answers (the rest: no answer, some voicemail)."""
    technical: float = 0.02
    respondent_there: float = 0.6
    """The right person is there, given an answer."""
    cooperation: float = 0.55
    """The respondent agrees to the interview now, given reached."""
    appointment: float = 0.45
    """A respondent who does not cooperate now asks for a callback (else refuses)."""
    keeps_appointment: float = 0.75
    hard_refusal: float = 0.35
    """Share of refusals that are final."""
    conversion: float = 0.3
    """Cooperation of a soft refusal called again by a refusal converter."""
    break_off: float = 0.04
    dead_number: float = 0.06
    """Each number is dead (non-working, fax, another party's)."""
    out_of_scope: float = 0.03
    """The enterprise is closed or has no eligible respondent."""
    interview_minutes: tuple[float, float] = (8.0, 14.0)
    spread: float = 0.5
    """How much enterprises differ from the stratum's propensities (0: not at all)."""

    def __post_init__(self) -> None:
        for name in ("contact", "busy", "technical", "respondent_there", "cooperation",
                     "appointment", "keeps_appointment", "hard_refusal", "conversion",
                     "break_off", "dead_number", "out_of_scope", "spread"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        low, high = self.interview_minutes
        if not 0 < low <= high:
            raise ValueError(f"interview_minutes must be 0 < low <= high, got {low}, {high}")

    def varied(self, key: str, seed: int, amount: float = 0.25) -> StratumProfile:
        """This profile with contact and cooperation moved by up to ``amount`` (relative),
        fixed per ``key`` and ``seed``: strata that progress at different speeds."""
        rng = _rng(seed, "stratum", key)

        def move(p: float) -> float:
            return min(0.95, max(0.05, p * (1 + rng.uniform(-amount, amount))))

        return replace(self, contact=move(self.contact), cooperation=move(self.cooperation))


@dataclass(frozen=True)
class Respondent:
    """An enterprise's fixed traits in the simulation."""

    contact: float
    cooperation: float
    dead: Mapping[int, str]
    """Number position -> dead-number disposition."""
    out_of_scope: str | None
    """``enterprise_closed`` / ``no_eligible_respondent``, or ``None``."""


@dataclass(frozen=True)
class Outcome:
    """What one simulated call ends with."""

    disposition: str
    minutes: float
    """How long the call lasted (claim to disposition)."""
    appointment_after: timedelta | None = None
    """For an appointment: how long after the call's end the respondent wants it."""
    answer_share: float = 0.0
    """Share of the interview's questions answered (1 for a complete)."""


@dataclass(frozen=True)
class CallContext:
    """What the simulated respondent reacts to on this attempt."""

    attempts_before: int
    """Attempts the case had (any outcome), so each attempt has its own draw."""
    number: int
    """Position of the number dialled."""
    appointment_due: bool = False
    """The call keeps a booked appointment."""
    after_soft_refusal: bool = False
    """The last contact was a soft refusal or break-off (a converter's call)."""


def _rng(seed: int, *parts: object) -> random.Random:
    digest = hashlib.blake2b("/".join(map(str, (seed, *parts))).encode(), digest_size=8)
    return random.Random(int.from_bytes(digest.digest(), "big"))


@dataclass(frozen=True)
class RespondentModel:
    """Simulated enterprises and their answers to calls.

    Parameters
    ----------
    seed
        Every draw is a function of the seed, the case and its attempt count.
    profiles
        Profile per stratum label; strata not named use ``default`` varied per label
        (:meth:`StratumProfile.varied`) when ``vary_strata``.
    """

    seed: int
    default: StratumProfile = field(default_factory=StratumProfile)
    profiles: Mapping[str, StratumProfile] = field(default_factory=dict)
    vary_strata: bool = True

    def profile(self, stratum: str) -> StratumProfile:
        found = self.profiles.get(stratum)
        if found is not None:
            return found
        return self.default.varied(stratum, self.seed) if self.vary_strata else self.default

    def respondent(self, case: int, stratum: str, numbers: int) -> Respondent:
        p = self.profile(stratum)
        rng = _rng(self.seed, "case", case)

        def spread(mean: float) -> float:
            # a Beta around the mean: the larger the spread, the more extreme enterprises
            k = 2.0 + 20.0 * (1.0 - p.spread)
            return rng.betavariate(max(mean * k, 1e-3), max((1 - mean) * k, 1e-3))

        contact, cooperation = spread(p.contact), spread(p.cooperation)
        dead = {i: rng.choice(("not_working", "not_working", "fax", "wrong_enterprise"))
                for i in range(numbers) if rng.random() < p.dead_number}
        scope = None
        if rng.random() < p.out_of_scope:
            scope = rng.choice(("enterprise_closed", "no_eligible_respondent"))
        return Respondent(contact, cooperation, dead, scope)

    def call(self, case: int, stratum: str, numbers: int, ctx: CallContext) -> Outcome:
        """The outcome of dialling ``case`` (its first stratum ``stratum``)."""
        p = self.profile(stratum)
        who = self.respondent(case, stratum, numbers)
        rng = _rng(self.seed, "call", case, ctx.attempts_before)
        if ctx.number in who.dead:
            return Outcome(who.dead[ctx.number], rng.uniform(0.3, 1.0))
        if rng.random() < p.technical:
            return Outcome("technical", rng.uniform(0.2, 0.5))
        kept = ctx.appointment_due and rng.random() < p.keeps_appointment
        if not kept and rng.random() >= who.contact:
            if rng.random() < p.busy:
                return Outcome("busy", rng.uniform(0.2, 0.5))
            return Outcome("voicemail" if rng.random() < 0.1 else "no_answer",
                           rng.uniform(0.5, 1.0))
        if who.out_of_scope is not None:
            return Outcome(who.out_of_scope, rng.uniform(1.0, 3.0))
        if not kept and rng.random() >= p.respondent_there:
            if rng.random() < p.appointment:
                return Outcome("appointment_soft", rng.uniform(1.0, 2.0),
                               appointment_after=timedelta(hours=rng.choice((2, 4, 24))))
            return Outcome("respondent_away", rng.uniform(1.0, 2.0))
        cooperation = p.conversion if ctx.after_soft_refusal else who.cooperation
        if rng.random() < cooperation:
            minutes = rng.uniform(*p.interview_minutes)
            if rng.random() < p.break_off:
                share = rng.uniform(0.1, 0.6)
                return Outcome("break_off", minutes * share, answer_share=share)
            return Outcome("complete", minutes, answer_share=1.0)
        if rng.random() < p.appointment:
            hours = rng.choice((1, 3, 20, 48))
            return Outcome("appointment_hard", rng.uniform(1.0, 3.0),
                           appointment_after=timedelta(hours=hours))
        if ctx.after_soft_refusal or rng.random() < p.hard_refusal:
            return Outcome("refusal_hard", rng.uniform(0.5, 2.0))
        return Outcome("refusal_soft", rng.uniform(0.5, 2.0))

    def answer(self, case: int, question: str, kind: str,
               choices: Sequence[tuple[str, str]]) -> Any:
        """A plausible answer to a question of ``kind`` (a select's choice, a number,
        a date, a time, some text), fixed per case and question."""
        rng = _rng(self.seed, "answer", case, question)
        if kind.startswith("select") and choices:
            names = [c[0] for c in choices]
            pick = "yes" if "yes" in names and rng.random() < 0.9 else rng.choice(names)
            return [pick] if kind == "select_multiple" else pick
        if kind == "integer":
            return rng.randint(1, 50)
        if kind == "decimal":
            return round(rng.uniform(1, 100), 1)
        if kind == "date":
            return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if kind == "time":
            return f"{rng.randint(9, 16):02d}:{rng.choice(('00', '30'))}"
        return "模拟回答"
