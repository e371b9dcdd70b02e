"""Messages of the questionnaire package: key -> (Simplified Chinese, English).

The texts live here, beside the code that raises them, so that this package needs
nothing from the application; ``callcentre.i18n`` merges them into the one message
catalogue (area ``messages_questionnaire``) and passes its language on
(:func:`set_language`).
"""

from __future__ import annotations

import os

LANGUAGES = ("zh", "en")
_language: str | None = None

MESSAGES: dict[str, tuple[str, str]] = {
    "questionnaire.issue.where": (
        "工作表“{sheet}”第{row}行{column}列({header}):{text}",
        "sheet '{sheet}' row {row} column {column} ({header}): {text}",
    ),
    "questionnaire.err.invalid_form": (
        "问卷文件 {file} 有 {count} 处错误:",
        "questionnaire file {file} has {count} problem(s):",
    ),
    "questionnaire.err.unreadable": (
        "无法读取该文件:{detail}",
        "cannot read the file: {detail}",
    ),
    "questionnaire.err.no_survey_sheet": (
        "缺少“survey”工作表",
        "the 'survey' sheet is missing",
    ),
    "questionnaire.err.missing_column": (
        "缺少“{column}”列",
        "column '{column}' is missing",
    ),
    "questionnaire.err.bad_column_name": (
        "列名“{column}”不能用于选项筛选(只能含字母、数字、下划线、点、连字符)",
        "column name '{column}' cannot be used in a choice filter",
    ),
    "questionnaire.err.empty_cell": (
        "“{column}”为空",
        "'{column}' is empty",
    ),
    "questionnaire.err.bad_name": (
        "名称“{name}”不合规:须以字母或下划线开头,只含字母、数字、下划线、点、连字符",
        "name '{name}' is not valid: start with a letter or underscore; use letters, digits, _ . -",
    ),
    "questionnaire.err.duplicate_name": (
        "名称“{name}”重复(第{first}行已使用)",
        "name '{name}' repeats (already used in row {first})",
    ),
    "questionnaire.err.duplicate_choice": (
        "选项列表“{list}”中选项“{name}”重复(第{first}行已有)",
        "choice '{name}' repeats in list '{list}' (row {first})",
    ),
    "questionnaire.err.choice_space": (
        "选项名称“{name}”含空格(多选题答案以空格分隔)",
        "choice name '{name}' contains a space",
    ),
    "questionnaire.err.no_label": (
        "“{name}”没有标签(label)",
        "'{name}' has no label",
    ),
    "questionnaire.err.unknown_type": (
        "题型“{type}”无法识别",
        "unknown question type '{type}'",
    ),
    "questionnaire.err.unsupported_type": (
        "暂不支持题型“{type}”",
        "type '{type}' is not supported",
    ),
    "questionnaire.err.select_without_list": (
        "选择题“{type}”缺少选项列表名(如 select_one yes_no)",
        "'{type}' needs a list name (e.g. select_one yes_no)",
    ),
    "questionnaire.err.unknown_list": (
        "选项列表“{list}”在 choices 工作表中不存在",
        "choice list '{list}' is not in the choices sheet",
    ),
    "questionnaire.err.bad_required": (
        "“required”的值“{value}”无法识别(应为 yes 或 no)",
        "'required' value '{value}' is not yes or no",
    ),
    "questionnaire.err.no_calculation": (
        "计算字段“{name}”缺少计算式(calculation)",
        "calculate field '{name}' has no calculation",
    ),
    "questionnaire.err.end_without_begin": (
        "“end group”前没有对应的“begin group”",
        "'end group' without 'begin group'",
    ),
    "questionnaire.err.group_not_closed": (
        "分组“{name}”没有“end group”",
        "group '{name}' is never closed",
    ),
    "questionnaire.err.expression": (
        "表达式“{expr}”有误:{detail}",
        "expression '{expr}' is not valid: {detail}",
    ),
    "questionnaire.err.unknown_reference": (
        "引用了不存在的题目 ${{{name}}}",
        "refers to unknown question ${{{name}}}",
    ),
    "questionnaire.err.compose_duplicate": (
        "组合问卷时名称“{name}”在“{first}”和“{second}”中重复",
        "name '{name}' is in both '{first}' and '{second}'",
    ),
    "questionnaire.err.state_mismatch": (
        "保存的访问进度属于问卷 {saved},与当前问卷 {form} 不符",
        "saved interview belongs to {saved}, not {form}",
    ),
    "questionnaire.answer.required": (
        "此题必答",
        "an answer is required",
    ),
    "questionnaire.answer.constraint": (
        "答案不符合要求",
        "the answer is not allowed",
    ),
    "questionnaire.answer.not_integer": (
        "请输入整数",
        "enter a whole number",
    ),
    "questionnaire.answer.not_decimal": (
        "请输入数字",
        "enter a number",
    ),
    "questionnaire.answer.not_date": (
        "请输入日期,格式如 2021-06-30",
        "enter a date like 2021-06-30",
    ),
    "questionnaire.answer.not_time": (
        "请输入时间,格式如 09:30",
        "enter a time like 09:30",
    ),
    "questionnaire.answer.not_choice": (
        "“{value}”不是本题的选项",
        "'{value}' is not a choice here",
    ),
    "questionnaire.answer.not_applicable": (
        "题目“{name}”当前不适用",
        "question '{name}' does not apply now",
    ),
    "questionnaire.answer.no_such_question": (
        "没有题目“{name}”",
        "there is no question '{name}'",
    ),
    "questionnaire.answer.not_input": (
        "“{name}”不需要作答",
        "'{name}' takes no answer",
    ),
    "questionnaire.status.complete": (
        "完成",
        "complete",
    ),
    "questionnaire.status.partial": (
        "部分完成",
        "partial",
    ),
    "questionnaire.status.breakoff": (
        "中断",
        "break-off",
    ),
    "questionnaire.db.no_wave": (
        "没有代码为“{wave}”的调查轮次",
        "there is no wave '{wave}'",
    ),
    "questionnaire.db.locked": (
        "问卷 {form_id} 版本 {version} 已有访问使用,不能修改;请使用新的版本号",
        "{form_id} version {version} is in use by interviews and cannot change; give it a new version",
    ),
    "questionnaire.db.not_found": (
        "轮次 {wave} 中没有问卷 {form_id} 版本 {version}",
        "wave {wave} has no {form_id} version {version}",
    ),
    "questionnaire.err.over_limit": (
        "文件超出读取上限，未读取：{detail}",
        "the file is over a reading limit and was not read: {detail}",
    ),
    "questionnaire.err.expression_too_long": (
        "表达式“{expr}…”有 {found} 个字符，上限为 {allowed} 个",
        "expression '{expr}…' has {found} characters; the limit is {allowed}",
    ),
    "questionnaire.err.expression_too_deep": (
        "表达式“{expr}…”括号嵌套 {found} 层，上限为 {allowed} 层",
        "expression '{expr}…' nests brackets {found} deep; the limit is {allowed}",
    ),
    "questionnaire.err.expression_range": (
        "表达式“{expr}”中的范围有 {found} 项，上限为 {allowed} 项",
        "a range in '{expr}' has {found} items; the limit is {allowed}",
    ),
    "questionnaire.err.expression_items": (
        "表达式“{expr}”计算时生成的项数超过 {allowed}",
        "'{expr}' makes more than {allowed} items when evaluated",
    ),
    "questionnaire.err.expression_refused": (
        "表达式“{expr}”使用了 XLSForm 不支持的 {construct}（正则匹配请用 regex()）",
        "'{expr}' uses {construct}, which XLSForm does not have (use regex() for patterns)",
    ),
    "questionnaire.err.regex_pattern": (
        "regex() 的模式“{pattern}”无法使用：{detail}（不支持反向引用和前后查找）",
        "regex() pattern '{pattern}' cannot be used: {detail} (no backreferences or lookaround)",
    ),
    "questionnaire.err.cycle": (
        "relevant / calculation / constraint 之间存在循环引用：{names}",
        "circular references among relevant / calculation / constraint: {names}",
    ),
}


def set_language(lang: str | None) -> None:
    """The language of :func:`message` (``None``: ``CALLCENTRE_LANG``, else Chinese)."""
    global _language
    _language = lang


def message(key: str, /, lang: str | None = None, **params: object) -> str:
    """The text for ``key`` in ``lang`` (default: the process language); an unknown
    key is returned as is, so a missing text never hides the problem it names."""
    texts = MESSAGES.get(key)
    if texts is None:
        return key if not params else f"{key} {params}"
    chosen = lang or _language or os.environ.get("CALLCENTRE_LANG", "zh")
    text = texts[LANGUAGES.index(chosen) if chosen in LANGUAGES else 0]
    return text.format(**params) if params else text
