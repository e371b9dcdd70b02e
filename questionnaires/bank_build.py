"""Generate the bundled question bank from the item catalogue.

One XLSForm workbook per item (``bank/<year>/area_NN/item_<year>_NNN.xlsx``), plus
a common opening and closing. Run after changing the catalogue or the templates
below, and commit the workbooks::

    python -m questionnaires.bank_build [YEAR]

A test checks that regenerating gives the committed content. Supervisors may
copy a workbook and edit it in Excel; the bundled ones are the reference.

Each item module asks: did the enterprise use the reform the department says it
used; if so, the days it actually took (for each time limit the item promises,
with a flag whether the promise was kept), the channel, how many trips on site,
satisfaction on a 5-point scale; and a comment.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from questionnaires.catalogue import CatalogueItem, PromisedLimit, load_catalogue

BANK_DIR = Path(__file__).with_name("bank")
VERSION = "1"
OPENING, CLOSING = "opening", "closing"
GATE = "${consent} = 'yes'"
"""Item modules and the closing apply only once the respondent agreed."""

Sheets = dict[str, list[list[Any]]]

SURVEY_HEADER = ["type", "name", "label::zh", "label::en", "hint::zh", "hint::en", "required",
                 "relevant", "constraint", "constraint_message::zh", "constraint_message::en",
                 "calculation", "appearance"]
CHOICES_HEADER = ["list_name", "name", "label::zh", "label::en"]
SETTINGS_HEADER = ["form_id", "version", "form_title", "default_language"]


def _row(type_: str, name: str, zh: str = "", en: str = "", *, hint: tuple[str, str] = ("", ""),
         required: bool = False, relevant: str = "", constraint: str = "",
         message: tuple[str, str] = ("", ""), calculation: str = "",
         appearance: str = "") -> list[Any]:
    return [type_, name, zh, en, hint[0], hint[1], "yes" if required else "", relevant,
            constraint, message[0], message[1], calculation, appearance]


YES_NO_DK = [["yes_no_dk", "yes", "是", "yes"], ["yes_no_dk", "no", "否", "no"],
             ["yes_no_dk", "dk", "不清楚", "don't know"]]
CHANNELS = [
    ["channel", "online", "网上办理(电脑端网站、网上办事大厅)", "online (web)"],
    ["channel", "mobile", "手机办理(APP、小程序、公众号)", "mobile app / mini program"],
    ["channel", "window", "窗口办理(政务服务中心、营业厅)", "in person at a counter"],
    ["channel", "self_service", "自助终端", "self-service terminal"],
    ["channel", "agent", "委托中介或代理机构办理", "through an agent"],
    ["channel", "other", "其他", "other"],
]
SATISFACTION = [
    ["satisfaction", "5", "非常满意", "very satisfied"],
    ["satisfaction", "4", "比较满意", "satisfied"],
    ["satisfaction", "3", "一般", "neutral"],
    ["satisfaction", "2", "不太满意", "dissatisfied"],
    ["satisfaction", "1", "非常不满意", "very dissatisfied"],
]
DAYS_OK = ". >= 0 and . <= 999"
DAYS_MSG = ("天数应在0到999之间", "days must be between 0 and 999")


def _limit_text(limit: PromisedLimit) -> tuple[str, str]:
    if limit.value == 0:
        return (f"{limit.subject}即时办结", f"{limit.subject}: done on the spot")
    unit_en = "working days" if limit.unit == "working_days" else "days"
    return (f"{limit.subject}不超过{limit.value}{limit.unit_zh}",
            f"{limit.subject}: at most {limit.value} {unit_en}")


def item_sheets(item: CatalogueItem) -> Sheets:
    """The XLSForm sheets of one item's module."""
    used = "${used} = 'yes'"
    survey: list[list[Any]] = [SURVEY_HEADER]
    survey.append(_row(
        "note", "intro",
        f"下面了解第{item.item}项:{item.reform}。",
        f"Now about item {item.item}: {item.reform}.",
        hint=(f"评估内容:{item.text}(牵头单位:{item.lead_unit})",
              f"Assessed: {item.text} (lead: {item.lead_unit})"),
    ))
    survey.append(_row(
        "select_one yes_no_dk", "used",
        f"据{item.lead_unit}提供的名单,贵单位办理或使用过{item.reform}。请问是否属实?",
        f"According to {item.lead_unit}, your company used “{item.reform}”. Is that right?",
        required=True,
    ))
    choices: list[list[Any]] = [CHOICES_HEADER, *YES_NO_DK, *CHANNELS, *SATISFACTION]
    limits = item.promised_limits
    if len(limits) > 1:
        survey.append(_row(
            "select_one limit_kind", "kind", "请问贵单位办理的是以下哪一类业务?",
            "Which of these did your company apply for?", required=True, relevant=used))
        for k, limit in enumerate(limits, start=1):
            choices.append(["limit_kind", f"k{k}", limit.subject, limit.subject])
    for k, limit in enumerate(limits, start=1):
        relevant = used if len(limits) == 1 else f"{used} and ${{kind}} = 'k{k}'"
        promise_zh, promise_en = _limit_text(limit)
        unit_zh = limit.unit_zh
        unit_en = "working days" if limit.unit == "working_days" else "calendar days"
        survey.append(_row(
            "integer", f"days_{k}",
            f"从提交申请到办结,实际用了多少{unit_zh}?",
            f"From application to completion, how many {unit_en} did it actually take?",
            hint=(f"承诺:{promise_zh}。当天办结填0;记不清可跳过。",
                  f"Promise: {promise_en}. Same day: 0; skip if not known."),
            relevant=relevant, constraint=DAYS_OK, message=DAYS_MSG,
        ))
        survey.append(_row(
            "calculate", f"within_{k}", relevant=relevant,
            calculation=f"if(string-length(${{days_{k}}}) = 0, '', "
                        f"if(${{days_{k}}} <= {limit.value}, 1, 0))",
        ))
    survey.append(_row(
        "select_one channel", "channel", "请问主要是通过什么渠道办理的?",
        "Which channel did you mainly use?", relevant=used))
    survey.append(_row(
        "integer", "visits", "办理过程中,贵单位人员共到现场跑了几次?",
        "How many times did your staff have to go in person?",
        hint=("全程网上办理填0", "fully online: 0"),
        relevant=used, constraint=". >= 0 and . <= 99",
        message=("次数应在0到99之间", "must be between 0 and 99"),
    ))
    survey.append(_row(
        "select_one satisfaction", "satisfaction",
        "总体来说,您对这项服务是否满意?(非常满意、比较满意、一般、不太满意、非常不满意)",
        "Overall, how satisfied are you with this service?",
        required=True, relevant=used, appearance="likert"))
    survey.append(_row(
        "text", "comment", "对这项服务还有什么意见或建议吗?",
        "Any comments or suggestions about this service?",
        hint=("没有可跳过", "skip if none"), appearance="multiline"))
    settings = [SETTINGS_HEADER, [item.module, VERSION, f"第{item.item}项 {item.reform}", "zh"]]
    return {"survey": survey, "choices": choices, "settings": settings}


def opening_sheets(year: int) -> Sheets:
    """The common opening: introduction, right enterprise, right person, consent."""
    survey: list[list[Any]] = [SURVEY_HEADER]
    survey += [
        _row("hidden", "caller"),
        _row("hidden", "enterprise"),
        _row("note", "hello",
             f"您好!我是天津市优化营商环境第三方评估调研员${{caller}},"
             f"正在就{year}年优化营商环境各项改革措施的落实情况,回访办理过相关业务的企业。",
             f"Hello, this is ${{caller}}, an interviewer for the independent evaluation of "
             f"Tianjin's {year} business-environment reforms. We are calling companies that "
             f"used these services."),
        _row("select_one yes_no_dk", "right_enterprise", "请问这里是${enterprise}吗?",
             "Is this ${enterprise}?", required=True),
        _row("select_one person", "right_person",
             "请问您是否经办或了解贵单位办理这些业务的情况?",
             "Did you handle, or do you know about, your company's dealings in these matters?",
             required=True, relevant="${right_enterprise} = 'yes'"),
        _row("select_one consent", "consent",
             "访问大约需要5分钟,您的回答只用于评估,我们会严格保密。请问现在方便吗?",
             "It takes about 5 minutes; answers are used only for the evaluation and kept "
             "confidential. Is now a good time?",
             required=True, relevant="${right_person} = 'yes'"),
        _row("text", "respondent", "请问您怎么称呼?在单位担任什么职务?",
             "May I have your name and position?", relevant="${consent} = 'yes'"),
    ]
    choices = [CHOICES_HEADER, *YES_NO_DK,
               ["person", "yes", "是,由我经办或了解", "yes"],
               ["person", "transfer", "不是,可以转接或提供经办人电话", "no, but can transfer"],
               ["person", "no", "不是,无法转接", "no"],
               ["consent", "yes", "同意,现在访问", "yes, now"],
               ["consent", "later", "现在不方便,另约时间", "not now, call back later"],
               ["consent", "no", "拒绝访问", "refuses"]]
    settings = [SETTINGS_HEADER, [f"{OPENING}_{year}", VERSION, "开场白", "zh"]]
    return {"survey": survey, "choices": choices, "settings": settings}


def closing_sheets(year: int) -> Sheets:
    """The common closing: overall view, suggestions, thanks."""
    survey: list[list[Any]] = [SURVEY_HEADER]
    survey += [
        _row("select_one satisfaction", "overall",
             "总体来说,您对天津市营商环境是否满意?", "Overall, how satisfied are you with "
             "Tianjin's business environment?", appearance="likert"),
        _row("text", "suggestion", "对进一步优化营商环境,您还有什么意见或建议?",
             "Any other suggestions for improving the business environment?",
             hint=("没有可跳过", "skip if none"), appearance="multiline"),
        _row("note", "thanks", "访问到此结束,感谢您的支持!再见。",
             "That is all. Thank you for your help! Goodbye."),
    ]
    choices = [CHOICES_HEADER, *SATISFACTION]
    settings = [SETTINGS_HEADER, [f"{CLOSING}_{year}", VERSION, "结束语", "zh"]]
    return {"survey": survey, "choices": choices, "settings": settings}


def item_path(item: CatalogueItem) -> Path:
    """Where an item's workbook lives, relative to :data:`BANK_DIR`."""
    return Path(str(item.year)) / f"area_{item.area:02d}" / f"{item.module}.xlsx"


def workbooks(year: int = 2021) -> dict[Path, Sheets]:
    """Every workbook of ``year``'s bank: relative path → sheets."""
    out: dict[Path, Sheets] = {
        Path(str(year)) / f"{OPENING}_{year}.xlsx": opening_sheets(year),
        Path(str(year)) / f"{CLOSING}_{year}.xlsx": closing_sheets(year),
    }
    for item in load_catalogue(year):
        out[item_path(item)] = item_sheets(item)
    return out


def write_workbook(path: Path, sheets: Sheets) -> None:
    """Write sheets with openpyxl (bold header, frozen first row, readable widths)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for col in ws.columns:
            width = max(len(str(c.value or "")) for c in col)
            ws.column_dimensions[col[0].column_letter].width = min(60, max(10, width + 2))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    year = int(args[0]) if args else 2021
    books = workbooks(year)
    for rel, sheets in books.items():
        write_workbook(BANK_DIR / rel, sheets)
    print(f"{len(books)} workbooks -> {BANK_DIR / str(year)}")


if __name__ == "__main__":
    main()
