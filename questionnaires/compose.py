"""Compose one call's questionnaire: a common opening, one module per sampled
item, a common closing.

Item modules all use the same short names (``used``, ``days``, ``channel`` …), so
each module's names, groups and choice lists are prefixed with its form id
(``item_2021_028.used``) and its expressions and labels rewritten to match.
Names a module uses but does not define (``${consent}``) are left alone: they
refer to the opening. Each item module becomes a group labelled with its title,
whose ``relevant`` is the ``gate`` (e.g. ``${consent} = 'yes'``), so if the
respondent declines, the item modules do not apply and the walk goes straight
to the closing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from questionnaires.expressions import rename_references
from questionnaires.messages import message
from questionnaires.model import Choice, Form, Group, Question


class ComposeError(ValueError):
    """Modules that cannot be combined (a name used twice)."""


def _rename_labels(labels: Mapping[str, str], mapping: Mapping[str, str]) -> dict[str, str]:
    return {lang: rename_references(text, mapping) for lang, text in labels.items()}


def _prefixed(module: Form, gate: str) -> tuple[list[Question], dict[str, Group],
                                                 dict[str, tuple[Choice, ...]]]:
    prefix = module.form_id
    mapping = {name: f"{prefix}.{name}" for name in [*module.names(), *module.groups]}
    lists = {name: f"{prefix}.{name}" for name in module.choices}
    groups = {prefix: Group(name=prefix, labels={"": module.title}, relevant=gate)}
    for g in module.groups.values():
        groups[mapping[g.name]] = Group(
            name=mapping[g.name], labels=_rename_labels(g.labels, mapping),
            relevant=rename_references(g.relevant, mapping))
    questions = [
        replace(
            q,
            name=mapping[q.name],
            labels=_rename_labels(q.labels, mapping),
            hints=_rename_labels(q.hints, mapping),
            required_messages=_rename_labels(q.required_messages, mapping),
            constraint_messages=_rename_labels(q.constraint_messages, mapping),
            relevant=rename_references(q.relevant, mapping),
            constraint=rename_references(q.constraint, mapping),
            calculation=rename_references(q.calculation, mapping),
            choice_filter=rename_references(q.choice_filter, mapping),
            list_name=lists.get(q.list_name, q.list_name),
            groups=(prefix, *(mapping[g] for g in q.groups)),
            module=prefix,
        )
        for q in module.questions
    ]
    choices = {lists[name]: items for name, items in module.choices.items()}
    return questions, groups, choices


def _as_is(module: Form) -> tuple[list[Question], dict[str, Group],
                                  dict[str, tuple[Choice, ...]]]:
    questions = [replace(q, module=q.module or module.form_id) for q in module.questions]
    return questions, dict(module.groups), dict(module.choices)


def compose(opening: Form | None, modules: Sequence[Form], closing: Form | None = None, *,
            gate: str = "", form_id: str = "interview") -> Form:
    """One form: ``opening`` (names kept), ``modules`` (prefixed), ``closing`` (names kept).

    Parameters
    ----------
    gate : str
        ``relevant`` for every item module, in the opening's names.
    form_id : str
        The composed form's id. Its version lists the parts' ids and versions,
        so a saved interview is only resumed on the very same composition.

    Raises
    ------
    ComposeError
        When two parts define the same name (or a module is given twice).
    """
    questions: list[Question] = []
    groups: dict[str, Group] = {}
    choices: dict[str, tuple[Choice, ...]] = {}
    owner: dict[str, str] = {}
    parts: list[Form] = []
    for part, kind in [(opening, "plain"), *[(m, "prefixed") for m in modules],
                       (closing, "plain")]:
        if part is None:
            continue
        parts.append(part)
        qs, gs, cs = _prefixed(part, gate) if kind == "prefixed" else _as_is(part)
        for name in [*(q.name for q in qs), *gs]:
            if name in owner:
                raise ComposeError(message("questionnaire.err.compose_duplicate", name=name,
                                           first=owner[name], second=part.form_id))
            owner[name] = part.form_id
        for list_name, items in cs.items():
            if list_name in choices and choices[list_name] != items:
                raise ComposeError(message("questionnaire.err.compose_duplicate", name=list_name,
                                           first="choices", second=part.form_id))
            choices[list_name] = items
        questions.extend(qs)
        groups.update(gs)
    return Form(
        form_id=form_id,
        version="+".join(f"{p.form_id}@{p.version}" for p in parts),
        title=" / ".join(p.title for p in parts),
        questions=tuple(questions),
        groups=groups,
        choices=choices,
        default_language=(opening or (modules[0] if modules else closing) or parts[0]
                          ).default_language if parts else "zh",
        modules=tuple(p.form_id for p in parts),
    )
