"""Messages for the files the tool writes (callcentre.reports): key -> (zh, en)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # writing a file
    "report.write_failed": (
        "无法写入「{file}」：{detail}。没有留下不完整的文件，原有的同名文件（如有）保持不变。",
        ("Cannot write {file}: {detail}. No partial file was left; an earlier file of that name "
         "(if any) is unchanged."),
    ),
    "report.folder_missing": (
        "无法写入「{file}」：文件夹「{folder}」不存在。请先建立该文件夹，或换一个输出路径。",
        ("Cannot write {file}: the folder {folder} does not exist. Create it first or choose "
         "another output path."),
    ),
    "report.folder_not_a_folder": (
        "无法写入「{file}」：「{folder}」不是文件夹。请换一个输出路径。",
        "Cannot write {file}: {folder} is not a folder. Choose another output path.",
    ),
    "report.errno.ENOSPC": ("磁盘空间不足", "the disk is full"),
    "report.errno.EDQUOT": ("超出磁盘配额", "the disk quota is exceeded"),
    "report.errno.EFBIG": ("文件超过系统允许的大小", "the file is larger than the system allows"),
    "report.errno.EACCES": ("没有写入权限", "permission denied"),
    "report.errno.EPERM": ("没有写入权限", "permission denied"),
    "report.errno.EROFS": ("磁盘是只读的", "the disk is read-only"),
    "report.errno.ENOENT": ("文件夹不存在", "the folder does not exist"),
    "report.errno.ENOTDIR": ("路径中有一部分不是文件夹", "part of the path is not a folder"),
    "report.errno.EISDIR": ("这是一个文件夹，不是文件", "it is a folder, not a file"),
    "report.errno.ENAMETOOLONG": ("文件名太长", "the file name is too long"),
    "report.errno.EIO": ("磁盘读写错误", "an input/output error on the disk"),
    # the 说明 sheet
    "report.sheet.notes": ("说明", "Notes"),
    "report.notes.heading": ("关于本文件", "About this file"),
    "report.notes.written": (
        "生成时间：{when}（北京时间），callcentre {version}。",
        "Written {when} (Beijing time) by callcentre {version}.",
    ),
    "report.notes.times": (
        "文中所有时间均为北京时间（Asia/Shanghai）；数据库中以协调世界时（UTC）保存。",
        "All times are Beijing time (Asia/Shanghai); the database stores them in UTC.",
    ),
    "report.notes.formulas": (
        ("为防止公式注入，以 =、+、-、@、制表符或回车开头的文字前加了一个单引号（'），在 Excel 中不会被当作公式执行；请勿删除该单引号后再编辑。只由数字组成的数值和电话号码"
         "（如 -5、以 +86 开头的电话号码）不加单引号，原样存为文本单元格（Excel 的“以文本形式存储”），不会被当作数字或公式。"),
        ("To prevent formula injection, text beginning with =, +, -, @, a tab or a carriage "
         "return has a single quote (') in front, so Excel never runs it as a formula. Numbers "
         "and telephone numbers (-5, +86…) keep their form and are stored as text "
         "cells, never read as numbers or formulas."),
    ),
    "report.notes.characters": (
        "Excel 无法保存的字符（控制字符、U+FFFE、U+FFFF、不成对的代理项）已删除或替换为 �；超过 32767 个字符的单元格已截断，以“…”结尾。",
        ("Characters Excel cannot hold (control characters, U+FFFE, U+FFFF, unpaired surrogates) "
         "were dropped or replaced by �; cells over 32,767 characters were cut, ending in \"…\"."),
    ),
    "report.notes.masked": (
        "电话号码已部分隐藏（如 138****5678）。",
        "Telephone numbers are masked (138****5678).",
    ),
    "report.notes.full_phones": (
        "本文件含完整电话号码，属于个人信息，请妥善保管，勿外传。",
        "This file holds full telephone numbers (personal data): keep it safe.",
    ),
    # check workbook: the original cells beside the normalised values
    "check.col.name_raw": ("企业名称（原始）", "Name (as sent)"),
    "check.col.uscc_raw": ("统一社会信用代码（原始）", "Credit code (as sent)"),
    "check.col.phone_raw": ("联系电话（原始）", "Phone (as sent)"),
    "check.col.district_raw": ("区域（原始）", "District (as sent)"),
    "check.col.contact": ("联系人", "Contact person"),
    "check.col.raw_row": ("原始整行", "Whole row as sent"),
    "check.notes.rows": (
        ("“逐行核查”表列出部门清单中的每一数据行：“原始”各列为清单中的原样内容，“规范化”各列为本系统的识别结果；“原始整行”按列顺序列出该行全部单元格。行号与 Excel 中显示"
         "的一致。"),
        ("The rows sheet lists every data row of the lists: the \"as sent\" columns hold the "
         "cells as sent, the \"normalised\" columns what the tool made of them; \"whole row\" "
         "lists every cell of the row in column order. Row numbers are as Excel shows."),
    ),
    # sample export
    "export.col.contact": ("联系人", "Contact person"),
    "export.col.district_code": ("区划代码", "District code"),
    "export.col.district_name": ("所属区", "District"),
    "export.col.stratum_display": ("层（说明）", "Stratum (in words)"),
    "export.methods.title": ("抽样设计说明", "Sampling design"),
    "export.methods.design": (
        "样本设计「{name}」（调查轮次 {wave}）于 {created}（北京时间）抽取，所用软件为 callcentre {version}。",
        ("Sample design \"{name}\" (wave {wave}) was drawn on {created} (Beijing time) with "
         "callcentre {version}."),
    ),
    "export.methods.frame": (
        "抽样框共 {units} 个单位（每个单位是一家企业在一个指标下的一条记录），抽样框摘要（SHA-256）为 {digest}；同一抽样框得到同一摘要，可据此核对抽样框是否变动。",
        ("The frame held {units} units (an enterprise under an item); its digest (SHA-256) is "
         "{digest}: the same frame gives the same digest."),
    ),
    "export.methods.strata": (
        "按{by}分层，共 {strata} 层（见“分配方案”表）。",
        "Stratified by {by}: {strata} strata (see the allocation sheet).",
    ),
    "export.methods.no_strata": ("不分层：全部单位为一层。", "Not stratified: all units form one stratum."),
    "export.by.item": ("指标", "item"),
    "export.by.area": ("评价领域", "evaluation area"),
    "export.by.district": ("所属区", "district"),
    "export.by.department": ("提供清单的部门", "department"),
    "export.methods.size_n": (
        "主样本量 {n} 由用户直接指定。",
        "The main sample size {n} was given by the user.",
    ),
    "export.methods.size_completes": (
        "主样本量 {n}：目标完成 {completes} 个，除以预计应答率 {rr} 与合格率 {er} 得到。",
        ("Main sample size {n}: {completes} target completes divided by the expected response "
         "rate {rr} and eligibility rate {er}."),
    ),
    "export.methods.size_margin": (
        ("主样本量 {n}：按预计比例 p = {p}、允许误差 ±{margin}、置信水平 {confidence}、设计效应 {deff} 计算（n₀ = "
         "z²p(1−p)/e²），经有限总体校正，再除以预计应答率 {rr} 与合格率 {er}。"),
        ("Main sample size {n}: for p = {p}, margin ±{margin}, confidence {confidence} and "
         "design effect {deff} (n₀ = z²p(1−p)/e²), with the finite population correction, "
         "divided by the expected response rate {rr} and eligibility rate {er}."),
    ),
    "export.methods.size_margin_stratum": (
        ("每层样本量按预计比例（默认 p = {p}）、每层允许误差 ±{margin}、置信水平 {confidence}、设计效应 {deff} 分别计算，经有限总体校正，再除以预"
         "计应答率 {rr} 与合格率 {er}；主样本共 {n} 个。"),
        ("Each stratum's size was computed for its own margin ±{margin} (p = {p} unless set per "
         "stratum), confidence {confidence}, design effect {deff}, with the finite population "
         "correction, divided by the response rate {rr} and eligibility rate {er}; {n} units in "
         "all."),
    ),
    "export.methods.method.proportional": (
        "分配方法：按比例分配，各层样本量与层的单位数 N_h 成正比。",
        "Allocation: proportional to the stratum sizes N_h.",
    ),
    "export.methods.method.neyman": (
        "分配方法：奈曼（Neyman）最优分配，各层样本量与 N_h·S_h 成正比，S_h = √(p_h(1−p_h))。",
        "Allocation: Neyman, proportional to N_h·S_h with S_h = √(p_h(1−p_h)).",
    ),
    "export.methods.method.power": (
        "分配方法：幂分配，各层样本量与 N_h 的 {power} 次方成正比。",
        "Allocation: power allocation, proportional to N_h to the power {power}.",
    ),
    "export.methods.method.equal": (
        "分配方法：等额分配，各层样本量相同。",
        "Allocation: equal sizes in every stratum.",
    ),
    "export.methods.bounds": (
        ("各层样本量不超过该层单位数{limits}。超出界限的层固定后，其余样本量在其他层间重新分配，"
         "直至稳定；取整用最大余数法，各层之和等于主样本量。"),
        ("No stratum gets more than its units{limits}. Strata at a bound are fixed and the "
         "rest reallocated until stable; integers by largest remainder, summing to the main "
         "sample size."),
    ),
    "export.methods.minimum": ("，至少 {minimum} 个", ", at least {minimum} a stratum"),
    "export.methods.maximum": ("，至多 {maximum} 个", ", at most {maximum}"),
    "export.methods.take_all": ("；单位数不超过 {n} 的层全部入样",
                                "; strata of at most {n} units are taken whole"),
    "export.methods.draw": (
        ("随机种子为 {seed}。每个单位的永久随机数由种子与统一社会信用代码经稳定哈希得出；层内按永久随机数排序，前 n_h 个为主样本，其后依次为备用样本。任何前缀都是简单随机样"
         "本，因此用同一种子和同一抽样框可以完全重现本样本。"),
        ("Random seed {seed}. Each unit's permanent random number is a stable hash of the seed "
         "and its credit code; within a stratum units are ranked by it, the first n_h are the "
         "main sample and the rest the reserve in order. Any prefix is a simple random sample: "
         "the same seed and frame give this sample again."),
    ),
    "export.methods.coordination.overlap": (
        "同一企业在各指标中使用同一个随机数（各指标的样本尽量重叠，减少打扰的企业数）。",
        "An enterprise has one random number for all items (samples overlap).",
    ),
    "export.methods.coordination.spread": (
        "各指标的随机数相互错开（尽量分散，避免同一企业被多个指标抽中）。",
        "Items' random numbers are shifted apart (spreading the burden).",
    ),
    "export.methods.coordination.independent": ("各指标独立抽取。", "Items are drawn independently."),
    "export.methods.max_items": ("每家企业最多涉及 {n} 个指标。", "At most {n} items per enterprise."),
    "export.methods.reserve": (
        ("备用样本为主样本的 {factor} 倍（不超过层内剩余单位），共 {reserve} 个，分批释放，每批约为该层主样本的 {share}；至今已释放 {released} "
         "个备用单位。"),
        ("The reserve is {factor} times the main sample (at most the units left), {reserve} "
         "units, released in replicates of about {share} of a stratum's main sample; {released} "
         "reserve units released so far."),
    ),
    "export.methods.weights": (
        "基础权重 = 层内单位数 N_h ÷ 层内已释放的样本数（主样本加已释放的备用样本）。",
        "Base weight = N_h ÷ units released in the stratum (main sample and released reserve).",
    ),
    "export.methods.sheets": (
        "“分配方案”表列出各层的单位数、样本量、备用与权重；“样本”表列出已释放的单位。",
        "The allocation sheet lists each stratum; the sample sheet the released units.",
    ),
}
