"""XLSForm expressions (relevant, constraint, calculation, choice_filter).

Expressions are XPath, as in ODK: they are rewritten into plain XPath 2 and parsed
once with :mod:`elementpath`; evaluation walks elementpath's token tree, so there
is no Python ``eval`` anywhere. The rewriting is small:

- ``${q}`` becomes ``($q)`` (parenthesised, so ``${a}-1`` stays a subtraction);
- ``if(c, a, b)`` becomes ``xf-if(c, a, b)`` (``if`` is a keyword in XPath 2);
- XLSForm functions are registered on the parser: ``selected()``,
  ``count-selected()``, ``selected-at()``, ``regex()``, ``int()``, ``xf-if()``.
  ``not()``, ``string-length()``, ``concat()``, ``contains()``, ``round()`` … are
  XPath's own.

Values are handed to XPath as ``xs:untypedAtomic`` so that, like XPath 1.0 in
ODK, ``'3' > 2`` compares numbers and ``'x' = 'x'`` compares strings. A
comparison or sum that cannot be done (an empty answer used as a number, a
division by zero) yields "no value" (:data:`NO_VALUE`, ODK's NaN), which counts
as false.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, ClassVar

from elementpath import XPath2Parser, XPathContext
from elementpath.datatypes import UntypedAtomic
from elementpath.exceptions import ElementPathError

from questionnaires.limits import LIMITS, TooComplex, check_size, reset_budget, spend
from questionnaires.regex import pattern_problem, regex_search

Value = str | int | float | list[str] | None
"""An answer as the engine stores it (select_multiple: list of choice names)."""

NO_VALUE = None

_REF = re.compile(r"\$\{([^}]*)\}")
_IF = re.compile(r"(?<![\w.$:-])if\s*\(")
_STRING = re.compile(r"'[^']*'|\"[^\"]*\"")
NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


class ExpressionError(ValueError):
    """An expression that cannot be parsed (``detail`` says why, in English).

    ``key`` and ``params``: the catalogue message for users, when it is more specific
    than ``questionnaire.err.expression`` (an expression over a limit …).
    """

    def __init__(self, source: str, detail: str, key: str = "questionnaire.err.expression",
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(f"{source!r}: {detail}")
        self.source = source
        self.detail = detail
        self.key = key
        self.params = params if params is not None else {"expr": source, "detail": detail}


# --- XLSForm functions -----------------------------------------------------------

def _selected(value: Any, choice: Any) -> bool:
    return str(choice) in str(value if value is not None else "").split()


def _count_selected(value: Any) -> int:
    return len(str(value if value is not None else "").split())


def _selected_at(value: Any, index: Any) -> str:
    parts = str(value if value is not None else "").split()
    i = int(float(str(index)))
    return parts[i] if 0 <= i < len(parts) else ""


def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return then if truthy(condition) else otherwise


def _regex(value: Any, pattern: Any) -> bool:
    return regex_search(value, pattern)


def _int(value: Any) -> int:
    return int(float(str(value)))


_RANGE_TOKEN: Any = XPath2Parser.symbol_table["to"]


class _BoundedRange(_RANGE_TOKEN):  # type: ignore[misc]
    """``a to b`` whose items are counted against the limits (:mod:`questionnaires.limits`)."""

    def evaluate(self, context: Any = None) -> Any:
        try:
            start, stop = self.get_operands(context)
            size = int(stop) - int(start) + 1
        except (TypeError, ValueError, OverflowError):
            size = 0
        if size > 0:
            spend(size)
        return super().evaluate(context)


class _Parser(XPath2Parser):
    symbol_table: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        **XPath2Parser.symbol_table, "to": _BoundedRange}


# XPath 2 constructs that XLSForm (ODK's XPath 1 and functions) does not have, and that
# make work out of nothing: loops over sequences, and regular expressions that
# backtrack (regex() is the XLSForm function, on RE2)
_REFUSED = {"for": "for … return", "some": "some … satisfies", "every": "every … satisfies",
            "matches": "matches()", "replace": "replace()", "tokenize": "tokenize()"}


_MAY_REFUSE = re.compile(r"\b(?:" + "|".join(_REFUSED) + r")\b")
# what check_expression looks at in the token tree: ranges and regex() patterns
_MAY_CHECK = re.compile(r"\bto\b|\bregex\b")


def _make_parser() -> XPath2Parser:
    parser = _Parser()
    parser.external_function(_selected, name="selected")
    parser.external_function(_count_selected, name="count-selected")
    parser.external_function(_selected_at, name="selected-at")
    parser.external_function(_if, name="xf-if")
    parser.external_function(_regex, name="regex")
    parser.external_function(_int, name="int")
    return parser


@lru_cache(maxsize=1)
def _parser() -> XPath2Parser:
    return _make_parser()


# --- Parsing ---------------------------------------------------------------------

def references(source: str) -> list[str]:
    """The ``${name}`` references in ``source``, in order, without repeats."""
    seen: dict[str, None] = {}
    for name in _REF.findall(source):
        seen.setdefault(name.strip(), None)
    return list(seen)


def rename_references(source: str, mapping: Mapping[str, str]) -> str:
    """Rewrite ``${old}`` to ``${new}`` for names in ``mapping`` (others kept)."""
    return _REF.sub(lambda m: "${" + mapping.get(m.group(1).strip(), m.group(1).strip()) + "}",
                    source)


def to_xpath(source: str) -> str:
    """Rewrite XLSForm syntax into XPath 2 (see the module docstring)."""
    out: list[str] = []
    pos = 0
    for literal in _STRING.finditer(source):  # leave string literals untouched
        out.append(_rewrite_code(source[pos:literal.start()]))
        out.append(literal.group(0))
        pos = literal.end()
    out.append(_rewrite_code(source[pos:]))
    return "".join(out)


def _rewrite_code(code: str) -> str:
    code = _REF.sub(lambda m: f"(${m.group(1).strip()})", code)
    return _IF.sub("xf-if(", code)


@dataclass(frozen=True)
class Expression:
    """A parsed expression; evaluate it many times with :meth:`evaluate`."""

    source: str
    refs: tuple[str, ...]
    _token: Any = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, Value], current: Value = None,
                 node: ET.Element | None = None) -> Any:
        """Evaluate with ``values`` for ``${name}``, ``current`` for ``.``.

        ``node`` is the context element for a choice filter (the choice's
        columns as child elements). Returns a Python value (bool, number, str)
        or :data:`NO_VALUE` when the expression has no value.
        """
        variables: dict[str, Any] = {name: as_xpath_value(values.get(name))
                                     for name in self.refs}
        item = node if node is not None else as_xpath_value(current)
        reset_budget()
        try:
            context = XPathContext(node, item=item, variables=variables) if node is not None \
                else XPathContext(None, item=item, variables=variables)
            result = self._token.evaluate(context)
        # TooComplex is a ValueError: a range over the limits has no value
        except (ElementPathError, ArithmeticError, ValueError, TypeError, RecursionError):
            return NO_VALUE
        return from_xpath_value(result)

    def is_true(self, values: Mapping[str, Value], current: Value = None,
                node: ET.Element | None = None) -> bool:
        return truthy(self.evaluate(values, current, node))


def _tokens(token: Any) -> list[Any]:
    """Every token of a parsed expression (iteratively: no recursion to overflow)."""
    out, todo = [], [token]
    while todo:
        item = todo.pop()
        out.append(item)
        todo.extend(item)
    return out


def _too_complex(source: str, exc: TooComplex) -> ExpressionError:
    return ExpressionError(source, str(exc), f"questionnaire.err.expression_{exc.limit}",
                           {"expr": source[:80], "found": exc.found, "allowed": exc.allowed})


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Expression:
    """Parse ``source`` once; raise :class:`ExpressionError` if it is not valid, is over
    a limit (:mod:`questionnaires.limits`) or uses a construct XLSForm does not have."""
    text = source.strip()
    if not text:
        raise ExpressionError(source, "empty expression")
    try:
        check_size(text)
    except TooComplex as exc:
        raise _too_complex(source, exc) from None
    for name in references(text):
        if not NAME_PATTERN.match(name):
            raise ExpressionError(source, f"bad reference ${{{name}}}")
    reset_budget()          # the parser evaluates constant parts (ranges too) itself
    try:
        token = _parser().parse(to_xpath(text))
    except ElementPathError as exc:
        # elementpath evaluates constant parts while parsing, and wraps what they raise
        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, TooComplex):
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, TooComplex):
            raise _too_complex(source, cause) from None
        raise ExpressionError(source, str(exc)) from None
    except TooComplex as exc:
        raise _too_complex(source, exc) from None
    except RecursionError:
        raise _too_complex(source, TooComplex("too_deep", LIMITS.max_depth + 1,
                                              LIMITS.max_depth)) from None
    except (ValueError, TypeError, KeyError) as exc:  # elementpath internals on odd input
        raise ExpressionError(source, str(exc)) from None
    for item in _tokens(token) if _MAY_REFUSE.search(text) else ():
        if item.symbol in _REFUSED:
            raise ExpressionError(source, f"{item.symbol} is not supported",
                                  "questionnaire.err.expression_refused",
                                  {"expr": source[:80], "construct": _REFUSED[item.symbol]})
    return Expression(source=text, refs=tuple(references(text)), _token=token)


# --- Values ----------------------------------------------------------------------

def as_xpath_value(value: Value) -> UntypedAtomic:
    """An answer as XPath sees it: untyped text, select_multiple space-joined."""
    if value is None:
        return UntypedAtomic("")
    if isinstance(value, list):
        return UntypedAtomic(" ".join(value))
    if isinstance(value, bool):
        return UntypedAtomic("true" if value else "false")
    if isinstance(value, float) and value.is_integer():
        return UntypedAtomic(str(int(value)))
    return UntypedAtomic(str(value))


def from_xpath_value(result: Any) -> Any:
    """elementpath's result as a plain Python value."""
    if isinstance(result, list):
        if not result:
            return NO_VALUE
        if len(result) == 1:
            return from_xpath_value(result[0])
        return [from_xpath_value(r) for r in result]
    if isinstance(result, bool) or result is None:
        return result
    if isinstance(result, Decimal):
        return int(result) if result == result.to_integral_value() else float(result)
    if isinstance(result, float):
        if math.isnan(result) or math.isinf(result):
            return NO_VALUE
        return int(result) if result.is_integer() else result
    if isinstance(result, int):
        return result
    if isinstance(result, (str, UntypedAtomic)):
        return str(result)
    if isinstance(result, ET.Element):
        return result.text or ""
    return str(result)


def truthy(value: Any) -> bool:
    """XPath's effective boolean value of a plain Python value."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    if isinstance(value, list):
        return bool(value)
    return str(value) != ""


def choice_node(columns: Mapping[str, str]) -> ET.Element:
    """A choice as an XML element, so a choice filter can name its columns."""
    root = ET.Element("item")
    for key, text in columns.items():
        child = ET.SubElement(root, key)
        child.text = text
    return root


def check_expression(source: str, known: Collection[str]) -> list[tuple[str, dict[str, Any]]]:
    """Problems with ``source`` as ``(message key, params)``: syntax, limits, unknown
    names, ranges of literal bounds over the limit, regex() patterns RE2 cannot take.

    ``known``: the question names; pass a set (anything else is made one, per call).
    """
    problems: list[tuple[str, dict[str, Any]]] = []
    try:
        expression = compile_expression(source)
    except ExpressionError as exc:
        problems.append((exc.key, exc.params))
        return problems
    known_set = known if isinstance(known, (set, frozenset)) else set(known)
    for name in expression.refs:
        if name not in known_set:
            problems.append(("questionnaire.err.unknown_reference", {"name": name}))
    for item in _tokens(expression._token) if _MAY_CHECK.search(source) else ():
        if item.symbol == "to" and all(op.symbol == "(integer)" for op in item):
            size = int(item[1].value) - int(item[0].value) + 1
            if size > LIMITS.max_range:
                problems.append(("questionnaire.err.expression_range",
                                 {"expr": source[:80], "found": size,
                                  "allowed": LIMITS.max_range}))
        elif item.symbol == "regex" and len(item) == 2 and item[1].symbol == "(string)" and (
                why := pattern_problem(str(item[1].value))) is not None:
            problems.append(("questionnaire.err.regex_pattern",
                             {"pattern": str(item[1].value)[:80], "detail": why}))
    return problems
