"""Messages for the questionnaire area: key -> (Simplified Chinese, English).

The questionnaire package's own texts live in ``questionnaires/messages.py`` (a pure
package imports nothing from the application) and are merged here; the command
line's texts for it follow.
"""

from questionnaires.messages import MESSAGES as _PACKAGE

MESSAGES: dict[str, tuple[str, str]] = {
    **_PACKAGE,
    "cli.questionnaire.validate.help": ("校验 XLSForm 问卷文件;全部有效时退出码为 0",
                                        "Check XLSForm files; exit status 0 only when all are valid"),
    "cli.questionnaire.validate.ok": ("✓ {file}:有效({count} 题)", "✓ {file}: valid ({count} questions)"),
    "cli.questionnaire.validate.bad": ("✗ {file}:{count} 处错误", "✗ {file}: {count} problem(s)"),
    "cli.questionnaire.validate.bundled": ("校验内置题库的全部问卷", "check every bundled module"),
    "cli.questionnaire.validate.nothing": ("请指定问卷文件,或使用 --bundled",
                                           "name questionnaire files, or use --bundled"),
    "cli.questionnaire.preview.help": ("在终端中逐题走一遍问卷(不保存)",
                                       "Walk through a questionnaire in the terminal (nothing saved)"),
    "cli.questionnaire.preview.items": ("按题库组合:开场 + 这些事项(逗号分隔的序号)+ 结束语",
                                        "compose opening + these items (comma-separated) + closing"),
    "cli.questionnaire.preview.commands": ("输入答案后回车;“<”返回上一题,“>”跳过,“q”结束",
                                           "type an answer and Enter; '<' back, '>' skip, 'q' quit"),
    "cli.questionnaire.preview.choices_hint": ("多选:用空格分隔多个编号", "several: numbers separated by spaces"),
    "cli.questionnaire.preview.done": ("问卷结束。状态:{status};已答 {answered}/{applicable} 题({share})",
                                       "End. Status: {status}; answered {answered}/{applicable} ({share})"),
    "cli.questionnaire.preview.answers": ("答案", "Answers"),
    "cli.questionnaire.catalogue.help": ("列出事项目录(事项、领域、评估内容、问卷模块)",
                                         "List the item catalogue (item, area, text, module)"),
    "cli.questionnaire.catalogue.json": ("以 JSON 输出", "print JSON"),
    "cli.questionnaire.catalogue.year": ("责任清单年份", "year of the responsibility list"),
    "cli.questionnaire.col.item": ("序号", "Item"),
    "cli.questionnaire.col.area": ("领域", "Area"),
    "cli.questionnaire.col.text": ("评估内容", "Assessed text"),
    "cli.questionnaire.col.lead": ("牵头单位", "Lead unit"),
    "cli.questionnaire.col.limit": ("承诺时限", "Promised limit"),
    "cli.questionnaire.col.module": ("问卷模块", "Module"),
    "cli.questionnaire.load.help": ("把问卷版本载入数据库中的某一轮调查",
                                    "Load a questionnaire version into a wave of the database"),
    "cli.questionnaire.load.wave": ("调查轮次代码(如 2021)", "wave code (e.g. 2021)"),
    "cli.questionnaire.load.done": ("已载入问卷 {form_id} 版本 {version}(轮次 {wave},{count} 题)",
                                    "loaded {form_id} version {version} into wave {wave} ({count} questions)"),
    "cli.questionnaire.load.same": ("问卷 {form_id} 版本 {version} 已载入且内容相同",
                                    "{form_id} version {version} is already loaded with the same content"),
    "cli.questionnaire.load.bundled": ("载入内置题库的全部问卷", "load every bundled module"),
    "cli.questionnaire.preview.type.select_one": ("请选择（输入序号）", "Choose (number)"),
    "cli.questionnaire.preview.type.select_multiple": (
        "可多选（序号以空格分隔）", "Choose any (numbers separated by spaces)"
    ),
    "cli.questionnaire.preview.type.integer": ("请输入整数", "Whole number"),
    "cli.questionnaire.preview.type.decimal": ("请输入数字", "Number"),
    "cli.questionnaire.preview.type.text": ("请输入", "Answer"),
    "cli.questionnaire.preview.type.date": ("请输入日期（如 2021-06-01）", "Date (e.g. 2021-06-01)"),
    "cli.questionnaire.preview.type.time": ("请输入时间（如 09:30）", "Time (e.g. 09:30)"),
    "cli.questionnaire.preview.col.name": ("题目", "Question"),
    "cli.questionnaire.preview.col.value": ("答案", "Answer"),
}
