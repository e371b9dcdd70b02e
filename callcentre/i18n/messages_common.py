"""Messages shared by every area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "common.error": ("错误：", "Error:"),
    "common.warning": ("警告：", "Warning:"),
    "cli.main.help": (
        "企业调查抽样与电话调研工具：导入部门名单、分层抽样、电话访问、应答率与加权估计。",
        "Survey sampling and call-centre tool: import lists, stratified sampling, "
        "telephone fieldwork, response rates and weighted estimates.",
    ),
    "cli.option.db": (
        "数据库：SQLite 文件路径或 PostgreSQL URL（也可用环境变量 CALLCENTRE_DB）。",
        "Database: SQLite file path or PostgreSQL URL (or CALLCENTRE_DB).",
    ),
    "cli.option.lang": ("界面语言（默认中文）。", "Display language (default Chinese)."),
    "cli.db.help": ("数据库维护。", "Database maintenance."),
    "cli.db.upgrade.help": ("创建或升级数据库结构。", "Create or upgrade the database schema."),
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
}
