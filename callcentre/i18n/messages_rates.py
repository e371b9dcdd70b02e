"""Messages of the outcome rates, the holiday table and the do-not-call list."""

MESSAGES: dict[str, tuple[str, str]] = {
    # rates
    "cli.rates.help": ("按分组显示 AAPOR 应答率、合作率、拒访率和接触率。",
                       "AAPOR response, cooperation, refusal and contact rates by group."),
    "cli.rates.by": (("分组：item、area、district、department、line、caller、day、replicate、"
                     "stratum，用逗号分隔。"),
                     ("Grouping: item, area, district, department, line, caller, day, "
                     "replicate, stratum, comma-separated.")),
    "cli.rates.e": ("未知资格个案中视为合格的比例 e（0–1）；默认按各组已判定个案估计。",
                    ("Share e of unknown-eligibility cases taken as eligible (0–1); default: "
                    "estimated per group from resolved cases.")),
    "cli.rates.all": ("显示全部 16 个比率。", "Show all 16 rates."),
    "cli.rates.json": ("以 JSON 输出。", "Output JSON."),
    "rates.bad_by": ("分组“{value}”无效；可选：{allowed}",
                     "grouping '{value}' is not valid; choose among: {allowed}"),
    "rates.bad_e": ("e 必须在 0 到 1 之间，收到 {value}", "e must lie between 0 and 1, got {value}"),
    "rates.none": ("尚无已释放的样本个案。", "No released sample cases yet."),
    "rates.title": ("应答率（AAPOR）· {wave} 轮", "Outcome rates (AAPOR) · wave {wave}"),
    "rates.e_estimated": ("e = 各组 合格 ÷（合格 + 不合格），按已判定个案估计",
                          "e = eligible ÷ (eligible + not eligible) per group, among resolved cases"),
    "rates.e_given": ("e = {e}（指定）", "e = {e} (given)"),
    "rates.note_open": (
        "未结案个案按当前拨打结果计入（如从未接通计为未知资格）；仅计已释放样本。",
        ("Open cases count by their outcome so far (never reached: unknown eligibility); "
        "released sample only.")),
    "rates.col.group": ("分组", "group"),
    "rates.col.cases": ("个案", "cases"),
    "rates.total": ("合计", "total"),
    "rates.group.none": ("未拨打", "never dialled"),
    "rates.group.replicate_main": ("主样本", "main sample"),
    "rates.group.replicate": ("后备第{n}批", "reserve {n}"),
    "rates.group.no_department": ("未知部门", "department unknown"),
    "rates.group.area": ("第{n}领域", "area {n}"),
    # calendar
    "cli.calendar.help": ("节假日与调休表。", "The holiday and make-up workday table."),
    "cli.calendar.import.help": ("导入节假日表（日期、类型、名称），已有日期更新。",
                                 ("Import a holiday table (date, kind, name); existing days "
                                 "are updated.")),
    "cli.calendar.list.help": ("列出哪些年份有官方节假日数据。",
                               "List which years have official holiday data."),
    "cli.calendar.year": ("只看这一年。", "Only this year."),
    "calendar.imported": ("已导入 {file}：新增 {added} 天，更新 {updated} 天，未变 {same} 天。",
                          ("Imported {file}: {added} days added, {updated} updated, "
                          "{same} unchanged.")),
    "calendar.rejected": ("{file} 有 {n} 处错误，未导入任何一行：\n{detail}",
                          "{file} has {n} errors; nothing was imported:\n{detail}"),
    "calendar.col.year": ("年份", "year"),
    "calendar.col.source": ("数据来源", "source"),
    "calendar.col.holidays": ("节假日", "holidays"),
    "calendar.col.workdays": ("调休上班", "make-up workdays"),
    "calendar.source.official": ("官方（chinesecalendar）", "official (chinesecalendar)"),
    "calendar.source.imported": ("已导入", "imported"),
    "calendar.source.both": ("官方 + 已导入", "official + imported"),
    "calendar.source.none": ("无数据", "no data"),
    "calendar.no_data_warning": (
        ("警告：{years} 年没有官方节假日数据，拨打日历按周一至周五计算（节假日照常拨打、调休周末"
        "不拨打）。请在国务院公布安排后用 callcentre calendar import 导入。"),
        ("WARNING: no official holiday data for {years}: calling days fall back to Monday–"
        "Friday (holidays are called, make-up weekends are not). Import the State Council's "
        "schedule with callcentre calendar import once published.")),
    "calendar.day_list": ("{year} 年已导入：", "{year} imported:"),
    # do-not-call
    "cli.dnc.help": ("免打扰号码名单。", "The do-not-call list."),
    "cli.dnc.add.help": ("把号码加入免打扰名单。", "Put a number on the do-not-call list."),
    "cli.dnc.list.help": ("列出免打扰号码。", "List the do-not-call numbers."),
    "cli.dnc.remove.help": ("把号码移出免打扰名单。", "Take a number off the do-not-call list."),
    "cli.dnc.reason": ("原因。", "Reason."),
    "dnc.bad_number": ("号码“{value}”不是有效的电话号码。", "'{value}' is not a valid phone number."),
    "dnc.added": ("已加入免打扰名单：{number}", "On the do-not-call list: {number}"),
    "dnc.already": ("{number} 已在免打扰名单上（原因已更新）。",
                    "{number} is already on the do-not-call list (reason updated)."),
    "dnc.removed": ("已移出免打扰名单：{number}", "Off the do-not-call list: {number}"),
    "dnc.not_listed": ("{number} 不在免打扰名单上。", "{number} is not on the do-not-call list."),
    "dnc.none": ("免打扰名单为空。", "The do-not-call list is empty."),
    "dnc.col.number": ("号码", "number"),
    "dnc.col.reason": ("原因", "reason"),
    "dnc.col.by": ("添加人", "added by"),
    "dnc.col.at": ("添加时间", "added at"),
}
