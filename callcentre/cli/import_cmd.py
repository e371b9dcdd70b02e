"""``callcentre import`` and ``callcentre workorders``."""

from __future__ import annotations

import re
from pathlib import Path

import click
from rich.markup import escape
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
    confirm_or_raise,
    console,
    err_console,
    pass_app,
    print_table,
    say,
    user_errors,
)
from callcentre.errors import UserError
from callcentre.i18n import t
from callcentre.i18n.display import reason_text
from callcentre.importer.jobs import ImportJob, read_manifest
from sampling.identifiers.region import RegionFacts


@click.command("import", help="cli.import.help")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--department", "-d", default=None, help="cli.import.department")
@click.option("--item", "-i", type=click.IntRange(min=1, max=9999), default=None,
              help="cli.import.item")
@click.option("--manifest", "-m", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              default=None, help="cli.import.manifest")
@click.option("--wave", "-w", default=None, help="cli.option.wave_pick")
@click.option("--report", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="cli.import.report")
@click.option("--report-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="cli.import.report_dir")
@click.option("--rows-csv", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="cli.import.rows_csv")
@click.option("--mask-phones", is_flag=True, help="cli.import.mask_phones")
@click.option("--yes", "-y", is_flag=True, help="cli.option.yes")
@click.option("--quiet", "-q", is_flag=True, help="cli.option.quiet")
@pass_app
@user_errors
def import_command(
    app: AppContext, files: tuple[Path, ...], department: str | None, item: int | None,
    manifest: Path | None, wave: str | None, report: Path | None, report_dir: Path | None,
    rows_csv: Path | None, mask_phones: bool, yes: bool, quiet: bool,
) -> None:
    jobs = [ImportJob(path=p, department=department, item=item) for p in files]
    if manifest is not None:
        jobs += [ImportJob(path=j.path, department=j.department or department,
                           item=j.item or item) for j in read_manifest(manifest)]
    if not jobs:
        raise UserError("import.no_files")
    summary = run_import(app, jobs, wave=wave or app.settings.wave, quiet=quiet, yes=yes)
    print_summary(app, summary, quiet=quiet)
    write_outputs(app, summary, wave=summary.wave, report=report, report_dir=report_dir,
                  rows_csv=rows_csv, mask_phones=mask_phones)
    if summary.failed:
        raise SystemExit(1)


def run_import(app: AppContext, jobs: list[ImportJob], *, wave: str | None,  # type: ignore[no-untyped-def]
               quiet: bool = False, yes: bool = False):
    """Import with a progress bar (one task per file, rows as units); a re-filing or a
    department that looks like a typo is asked about first (``--yes`` skips)."""
    from callcentre.errors import ConfirmationRequired
    from callcentre.services.importing import import_lists

    with app.open(creates=True) as (session, actor), Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeRemainingColumn(), console=err_console, disable=quiet, transient=True) as bar:
        state: dict[str, TaskID] = {}

        def on_file(job: ImportJob, rows: int) -> None:
            if "task" in state:
                bar.update(state["task"], visible=False)
            state["task"] = bar.add_task(escape(t("import.progress", file=job.path.name)),
                                         total=rows)

        def progress(n: int) -> None:
            bar.advance(state["task"], n)

        def go(confirmed: bool):  # type: ignore[no-untyped-def]
            return import_lists(session=session, actor=actor, jobs=jobs, wave=wave,
                                confirmed=confirmed, on_file=on_file, progress=progress,
                                region=app.settings.region)

        try:
            return go(yes).summary
        except ConfirmationRequired as exc:
            bar.stop()
            confirm_or_raise(exc, yes=False)
            bar.start()
            return go(True).summary


def file_message(result) -> str:  # type: ignore[no-untyped-def]
    """The Chinese message for a file that failed (an English library detail, such as
    a zip error, is left out: the message says what it means)."""
    from sampling.listfile.limits import decode

    limit = decode(result.detail or "")
    if limit is not None:
        detail = limit.describe(t)
    else:
        detail = result.detail if result.error == "unsupported" or _is_chinese(result.detail) \
            else ""
    return t(f"import.file.{result.error}", file=str(result.path), detail=detail)


def _is_chinese(text: str | None) -> bool:
    return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in text)  # type: ignore[union-attr]


def _outcome_text(f) -> str:  # type: ignore[no-untyped-def]
    outcome = t(f"import.outcome.{f.outcome}")
    if f.kind == "workorder" and f.outcome != "failed":
        outcome += "（" + t("import.workorder_rows", rows=f.workorders,
                            linked=f.workorders_linked) + "）"
    if f.same_as:
        outcome += "（" + t("import.unchanged_same_as", file=Path(f.same_as).name) + "）"
    if f.replaces and f.outcome == "replaced":
        outcome += "（" + t("import.replaces", file=f.replaces) + "）"
    return outcome


def summary_table(summary, width: int) -> Table:  # type: ignore[no-untyped-def]
    """The per-file table; below 100 columns department and item go under the file
    name and accepted + warning are one column, so no number is ever cut."""
    narrow = width < 100
    statuses = ["accepted", "rejected", "duplicate"] if narrow else [
        "accepted", "warning", "rejected", "duplicate"]
    table = Table(title=t("import.summary.title", wave=summary.wave), show_lines=narrow)
    text_cols = ["import.col.file"] if narrow else [
        "import.col.file", "import.col.department", "import.col.item"]
    for key in text_cols:
        table.add_column(t(key), overflow="fold")
    table.add_column(t("import.col.outcome"), overflow="fold")

    def counts(f) -> list[int]:  # type: ignore[no-untyped-def]
        c = f.counts
        shown = [c["accepted"] + (c["warning"] if narrow else 0)]
        shown += [] if narrow else [c["warning"]]
        return [f.rows, *shown, c["rejected"], c["duplicate"], f.new_enterprises]

    rows = [counts(f) for f in summary.files]
    totals = [sum(col) for col in zip(*rows)] if rows else [0] * (len(statuses) + 2)
    num_keys = ["import.col.rows", *[("import.col.passed" if narrow and s == "accepted"
                                      else f"status.{s}") for s in statuses],
                "import.col.new_enterprises"]
    for i, key in enumerate(num_keys):
        table.add_column(t(key), justify="right", no_wrap=True,
                         min_width=max(len(str(totals[i])), 2))
    for f, nums in zip(summary.files, rows):
        name = escape(f.path.name)
        where = [escape(f.department or ""), str(f.item or "")]
        text = [name + (f"\n[dim]{where[0]} · {t('sample.stratum.item', n=where[1])}[/]"
                        if f.department or f.item else "")] if narrow else [name, *where]
        table.add_row(*text, escape(_outcome_text(f)), *map(str, nums))
    blanks = [""] * (len(text_cols) - 1)
    table.add_row(t("import.total"), *blanks, "", *map(str, totals), style="bold")
    return table


def print_summary(app: AppContext, summary, *, quiet: bool = False) -> None:  # type: ignore[no-untyped-def]
    """The table, the main problems in words, the frame's size; with ``quiet`` one
    line only (never nothing: a silent import is indistinguishable from none)."""
    from collections import Counter

    from callcentre.services.files import frame_counts
    from sampling.listfile.normalise import severity

    if quiet:
        say("import.summary.quiet", files=len(summary.files), rows=summary.rows,
            failed=len(summary.failed))
    else:
        print_table(summary_table(summary, console.width))
        reasons: Counter[str] = Counter()
        for f in summary.files:
            reasons.update(f.reasons)
        top = [(c, n) for c, n in reasons.most_common() if severity(c) != "info"][:8]
        if top:
            console.print(f"[bold]{escape(t('import.summary.top_reasons'))}[/]")
            for code, n in top:
                console.print(f"  {n:>8}  {reason_text(code, app.settings.region)}",
                              markup=False)
        with app.open() as (session, actor):
            ents, mems = frame_counts(session=session, actor=actor, wave=summary.wave)
        say("import.summary.enterprises", enterprises=ents, memberships=mems)
    if summary.failed:
        say("import.summary.failed", err=True, style="bold red", n=len(summary.failed))
        for f in summary.failed:
            err_console.print(f"  ✗ {file_message(f)}", markup=False, style="red")


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
            task = bar.add_task(escape(label), total=total)
            try:
                write(lambda n: bar.advance(task, n))
            except OutputError as exc:
                # the import itself is stored: running it again writes the outputs
                raise UserError("import.output_failed", file=exc.file,
                                detail=exc.detail or str(exc)) from None

    if report is not None:
        with_bar(t("import.writing", file=report.name), None, lambda p: write_check_workbook(
            app.engine, report, wave=wave, mask_phones=mask_phones, failed_files=failed,
            progress=p, region=app.settings.region), report)
        say("import.report_written", file=str(report))
    if report_dir is not None:
        departments = sorted({f.department for f in summary.files if f.department})
        for dept in departments:
            target = report_dir / f"{_file_safe(dept)}-核查表.xlsx"
            with_bar(t("import.writing", file=target.name), dept,
                     lambda p, d=dept, out=target: write_check_workbook(
                         app.engine, out, wave=wave, department=d, mask_phones=mask_phones,
                         failed_files=failed, progress=p, region=app.settings.region), target)
            say("import.report_written", file=str(target))
    if rows_csv is not None:
        with_bar(t("import.writing", file=rows_csv.name), None,
                 lambda p: write_rows_csv(app.engine, rows_csv, wave=wave, progress=p), rows_csv)
        say("import.csv_written", file=str(rows_csv))


@click.command("workorders", help="cli.workorders.help")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--department", "-d", default=None, help="cli.import.department")
@click.option("--item", "-i", type=click.IntRange(min=1, max=9999), required=True,
              help="cli.import.item")
@click.option("--wave", "-w", default=None, help="cli.option.wave_pick")
@pass_app
@user_errors
def workorders_command(app: AppContext, files: tuple[Path, ...], department: str | None,
                       item: int, wave: str | None) -> None:
    from callcentre.services.importing import import_workorder_files

    failed = 0
    with app.open(creates=True) as (session, actor):
        results = import_workorder_files(session=session, actor=actor, paths=list(files),
                                         wave=wave or app.settings.wave,
                                         department=department, item=item,
                                         region=app.settings.region)
    for path, result in results:
        if result.error:  # type: ignore[attr-defined]
            failed += 1
            err_console.print(f"✗ {file_message(result)}", markup=False, style="red")
            continue
        print_workorder_result(path, result, app.settings.region)
    if failed:
        raise SystemExit(1)


def print_workorder_result(path: Path, result, region: RegionFacts) -> None:  # type: ignore[no-untyped-def]
    """One file's outcome, then its problems by code with what each means."""
    if result.outcome == "unchanged":
        say("workorders.unchanged", file=path.name, rows=result.rows, linked=result.linked)
    else:
        replaced = t("workorders.replaced") if result.outcome == "replaced" else ""
        console.print(t("workorders.summary", file=path.name, rows=result.rows,
                        linked=result.linked, unlinked=result.rows - result.linked) + replaced,
                      markup=False)
    if result.relinked:
        say("workorders.relinked", n=result.relinked)
    if result.blank:
        say("workorders.blank", n=result.blank)
    if result.reasons:
        say("workorders.problems")
        for code, n in sorted(result.reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            console.print(f"  {n:>6}  {reason_text(code, region)}", markup=False)
