"""The interview engine: walks a :class:`~questionnaires.model.Form` question by question.

Pure (no Textual, no database): the caller TUI drives it and saves
:meth:`Interview.to_dict` after every answer, so an interrupted interview resumes
exactly where it stopped (:meth:`Interview.from_dict`).

Semantics follow ODK/XLSForm:

- a question is *applicable* when its ``relevant`` and those of all its groups
  are true; values of questions that are not applicable count as empty;
- ``calculate`` fields are recomputed in document order after every change;
  ``hidden`` fields take their value from the ``context`` given at start
  (enterprise name, caller name …), so labels can say ``${enterprise}``;
- an answer is checked for its type, its choices (after ``choice_filter``) and
  its ``constraint`` (``.`` is the new value) before it is stored; a rejected
  answer comes back as an :class:`AnswerResult` with the message to show;
- ``required`` is enforced when moving on (:meth:`Interview.next`), so a caller
  can go back and change earlier answers freely.

Progress is answered ÷ applicable questions; :meth:`Interview.status` maps that
share to complete / partial / break-off (AAPOR; defaults 80 % / 50 %). Optional
free-text questions (comments) do not count: an empty comment is not item
nonresponse, and counting it would turn every call without remarks into a partial.

Example
-------
>>> iv = Interview(form)                          # doctest: +SKIP
>>> p = iv.current(); iv.answer(p.name, "yes")    # doctest: +SKIP
>>> saved = iv.to_dict(); Interview.from_dict(form, saved).current().name  # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, Literal

from questionnaires.expressions import Value, choice_node, compile_expression
from questionnaires.messages import message
from questionnaires.model import Choice, Form, Question, pick_label

Status = Literal["complete", "partial", "breakoff"]
STATE_VERSION = 1
_REF = re.compile(r"\$\{([^}]*)\}")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})(?::\d{2})?$")


@dataclass(frozen=True)
class Thresholds:
    """Shares of applicable questions answered for complete / partial (AAPOR)."""

    complete: float = 0.8
    partial: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.partial <= self.complete <= 1:
            raise ValueError(f"need 0 <= partial <= complete <= 1, got {self}")

    def status(self, share: float) -> Status:
        """``complete``, ``partial`` or ``breakoff`` for a share of applicable questions."""
        if share >= self.complete:
            return "complete"
        if share >= self.partial:
            return "partial"
        return "breakoff"


@dataclass(frozen=True)
class AnswerResult:
    """Outcome of :meth:`Interview.answer` / :meth:`Interview.next`."""

    ok: bool
    message: str = ""
    key: str = ""

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class Prompt:
    """What to show for the current question, labels already filled in."""

    name: str
    type: str
    label: str
    hint: str
    required: bool
    choices: tuple[tuple[str, str], ...]
    value: Value
    appearance: str = ""
    module: str = ""
    groups: tuple[str, ...] = ()
    """Labels of the enclosing groups, outermost first."""


@dataclass(frozen=True)
class Progress:
    answered: int
    applicable: int

    @property
    def share(self) -> float:
        return self.answered / self.applicable if self.applicable else 1.0


@dataclass
class _State:
    answers: dict[str, Value] = field(default_factory=dict)
    position: str | None = None
    history: list[str] = field(default_factory=list)
    started: bool = False


class Interview:
    """One interview over ``form``.

    Parameters
    ----------
    form : Form
        The (possibly composed) questionnaire.
    context : mapping, optional
        Values for ``hidden`` fields, by name (e.g. ``{"enterprise": "…"}``).
    thresholds : Thresholds, optional
        Shares for :meth:`status`.
    lang : str, optional
        Label language (default: the form's default language).
    """

    def __init__(self, form: Form, *, context: Mapping[str, Any] | None = None,
                 thresholds: Thresholds = Thresholds(), lang: str | None = None) -> None:
        self.form = form
        self.context = {k: ("" if v is None else str(v)) for k, v in (context or {}).items()}
        self.thresholds = thresholds
        self.lang = lang or form.default_language
        self._state = _State()
        self._displayed = [q for q in form.questions if q.displayed]
        self._index = {q.name: i for i, q in enumerate(self._displayed)}
        self._by_name = {q.name: q for q in form.questions}
        self._snapshot: tuple[dict[str, Value], set[str]] | None = None
        self._start()

    # --- evaluation -----------------------------------------------------------------

    def _evaluate(self) -> tuple[dict[str, Value], set[str]]:
        """Values as expressions see them, and the names that are applicable."""
        if self._snapshot is not None:
            return self._snapshot
        values: dict[str, Value] = dict(self._state.answers)
        for q in self.form.questions:
            if q.type == "hidden":
                values[q.name] = self.context.get(q.name, q.default)
        applicable: set[str] = set()
        group_ok: dict[str, bool] = {}
        for q in self.form.questions:
            ok = True
            for g in q.groups:
                if g not in group_ok:
                    rel = self.form.groups[g].relevant if g in self.form.groups else ""
                    group_ok[g] = (not rel) or compile_expression(rel).is_true(values)
                ok = ok and group_ok[g]
            if ok and q.relevant:
                ok = compile_expression(q.relevant).is_true(values)
            if ok:
                applicable.add(q.name)
                if q.type == "calculate":
                    result = compile_expression(q.calculation).evaluate(values)
                    values[q.name] = result if not isinstance(result, bool) else (
                        "true" if result else "false")
            else:
                values[q.name] = None
        self._snapshot = (values, applicable)
        return self._snapshot

    def _changed(self) -> None:
        self._snapshot = None

    def values(self) -> dict[str, Value]:
        """Every field's value as expressions see it (not applicable → ``None``)."""
        return dict(self._evaluate()[0])

    def is_applicable(self, name: str) -> bool:
        return name in self._evaluate()[1]

    def choices_for(self, q: Question) -> tuple[Choice, ...]:
        """The question's choices after its ``choice_filter``."""
        choices = self.form.choices.get(q.list_name, ())
        if not q.choice_filter:
            return choices
        expr = compile_expression(q.choice_filter)
        values = self._evaluate()[0]
        return tuple(c for c in choices
                     if expr.is_true(values, node=choice_node({"name": c.name, **c.extra})))

    # --- navigation -----------------------------------------------------------------

    def _start(self) -> None:
        self._state.position = self._next_from(-1)
        self._state.started = True

    def _next_from(self, index: int) -> str | None:
        applicable = self._evaluate()[1]
        for q in self._displayed[index + 1:]:
            if q.name in applicable:
                return q.name
        return None

    def _settle(self) -> None:
        """If the current question stopped applying, move on to the next that does."""
        pos = self._state.position
        if pos is not None and not self.is_applicable(pos):
            self._state.position = self._next_from(self._index[pos])

    @property
    def finished(self) -> bool:
        """True once the walk has gone past the last applicable question."""
        self._settle()
        return self._state.position is None

    def current(self) -> Prompt | None:
        """The question to show now, or ``None`` when the walk is finished."""
        self._settle()
        pos = self._state.position
        return None if pos is None else self.prompt(pos)

    def prompt(self, name: str) -> Prompt:
        q = self._question(name)
        groups = tuple(self.form.groups[g].label(self.lang) for g in q.groups
                       if g in self.form.groups and self.form.groups[g].label(self.lang))
        return Prompt(
            name=q.name,
            type=q.type,
            label=self.fill(q.label(self.lang)),
            hint=self.fill(q.hint(self.lang)),
            required=q.required,
            choices=tuple((c.name, self.fill(c.label(self.lang))) for c in self.choices_for(q)),
            value=self._state.answers.get(q.name),
            appearance=q.appearance,
            module=q.module,
            groups=groups,
        )

    def fill(self, text: str) -> str:
        """Replace ``${name}`` in a label by the value shown to people."""
        if "${" not in text:
            return text
        return _REF.sub(lambda m: self.display_value(m.group(1).strip()), text)

    def display_value(self, name: str) -> str:
        """A field's value as text (choice labels for selects)."""
        values = self._evaluate()[0]
        value = values.get(name)
        q = self._by_name.get(name)
        if value is None:
            return ""
        if q is not None and q.list_name:
            labels = {c.name: c.label(self.lang) for c in self.form.choices.get(q.list_name, ())}
            names = value if isinstance(value, list) else [str(value)]
            return "、".join(labels.get(n, n) for n in names)
        if isinstance(value, list):
            return " ".join(value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    def next(self) -> AnswerResult:
        """Move past the current question; refused if it is required and unanswered."""
        self._settle()
        pos = self._state.position
        if pos is None:
            return AnswerResult(True)
        q = self._question(pos)
        if q.takes_answer and q.required and _empty(self._state.answers.get(pos)):
            return self._reject(q, "questionnaire.answer.required", q.required_messages)
        self._state.history.append(pos)
        self._state.position = self._next_from(self._index[pos])
        return AnswerResult(True)

    def back(self) -> bool:
        """Return to the previous applicable question shown; ``False`` at the start."""
        while self._state.history:
            name = self._state.history.pop()
            if self.is_applicable(name):
                self._state.position = name
                return True
        return False

    def jump(self, name: str) -> AnswerResult:
        """Go to any applicable displayed question (e.g. to correct an answer)."""
        if name not in self._index:
            return AnswerResult(False, message("questionnaire.answer.no_such_question", name=name),
                                "questionnaire.answer.no_such_question")
        if not self.is_applicable(name):
            return AnswerResult(False, message("questionnaire.answer.not_applicable", name=name),
                                "questionnaire.answer.not_applicable")
        pos = self._state.position
        if pos is not None and pos != name:
            self._state.history.append(pos)
        self._state.position = name
        return AnswerResult(True)

    # --- answers --------------------------------------------------------------------

    def answer(self, name: str, value: Any, *, advance: bool = True) -> AnswerResult:
        """Check and store ``value`` for ``name``.

        ``value`` may be typed (int, float, list of choice names) or text as
        typed at a prompt (``"12"``, ``"a b"`` for several choices). An empty
        value clears the answer. When ``name`` is the current question and
        ``advance`` is true, the walk moves on.
        """
        q = self._by_name.get(name)
        if q is None:
            return AnswerResult(False, message("questionnaire.answer.no_such_question", name=name),
                                "questionnaire.answer.no_such_question")
        if not q.takes_answer:
            return AnswerResult(False, message("questionnaire.answer.not_input", name=name),
                                "questionnaire.answer.not_input")
        if not self.is_applicable(name):
            return AnswerResult(False, message("questionnaire.answer.not_applicable", name=name),
                                "questionnaire.answer.not_applicable")
        if _empty(value):
            self.clear(name)
            if q.required:
                return self._reject(q, "questionnaire.answer.required", q.required_messages)
            if advance and self._state.position == name:
                return self.next()
            return AnswerResult(True)
        coerced = self._coerce(q, value)
        if isinstance(coerced, AnswerResult):
            return coerced
        if q.constraint:
            trial = dict(self._evaluate()[0])
            trial[name] = coerced
            if not compile_expression(q.constraint).is_true(trial, current=coerced):
                return self._reject(q, "questionnaire.answer.constraint", q.constraint_messages)
        self._state.answers[name] = coerced
        self._changed()
        if advance and self._state.position == name:
            return self.next()
        return AnswerResult(True)

    def clear(self, name: str) -> None:
        """Remove the answer to ``name`` (if any)."""
        if self._state.answers.pop(name, None) is not None:
            self._changed()

    def _question(self, name: str) -> Question:
        return self._by_name[name]

    def _reject(self, q: Question, key: str, custom: Mapping[str, str]) -> AnswerResult:
        text = pick_label(custom, self.lang) if custom else ""
        return AnswerResult(False, self.fill(text) or message(key), key)

    def _coerce(self, q: Question, value: Any) -> Value | AnswerResult:
        def bad(key: str, **params: Any) -> AnswerResult:
            return AnswerResult(False, message(key, **params), key)

        text = value if isinstance(value, str) else None
        if q.type in ("integer", "decimal"):
            number = _number(value)
            if q.type == "integer" and (number is None or not number.is_integer()):
                return bad("questionnaire.answer.not_integer")
            if number is None:
                return bad("questionnaire.answer.not_decimal")
            return int(number) if number.is_integer() else number
        if q.type == "date":
            try:
                return (value if isinstance(value, date) else date.fromisoformat(
                    str(text or value).strip())).isoformat()
            except ValueError:
                return bad("questionnaire.answer.not_date")
        if q.type == "time":
            if isinstance(value, time):
                return value.strftime("%H:%M")
            m = _TIME.match(str(value).strip())
            if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
                return bad("questionnaire.answer.not_time")
            return f"{int(m.group(1)):02d}:{m.group(2)}"
        if q.type in ("select_one", "select_multiple"):
            allowed = {c.name for c in self.choices_for(q)}
            picked = value.split() if isinstance(value, str) else [str(v) for v in value]
            if q.type == "select_one" and len(picked) != 1:
                return bad("questionnaire.answer.not_choice", value=" ".join(picked))
            for p in picked:
                if p not in allowed:
                    return bad("questionnaire.answer.not_choice", value=p)
            if q.type == "select_one":
                return picked[0]
            order = [c.name for c in self.choices_for(q)]
            return sorted(set(picked), key=order.index)
        return str(value).strip()

    # --- results --------------------------------------------------------------------

    def progress(self) -> Progress:
        """Answered ÷ applicable questions (optional free text not counted)."""
        applicable = [q for q in self.form.questions
                      if q.takes_answer and (q.required or q.type != "text")
                      and self.is_applicable(q.name)]
        answered = sum(1 for q in applicable if not _empty(self._state.answers.get(q.name)))
        return Progress(answered=answered, applicable=len(applicable))

    def status(self) -> Status:
        """``complete``, ``partial`` or ``breakoff`` by the share answered."""
        return self.thresholds.status(self.progress().share)

    def results(self) -> dict[str, Value]:
        """Answers and calculated values of applicable fields (what to save as data)."""
        values, applicable = self._evaluate()
        return {q.name: values.get(q.name) for q in self.form.questions
                if q.name in applicable and (q.takes_answer or q.type == "calculate")
                and not _empty(values.get(q.name))}

    def answers(self) -> dict[str, Value]:
        """Every stored answer, applicable or not (as entered)."""
        return dict(self._state.answers)

    # --- persistence ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready state; :meth:`from_dict` restores it exactly."""
        return {
            "state_version": STATE_VERSION,
            "form_id": self.form.form_id,
            "version": self.form.version,
            "modules": list(self.form.modules),
            "answers": dict(self._state.answers),
            "position": self._state.position,
            "history": list(self._state.history),
            "context": dict(self.context),
            "lang": self.lang,
            "thresholds": {"complete": self.thresholds.complete,
                           "partial": self.thresholds.partial},
        }

    @classmethod
    def from_dict(cls, form: Form, data: Mapping[str, Any]) -> Interview:
        """Resume an interview saved with :meth:`to_dict` on the same form."""
        saved = f"{data.get('form_id')}@{data.get('version')}"
        if (data.get("form_id"), data.get("version"), list(data.get("modules", []))) != (
                form.form_id, form.version, list(form.modules)):
            raise ValueError(message("questionnaire.err.state_mismatch", saved=saved,
                                     form=f"{form.form_id}@{form.version}"))
        th = data.get("thresholds") or {}
        iv = cls(form, context=data.get("context") or {},
                 thresholds=Thresholds(**th) if th else Thresholds(), lang=data.get("lang"))
        iv._state.answers = {k: (list(v) if isinstance(v, list) else v)
                             for k, v in dict(data.get("answers") or {}).items()}
        iv._state.position = data.get("position")
        iv._state.history = list(data.get("history") or [])
        iv._changed()
        return iv


def _number(value: Any) -> float | None:
    """A number from typed input (``"12"``, ``" 3.5 "``, ``7``); ``None`` if it is not one."""
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, (list, tuple)) and not value)


__all__: Sequence[str] = (
    "AnswerResult",
    "Interview",
    "Progress",
    "Prompt",
    "Status",
    "Thresholds",
)
