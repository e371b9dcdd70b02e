"""Messages shared by every area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "common.error": ("错误：", "Error:"),
    "common.warning": ("警告：", "Warning:"),
    "cli.main.help": (
        "企业调查抽样与电话调研工具：导入部门名单、分层抽样、电话访问、应答率与加权估计。",
        ("Survey sampling and call-centre tool: import lists, stratified sampling, "
        "telephone fieldwork, response rates and weighted estimates."),
    ),
    "cli.option.db": (
        "数据库：SQLite 文件路径或 PostgreSQL URL（也可用环境变量 CALLCENTRE_DB）。",
        "Database: SQLite file path or PostgreSQL URL (or CALLCENTRE_DB).",
    ),
    "cli.option.lang": ("界面语言（默认中文）。", "Display language (default Chinese)."),
    "cli.db.help": ("数据库维护。", "Database maintenance."),
    "cli.db.upgrade.help": ("创建或升级数据库结构。", "Create or upgrade the database schema."),
    "db.cannot_open": (
        ("无法打开数据库 {url}（{detail}）。请检查 --db 或 CALLCENTRE_DB："
         "SQLite 文件所在的文件夹须已存在，且该路径不能是文件夹或其他类型的文件。"),
        ("Cannot open the database {url} ({detail}). Check --db or CALLCENTRE_DB: a SQLite "
         "file's folder must exist, and the path must not be a folder or another kind of file."),
    ),
    "db.upgraded": ("数据库已是最新结构：{url}", "Database schema is up to date: {url}"),
    "cli.sample.help": (
        "抽样：样本量、分配方案、抽取样本、释放备用样本、导出。",
        "Sampling: sample size, allocation, draw, reserve release, export.",
    ),
    "cli.questionnaire.help": (
        "问卷：校验、预览、指标目录、载入数据库。",
        "Questionnaires: validate, preview, item catalogue, load into the database.",
    ),
    "cli.import.help": (
        "导入部门提交的企业全量名单（xlsx / xls / csv），校验并去重。",
        "Import departments' enterprise lists (xlsx / xls / csv), validate and de-duplicate.",
    ),
    "cli.workorders.help": (
        "导入系统工单（附件5），关联企业与指标。",
        "Import system work orders (template 5), linked to enterprises and items.",
    ),
    "cli.demo.help": (
        "用生成的演示名单建立演示数据库并展示结果。",
        "Build a demo database from generated lists and show the result.",
    ),
    "cli.option.wave": ("调查轮次代码（如 2021）。", "Survey wave code (e.g. 2021)."),
    "cli.option.quiet": ("不显示进度条和汇总表。", "No progress bar or summary table."),
    "cli.import.department": (
        "报送部门名称（未给出时从文件标题行“部门：…”读取）。",
        "Department name (default: read from the title row '部门：…').",
    ),
    "cli.import.item": ("对应的清单指标序号（1–103）。", "Item number of the responsibility list."),
    "cli.import.manifest": (
        "索引文件（csv 或 xlsx），列：文件、部门、指标；相对路径相对于索引文件。",
        "Manifest (csv or xlsx) with columns file, department, item.",
    ),
    "cli.import.report": (
        "写出核查表（xlsx）：逐行结果、部门汇总、原因说明。",
        "Write the check workbook (xlsx): every row, department summary, reason codes.",
    ),
    "cli.import.report_dir": (
        "为每个部门各写一份核查表到此目录。", "Write one check workbook per department here."
    ),
    "cli.import.rows_csv": (
        "把逐行结果另存为 CSV（供脚本使用）。", "Also write the row table as CSV (for scripts)."
    ),
    "cli.import.mask_phones": ("核查表中电话号码打码。", "Mask phone numbers in the workbook."),
    "cli.demo.out": ("演示文件输出目录。", "Output folder for the demo files."),
    "cli.demo.seed": ("随机种子（相同种子生成相同名单）。", "Random seed (same seed, same lists)."),
    "cli.demo.enterprises": ("演示企业总数。", "Number of demo enterprises."),
    "demo.step.generate": (
        "第 1 步：在 {out} 生成各部门的演示名单（含各种常见格式问题）……",
        "Step 1: generating demo department lists in {out} …",
    ),
    "demo.step.import": (
        "第 2 步：导入 {n} 个文件到 {db} ……", "Step 2: importing {n} files into {db} …"
    ),
    "demo.step.sample": (
        "第 3 步：按指标分层抽样（目标完成 300 份，预期应答率 50%，每层至少 20 家）……",
        "Step 3: drawing a sample stratified by item …",
    ),
    "demo.step.questionnaires": (
        "第 4 步：载入 103 个指标的电话问卷……", "Step 4: loading the questionnaires …"
    ),
    "demo.questionnaires_loaded": (
        "已载入 {n} 份问卷（开场白、各指标模块、结束语）。",
        "Loaded {n} questionnaires (opening, item modules, closing).",
    ),
    "demo.done": (
        "演示完成。数据库：{db}；核查表、逐行 CSV 与各部门核查表在 {out}。",
        "Demo done. Database: {db}; check workbooks and row CSV in {out}.",
    ),
    # click's own texts (callcentre/cli/click_texts.py)
    "cli.click.help_option": ("显示本帮助并退出。", "Show this message and exit."),
    "cli.click.version_option": ("显示版本号并退出。", "Show the version and exit."),
    "cli.click.version": ("%(prog)s，版本 %(version)s", "%(prog)s, version %(version)s"),
    "cli.click.usage": ("用法：", "Usage:"),
    "cli.click.options": ("选项", "Options"),
    "cli.click.arguments": ("位置参数", "Positional arguments"),
    "cli.click.commands": ("命令", "Commands"),
    "cli.click.default": ("默认：{default}", "default: {default}"),
    "cli.click.required": ("必填", "required"),
    "cli.click.env_var": ("环境变量：{var}", "env var: {var}"),
    "cli.click.error": ("错误：{message}", "Error: {message}"),
    "cli.click.try_help": ("用「{command} {option}」查看帮助。", "Try '{command} {option}' for help."),
    "cli.click.invalid_for": ("{param_hint} 的值无效：{message}",
                              "Invalid value for {param_hint}: {message}"),
    "cli.click.invalid": ("值无效：{message}", "Invalid value: {message}"),
    "cli.click.missing_option": ("缺少选项", "Missing option"),
    "cli.click.missing_argument": ("缺少参数", "Missing argument"),
    "cli.click.missing_parameter": ("缺少参数", "Missing parameter"),
    "cli.click.missing_command": ("缺少命令。", "Missing command."),
    "cli.click.no_option": ("没有选项 {name!r}。", "No such option {name!r}."),
    "cli.click.no_command": ("没有命令 {name!r}。", "No such command {name!r}."),
    "cli.click.not_number": ("{value!r} 不是有效的数字。", "{value!r} is not a valid {number_type}."),
    "cli.click.not_in_range": ("{value} 不在范围 {range} 内。", "{value} is not in the range {range}."),
    "cli.click.aborted": ("已中止。", "Aborted!"),
    "cli.click.needs_value": ("选项 {name!r} 需要一个值。", "Option {name!r} requires an argument."),
    "cli.click.needs_values": ("选项 {name!r} 需要 {nargs} 个值。",
                               "Option {name!r} requires {nargs} arguments."),
    "cli.click.not_choice": ("{value!r} 不是可选值：{choice}。", "{value!r} is not {choice}."),
    "cli.click.not_choices": ("{value!r} 不是可选值之一：{choices}。",
                              "{value!r} is not one of {choices}."),
    "cli.click.extra_arg": ("多余的参数（{args}）", "Got unexpected extra argument ({args})"),
    "cli.click.extra_args": ("多余的参数（{args}）", "Got unexpected extra arguments ({args})"),
    "cli.click.did_you_mean": ("是否想输入 {possibility}？", "Did you mean {possibility}?"),
    "cli.click.did_you_mean_any": ("（是否想输入以下之一：{possibilities}？）",
                                   "(Did you mean one of: {possibilities}?)"),
    "cli.click.not_exist": ("路径 {filename!r} 不存在。", "{name} {filename!r} does not exist."),
    "cli.click.is_file": ("{filename!r} 是文件，不是文件夹。", "{name} {filename!r} is a file."),
    "cli.click.is_dir": ("{filename!r} 是文件夹，不是文件。",
                         "{name} {filename!r} is a directory."),
    "cli.click.not_readable": ("{filename!r} 无法读取（没有权限）。",
                               "{name} {filename!r} is not readable."),
    "cli.click.not_writable": ("{filename!r} 无法写入（没有权限）。",
                               "{name} {filename!r} is not writable."),
    "cli.click.not_uuid": ("{value!r} 不是有效的 UUID。", "{value!r} is not a valid UUID."),
}
