"""``callcentre demo``: generate messy department lists, import them, draw a sample,
load the questionnaires, create the demo's users, show the result.

Later stages (fieldwork, reports) extend the demo by adding steps to ``_STEPS``.
"""

from __future__ import annotations

import shlex
import sys
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from callcentre.cli.common import AppContext, say, user_errors

DEMO_DB = "callcentre-demo.db"
DEMO_WAVE = "2021"
#: (user name, role, display name, password): the demo's own people
DEMO_USERS = (
    ("supervisor", "supervisor", "李督导", "demo-supervisor"),
    ("wangfang", "caller", "王芳", "demo-caller"),
    ("zhangwei", "caller", "张伟", "demo-caller"),
)


@click.command("demo", help="cli.demo.help")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("demo-output"),
              show_default=True, help="cli.demo.out")
@click.option("--seed", type=int, default=2021, show_default=True, help="cli.demo.seed")
@click.option("--enterprises", type=click.IntRange(min=50, max=200_000), default=3000,
              show_default=True, help="cli.demo.enterprises")
@click.option("--tui/--no-tui", "open_tui", default=None, help="cli.demo.tui")
@click.pass_context
@user_errors
def demo_command(ctx: click.Context, out: Path, seed: int, enterprises: int,
                 open_tui: bool | None) -> None:
    from callcentre.cli.import_cmd import print_summary, run_import, write_outputs
    from callcentre.demo.generator import generate_demo
    from callcentre.importer.jobs import read_manifest

    app: AppContext = ctx.obj
    if not app.db_explicit:
        # the demo's database lives in its own folder, made afresh each time
        db_file = out / DEMO_DB
        out.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        app = AppContext(app.settings.with_overrides(db_url=f"sqlite:///{db_file}", wave=None))
        ctx.obj = app
    _setup(app)
    say("demo.step.generate", out=str(out))
    generate_demo(out / "lists", seed=seed, n_enterprises=enterprises)
    jobs = read_manifest(out / "lists" / "manifest.csv")
    say("demo.step.import", n=len(jobs), db=app.db_url)
    summary = run_import(app, jobs, wave=DEMO_WAVE, yes=True)
    print_summary(app, summary)
    write_outputs(app, summary, wave=DEMO_WAVE, report=out / "核查表.xlsx",
                  report_dir=out / "departments", rows_csv=out / "rows.csv", mask_phones=False)
    for step in _STEPS:
        step(app, out)
    say("demo.done", db=app.db_url, out=str(out))
    if open_tui is None:
        open_tui = sys.stdin.isatty() and sys.stdout.isatty()
    _caller_tui(app, out, open_tui)


def _setup(app: AppContext) -> None:
    """The wave and the demo's users (the OS account is the first administrator)."""
    from callcentre.errors import Conflict
    from callcentre.services.accounts import create_user
    from callcentre.services.waves import create_wave

    with app.open(creates=True) as (session, actor):
        with suppress(Conflict):
            create_wave(session=session, actor=actor, code=DEMO_WAVE, name="2021年度评估",
                        make_current=True)
        for username, role, name, password in DEMO_USERS:
            with suppress(Conflict):
                create_user(session=session, actor=actor, username=username, role=role,
                            password=password, display_name=name)
    say("demo.users", users="、".join(f"{u}（{p}）" for u, _, _, p in DEMO_USERS))


def _draw_sample(app: AppContext, out: Path) -> None:
    """Stratified by item: 300 completes at a 50 % response rate, at least 20 per item."""
    from callcentre.services.sampling import draw_sample, export_sample
    from callcentre.services.sampling_options import DesignOptions

    say("demo.step.sample")
    options = DesignOptions(by=("item",), completes=300, response_rate=0.5, minimum=20)
    with app.open() as (session, actor):
        res = draw_sample(session=session, actor=actor, wave=DEMO_WAVE, options=options,
                          seed=20210601, name="main", region=app.settings.region,
                          now=_fieldwork_day()[0])
        say("sample.drawn", name=res.design, seed=res.seed, size=res.size, cases=res.cases)
        path = export_sample(session=session, actor=actor, wave=DEMO_WAVE, name="main",
                             path=out / "样本.xlsx", region=app.settings.region)
    say("sample.exported", path=str(path))


def _load_questionnaires(app: AppContext, out: Path) -> None:
    from callcentre.services.questionnaires import bundled_for, load_questionnaires

    say("demo.step.questionnaires")
    with app.open() as (session, actor):
        loaded = load_questionnaires(session=session, actor=actor, wave=DEMO_WAVE,
                                     paths=bundled_for(DEMO_WAVE))
    say("demo.questionnaires_loaded", n=len(loaded))


#: simulated callers working the demo's queue, and their seed
DEMO_SIM_CALLERS = 2
DEMO_SIM_SEED = 2021


def _fieldwork_day() -> tuple[datetime, datetime, datetime]:
    """The last workday before today: when the demo's sample is released (its first
    window's start), and the afternoon window its simulated callers worked (start, end),
    all in the past, so the queue is as a real one would be this morning."""
    from callcentre.fieldwork.rules import default_times

    times = default_times()
    day = times.local(datetime.now(UTC)).date()
    for _ in range(30):
        day -= timedelta(days=1)
        windows = times.windows_on(day)
        if windows:
            return windows[0][0], windows[-1][0], windows[-1][1]
    raise RuntimeError("no workday in the last 30 days")


def _simulate(app: AppContext, out: Path) -> None:
    """Half a day of simulated fieldwork (the last workday's afternoon): some completes,
    refusals and appointments in the queue, most cases still open for wangfang and
    zhangwei."""
    from callcentre.cli.simulate_cmd import print_simulation
    from callcentre.services.simulation import simulate

    say("demo.step.simulate", callers=DEMO_SIM_CALLERS)
    _released, start, end = _fieldwork_day()
    with app.open() as (session, actor):
        result = simulate(session=session, actor=actor, days=1, callers=DEMO_SIM_CALLERS,
                          seed=DEMO_SIM_SEED, start=start, until=end, wave=DEMO_WAVE,
                          settings=app.settings)
    print_simulation(result, app.settings.region)


def _caller_tui(app: AppContext, out: Path, open_tui: bool) -> None:
    """Open the caller TUI logged in as the first demo caller (through the log-in
    service, like anyone), or, off a terminal, say how to open it. Outside calling
    hours the demo screen's clock runs from the next window's start, so its queue has
    cases to call whenever the demo is tried."""
    username, _role, name, password = DEMO_USERS[1]
    if not open_tui:
        db = app.db_url.removeprefix("sqlite:///")
        say("demo.tui.how", command=shlex.join(["./dev.sh", "cc", "--db", db, "tui"]),
            user=username,
            password=password)
        return
    from callcentre.fieldwork.hours import CallingTimes
    from callcentre.services.queue import fieldwork_settings
    from callcentre.tui.app import CallerApp

    times = CallingTimes(fieldwork_settings(app.settings).hours)
    now = datetime.now(UTC)
    shift = times.earliest_callable(now) - now
    if shift > timedelta(0):
        say("demo.tui.shifted", at=times.local(now + shift).strftime("%Y-%m-%d %H:%M"))
    say("demo.tui.opening", user=username, name=name)
    CallerApp(settings=app.settings, db_url=app.db_url, sign_in=(username, password),
              clock=lambda: datetime.now(UTC) + shift).run()


# The demo's steps after the import; later stages (fieldwork, reports) add theirs.
_STEPS = [_draw_sample, _load_questionnaires, _simulate]
