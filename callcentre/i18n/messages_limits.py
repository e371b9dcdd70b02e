"""Messages for files over a reading limit (``sampling.listfile.limits``) and for
hostile input in general: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "import.file.over_limit": (
        ("文件超出读取上限，已跳过（其余文件照常导入）：{file}。{detail}。"
         "请部门检查文件（删除多余的行、列或内容后另存为新文件）后重新提交。"),
        ("File over a reading limit, skipped (the other files are imported): {file}. "
         "{detail}. Ask the department to check the file and send it again."),
    ),
    "import.limit.max_rows": (
        "工作表“{sheet}”有 {found} 行，上限为 {allowed} 行",
        "sheet '{sheet}' has {found} rows; the limit is {allowed}",
    ),
    "import.limit.max_columns": (
        "工作表“{sheet}”用到第 {found} 列，上限为 {allowed} 列",
        "sheet '{sheet}' reaches column {found}; the limit is {allowed} columns",
    ),
    "import.limit.max_cells": (
        "工作表“{sheet}”从 A1 到最后一个单元格共 {found} 个单元格（行数×列数），上限为 {allowed} 个",
        "sheet '{sheet}' spans {found} cells from A1 to its last cell; the limit is {allowed}",
    ),
    "import.limit.max_part_bytes": (
        "文件中的“{sheet}”解压后超过 {allowed} 字节（实际或声明 {found} 字节）",
        "part '{sheet}' inflates to more than {allowed} bytes ({found} read)",
    ),
    "import.limit.max_file_bytes": (
        "文件大小 {found} 字节，上限为 {allowed} 字节",
        "the file has {found} bytes; the limit is {allowed}",
    ),
    "import.limit.max_ratio": (
        "文件中的“{sheet}”压缩比为 {found} 倍，上限为 {allowed} 倍（疑似“压缩炸弹”）",
        "part '{sheet}' is compressed {found} to 1; the limit is {allowed} to 1 (a zip bomb?)",
    ),
    "import.limit.max_cell_chars": (
        "工作表“{sheet}”中有单元格含 {found} 个字符，上限为 {allowed} 个（与 Excel 相同）",
        "sheet '{sheet}' has a cell of {found} characters; the limit is {allowed} (as Excel)",
    ),
    # --- questionnaires (XLSForm): workbooks and expressions over a limit
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
