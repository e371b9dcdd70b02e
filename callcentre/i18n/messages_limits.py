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
}
