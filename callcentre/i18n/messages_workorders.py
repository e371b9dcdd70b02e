"""Messages of the work-order (附件5) import: ``callcentre workorders``."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- file-level refusals (import.file.<code>)
    "import.file.already_list": (
        ("{file} 已作为名单导入，不能再作为工单导入（名单文件请用 import 命令；"
         "若确为工单，请另存为新文件名再导入）。"),
        ("{file} was imported as a list; it cannot be imported as work orders (use a new "
         "file name if it really holds work orders)."),
    ),
    "import.file.already_workorder": (
        "{file} 已作为工单导入，不能再作为名单导入（若确为名单，请另存为新文件名再导入）。",
        ("{file} was imported as work orders; it cannot be imported as a list (use a new "
         "file name if it really is a list)."),
    ),
    "import.file.not_workorder": (
        "{file} 不是工单文件：表头中没有“工单号”列（企业名单请用 import 命令导入）。",
        ("{file} is not a work-order file: it has no 工单号 (order number) column "
         "(import lists with the import command)."),
    ),
    # --- the command's report
    "workorders.unchanged": (
        "工单导入：{file} 内容未变化，跳过（已有工单 {rows} 条，关联到企业 {linked} 条）。",
        "Work orders: {file} unchanged, skipped ({rows} stored, {linked} linked).",
    ),
    "workorders.replaced": ("（已替换旧版本）", " (replaced the earlier version)"),
    "workorders.relinked": (
        "此前未能关联的工单中，{n} 条现已关联到企业。",
        "{n} work orders imported earlier are now linked to enterprises.",
    ),
    "workorders.blank": (
        "空行（含只填了序号的模板行）{n} 行，未导入。",
        "{n} empty rows (numbered template rows among them) not imported.",
    ),
    "workorders.problems": (
        "需要核对的问题（条数  说明  代码）：", "Problems to check (rows  meaning  code):"
    ),
    # --- per-row problem codes (besides wo_no_enterprise, wo_bad_date, wo_days_mismatch)
    "reason.wo_stage_days_mismatch": (
        "某环节填写的时长与该环节的开始、完成时间不符",
        "a stage's days do not match its start and end",
    ),
    "reason.wo_end_before_start": (
        "某环节的完成时间早于开始时间", "a stage ends before it starts"
    ),
    "reason.wo_duplicate_order_no": (
        "同一文件中工单号重复", "order number repeated within the file"
    ),
}
