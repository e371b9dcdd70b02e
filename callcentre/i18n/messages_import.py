"""Messages for importing lists and work orders: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- file-level problems (import.file.<code>)
    "import.file.missing": ("文件不存在：{file}", "File not found: {file}"),
    "import.file.empty": ("文件为空，没有任何数据：{file}", "File is empty: {file}"),
    "import.file.encrypted": (
        "文件已加密（设有打开密码），无法读取：{file}。请部门去掉密码后重新提交。",
        "File is encrypted (password-protected) and cannot be read: {file}.",
    ),
    "import.file.unsupported": (
        "不支持的文件类型 {detail}：{file}。请提交 xlsx、xls 或 csv 文件。",
        "Unsupported file type {detail}: {file}. Use xlsx, xls or csv.",
    ),
    "import.file.unreadable": (
        "文件已损坏或不是表格文件，无法读取：{file}",
        "File is damaged or not a spreadsheet: {file} ({detail})",
    ),
    "import.file.no_header": (
        "文件中没有找到表头（企业名称、统一社会信用代码、联系电话等列）：{file}",
        "No header row (company name, credit code, phone …) found in {file}",
    ),
    "import.file.no_department": (
        "无法确定报送部门：{file}。请用 --department 指定，或在清单文件中写明。",
        "Department unknown for {file}: give --department or use a manifest.",
    ),
    "import.file.no_item": (
        "无法确定对应的清单指标：{file}。请用 --item 指定，或在清单文件中写明。",
        "Item unknown for {file}: give --item or use a manifest.",
    ),
    "import.file.listed_twice": (
        ("文件在本次导入中列出了不止一次，只按第一次列出的部门和指标导入：{file}。"
         "一份清单只对应一个指标；如确属多个指标，请为每个指标分别提交清单。"),
        ("{file} is listed more than once in this import; only its first listing was "
         "imported. A list file belongs to one item."),
    ),
    "import.output_failed": (
        ("无法写入 {file}（{detail}）。导入已保存；换一个路径后重新运行同一命令即可写出结果"
        "（未变化的文件不会重复导入）。"),
        ("Cannot write {file} ({detail}). The import is stored: run the same command with "
        "another path to write the outputs (unchanged files are not imported again)."),
    ),
    "import.item_not_number": (
        "指标序号应为正整数，而不是“{value}”（{where}）",
        "Item number must be a positive integer, not {value!r} ({where})",
    ),
    "import.manifest_unreadable": (
        "清单索引文件无法读取：{file}（{detail}）", "Manifest cannot be read: {file} ({detail})"
    ),
    "import.manifest_no_file_column": (
        "清单索引文件 {file} 缺少“文件”列（file / 文件）。",
        "Manifest {file} has no 'file' column.",
    ),
    "import.no_files": (
        "没有要导入的文件：请给出文件或 --manifest。", "Nothing to import: give files or --manifest."
    ),
    # --- outcomes and summary
    "import.outcome.imported": ("已导入", "imported"),
    "import.outcome.replaced": ("已替换旧版本", "replaced"),
    "import.outcome.unchanged": ("未变化，跳过", "unchanged, skipped"),
    "import.outcome.failed": ("失败", "failed"),
    "import.workorder_rows": (
        "系统工单 {rows} 条，关联企业 {linked} 条", "{rows} work orders, {linked} linked"
    ),
    "import.replaces": ("替换了同名的 {file}", "replaces {file} of the same name"),
    "import.unchanged_same_as": ("内容与已导入的 {file} 相同", "same content as {file}"),
    "import.progress": ("导入 {file}", "Importing {file}"),
    "import.writing": ("写出 {file}", "Writing {file}"),
    "import.summary.title": ("导入汇总（调查轮次 {wave}）", "Import summary (wave {wave})"),
    "import.col.file": ("文件", "File"),
    "import.col.department": ("部门", "Department"),
    "import.col.item": ("指标", "Item"),
    "import.col.outcome": ("结果", "Outcome"),
    "import.col.rows": ("行数", "Rows"),
    "import.col.new_enterprises": ("新增企业", "New enterprises"),
    "import.total": ("合计", "Total"),
    "import.summary.enterprises": (
        "数据库中共有企业 {enterprises} 家，指标-企业-部门记录 {memberships} 条。",
        "Database holds {enterprises} enterprises and {memberships} item memberships.",
    ),
    "import.summary.top_reasons": ("主要问题", "Most frequent issues"),
    "import.summary.failed": ("{n} 个文件未能导入：", "{n} file(s) could not be imported:"),
    "import.report_written": ("核查表已写入：{file}", "Check workbook written: {file}"),
    "import.csv_written": ("逐行结果 CSV 已写入：{file}", "Row CSV written: {file}"),
    # --- statuses
    "status.accepted": ("通过", "accepted"),
    "status.warning": ("通过（有警告）", "accepted with warning"),
    "status.rejected": ("拒绝", "rejected"),
    "status.duplicate": ("重复行", "duplicate"),
    "reject.identify": ("无法识别企业", "cannot be identified"),
    "reject.call": ("无法拨打（无有效电话）", "cannot be called (no valid phone)"),
    "reject.both": ("无法识别且无法拨打", "cannot be identified nor called"),
    # --- row reasons decided by the importer (identifier reasons: messages_identifiers)
    "reason.not_identifiable": (
        "既无有效统一社会信用代码，也无企业名称，无法识别企业",
        "neither a valid credit code nor a name: cannot identify the enterprise",
    ),
    "reason.duplicate_row": (
        "与本文件中前面某行内容完全相同（重复行）", "identical to an earlier row of this file"
    ),
    "reason.joined_by_name": (
        "无有效信用代码，按企业名称唯一匹配到已有企业", "no valid code; matched by unique name"
    ),
    "reason.name_ambiguous": (
        "无有效信用代码，且同名企业不止一家，单独保留待核实",
        "no valid code and several enterprises share the name: kept apart",
    ),
    "reason.name_only": (
        "无有效信用代码，仅凭企业名称登记为新企业", "no valid code: new enterprise by name only"
    ),
    "reason.conflict_name": (
        "同一信用代码在其他行/部门中企业名称不同", "same code, different name elsewhere"
    ),
    "reason.conflict_district": (
        "同一信用代码在其他行/部门中所属区不同", "same code, different district elsewhere"
    ),
    "reason.conflict_phone": (
        "同一企业在其他行/部门中留有不同电话（均已保留）",
        "same enterprise, other phone elsewhere (all kept)",
    ),
    # --- check workbook
    "check.sheet.rows": ("逐行核查", "Rows"),
    "check.sheet.summary": ("部门汇总", "Departments"),
    "check.sheet.files": ("文件", "Files"),
    "check.sheet.reasons": ("原因说明", "Reason codes"),
    "check.sheet.overlap": ("部门重叠", "Overlap"),
    "check.sheet.scope": ("可能不在范围内的企业", "Possibly out of scope"),
    "check.col.sheet": ("工作表", "Sheet"),
    "check.col.row": ("行号", "Row"),
    "check.col.status": ("状态", "Status"),
    "check.col.rejection": ("拒绝类别", "Rejected because"),
    "check.col.reasons": ("原因代码", "Reason codes"),
    "check.col.explanation": ("原因说明", "Explanation"),
    "check.col.uscc": ("统一社会信用代码（规范化）", "Credit code (normalised)"),
    "check.col.phone": ("主要电话（E.164）", "Primary phone (E.164)"),
    "check.col.phones": ("全部电话", "All phones"),
    "check.col.district_code": ("区划代码", "District code"),
    "check.col.district_name": ("所属区", "District"),
    "check.col.enterprise_id": ("企业编号", "Enterprise id"),
    "check.col.name": ("企业名称（规范化）", "Name (normalised)"),
    "check.col.duplicate_of": ("重复于", "Duplicate of"),
    "check.col.code": ("代码", "Code"),
    "check.col.severity": ("性质", "Severity"),
    "check.col.count": ("行数", "Rows"),
    "check.col.accepted": ("通过", "Accepted"),
    "check.col.warning": ("通过（有警告）", "Warning"),
    "check.col.rejected": ("拒绝", "Rejected"),
    "check.col.rejected_call": ("其中：无法拨打", "of which: cannot call"),
    "check.col.rejected_identify": ("其中：无法识别", "of which: cannot identify"),
    "check.col.duplicate": ("重复行", "Duplicate"),
    "check.col.enterprises": ("提供企业数", "Enterprises"),
    "check.col.overlap": ("与其他部门重叠企业数", "Also listed by another department"),
    "check.col.sha256": ("SHA-256", "SHA-256"),
    "check.col.imported_at": ("导入时间（北京时间）", "Imported (Beijing time)"),
    "check.col.sheets": ("工作表说明", "Sheets"),
    "check.sheet_read": (
        "工作表“{sheet}”：表头在第{header}行，数据{rows}行",
        "sheet '{sheet}': header on row {header}, {rows} data rows",
    ),
    "check.sheet_continues": (
        "工作表“{sheet}”：没有表头，按续表读取（沿用工作表“{of}”的表头），数据{rows}行",
        "sheet '{sheet}': no header, read as a continuation of '{of}', {rows} data rows",
    ),
    "check.sheet_blank_rows": (
        "，空行（含只填了序号的空模板行，未计入）第{rows}行",
        ", blank rows (and empty template rows with only a number; not counted) {rows}",
    ),
    "check.sheet_hidden": (
        "（该工作表在工作簿中被隐藏，打开 Excel 时看不到，已一并导入）",
        " (hidden in the workbook, so not seen in Excel; imported all the same)",
    ),
    "check.sheet_note_rows": ("，说明/注释行第{rows}行", ", note lines {rows}"),
    "check.sheet_note_units": ("，表头下的填写说明行（如“必填”“18位”）第{rows}行，不是企业",
                               ", units lines under the header (必填, 18位) {rows}, not enterprises"),
    "check.sheet_note_example": ("，填表示例行（如“天津市XX科技有限公司”）第{rows}行，不是企业",
                                 ", example lines (天津市XX科技有限公司) {rows}, not enterprises"),
    "check.sheet_note_signoff": ("，落款行（填报单位盖章、填报人等）第{rows}行，不是企业",
                                 ", sign-off lines (seal, who filled it in) {rows}, not enterprises"),
    "check.sheet_note_heading": ("，分类标题行（如“一、企业开办”）第{rows}行，不是企业",
                                 ", section headings (一、企业开办) {rows}, not enterprises"),
    "check.sheet_repeated_header_rows": ("，重复表头第{rows}行", ", repeated header rows {rows}"),
    "check.sheet_skipped.no_header": (
        "工作表“{sheet}”：没有找到表头，未导入（{rows}行文字，如填表说明）",
        "sheet '{sheet}': no header found, not imported ({rows} lines of text)",
    ),
    "check.sheet_skipped.workorder": (
        ("工作表“{sheet}”：是工单表（附件5，{rows}行），未作为清单导入；"
         "请另存为单独的文件，用 callcentre workorders 导入"),
        ("sheet '{sheet}': a work-order table (附件5, {rows} rows), not imported as a list; "
         "save it as a file of its own and import it with callcentre workorders"),
    ),
    "check.sheet_skipped.empty": ("工作表“{sheet}”：空白", "sheet '{sheet}': empty"),
    "check.reasons_by_code": ("拒绝与警告原因（按行数）", "Rejections and warnings by reason"),
    "severity.reject_identify": ("拒绝：无法识别", "reject: cannot identify"),
    "severity.reject_call": ("拒绝：无法拨打", "reject: cannot call"),
    "severity.warning": ("警告", "warning"),
    "severity.info": ("提示", "note"),
    "severity.duplicate": ("重复", "duplicate"),
    # --- work orders
    "workorders.summary": (
        "工单导入：{file} 共 {rows} 行，关联到企业 {linked} 行，未能关联 {unlinked} 行。",
        "Work orders: {file}: {rows} rows, {linked} linked to enterprises, {unlinked} not.",
    ),
    "reason.wo_no_enterprise": (
        "工单中的企业在名单中找不到（信用代码与名称均未匹配）",
        "work order's enterprise not found in the lists",
    ),
    "reason.wo_bad_date": ("工单中的日期无法识别", "a date in the work order cannot be read"),
    "reason.wo_days_mismatch": (
        "各环节时长之和与累计总时长不一致", "stage days do not add up to the total"
    ),
}
