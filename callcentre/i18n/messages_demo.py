"""Messages for the demo area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.demo.tui": (
        "最后以演示调研员身份打开调研员界面（默认：终端中打开；--no-tui 只打印打开方法）。",
        "End by opening the caller TUI as a demo caller (default when in a terminal; "
        "--no-tui prints how to open it instead).",
    ),
    "demo.tui.opening": (
        "正在以演示调研员 {user}（{name}）身份打开调研员界面……（Ctrl+Q 退出）",
        "Opening the caller TUI as demo caller {user} ({name}) … (Ctrl+Q quits)",
    ),
    "demo.tui.shifted": (
        "现在不在拨打时段内：演示界面的时钟拨到下一拨打时段 {at}（仅本演示界面）。",
        "Outside calling hours now: the demo TUI's clock is set to the next calling window, "
        "{at} (this demo screen only).",
    ),
    "demo.tui.how": (
        "打开调研员界面：{command}（用户 {user}，密码 {password}）",
        "To open the caller TUI: {command} (user {user}, password {password})",
    ),
    "demo.bench.skip": (
        "{out} 中已有 {files} 个基准名单文件（共 {rows} 行，种子 {seed}），与要求一致，不再生成。",
        ("{out} already holds {files} benchmark list files ({rows} rows, seed {seed}) as "
         "asked; not regenerating."),
    ),
    "demo.bench.start": (
        "正在生成 {files} 个基准名单文件，共 {rows} 行，写入 {out}（{jobs} 个进程）…",
        "Generating {files} benchmark list files with {rows} rows in {out} ({jobs} processes) …",
    ),
    "demo.bench.progress": ("已生成 {done}/{total} 行", "{done}/{total} rows written"),
    "demo.bench.done": (
        "完成：{files} 个文件，{rows} 行，用时 {seconds:.1f} 秒（{rate:,.0f} 行/秒）。",
        "Done: {files} files, {rows} rows in {seconds:.1f} s ({rate:,.0f} rows/s).",
    ),
    "demo.xls_skipped": (
        "未安装 xlwt，演示数据中不含 .xls 文件（pip install xlwt 后可生成）。",
        "xlwt is not installed: the demo has no .xls file (pip install xlwt to add one).",
    ),
}
