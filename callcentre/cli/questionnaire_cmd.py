"""``callcentre questionnaire …``: validate, preview, catalogue, load."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from callcentre.cli.common import console, err_console, pass_app, user_errors
from callcentre.i18n import t


@click.group("questionnaire", help="cli.questionnaire.help")
def questionnaire_group() -> None:
    pass


def _bundled(year: int | None) -> list[Path]:
    from questionnaires.bank import bundled_paths

    return bundled_paths(year)


@questionnaire_group.command("validate", help="cli.questionnaire.validate.help")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--bundled", is_flag=True, help="cli.questionnaire.validate.bundled")
@user_errors
def validate_command(files: tuple[Path, ...], bundled: bool) -> None:
    from questionnaires.xlsform import check_sheets, read_sheets, validate_xlsform

    paths = [*files, *(_bundled(None) if bundled else [])]
    if not paths:
        err_console.print(t("cli.questionnaire.validate.nothing"))
        raise SystemExit(2)
    failed = 0
    for path in paths:
        issues = validate_xlsform(path)
        if issues:
            failed += 1
            err_console.print(f"[red]{t('cli.questionnaire.validate.bad', file=path, count=len(issues))}[/]")
            for issue in issues:
                err_console.print(f"  {issue}", markup=False)
        else:
            form, _ = check_sheets(read_sheets(path), source=str(path))
            count = len(form.questions) if form else 0
            console.print(t("cli.questionnaire.validate.ok", file=path, count=count),
                          markup=False)
    raise SystemExit(1 if failed else 0)


def _parse_context(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        out[key.strip()] = value
    return out


@questionnaire_group.command("preview", help="cli.questionnaire.preview.help")
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False,
                                                         path_type=Path))
@click.option("--items", default="", metavar="1,28,33", help="cli.questionnaire.preview.items")
@click.option("--year", default=2021, show_default=True, type=int)
@click.option("--set", "context", multiple=True, metavar="NAME=VALUE",
              help="caller=… enterprise=…")
@user_errors
def preview_command(file: Path | None, items: str, year: int, context: tuple[str, ...]) -> None:
    from questionnaires.bank import interview_form
    from questionnaires.engine import Interview
    from questionnaires.xlsform import XLSFormError, read_xlsform

    if file is not None:
        try:
            form = read_xlsform(file)
        except XLSFormError as exc:
            err_console.print(str(exc), markup=False)
            raise SystemExit(1) from None
    else:
        form = interview_form(_preview_items(items, year), year)
    ctx = {"caller": "(调研员姓名)", "enterprise": "(企业名称)", **_parse_context(context)}
    interview = Interview(form, context=ctx)
    try:
        run_preview(interview)
    except (click.Abort, EOFError):
        console.print()
        _summary(interview)


def _preview_items(text: str, year: int) -> list[int]:
    """``--items 1,28`` checked against the year's catalogue, in Chinese."""
    from callcentre.errors import InvalidInput
    from questionnaires.catalogue import available_years, load_catalogue

    if year not in available_years():
        raise InvalidInput("questionnaire.no_catalogue", year=year,
                           years="、".join(map(str, available_years())))
    known = {i.item for i in load_catalogue(year)}
    numbers = []
    for part in text.replace(",", " ").replace("，", " ").split() or ["1"]:
        if not part.isdigit() or int(part) not in known:
            raise InvalidInput("questionnaire.bad_item", value=part, year=year,
                               lo=min(known), hi=max(known))
        numbers.append(int(part))
    return numbers


def run_preview(interview: Interview) -> None:  # type: ignore[name-defined]  # noqa: F821
    """Walk through ``interview`` with terminal prompts (also used by tests)."""
    console.print(f"[bold]{interview.form.title}[/]")
    console.print(f"[dim]{t('cli.questionnaire.preview.commands')}[/]")
    shown_groups: tuple[str, ...] = ()
    while (prompt := interview.current()) is not None:
        if prompt.groups != shown_groups and prompt.groups:
            console.rule(" / ".join(prompt.groups))
        shown_groups = prompt.groups
        star = "[red]*[/]" if prompt.required else ""
        console.print(f"\n{star}[bold]{escape(prompt.label)}[/]")
        if prompt.hint:
            console.print(f"[dim]{prompt.hint}[/]")
        if prompt.type == "note":
            reply = click.prompt("", default="", show_default=False, prompt_suffix="↵ ")
            if reply.strip() == "q":
                break
            if reply.strip() == "<":
                interview.back()
            else:
                interview.next()
            continue
        for i, (_, label) in enumerate(prompt.choices, start=1):
            console.print(f"  {i}. {label}")
        if prompt.type == "select_multiple":
            console.print(f"[dim]{t('cli.questionnaire.preview.choices_hint')}[/]")
        current = "" if prompt.value is None else (
            " ".join(prompt.value) if isinstance(prompt.value, list) else str(prompt.value))
        reply = click.prompt(t(f"cli.questionnaire.preview.type.{prompt.type}"), default=current,
                             show_default=bool(current)).strip()
        if reply == "q":
            break
        if reply == "<":
            interview.back()
            continue
        if reply == ">":
            result = interview.next()
        else:
            value: object = reply
            if prompt.choices:
                names = [prompt.choices[int(p) - 1][0]
                         if p.isdigit() and 1 <= int(p) <= len(prompt.choices) else p
                         for p in reply.split()]
                value = names if prompt.type == "select_multiple" else " ".join(names)
            result = interview.answer(prompt.name, value)
        if not result.ok:
            console.print(f"[red]{result.message}[/]")
    _summary(interview)


def _summary(interview: Interview) -> None:  # type: ignore[name-defined]  # noqa: F821
    progress = interview.progress()
    console.print()
    console.print(t("cli.questionnaire.preview.done",
                    status=t(f"questionnaire.status.{interview.status()}"),
                    answered=progress.answered, applicable=progress.applicable,
                    share=f"{progress.share:.0%}"))
    table = Table(title=t("cli.questionnaire.preview.answers"))
    table.add_column(t("cli.questionnaire.preview.col.name"))
    table.add_column(t("cli.questionnaire.preview.col.value"))
    for name, value in interview.results().items():
        label = interview.fill(interview.form.question(name).label())
        table.add_row(escape(label), escape(interview.display_value(name) or str(value)))
    console.print(table)


@questionnaire_group.command("catalogue", help="cli.questionnaire.catalogue.help")
@click.option("--year", default=2021, show_default=True, type=int,
              help="cli.questionnaire.catalogue.year")
@click.option("--json", "as_json", is_flag=True, help="cli.questionnaire.catalogue.json")
@user_errors
def catalogue_command(year: int, as_json: bool) -> None:
    from callcentre.errors import InvalidInput
    from questionnaires.catalogue import available_years, load_catalogue

    if year not in available_years():
        raise InvalidInput("questionnaire.no_catalogue", year=year,
                           years="、".join(map(str, available_years())))
    items = load_catalogue(year)
    if as_json:
        click.echo(json.dumps([i.to_dict() for i in items], ensure_ascii=False, indent=1))
        return
    table = Table(show_lines=False)
    for key in ("item", "area", "text", "lead", "limit", "module"):
        table.add_column(t(f"cli.questionnaire.col.{key}"), overflow="fold")
    for i in items:
        limits = ";".join(f"{p.subject} ≤{p.value}{p.unit_zh}" for p in i.promised_limits)
        table.add_row(str(i.item), f"{i.area}.{i.area_name}", i.text, i.lead_unit, limits,
                      i.module)
    console.print(table)


@questionnaire_group.command("load", help="cli.questionnaire.load.help")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--wave", "wave_code", default=None, help="cli.questionnaire.load.wave")
@click.option("--bundled", is_flag=True, help="cli.questionnaire.load.bundled")
@pass_app
@user_errors
def load_command(app, files: tuple[Path, ...], wave_code: str | None, bundled: bool) -> None:  # type: ignore[no-untyped-def]
    from callcentre.services.questionnaires import bundled_for, load_questionnaires
    from callcentre.services.waves import resolve_wave
    from questionnaires.xlsform import XLSFormError

    with app.open() as (session, actor):
        wave = resolve_wave(session, wave=wave_code or app.settings.wave).code
        paths = [*files, *(bundled_for(wave) if bundled else [])]
        if not paths:
            err_console.print(t("cli.questionnaire.validate.nothing"), markup=False)
            raise SystemExit(2)
        try:
            loaded = load_questionnaires(session=session, actor=actor, wave=wave, paths=paths)
        except XLSFormError as exc:
            err_console.print(str(exc), markup=False)
            raise SystemExit(1) from None
    for row in loaded:
        key = "cli.questionnaire.load.same" if row.outcome == "unchanged" \
            else "cli.questionnaire.load.done"
        console.print(t(key, form_id=row.form_id, version=row.version, wave=wave,
                        count=row.questions), markup=False)
