"""``callcentre rates``: AAPOR rates per group, as a table that fits the terminal or JSON."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from callcentre.cli.common import AppContext, console, pass_app, print_table, say, user_errors
from callcentre.i18n import t
from sampling.identifiers.region import TIANJIN, RegionFacts

#: shown by default: the response rates without and with e, among the contacted, the
#: cooperation, refusal and contact rates
KEY_RATES = ("RR1", "RR3", "RR5", "COOP1", "REF1", "CON1")


def group_label(column: str, value: Any, region: RegionFacts = TIANJIN) -> str:
    """A group's key value as a Chinese reader expects it (data text, not markup)."""
    from callcentre.i18n.display import district_name, stratum_display

    if isinstance(value, tuple):
        ident, name = value
    else:
        ident, name = value, None
    if column == "item":
        return t("sample.stratum.item", n=ident)
    if column == "area":
        head = t("rates.group.area", n=ident)
        return f"{head} {name}" if name else head
    if column == "district":
        return district_name(ident, region)
    if column == "replicate":
        return t("rates.group.replicate_main") if not ident else t("rates.group.replicate",
                                                                   n=ident)
    if ident is None:
        return t("rates.group.none")
    if column == "department":
        return str(name) if name else t("rates.group.no_department")
    if column == "stratum":
        return stratum_display(str(name), region)
    if column == "caller":
        return str(name)
    return str(ident)   # line, day


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def rates_tables(result: Any, width: int, *, all_rates: bool = False,
                 region: RegionFacts = TIANJIN) -> list[Table]:
    """The rates as tables no wider than ``width`` cells: rate columns never cut, the
    group label folds; with ``all_rates`` the sixteen rates in several tables."""
    from callcentre.fieldwork.rates import RATE_NAMES  # numpy: not on every command's start

    names = list(RATE_NAMES if all_rates else KEY_RATES)
    rows = [*result.rows, result.total]
    labels = [" · ".join(group_label(c, v, region) for c, v in zip(result.by, r.key, strict=True))
              for r in result.rows] + [t("rates.total")]
    cases = [str(r.cases) for r in rows]
    cases_w = max(len(t("rates.col.cases")) * 2, *(len(c) for c in cases))
    # each rate column: up to "100.0%" (6) + 1 padding each side; the label gets the rest
    per_table = max(1, (width - cases_w - 2 - 5 - 2 - 14) // 8)
    tables = []
    for start in range(0, len(names), per_table):
        chunk = names[start:start + per_table]
        table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
        table.add_column(t("rates.col.group"), overflow="fold", ratio=1)
        table.add_column(t("rates.col.cases"), justify="right", no_wrap=True, min_width=cases_w)
        for name in chunk:
            table.add_column(name, justify="right", no_wrap=True, min_width=6)
        table.add_column("e", justify="right", no_wrap=True, min_width=4)
        for label, n, r in zip(labels, cases, rows, strict=True):
            table.add_row(escape(label), n, *(_pct(r.rates[name]) for name in chunk),
                          "—" if r.e is None else f"{r.e:.2f}",
                          end_section=r is result.rows[-1] if result.rows else False)
        tables.append(table)
    return tables


def rates_json(result: Any, region: RegionFacts = TIANJIN) -> dict[str, Any]:
    def one(r: Any) -> dict[str, Any]:
        return {"counts": r.counts, "cases": r.cases, "rates": r.rates, "e": r.e}

    groups = []
    for r in result.rows:
        key = {}
        for column, value in zip(result.by, r.key, strict=True):
            key[column] = value[0] if isinstance(value, tuple) else value
            if isinstance(value, tuple):
                key[f"{column}_name"] = value[1]
        labels = [group_label(c, v, region) for c, v in zip(result.by, r.key, strict=True)]
        groups.append({"key": key, "label": " · ".join(labels), **one(r)})
    return {"wave": result.wave, "by": list(result.by),
            "e": result.e_given if result.e_given is not None else "estimated",
            "groups": groups, "total": one(result.total)}


@click.command("rates", help="cli.rates.help")
@click.option("--by", "by", default="", help="cli.rates.by")
@click.option("--e", "e", type=float, default=None, help="cli.rates.e")
@click.option("--all", "all_rates", is_flag=True, help="cli.rates.all")
@click.option("--json", "as_json", is_flag=True, help="cli.rates.json")
@click.option("--wave", default=None, help="cli.sample.opt.wave")
@pass_app
@user_errors
def rates_command(app: AppContext, by: str, e: float | None, all_rates: bool, as_json: bool,
                  wave: str | None) -> None:
    from callcentre.services.queue import fieldwork_settings
    from callcentre.services.rates import outcome_rates, parse_by

    columns = parse_by(by)
    config = fieldwork_settings(app.settings)       # custom outcomes of [fieldwork]
    with app.open(announce=not as_json) as (session, actor):
        result = outcome_rates(session=session, actor=actor, wave=wave, by=columns, e=e,
                               dispositions=config.dispositions,
                               dead_numbers_ineligible=config.scheduler.dead_numbers_ineligible)
    if as_json:
        click.echo(json.dumps(rates_json(result, app.settings.region), ensure_ascii=False,
                              indent=2))
        return
    if not result.total.cases:
        say("rates.none")
        return
    say("rates.title", wave=result.wave)
    for table in rates_tables(result, console.width, all_rates=all_rates,
                              region=app.settings.region):
        print_table(table)
    say("rates.e_given" if e is not None else "rates.e_estimated", e=e)
    say("rates.note_open")
