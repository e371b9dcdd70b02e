"""``callcentre demo``: generate messy department lists, import them, show the result.

Later stages (sample, fieldwork) extend the demo by adding steps here.
"""

from __future__ import annotations

from pathlib import Path

import click

from callcentre.cli.common import AppContext, console, user_errors
from callcentre.i18n import t

DEMO_DB = "callcentre-demo.db"


@click.command("demo", help=t("cli.demo.help"))
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("demo-output"),
              show_default=True, help=t("cli.demo.out"))
@click.option("--seed", type=int, default=2021, show_default=True, help=t("cli.demo.seed"))
@click.option("--enterprises", type=click.IntRange(min=50), default=3000, show_default=True,
              help=t("cli.demo.enterprises"))
@click.pass_context
@user_errors
def demo_command(ctx: click.Context, out: Path, seed: int, enterprises: int) -> None:
    from callcentre.cli.import_cmd import print_summary, run_import, write_outputs
    from callcentre.demo.generator import generate_demo
    from callcentre.importer.jobs import read_manifest

    app: AppContext = ctx.obj
    if not app.db_explicit:
        db_file = out / DEMO_DB
        out.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_file}{suffix}").unlink(missing_ok=True)
        app = AppContext(f"sqlite:///{db_file}")
    console.print(t("demo.step.generate", out=str(out)))
    generate_demo(out / "lists", seed=seed, n_enterprises=enterprises)
    jobs = read_manifest(out / "lists" / "manifest.csv")
    console.print(t("demo.step.import", n=len(jobs), db=app.db_url))
    summary = run_import(app, jobs, wave="2021")
    print_summary(app, summary)
    write_outputs(app, summary, wave="2021", report=out / "核查表.xlsx",
                  report_dir=out / "departments", rows_csv=out / "rows.csv", mask_phones=False)
    ctx.obj = app
    for step in _STEPS:
        step(ctx, out)
    console.print(t("demo.done", db=app.db_url, out=str(out)))


def _draw_sample(ctx: click.Context, out: Path) -> None:
    """Stratified by item: 300 completes at a 50 % response rate, at least 20 per item."""
    from callcentre.cli.sample_cmd import draw_command, export_command

    console.print(t("demo.step.sample"))
    _run(draw_command, ctx, ["--by", "item", "--completes", "300", "--response-rate", "0.5",
                             "--minimum", "20", "--seed", "20210601"])
    _run(export_command, ctx, ["--out", str(out / "样本.xlsx")])


def _load_questionnaires(ctx: click.Context, out: Path) -> None:
    from sqlmodel import Session

    from callcentre.cli.questionnaire_cmd import _item_of
    from callcentre.questionnaire_store import load_questionnaire_file
    from questionnaires.bank import bundled_paths

    console.print(t("demo.step.questionnaires"))
    paths = bundled_paths(2021)
    with Session(ctx.obj.engine) as session:
        for path in paths:
            load_questionnaire_file(session=session, wave_code="2021", path=path,
                                    item_number=_item_of(path))
        session.commit()
    console.print(t("demo.questionnaires_loaded", n=len(paths)))


def _run(command: click.Command, ctx: click.Context, args: list[str]) -> None:
    """Run another subcommand exactly as a user would type it, on the demo database."""
    command.main(args=args, obj=ctx.obj, standalone_mode=False,
                 prog_name=f"callcentre {command.name}")


# The demo's steps after the import; later stages (fieldwork, reports) add theirs.
_STEPS = [_draw_sample, _load_questionnaires]
