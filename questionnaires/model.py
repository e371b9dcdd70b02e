"""The questionnaire model: forms, questions, groups and choices (immutable).

A :class:`Form` is what the XLSForm reader produces and what the interview
engine walks. Questions are kept flat, in document order; each knows the path
of groups it sits in, so a group's ``relevant`` applies to everything inside.
Expressions are kept as source text and compiled (cached) when first used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

INPUT_TYPES = ("select_one", "select_multiple", "integer", "decimal", "text", "date", "time")
"""Types that take an answer from the respondent."""
DISPLAY_TYPES = ("note", *INPUT_TYPES)
"""Types shown to the caller (the rest are computed or preloaded)."""
VALUE_TYPES = ("calculate", "hidden")
QUESTION_TYPES = (*DISPLAY_TYPES, *VALUE_TYPES)
GROUP_BEGIN = ("begin group", "begin_group")
GROUP_END = ("end group", "end_group")


@dataclass(frozen=True)
class Choice:
    name: str
    labels: Mapping[str, str]
    extra: Mapping[str, str] = field(default_factory=dict)
    """Other columns of the choices sheet (for ``choice_filter``)."""

    def label(self, lang: str | None = None) -> str:
        return pick_label(self.labels, lang) or self.name


@dataclass(frozen=True)
class Group:
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    relevant: str = ""

    def label(self, lang: str | None = None) -> str:
        return pick_label(self.labels, lang)


@dataclass(frozen=True)
class Question:
    """One row of the survey sheet that is not a group marker.

    ``name`` is unique within the form. ``groups`` is the path of enclosing
    group names, outermost first. ``row`` is the survey-sheet row (1-based) it
    came from, for messages. ``module`` is the id of the form it came from
    when forms are composed.
    """

    type: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    hints: Mapping[str, str] = field(default_factory=dict)
    list_name: str = ""
    required: bool = False
    required_messages: Mapping[str, str] = field(default_factory=dict)
    relevant: str = ""
    constraint: str = ""
    constraint_messages: Mapping[str, str] = field(default_factory=dict)
    calculation: str = ""
    appearance: str = ""
    choice_filter: str = ""
    default: str = ""
    groups: tuple[str, ...] = ()
    row: int = 0
    module: str = ""

    @property
    def takes_answer(self) -> bool:
        return self.type in INPUT_TYPES

    @property
    def displayed(self) -> bool:
        return self.type in DISPLAY_TYPES

    def label(self, lang: str | None = None) -> str:
        return pick_label(self.labels, lang)

    def hint(self, lang: str | None = None) -> str:
        return pick_label(self.hints, lang)


@dataclass(frozen=True)
class Form:
    """A questionnaire: settings, questions in order, groups, choice lists."""

    form_id: str
    version: str
    title: str
    questions: tuple[Question, ...]
    groups: Mapping[str, Group] = field(default_factory=dict)
    choices: Mapping[str, tuple[Choice, ...]] = field(default_factory=dict)
    default_language: str = "zh"
    modules: tuple[str, ...] = ()
    """Ids of the forms this one was composed from (empty for a single form)."""

    def question(self, name: str) -> Question:
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(name)

    def names(self) -> list[str]:
        return [q.name for q in self.questions]

    def with_questions(self, questions: tuple[Question, ...]) -> Form:
        return replace(self, questions=questions)


def pick_label(labels: Mapping[str, str], lang: str | None = None) -> str:
    """The label in ``lang``, else Chinese, else the unmarked one, else any."""
    for key in (lang, "zh", "", "en"):
        if key is not None and labels.get(key):
            return labels[key]
    return next((v for v in labels.values() if v), "")
