"""``callcentre sample …``: sample size, design, draw, release, export."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from callcentre.cli.common import AppContext, console, pass_app, user_errors
from callcentre.errors import UserError
from callcentre.i18n import t

_METHODS = ["proportional", "neyman", "power", "equal"]


@click.group("sample", help=t("cli.sample.help"))
def sample_group() -> None:
    pass


def _value_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a ``ValueError`` from the maths into a user message."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from callcentre.sampling_service import user_error_from

        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            raise user_error_from(exc) from None

    return wrapper


@sample_group.command("size", help=t("cli.sample.size.help"))
@click.option("--p", "p", type=float, default=0.5, show_default=True, help=t("cli.sample.opt.p"))
@click.option("--margin", type=float, required=True, help=t("cli.sample.opt.margin"))
@click.option("--confidence", type=float, default=0.95, show_default=True,
              help=t("cli.sample.opt.confidence"))
@click.option("--deff", type=float, default=1.0, show_default=True, help=t("cli.sample.opt.deff"))
@click.option("--population", type=int, default=None, help=t("cli.sample.opt.population"))
@click.option("--response-rate", type=float, default=1.0, show_default=True,
              help=t("cli.sample.opt.response_rate"))
@click.option("--eligibility-rate", type=float, default=1.0, show_default=True,
              help=t("cli.sample.opt.eligibility_rate"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.sample.opt.json"))
@user_errors
@_value_errors
def size_command(p: float, margin: float, confidence: float, deff: float, population: int | None,
                 response_rate: float, eligibility_rate: float, as_json: bool) -> None:
    from callcentre.sampling_service import check_options
    from sampling import sample_size

    check_options({"p": p, "margin": margin, "confidence": confidence, "deff": deff,
                   "population": population, "response_rate": response_rate,
                   "eligibility_rate": eligibility_rate})
    n = sample_size(p, margin, confidence=confidence, deff=deff, population=population,
                    response_rate=response_rate, eligibility_rate=eligibility_rate)
    if as_json:
        click.echo(json.dumps({
            "n": n, "p": p, "margin": margin, "confidence": confidence, "deff": deff,
            "population": population, "response_rate": response_rate,
            "eligibility_rate": eligibility_rate,
        }))
    else:
        console.print(t("sample.size.result", n=n))


def _design_options(func: Callable[..., Any]) -> Callable[..., Any]:
    opts = [
        click.option("--wave", default=None, help=t("cli.sample.opt.wave")),
        click.option("--by", default="item", show_default=True, help=t("cli.sample.opt.by")),
        click.option("--n", "n", type=int, default=None, help=t("cli.sample.opt.n")),
        click.option("--completes", type=int, default=None, help=t("cli.sample.opt.completes")),
        click.option("--margin", type=float, default=None, help=t("cli.sample.opt.margin")),
        click.option("--margin-level", type=click.Choice(["overall", "stratum"]),
                     default="overall", show_default=True, help=t("cli.sample.opt.margin_level")),
        click.option("--p", "p", type=float, default=0.5, show_default=True,
                     help=t("cli.sample.opt.p")),
        click.option("--p-stratum", multiple=True, help=t("cli.sample.opt.p_stratum")),
        click.option("--confidence", type=float, default=0.95, show_default=True,
                     help=t("cli.sample.opt.confidence")),
        click.option("--deff", type=float, default=1.0, show_default=True,
                     help=t("cli.sample.opt.deff")),
        click.option("--response-rate", type=float, default=1.0, show_default=True,
                     help=t("cli.sample.opt.response_rate")),
        click.option("--eligibility-rate", type=float, default=1.0, show_default=True,
                     help=t("cli.sample.opt.eligibility_rate")),
        click.option("--method", type=click.Choice(_METHODS), default="proportional",
                     show_default=True, help=t("cli.sample.opt.method")),
        click.option("--power", type=float, default=0.5, show_default=True,
                     help=t("cli.sample.opt.power")),
        click.option("--minimum", type=int, default=0, show_default=True,
                     help=t("cli.sample.opt.minimum")),
        click.option("--maximum", type=int, default=None, help=t("cli.sample.opt.maximum")),
        click.option("--take-all-below", type=int, default=0, show_default=True,
                     help=t("cli.sample.opt.take_all_below")),
        click.option("--reserve", "reserve_factor", type=float, default=1.0, show_default=True,
                     help=t("cli.sample.opt.reserve")),
        click.option("--replicate", "replicate_share", type=float, default=0.25,
                     show_default=True, help=t("cli.sample.opt.replicate")),
        click.option("--coordination", type=click.Choice(["overlap", "spread", "independent"]),
                     default="overlap", show_default=True, help=t("cli.sample.opt.coordination")),
        click.option("--max-items", type=int, default=None,
                     help=t("cli.sample.opt.max_items")),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def _options_from(kw: dict[str, Any]):  # type: ignore[no-untyped-def]
    from callcentre.sampling_service import OPTION_RULES, DesignOptions, check_options

    check_options(kw)
    # a stratum margin needs 0 < p < 1 (sample size); Neyman allows 0 and 1
    open_p = kw.get("margin") is not None and kw.get("margin_level") == "stratum"
    p_stratum: dict[str, float] = {}
    for text in kw.pop("p_stratum"):
        label, sep, value = text.rpartition("=")
        try:
            p_stratum[label] = float(value)
        except ValueError:
            raise UserError("sample.error.p_stratum", text=text) from None
        if not sep or not label:
            raise UserError("sample.error.p_stratum", text=text)
        test, key = OPTION_RULES["open01" if open_p else "closed01"]
        if not test(p_stratum[label]):
            raise UserError(key, option="--p-stratum", value=text)
    by = tuple(c.strip() for c in kw.pop("by").split(",") if c.strip())
    wave = kw.pop("wave")
    return wave, DesignOptions(by=by, p_stratum=p_stratum, **kw)


def _print_plan_table(title: str, rows: list[dict[str, Any]], stored: bool = False) -> None:
    table = Table(title=title, title_justify="left")
    cols = ["stratum", "population", "size", "fraction", "reserve", "replicate_size"]
    if stored:
        cols += ["released_replicates", "released", "weight"]
    from callcentre.sampling_service import stratum_display

    table.add_column(t("sample.col.stratum"), justify="left")
    table.add_column(t("sample.col.display"), justify="left")
    for c in cols[1:]:
        table.add_column(t(f"sample.col.{c}"), justify="right")
    for r in rows:
        table.add_row(_fmt("stratum", r["stratum"]), stratum_display(str(r["stratum"])),
                      *[_fmt(c, r[c]) for c in cols[1:]])
    totals = {c: sum(int(r[c]) for r in rows) for c in ("population", "size", "reserve")}
    table.add_row(t("sample.col.total"), "", str(totals["population"]), str(totals["size"]),
                  _fmt("fraction", totals["size"] / max(totals["population"], 1)),
                  str(totals["reserve"]), "", *([""] * (3 if stored else 0)))
    console.print(table)


def _fmt(col: str, value: Any) -> str:
    if col == "fraction":
        return f"{100 * float(value):.1f}%"
    if col == "weight":
        return f"{float(value):.3f}"
    return str(value)


@sample_group.command("design", help=t("cli.sample.design.help"))
@_design_options
@click.option("--json", "as_json", is_flag=True, help=t("cli.sample.opt.json"))
@pass_app
@user_errors
def design_command(app: AppContext, as_json: bool, **kw: Any) -> None:
    from sqlmodel import Session

    from callcentre.sampling_service import plan_design

    wave, options = _options_from(kw)
    with Session(app.engine) as session:
        plan = plan_design(session, wave=wave, options=options)
    rows = plan.rows()
    if as_json:
        click.echo(json.dumps({"wave": plan.frame.wave_code, "by": list(options.by),
                               "method": options.method, "n": int(plan.sizes.sum()),
                               "strata": rows}, ensure_ascii=False))
        return
    _print_plan_table(t("sample.table.title", wave=plan.frame.wave_code,
                        by=",".join(options.by) or "-", method=options.method), rows)
    console.print(t("sample.summary", strata=len(rows), population=int(plan.population.sum()),
                    size=int(plan.sizes.sum()), reserve=int(plan.reserve.sum())))


@sample_group.command("draw", help=t("cli.sample.draw.help"))
@_design_options
@click.option("--seed", type=int, required=True, help=t("cli.sample.opt.seed"))
@click.option("--name", default="main", show_default=True, help=t("cli.sample.opt.name"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.sample.opt.json"))
@pass_app
@user_errors
def draw_command(app: AppContext, seed: int, name: str, as_json: bool, **kw: Any) -> None:
    from sqlmodel import Session, select

    from callcentre.db.models.sample import SampleCase
    from callcentre.sampling_service import check_options, plan_design, store_draw, strata_rows

    check_options({"seed": seed})
    wave, options = _options_from(kw)
    with Session(app.engine) as session:
        plan = plan_design(session, wave=wave, options=options)
        design = store_draw(session, plan=plan, seed=seed, name=name)
        rows = strata_rows(session, design=design)
        cases = len(session.exec(select(SampleCase.id)
                                 .where(SampleCase.design_id == design.id)).all())
        if as_json:
            click.echo(json.dumps({"design": design.name, "seed": design.seed,
                                   "version": design.software_version,
                                   "frame_digest": design.frame_digest, "cases": cases,
                                   "strata": rows}, ensure_ascii=False))
            return
        _print_plan_table(t("sample.table.title", wave=plan.frame.wave_code,
                            by=",".join(options.by) or "-", method=options.method), rows,
                          stored=True)
        console.print(t("sample.drawn", name=design.name, seed=design.seed,
                        size=design.target, cases=cases))


@sample_group.command("release", help=t("cli.sample.release.help"))
@click.option("--wave", default=None, help=t("cli.sample.opt.wave"))
@click.option("--name", default="main", show_default=True, help=t("cli.sample.opt.name"))
@click.option("--stratum", "strata", multiple=True, help=t("cli.sample.opt.strata"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.sample.opt.json"))
@pass_app
@user_errors
def release_command(app: AppContext, wave: str | None, name: str, strata: tuple[str, ...],
                    as_json: bool) -> None:
    from sqlmodel import Session

    from callcentre.sampling_service import get_design, release_replicate

    with Session(app.engine) as session:
        design = get_design(session, wave=wave, name=name)
        res = release_replicate(session, design=design, strata=list(strata) or None)
    if as_json:
        click.echo(json.dumps({"units": res.units, "strata": res.strata,
                               "new_cases": res.new_cases,
                               "released": [{"stratum": s, "replicate": k, "units": u}
                                            for s, k, u in res.per_stratum]},
                              ensure_ascii=False))
        return
    if not res.per_stratum:
        console.print(t("sample.released_none"))
        return
    console.print(t("sample.released", units=res.units, strata=res.strata, cases=res.new_cases))


@sample_group.command("export", help=t("cli.sample.export.help"))
@click.option("--wave", default=None, help=t("cli.sample.opt.wave"))
@click.option("--name", default="main", show_default=True, help=t("cli.sample.opt.name"))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help=t("cli.sample.opt.out"))
@click.option("--full-phones", is_flag=True, help=t("cli.sample.opt.full_phones"))
@pass_app
@user_errors
def export_command(app: AppContext, wave: str | None, name: str, out: Path,
                   full_phones: bool) -> None:
    from sqlmodel import Session

    from callcentre.sampling_service import export_xlsx, get_design

    with Session(app.engine) as session:
        design = get_design(session, wave=wave, name=name)
        path = export_xlsx(session, design=design, path=out, full_phones=full_phones)
    console.print(t("sample.exported", path=str(path)))


@sample_group.command("list", help=t("cli.sample.list.help"))
@click.option("--wave", default=None, help=t("cli.sample.opt.wave"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.sample.opt.json"))
@pass_app
@user_errors
def list_command(app: AppContext, wave: str | None, as_json: bool) -> None:
    from sqlmodel import Session

    from callcentre.sampling_service import list_designs

    with Session(app.engine) as session:
        rows = list_designs(session, wave=wave)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not rows:
        console.print(t("sample.no_designs"))
        return
    table = Table()
    cols = ("design", "seed", "version", "size", "cases", "off_list", "created")
    for c in cols:
        table.add_column(t(f"sample.col.{c}"))
    from datetime import datetime

    from callcentre.reports.notes import shanghai_time

    for r in rows:  # stored in UTC, shown in Beijing time (DESIGN §5)
        shown = {**r, "created": shanghai_time(datetime.fromisoformat(str(r["created"])))}
        table.add_row(*[str(shown[c]) for c in cols])
    console.print(table)
