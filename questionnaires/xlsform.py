"""Read an XLSForm workbook (a useful subset) into a :class:`~questionnaires.model.Form`.

Sheets: ``survey`` (type, name, label[::lang], hint[::lang], required,
required_message[::lang], relevant, constraint, constraint_message[::lang],
calculation, appearance, choice_filter, default), ``choices`` (list_name, name,
label[::lang], any other columns for choice filters) and ``settings`` (form_id,
version, form_title or title, default_language).

Every problem is collected, not just the first: :func:`check_sheets` returns a
list of :class:`FormIssue`, each naming sheet, row (1-based, as Excel shows it)
and column, with a message from the catalogue (Chinese by default).
:func:`read_xlsform` raises :class:`XLSFormError` carrying all of them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from questionnaires.cycles import CALCULATION, CONSTRAINT, GROUP, RELEVANT, find_cycles
from questionnaires.expressions import NAME_PATTERN, check_expression, references
from questionnaires.messages import message
from questionnaires.model import (
    GROUP_BEGIN,
    GROUP_END,
    QUESTION_TYPES,
    Choice,
    Form,
    Group,
    Question,
)
from sampling.listfile.limits import DEFAULT_LIMITS, LimitExceeded, ReadLimits
from sampling.listfile.sizecheck import check_workbook

Rows = Sequence[Sequence[Any]]
SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
_TRUE = {"yes", "true", "true()", "1", "y", "是"}
_FALSE = {"", "no", "false", "false()", "0", "n", "否"}
_LANG_IN_PARENS = re.compile(r"\(([A-Za-z_-]+)\)\s*$")
_UNSUPPORTED = ("begin repeat", "begin_repeat", "end repeat", "end_repeat")
_SELECT = re.compile(r"^(select_one|select_multiple|select one|select multiple)\s+(\S+)$")
_TRANSLATABLE = ("label", "hint", "constraint_message", "required_message")


@dataclass(frozen=True)
class FormIssue:
    """One problem in a workbook: where it is and what it is (a message key)."""

    sheet: str
    row: int
    column: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    header: str = ""

    def message(self, lang: str | None = None) -> str:
        text = message(self.key, lang=lang, **self.params)
        return message("questionnaire.issue.where", lang=lang, sheet=self.sheet, row=self.row,
                       column=self.column, header=self.header, text=text)

    def __str__(self) -> str:
        return self.message()


class XLSFormError(ValueError):
    """A workbook with problems; ``issues`` holds all of them."""

    def __init__(self, source: str, issues: list[FormIssue]) -> None:
        self.source = source
        self.issues = issues
        lines = [message("questionnaire.err.invalid_form", file=source, count=len(issues))]
        lines += [f"  {i}" for i in issues]
        super().__init__("\n".join(lines))


def column_letter(index: int) -> str:
    """0-based column index to Excel's letters (0 → A, 26 → AA)."""
    return get_column_letter(index + 1)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass
class _Sheet:
    """A sheet as header → column index, with rows of strings."""

    name: str
    headers: dict[str, int]
    rows: list[tuple[int, list[str]]]  # (1-based Excel row, cells)
    header_row: int

    def get(self, cells: list[str], header: str) -> str:
        i = self.headers.get(header)
        return cells[i] if i is not None and i < len(cells) else ""

    def column(self, header: str) -> str:
        i = self.headers.get(header)
        return column_letter(i) if i is not None else ""

    def translation_header(self, base: str, lang: str) -> str:
        """The header holding ``base`` in ``lang`` (``label::English (en)`` …)."""
        for header in self.headers:
            if (header == base and not lang) or (header.startswith(base + "::")
                                                 and _language_of(header[len(base) + 2:]) == lang):
                return header
        return base

    def translations(self, cells: list[str], base: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for header in self.headers:
            if header == base or header.startswith(base + "::"):
                lang = _language_of(header[len(base) + 2:]) if header != base else ""
                text = self.get(cells, header)
                if text:
                    out[lang] = text
        return out


def _language_of(spec: str) -> str:
    """``zh`` from ``zh``, ``Chinese (zh)`` or ``中文(zh)``."""
    m = _LANG_IN_PARENS.search(spec)
    return (m.group(1) if m else spec).strip().lower()


def _sheet(name: str, rows: Rows) -> _Sheet:
    table = [[_cell(v) for v in row] for row in rows]
    header_at = next((i for i, r in enumerate(table) if any(r)), None)
    if header_at is None:
        return _Sheet(name, {}, [], 0)
    headers: dict[str, int] = {}
    for i, h in enumerate(table[header_at]):
        key = h.strip().lower()
        if key and key not in headers:
            headers[key] = i
    body = [(i + 1, r) for i, r in enumerate(table) if i > header_at and any(r)]
    return _Sheet(name, headers, body, header_at + 1)


def check_sheets(sheets: Mapping[str, Rows], source: str = "") -> tuple[Form | None, list[FormIssue]]:
    """Build a form from sheet name → rows; return it (or ``None``) and all issues.

    ``rows`` are lists of cell values as a spreadsheet reader gives them, first
    row first. Sheet names are matched case-insensitively.
    """
    by_name = {k.strip().lower(): v for k, v in sheets.items()}
    issues: list[FormIssue] = []
    if SURVEY not in by_name:
        issues.append(FormIssue(SURVEY, 1, "A", "questionnaire.err.no_survey_sheet"))
        return None, issues
    survey = _sheet(SURVEY, by_name[SURVEY])
    choices_sheet = _sheet(CHOICES, by_name.get(CHOICES, []))
    settings_sheet = _sheet(SETTINGS, by_name.get(SETTINGS, []))

    def issue(sheet: _Sheet, row: int, header: str, key: str, **params: Any) -> None:
        issues.append(FormIssue(sheet.name, row, sheet.column(header) or "A", key, params,
                                header=header))

    for required_header in ("type", "name"):
        if required_header not in survey.headers:
            issues.append(FormIssue(SURVEY, survey.header_row or 1, "A",
                                    "questionnaire.err.missing_column",
                                    {"column": required_header}))
    if issues:
        return None, issues

    choices = _read_choices(choices_sheet, issue)
    settings = _read_settings(settings_sheet)
    questions, groups, name_rows = _read_survey(survey, choices, issue)

    known = {q.name for q in questions}      # a set, made once: validation stays linear
    for q in questions:
        for header, source_text in (("relevant", q.relevant), ("constraint", q.constraint),
                                    ("calculation", q.calculation),
                                    ("choice_filter", q.choice_filter)):
            if source_text:
                for key, params in check_expression(source_text, known):
                    issue(survey, q.row, header, key, **params)
        for lang, lang_text in q.labels.items():
            for ref in re.findall(r"\$\{([^}]*)\}", lang_text):
                if ref.strip() not in known:
                    issue(survey, q.row, survey.translation_header("label", lang),
                          "questionnaire.err.unknown_reference", name=ref.strip())
    for g in groups.values():
        if g.relevant:
            for key, params in check_expression(g.relevant, known):
                issue(survey, name_rows[g.name], "relevant", key, **params)
    for cycle in find_cycles(_reference_graph(questions, groups), name_rows):
        issue(survey, name_rows[cycle.names[0]], cycle.column, "questionnaire.err.cycle",
              names=" → ".join(f"${{{n}}}" for n in cycle.names))

    form_id = settings.get("form_id") or Path(source).stem or "form"
    if not NAME_PATTERN.match(form_id):
        issues.append(FormIssue(SETTINGS, 2, settings_sheet.column("form_id") or "A",
                                "questionnaire.err.bad_name", {"name": form_id}, "form_id"))
    if issues:
        return None, sorted(issues, key=lambda i: (i.sheet != SURVEY, i.sheet, i.row, i.column))
    form = Form(
        form_id=form_id,
        version=settings.get("version", ""),
        title=settings.get("form_title") or settings.get("title") or form_id,
        questions=tuple(questions),
        groups=groups,
        choices=choices,
        default_language=_language_of(settings.get("default_language", "")) or "zh",
    )
    return form, []


def _reference_graph(questions: Sequence[Question], groups: Mapping[str, Group]
                     ) -> dict[str, list[tuple[str, str]]]:
    """Name -> (name its expressions reference, column) for :func:`find_cycles`; a
    question also points at its innermost group (which points at what its relevant
    names, and at its own enclosing group through its first member's groups)."""
    graph: dict[str, list[tuple[str, str]]] = {}
    for q in questions:
        targets = graph.setdefault(q.name, [])
        for kind, text in ((RELEVANT, q.relevant), (CALCULATION, q.calculation),
                           (CONSTRAINT, q.constraint)):
            if text:
                targets.extend((ref, kind) for ref in references(text)
                               if not (kind == CONSTRAINT and ref == q.name))
        if q.groups:
            targets.append((q.groups[-1], GROUP))
            for outer, inner in zip(q.groups, q.groups[1:], strict=False):
                if (outer, GROUP) not in graph.setdefault(inner, []):
                    graph[inner].append((outer, GROUP))
    for g in groups.values():
        if g.relevant:
            graph.setdefault(g.name, []).extend((ref, RELEVANT) for ref in references(g.relevant))
    return graph


def _read_settings(sheet: _Sheet) -> dict[str, str]:
    if not sheet.rows:
        return {}
    _, cells = sheet.rows[0]
    return {h: sheet.get(cells, h) for h in sheet.headers if sheet.get(cells, h)}


def _read_choices(sheet: _Sheet, issue: Any) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, list[Choice]] = {}
    if not sheet.headers:
        return {}
    for header in ("list_name", "name"):
        if header not in sheet.headers:
            issue(sheet, sheet.header_row, header, "questionnaire.err.missing_column",
                  column=header)
            return {}
    extra_headers = [h for h in sheet.headers
                     if h not in ("list_name", "name") and not h.startswith("label")
                     and not h.startswith("media")]
    for h in extra_headers:
        if not NAME_PATTERN.match(h) or ":" in h:
            issue(sheet, sheet.header_row, h, "questionnaire.err.bad_column_name", column=h)
    seen: dict[tuple[str, str], int] = {}
    for row, cells in sheet.rows:
        list_name, name = sheet.get(cells, "list_name"), sheet.get(cells, "name")
        labels = sheet.translations(cells, "label")
        if not list_name:
            issue(sheet, row, "list_name", "questionnaire.err.empty_cell", column="list_name")
            continue
        if not name:
            issue(sheet, row, "name", "questionnaire.err.empty_cell", column="name")
            continue
        if " " in name:
            issue(sheet, row, "name", "questionnaire.err.choice_space", name=name)
        if not labels:
            issue(sheet, row, "label", "questionnaire.err.no_label", name=name)
        if (list_name, name) in seen:
            issue(sheet, row, "name", "questionnaire.err.duplicate_choice", name=name,
                  list=list_name, first=seen[(list_name, name)])
            continue
        seen[(list_name, name)] = row
        extra = {h: sheet.get(cells, h) for h in extra_headers if NAME_PATTERN.match(h)}
        lists.setdefault(list_name, []).append(Choice(name=name, labels=labels, extra=extra))
    return {k: tuple(v) for k, v in lists.items()}


def _parse_bool(text: str) -> bool | None:
    low = text.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    return None


def _read_survey(sheet: _Sheet, choices: Mapping[str, tuple[Choice, ...]], issue: Any
                 ) -> tuple[list[Question], dict[str, Group], dict[str, int]]:
    questions: list[Question] = []
    groups: dict[str, Group] = {}
    stack: list[tuple[str, int]] = []
    name_rows: dict[str, int] = {}
    for row, cells in sheet.rows:
        raw_type = " ".join(sheet.get(cells, "type").split())
        name = sheet.get(cells, "name")
        low = raw_type.lower()
        if not raw_type:
            if any(cells):
                issue(sheet, row, "type", "questionnaire.err.empty_cell", column="type")
            continue
        if low in GROUP_END:
            if not stack:
                issue(sheet, row, "type", "questionnaire.err.end_without_begin")
            else:
                stack.pop()
            continue
        if low in _UNSUPPORTED:
            issue(sheet, row, "type", "questionnaire.err.unsupported_type", type=raw_type)
            continue
        if not name:
            issue(sheet, row, "name", "questionnaire.err.empty_cell", column="name")
            continue
        if not NAME_PATTERN.match(name):
            issue(sheet, row, "name", "questionnaire.err.bad_name", name=name)
            continue
        if name in name_rows:
            issue(sheet, row, "name", "questionnaire.err.duplicate_name", name=name,
                  first=name_rows[name])
            continue
        name_rows[name] = row
        labels = sheet.translations(cells, "label")
        if low in GROUP_BEGIN:
            groups[name] = Group(name=name, labels=labels, relevant=sheet.get(cells, "relevant"))
            stack.append((name, row))
            continue
        list_name = ""
        base = low
        m = _SELECT.match(raw_type)
        if m:
            base = m.group(1).replace(" ", "_")
            list_name = m.group(2)
            if list_name not in choices:
                issue(sheet, row, "type", "questionnaire.err.unknown_list", list=list_name)
        elif low.startswith("select"):
            issue(sheet, row, "type", "questionnaire.err.select_without_list", type=raw_type)
            continue
        elif low not in QUESTION_TYPES:
            issue(sheet, row, "type", "questionnaire.err.unknown_type", type=raw_type)
            continue
        required_text = sheet.get(cells, "required")
        required = _parse_bool(required_text)
        if required is None:
            issue(sheet, row, "required", "questionnaire.err.bad_required", value=required_text)
            required = False
        calculation = sheet.get(cells, "calculation")
        if base == "calculate" and not calculation:
            issue(sheet, row, "calculation", "questionnaire.err.no_calculation", name=name)
        if base not in ("calculate", "hidden") and not labels:
            issue(sheet, row, "label", "questionnaire.err.no_label", name=name)
        questions.append(Question(
            type=base,
            name=name,
            labels=labels,
            hints=sheet.translations(cells, "hint"),
            list_name=list_name,
            required=required,
            required_messages=sheet.translations(cells, "required_message"),
            relevant=sheet.get(cells, "relevant"),
            constraint=sheet.get(cells, "constraint"),
            constraint_messages=sheet.translations(cells, "constraint_message"),
            calculation=calculation,
            appearance=sheet.get(cells, "appearance"),
            choice_filter=sheet.get(cells, "choice_filter"),
            default=sheet.get(cells, "default"),
            groups=tuple(g for g, _ in stack),
            row=row,
        ))
    for name, row in stack:
        issue(sheet, row, "type", "questionnaire.err.group_not_closed", name=name)
    return questions, groups, name_rows


def read_sheets(path: str | Path, limits: ReadLimits = DEFAULT_LIMITS) -> dict[str, list[list[Any]]]:
    """All sheets of a workbook as rows of cell values (python-calamine).

    The workbook's size is checked first, as for list files
    (:mod:`sampling.listfile.sizecheck`): one over ``limits`` raises
    :class:`XLSFormError` with one ``questionnaire.err.over_limit`` issue, before
    calamine allocates anything for it (a cell at XFD1048576 would abort the process).
    """
    import zipfile

    from python_calamine import CalamineWorkbook

    path = Path(path)
    try:
        check_workbook(path, limits)
    except LimitExceeded as exc:
        raise XLSFormError(str(path), [FormIssue(
            exc.sheet or path.name, 1, "A", "questionnaire.err.over_limit",
            {"detail": exc.describe(message)})]) from None
    except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise XLSFormError(str(path), [FormIssue(path.name, 1, "A", "questionnaire.err.unreadable",
                                                 {"detail": str(exc)})]) from None
    workbook = CalamineWorkbook.from_path(str(path))
    return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in workbook.sheet_names}


def validate_xlsform(path: str | Path) -> list[FormIssue]:
    """All problems in the workbook at ``path`` (empty when it is valid)."""
    try:
        sheets = read_sheets(path)
    except XLSFormError as exc:
        return exc.issues
    except Exception as exc:  # noqa: BLE001 - any unreadable file: one issue, no traceback
        return [FormIssue(Path(path).name, 1, "A", "questionnaire.err.unreadable",
                          {"detail": str(exc)})]
    return check_sheets(sheets, source=str(path))[1]


def read_xlsform(path: str | Path) -> Form:
    """Read and check the workbook at ``path``; raise :class:`XLSFormError` if invalid."""
    try:
        sheets = read_sheets(path)
    except XLSFormError:
        raise
    except Exception as exc:  # noqa: BLE001 - as in validate_xlsform
        raise XLSFormError(str(path), [FormIssue(Path(path).name, 1, "A",
                                                 "questionnaire.err.unreadable",
                                                 {"detail": str(exc)})]) from None
    form, issues = check_sheets(sheets, source=str(path))
    if form is None:
        raise XLSFormError(str(path), issues)
    return form


def form_from_rows(survey: Rows, choices: Rows = (), settings: Rows = (),
                   source: str = "form") -> Form:
    """Build a form from in-memory rows (tests, generated modules)."""
    sheets: dict[str, Rows] = {SURVEY: survey}
    if choices:
        sheets[CHOICES] = choices
    if settings:
        sheets[SETTINGS] = settings
    form, issues = check_sheets(sheets, source=source)
    if form is None:
        raise XLSFormError(source, issues)
    return form
