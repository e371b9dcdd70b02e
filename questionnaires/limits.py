"""Limits on XLSForm expressions, so that no questionnaire can hang the validator or
freeze an interview screen.

Expressions come from workbooks edited by hand. Without limits, ~400 nested ``not(``
overflow the parser's recursion, ``count(1 to 100000000000)`` asks for a list of 10^11
numbers, and ``regex(${a}, '(a+)+$')`` backtracks for seconds on a short answer.
Here: an expression's length and bracket depth are checked before it is parsed; ranges
(``a to b``) are limited in size, and all the range items one evaluation makes are
counted against a budget (a range inside a filter is evaluated once per item);
``regex()`` runs on RE2, whose matching is linear in the text.

``ExpressionLimits`` is a frozen dataclass with the defaults, for a settings object to
replace; :data:`LIMITS` is the one in force.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExpressionLimits:
    """Attributes
    ----------
    max_chars
        Characters in one expression (XLSForm's are a line or two).
    max_depth
        Nesting of brackets (``(``, ``[``) in one expression.
    max_range
        Items of one range ``a to b``.
    max_items
        Range items one evaluation may make in all.
    max_pattern_chars
        Characters in a ``regex()`` pattern.
    """

    max_chars: int = 2_000
    max_depth: int = 32
    max_range: int = 10_000
    max_items: int = 100_000
    max_pattern_chars: int = 500


LIMITS = ExpressionLimits()


class TooComplex(ValueError):
    """An expression over a limit: ``limit`` names it, ``found`` and ``allowed`` say by
    how much (messages: ``questionnaire.err.expression_<limit>``)."""

    def __init__(self, limit: str, found: int, allowed: int) -> None:
        super().__init__(f"{limit}: {found} > {allowed}")
        self.limit = limit
        self.found = found
        self.allowed = allowed


def nesting_depth(source: str) -> int:
    """The deepest nesting of ``(`` and ``[`` outside string literals."""
    depth = deepest = 0
    quote = ""
    for ch in source:
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]":
            depth = max(depth - 1, 0)
    return deepest


def check_size(source: str, limits: ExpressionLimits = LIMITS) -> None:
    """Raise :class:`TooComplex` for an expression too long or too deeply nested to parse."""
    if len(source) > limits.max_chars:
        raise TooComplex("too_long", len(source), limits.max_chars)
    if source.count("(") + source.count("[") > limits.max_depth and \
            (depth := nesting_depth(source)) > limits.max_depth:
        raise TooComplex("too_deep", depth, limits.max_depth)


class _Budget(threading.local):
    items = 0


_budget = _Budget()


def reset_budget() -> None:
    """Start counting range items for a new evaluation (this thread's)."""
    _budget.items = 0


def spend(items: int, limits: ExpressionLimits = LIMITS) -> None:
    """Count ``items`` range items against the limits; raise :class:`TooComplex` if over."""
    if items > limits.max_range:
        raise TooComplex("range", items, limits.max_range)
    _budget.items += items
    if _budget.items > limits.max_items:
        raise TooComplex("items", _budget.items, limits.max_items)
