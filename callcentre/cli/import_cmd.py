"""``callcentre import`` and ``callcentre workorders``."""

from __future__ import annotations

import re
from pathlib import Path

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from callcentre.cli.common import (
    AppContext,
    console,
    err_console,
    pass_app,
    print_table,
    user_errors,
)
from callcentre.errors import UserError
from callcentre.i18n import t
from callcentre.importer.jobs import ImportJob, read_manifest


@click.command("import", help=t("cli.import.help"))
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--department", "-d", default=None, help=t("cli.import.department"))
@click.option("--item", "-i", type=click.IntRange(min=1), default=None, help=t("cli.import.item"))
@click.option("--manifest", "-m", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help=t("cli.import.manifest"))
@click.option("--wave", "-w", default="2021", show_default=True, help=t("cli.option.wave"))
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=t("cli.import.report"))
@click.option("--report-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help=t("cli.import.report_dir"))
@click.option("--rows-csv", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help=t("cli.import.rows_csv"))
@click.option("--mask-phones", is_flag=True, help=t("cli.import.mask_phones"))
@click.option("--quiet", "-q", is_flag=True, help=t("cli.option.quiet"))
@pass_app
@user_errors
def import_command(
    app: AppContext, files: tuple[Path, ...], department: str | None, item: int | None,
    manifest: Path | None, wave: str, report: Path | None, report_dir: Path | None,
    rows_csv: Path | None, mask_phones: bool, quiet: bool,
) -> None:
    jobs = [ImportJob(path=p, department=department, item=item) for p in files]
    if manifest is not None:
        jobs += [ImportJob(path=j.path, department=j.department or department,
                           item=j.item or item) for j in read_manifest(manifest)]
    if not jobs:
        raise UserError("import.no_files")
    summary = run_import(app, jobs, wave=wave, quiet=quiet)
    print_summary(app, summary, quiet=quiet)
    write_outputs(app, summary, wave=wave, report=report, report_dir=report_dir,
                  rows_csv=rows_csv, mask_phones=mask_phones)
    if summary.failed:
        raise SystemExit(1)


def run_import(app: AppContext, jobs: list[ImportJob], *, wave: str, quiet: bool = False):  # type: ignore[no-untyped-def]
    """Import with a progress bar (one task per file, rows as units)."""
    from callcentre.importer.pipeline import import_files

    engine = app.engine
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err_console, disable=quiet,
                  transient=True) as bar:
        state: dict[str, TaskID] = {}

        def on_file(job: ImportJob, rows: int) -> None:
            if "task" in state:
                bar.update(state["task"], visible=False)
            state["task"] = bar.add_task(t("import.progress", file=job.path.name), total=rows)

        def progress(n: int) -> None:
            bar.advance(state["task"], n)

        return import_files(engine, jobs, wave=wave, on_file=on_file, progress=progress)


def file_message(result) -> str:  # type: ignore[no-untyped-def]
    """The Chinese message for a file that failed."""
    return t(f"import.file.{result.error}", file=str(result.path), detail=result.detail)


def print_summary(app: AppContext, summary, *, quiet: bool = False) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from callcentre.db.models import Enterprise, ItemMembership

    table = Table(title=t("import.summary.title", wave=summary.wave), show_lines=False)
    for key in ("import.col.file", "import.col.department", "import.col.item",
                "import.col.outcome", "import.col.rows", "status.accepted", "status.warning",
                "status.rejected", "status.duplicate", "import.col.new_enterprises"):
        table.add_column(t(key), justify="right" if key.startswith("status")
                         or key in ("import.col.rows", "import.col.new_enterprises") else "left")
    for f in summary.files:
        outcome = t(f"import.outcome.{f.outcome}")
        if f.kind == "workorder" and f.outcome != "failed":
            outcome += "（" + t("import.workorder_rows", rows=f.workorders,
                                linked=f.workorders_linked) + "）"
        if f.same_as:
            outcome += "（" + t("import.unchanged_same_as", file=Path(f.same_as).name) + "）"
        if f.replaces and f.outcome == "replaced":
            outcome += "（" + t("import.replaces", file=f.replaces) + "）"
        table.add_row(f.path.name, f.department or "", str(f.item or ""), outcome, str(f.rows),
                      str(f.counts["accepted"]), str(f.counts["warning"]),
                      str(f.counts["rejected"]), str(f.counts["duplicate"]),
                      str(f.new_enterprises))
    table.add_row(t("import.total"), "", "", "", str(summary.rows),
                  str(summary.total("accepted")), str(summary.total("warning")),
                  str(summary.total("rejected")), str(summary.total("duplicate")),
                  str(sum(f.new_enterprises for f in summary.files)), style="bold")
    if not quiet:
        print_table(table)
        from collections import Counter

        from sampling.listfile.normalise import severity

        reasons: Counter[str] = Counter()
        for f in summary.files:
            reasons.update(f.reasons)
        top = [(c, n) for c, n in reasons.most_common() if severity(c) != "info"][:8]
        if top:
            console.print(f"[bold]{t('import.summary.top_reasons')}[/]")
            for code, n in top:
                console.print(f"  {n:>8}  {code}  {t(f'reason.{code}')}")
        with app.engine.connect() as conn:
            ents = conn.execute(select(func.count()).select_from(Enterprise)).scalar_one()
            mems = conn.execute(select(func.count()).select_from(ItemMembership)).scalar_one()
        console.print(t("import.summary.enterprises", enterprises=ents, memberships=mems))
    if summary.failed:
        err_console.print(f"[bold red]{t('import.summary.failed', n=len(summary.failed))}[/]")
        for f in summary.failed:
            err_console.print(f"  [red]✗[/] {file_message(f)}")


_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _file_safe(name: str) -> str:
    """A department name as part of a file name: "市场监管局/知识产权局" must not
    become a folder (nor may characters Windows refuses appear)."""
    return _NOT_IN_FILE_NAMES.sub("_", name).strip(" .") or "_"


def write_outputs(app: AppContext, summary, *, wave: str, report: Path | None,  # type: ignore[no-untyped-def]
                  report_dir: Path | None, rows_csv: Path | None, mask_phones: bool) -> None:
    from callcentre.importer.check_report import (
        count_rows,
        write_check_workbook,
        write_rows_csv,
    )
    from callcentre.reports.atomic import OutputError

    failed = [(f.path.name, f.department or "", file_message(f)) for f in summary.failed]

    def with_bar(label: str, department: str | None, write,  # type: ignore[no-untyped-def]
                 target: Path) -> None:
        total = count_rows(app.engine, wave=wave, department=department)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), console=err_console, transient=True,
                      disable=total < 50_000) as bar:
            task = bar.add_task(label, total=total)
            try:
                write(lambda n: bar.advance(task, n))
            except OutputError as exc:
                # the import itself is stored: running it again writes the outputs
                raise UserError("import.output_failed", file=exc.file,
                                detail=exc.detail or str(exc)) from None

    if report is not None:
        with_bar(t("import.writing", file=report.name), None, lambda p: write_check_workbook(
            app.engine, report, wave=wave, mask_phones=mask_phones, failed_files=failed,
            progress=p), report)
        console.print(t("import.report_written", file=str(report)))
    if report_dir is not None:
        departments = sorted({f.department for f in summary.files if f.department})
        for dept in departments:
            target = report_dir / f"{_file_safe(dept)}-核查表.xlsx"
            with_bar(t("import.writing", file=target.name), dept,
                     lambda p, d=dept, out=target: write_check_workbook(
                         app.engine, out, wave=wave, department=d, mask_phones=mask_phones,
                         failed_files=failed, progress=p), target)
            console.print(t("import.report_written", file=str(target)))
    if rows_csv is not None:
        with_bar(t("import.writing", file=rows_csv.name), None,
                 lambda p: write_rows_csv(app.engine, rows_csv, wave=wave, progress=p), rows_csv)
        console.print(t("import.csv_written", file=str(rows_csv)))


@click.command("workorders", help=t("cli.workorders.help"))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--department", "-d", default=None, help=t("cli.import.department"))
@click.option("--item", "-i", type=click.IntRange(min=1), required=True, help=t("cli.import.item"))
@click.option("--wave", "-w", default="2021", show_default=True, help=t("cli.option.wave"))
@pass_app
@user_errors
def workorders_command(app: AppContext, files: tuple[Path, ...], department: str | None,
                       item: int, wave: str) -> None:
    from callcentre.importer.workorders import import_workorders

    failed = 0
    for path in files:
        result = import_workorders(app.engine, path, wave=wave, department=department, item=item)
        if result.error:
            failed += 1
            err_console.print(f"[red]✗[/] {t(f'import.file.{result.error}', file=str(path), detail=result.detail)}")
            continue
        print_workorder_result(path, result)
    if failed:
        raise SystemExit(1)


def print_workorder_result(path: Path, result) -> None:  # type: ignore[no-untyped-def]
    """One file's outcome, then its problems by code with what each means."""
    if result.outcome == "unchanged":
        console.print(t("workorders.unchanged", file=path.name, rows=result.rows,
                        linked=result.linked))
    else:
        replaced = t("workorders.replaced") if result.outcome == "replaced" else ""
        console.print(t("workorders.summary", file=path.name, rows=result.rows,
                        linked=result.linked, unlinked=result.rows - result.linked) + replaced)
    if result.relinked:
        console.print(t("workorders.relinked", n=result.relinked))
    if result.blank:
        console.print(t("workorders.blank", n=result.blank))
    if result.reasons:
        console.print(t("workorders.problems"))
        for code, n in sorted(result.reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            console.print(f"  {n:>6}  {t(f'reason.{code}')}  {code}", markup=False)
