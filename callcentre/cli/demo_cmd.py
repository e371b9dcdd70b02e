"""``callcentre demo``: generate messy department lists, import them, show the result.

Later stages (sample, fieldwork) extend the demo by adding steps here.
"""

from __future__ import annotations

from pathlib import Path

import click

from callcentre.cli.common import AppContext, console, pass_app, user_errors
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
    for step in _EXTRA_STEPS:
        step(app, out)
    console.print(t("demo.done", db=app.db_url, out=str(out)))


# Later stages register functions (app, out_dir) here to extend the demo.
_EXTRA_STEPS: list = []
