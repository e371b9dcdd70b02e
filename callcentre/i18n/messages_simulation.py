"""Messages of the fieldwork simulator, the forecast, and stratum targets in the queue."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # permissions and settings
    "perm.fieldwork.simulate": ("模拟调查实施", "simulate fieldwork"),
    "settings.bad_fieldwork": ("配置文件 {file} 的 [fieldwork] 有误：{detail}",
                               "Config file {file}, [fieldwork]: {detail}"),
    # stratum targets in `case show`
    "case.strata": ("所在层（完成 / 目标）", "Strata (completes / target)"),
    "case.stratum": ("{label}：完成 {done} / 目标 {target}{full}",
                     "{label}: {done} completes / target {target}{full}"),
    "case.stratum_full": ("（已达目标）", " (target reached)"),
    # simulate
    "demo.step.simulate": ("第 5 步：{callers} 名模拟调研员（sim01…）拨打上一个工作日下午的电话……",
                           "Step 5: {callers} simulated callers (sim01…) work the last "
                           "workday's afternoon …"),
    "simulate.bad_callers": ("模拟调研员人数须在 1–99 之间，而不是 {n}。",
                             "Simulated callers must be 1–99, not {n}."),
    "simulate.bad_days": ("模拟天数须在 1–250 之间，而不是 {n}。",
                          "Simulated days must be 1–250, not {n}."),
    "simulate.name_taken": ("用户 {user} 已存在且不是模拟调研员，模拟不会占用它。",
                            "User {user} exists and is not a simulated caller; "
                            "the simulation will not take it over."),
    "simulate.caller_inactive": ("模拟调研员 {user} 已停用。",
                                 "Simulated caller {user} is deactivated."),
    "simulate.lines_full": ("外呼线路容纳不下 {n} 名调研员（共 {room} 路）。",
                            "The lines cannot carry {n} callers ({room} calls in all)."),
    "simulate.no_time": ("所选时间内没有可拨打的工作时段。",
                         "No calling time in the period chosen."),
    "simulate.confirm": ("将向数据库 {db} 写入模拟的调查实施记录（模拟调研员 sim01…、拨打记录、"
                         "答案）。只应在演示或培训数据库上这样做。",
                         "This writes simulated fieldwork (callers sim01…, attempts, answers) "
                         "into {db}. Do it only on a demo or training database."),
    "simulate.title": ("模拟调查实施：{start} 至 {end}，{callers} 名模拟调研员，种子 {seed}",
                       "Simulated fieldwork {start} to {end}: {callers} simulated callers, "
                       "seed {seed}"),
    "simulate.totals": ("拨打 {attempts} 次，完成访问 {completes} 个，保存答案 {answers} 条。",
                        "{attempts} attempts, {completes} completes, {answers} answers saved."),
    "simulate.dispositions": ("拨打结果：{list}", "Outcomes: {list}"),
    "simulate.day": ("{day}：拨打 {attempts} 次，完成 {completes} 个",
                     "{day}: {attempts} attempts, {completes} completes"),
    "simulate.strata": ("各层进度（完成 / 目标，待拨案例）：", "Progress per stratum "
                        "(completes / target, cases open):"),
    "simulate.stratum": ("  {label}：{before} → {done} / {target}，待拨 {open}{full}",
                         "  {label}: {before} → {done} / {target}, {open} open{full}"),
    "simulate.rates": ("应答率 RR1 {rr1}，RR3 {rr3}，合作率 COOP1 {coop1}，拒访率 REF1 {ref1}，"
                       "接触率 CON1 {con1}（e = {e}）",
                       "RR1 {rr1}, RR3 {rr3}, COOP1 {coop1}, REF1 {ref1}, CON1 {con1} (e = {e})"),
    "cli.simulate.help": (
        "模拟调查实施：模拟调研员（sim01…）按拨打规则在真实队列上工作若干个工作日"
        "（快进时钟），模拟的受访企业按各层的接通率、合作率、占线与无人接听率、"
        "预约守约率作答。只用于演示和培训数据库。",
        "Simulate fieldwork: simulated callers (sim01…) work the real queue for some working "
        "days on a fast-forward clock, answered by simulated enterprises with per-stratum "
        "contact, cooperation, busy, no-answer and appointment-keeping rates. For demo and "
        "training databases only."),
    "cli.simulate.days": ("模拟的工作日数", "Working days to simulate"),
    "cli.simulate.callers": ("模拟调研员人数", "Number of simulated callers"),
    "cli.simulate.seed": ("随机种子（相同种子、相同数据得到相同结果）",
                          "Random seed (same seed, same data: same fieldwork)"),
    "cli.simulate.start": ("开始日期 YYYY-MM-DD（默认：现在）",
                           "First day YYYY-MM-DD (default: now)"),
    "cli.simulate.yes": ("不再确认", "Do not ask for confirmation"),
    "cli.simulate.no_answers": ("不保存答案（更快）", "Do not save answers (faster)"),
    # forecast
    "cli.forecast.help": (
        "预测各层何时达到完成目标、何时需要释放后备样本。方法：把当前数据复制到一个"
        "临时 SQLite 数据库，在副本上用 N 名模拟调研员按真实拨打规则模拟后续工作日"
        "（受访企业的接通率、合作率取自已有拨打结果，无结果时用默认值）；某层待拨案例"
        "用完而未达目标时，在副本上释放下一批后备样本并记下日期。真实队列不受任何影响。",
        "Forecast when each stratum reaches its target of completes and when reserve "
        "replicates will be needed. Method: the data are copied into a temporary SQLite "
        "database and N simulated callers work the following working days there under the "
        "real scheduling rules (respondents' contact and cooperation rates estimated from "
        "the attempts so far, defaults where there are none); when a stratum runs out of "
        "cases before its target, the next reserve replicate is released in the copy and the "
        "day noted. The real queue is never touched."),
    "cli.forecast.callers": ("调研员人数", "Number of callers"),
    "cli.forecast.days": ("最多预测的工作日数", "At most this many working days"),
    "cli.forecast.seed": ("随机种子", "Random seed"),
    "forecast.title": ("预测：{callers} 名调研员，自 {start} 起，最多 {days} 个工作日"
                       "（副本模拟，真实队列未改动）",
                       "Forecast: {callers} callers from {start}, at most {days} working days "
                       "(simulated on a copy; the real queue is untouched)"),
    "forecast.model": ("模拟参数：接通率 {contact}，合作率 {cooperation}（{basis}）",
                       "Model: contact {contact}, cooperation {cooperation} ({basis})"),
    "forecast.basis.observed": ("依据已有 {n} 次拨打估计", "estimated from {n} attempts so far"),
    "forecast.basis.default": ("尚无拨打记录，用默认值", "no attempts yet: defaults"),
    "forecast.stratum": ("{label}：目标 {target}，现有 {done}；{when}",
                         "{label}: target {target}, {done} now; {when}"),
    "forecast.met_on": ("预计 {day} 达到目标", "target expected on {day}"),
    "forecast.met_already": ("已达到目标", "target already met"),
    "forecast.not_met": ("{days} 个工作日内达不到目标（预计完成 {done}）",
                         "not met within {days} working days ({done} expected)"),
    "forecast.reserve": ("    {day} 需要释放后备样本第 {k} 批", "    reserve replicate {k} "
                         "needed on {day}"),
    "forecast.reserve_out": ("    {day} 起后备样本已用完", "    reserve used up from {day}"),
}
