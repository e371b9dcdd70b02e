"""XLSForm expressions: every operator and function, parsed once, no eval."""

from __future__ import annotations

import pytest

from questionnaires.expressions import (
    ExpressionError,
    check_expression,
    choice_node,
    compile_expression,
    references,
    rename_references,
    to_xpath,
)

VALUES = {"a": 3, "b": 2.5, "s": "x", "empty": None, "m": ["a", "c"], "d": "2021-05-01",
          "t": "09:30", "txt": "3"}


@pytest.mark.parametrize(("source", "expected"), [
    # comparisons
    ("${a} = 3", True), ("${a} != 3", False), ("${a} > 2", True), ("${a} >= 3", True),
    ("${a} < 3", False), ("${a} <= 3", True), ("${s} = 'x'", True), ("${s} != 'y'", True),
    ("${txt} > 2", True),  # text compared as a number, as in ODK
    ("${d} > '2021-01-01'", True), ("${t} < '12:00'", True),
    # boolean operators
    ("${a} > 1 and ${s} = 'x'", True), ("${a} > 5 or ${s} = 'x'", True),
    ("${a} > 5 and ${s} = 'x'", False), ("not(${a} > 5)", True), ("not(${s} = 'x')", False),
    # arithmetic
    ("${a} + 1", 4), ("${a} - 1", 2), ("${a}-1", 2), ("${a} * ${b}", 7.5), ("${a} div 2", 1.5),
    ("${a} mod 2", 1), ("-${a}", -3), ("(${a} + 1) * 2", 8),
    # functions
    ("selected(${m}, 'a')", True), ("selected(${m}, 'b')", False),
    ("count-selected(${m})", 2), ("count-selected(${empty})", 0),
    ("selected-at(${m}, 1)", "c"),
    ("string-length(${s})", 1), ("string-length(${empty})", 0),
    ("if(${a} > 1, 'big', 'small')", "big"), ("if(${a} > 5, 'big', 'small')", "small"),
    ("if(${a} > 1, if(${b} > 3, 1, 2), 3)", 2),
    ("regex(${txt}, '^[0-9]+$')", True), ("int(${b})", 2), ("concat(${s}, 'y')", "xy"),
    ("round(number(${b}))", 3), ("contains('abc', 'b')", True),
    # empty answers: '' comparisons work, numbers have no value
    ("${empty} = ''", True), ("${empty} != ''", False), ("${empty} > 3", None),
    ("${empty} + 1", None), ("${a} div 0", None),
    # literals containing keywords are left alone
    ("'if(' = 'if('", True), ("'${a}'", "${a}"),
])
def test_operators_and_functions(source: str, expected: object) -> None:
    assert compile_expression(source).evaluate(VALUES) == expected


def test_dot_is_the_current_value() -> None:
    expr = compile_expression(". >= 0 and . <= 365")
    assert expr.is_true({}, current=10)
    assert not expr.is_true({}, current=400)
    assert not expr.is_true({}, current=None)


def test_choice_filter_sees_choice_columns() -> None:
    expr = compile_expression("district = ${d}")
    node = choice_node({"name": "a", "district": "120101"})
    assert expr.is_true({"d": "120101"}, node=node)
    assert not expr.is_true({"d": "120102"}, node=node)


def test_parsed_once_and_cached() -> None:
    assert compile_expression("${a} > 1") is compile_expression("${a} > 1")


def test_references_and_renaming() -> None:
    assert references("${a} > ${b} and ${a} < 3") == ["a", "b"]
    assert rename_references("${a} + ${z}", {"a": "m.a"}) == "${m.a} + ${z}"
    assert to_xpath("if(${a}-1 > 0, 'if(', 2)") == "xf-if(($a)-1 > 0, 'if(', 2)"


@pytest.mark.parametrize("bad", ["${a} >", "foo(1)", "${a b} = 1", "((1)", "", "1 = = 2",
                                 "__import__('os')"])
def test_syntax_errors(bad: str) -> None:
    with pytest.raises(ExpressionError):
        compile_expression(bad)


def test_no_python_eval() -> None:
    # a Python expression is not XPath: it is rejected, not executed
    with pytest.raises(ExpressionError):
        compile_expression("[x for x in ().__class__.__bases__]")


def test_check_expression_unknown_names() -> None:
    problems = check_expression("${a} > ${nope}", ["a"])
    assert problems == [("questionnaire.err.unknown_reference", {"name": "nope"})]
    assert check_expression("${a} >", ["a"])[0][0] == "questionnaire.err.expression"
