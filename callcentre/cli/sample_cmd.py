"""``callcentre sample …``: sample size, design, draw, release, export."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from callcentre.cli.common import (
    AppContext,
    confirm_or_raise,
    console,
    local_time,
    pass_app,
    say,
    user_errors,
)
from callcentre.i18n import t
from sampling.identifiers.region import RegionFacts

_METHODS = ["proportional", "neyman", "power", "equal"]


@click.group("sample", help="cli.sample.help")
def sample_group() -> None:
    pass


def _value_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a ``ValueError`` from the maths into a user message."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from callcentre.services.sampling import user_error_from

        try:
            return func(*args, **kwargs)
        except ValueError as exc:
            raise user_error_from(exc) from None

    return wrapper


@sample_group.command("size", help="cli.sample.size.help")
@click.option("--p", "p", type=float, default=0.5, show_default=True, help="cli.sample.opt.p")
@click.option("--margin", type=float, required=True, help="cli.sample.opt.margin")
@click.option("--confidence", type=float, default=0.95, show_default=True,
              help="cli.sample.opt.confidence")
@click.option("--deff", type=float, default=1.0, show_default=True, help="cli.sample.opt.deff")
@click.option("--population", type=int, default=None, help="cli.sample.opt.population")
@click.option("--response-rate", type=float, default=1.0, show_default=True,
              help="cli.sample.opt.response_rate")
@click.option("--eligibility-rate", type=float, default=1.0, show_default=True,
              help="cli.sample.opt.eligibility_rate")
@click.option("--json", "as_json", is_flag=True, help="cli.sample.opt.json")
@user_errors
@_value_errors
def size_command(p: float, margin: float, confidence: float, deff: float, population: int | None,
                 response_rate: float, eligibility_rate: float, as_json: bool) -> None:
    from callcentre.services.sampling_options import check_options
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
        click.option("--wave", default=None, help="cli.sample.opt.wave"),
        click.option("--by", default="item", show_default=True, help="cli.sample.opt.by"),
        click.option("--n", "n", type=int, default=None, help="cli.sample.opt.n"),
        click.option("--completes", type=int, default=None, help="cli.sample.opt.completes"),
        click.option("--margin", type=float, default=None, help="cli.sample.opt.margin"),
        click.option("--margin-level", type=click.Choice(["overall", "stratum"]),
                     default="overall", show_default=True, help="cli.sample.opt.margin_level"),
        click.option("--p", "p", type=float, default=0.5, show_default=True,
                     help="cli.sample.opt.p"),
        click.option("--p-stratum", multiple=True, help="cli.sample.opt.p_stratum"),
        click.option("--confidence", type=float, default=0.95, show_default=True,
                     help="cli.sample.opt.confidence"),
        click.option("--deff", type=float, default=1.0, show_default=True,
                     help="cli.sample.opt.deff"),
        click.option("--response-rate", type=float, default=1.0, show_default=True,
                     help="cli.sample.opt.response_rate"),
        click.option("--eligibility-rate", type=float, default=1.0, show_default=True,
                     help="cli.sample.opt.eligibility_rate"),
        click.option("--method", type=click.Choice(_METHODS), default="proportional",
                     show_default=True, help="cli.sample.opt.method"),
        click.option("--power", type=float, default=0.5, show_default=True,
                     help="cli.sample.opt.power"),
        click.option("--minimum", type=int, default=0, show_default=True,
                     help="cli.sample.opt.minimum"),
        click.option("--maximum", type=int, default=None, help="cli.sample.opt.maximum"),
        click.option("--take-all-below", type=int, default=0, show_default=True,
                     help="cli.sample.opt.take_all_below"),
        click.option("--reserve", "reserve_factor", type=float, default=1.0, show_default=True,
                     help="cli.sample.opt.reserve"),
        click.option("--replicate", "replicate_share", type=float, default=0.25,
                     show_default=True, help="cli.sample.opt.replicate"),
        click.option("--coordination", type=click.Choice(["overlap", "spread", "independent"]),
                     default="overlap", show_default=True, help="cli.sample.opt.coordination"),
        click.option("--max-items", type=int, default=None,
                     help="cli.sample.opt.max_items"),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def _options_from(kw: dict[str, Any]):  # type: ignore[no-untyped-def]
    from callcentre.services.sampling_options import (
        DesignOptions,
        check_options,
        parse_by,
        parse_p_stratum,
    )

    check_options(kw)
    # a stratum margin needs 0 < p < 1 (sample size); Neyman allows 0 and 1
    open_p = kw.get("margin") is not None and kw.get("margin_level") == "stratum"
    p_stratum = parse_p_stratum(kw.pop("p_stratum"), open_interval=open_p)
    by = parse_by(kw.pop("by"))
    wave = kw.pop("wave")
    return wave, DesignOptions(by=by, p_stratum=p_stratum, **kw)


def _print_plan_table(title: str, rows: list[dict[str, Any]], stored: bool = False, *,
                      region: RegionFacts) -> None:
    table = Table(title=title, title_justify="left")
    cols = ["stratum", "population", "size", "fraction", "reserve", "replicate_size"]
    if stored:
        cols += ["released_replicates", "released", "weight"]
    from callcentre.i18n.display import stratum_display

    # strata by their names (第5项 · 和平区); --stratum and --p-stratum accept these
    # names as well as the stored labels, which --json gives
    table.add_column(t("sample.col.stratum"), justify="left", overflow="fold")
    for c in cols[1:]:
        table.add_column(t(f"sample.col.{c}"), justify="right", no_wrap=True)
    for r in rows:
        table.add_row(escape(stratum_display(str(r["stratum"]), region)),
                      *[_fmt(c, r[c]) for c in cols[1:]])
    totals = {c: sum(int(r[c]) for r in rows) for c in ("population", "size", "reserve")}
    table.add_row(t("sample.col.total"), str(totals["population"]), str(totals["size"]),
                  _fmt("fraction", totals["size"] / max(totals["population"], 1)),
                  str(totals["reserve"]), "", *([""] * (3 if stored else 0)))
    console.print(table)


def _fmt(col: str, value: Any) -> str:
    if col == "fraction":
        return f"{100 * float(value):.1f}%"
    if col == "weight":
        return f"{float(value):.3f}"
    return str(value)


@sample_group.command("design", help="cli.sample.design.help")
@_design_options
@click.option("--json", "as_json", is_flag=True, help="cli.sample.opt.json")
@pass_app
@user_errors
def design_command(app: AppContext, as_json: bool, **kw: Any) -> None:
    from callcentre.services.sampling import plan_design

    wave, options = _options_from(kw)
    with app.open() as (session, actor):
        plan = plan_design(session=session, actor=actor, wave=wave or app.settings.wave,
                           options=options, region=app.settings.region)
    rows = plan.rows()
    if as_json:
        click.echo(json.dumps({"wave": plan.frame.wave_code, "by": list(options.by),
                               "method": options.method, "n": int(plan.sizes.sum()),
                               "strata": rows}, ensure_ascii=False))
        return
    _print_plan_table(t("sample.table.title", wave=plan.frame.wave_code,
                        by=",".join(options.by) or "-", method=options.method), rows,
                      region=app.settings.region)
    say("sample.summary", strata=len(rows), population=int(plan.population.sum()),
        size=int(plan.sizes.sum()), reserve=int(plan.reserve.sum()))


@sample_group.command("draw", help="cli.sample.draw.help")
@_design_options
@click.option("--seed", type=int, required=True, help="cli.sample.opt.seed")
@click.option("--name", default="main", show_default=True, help="cli.sample.opt.name")
@click.option("--json", "as_json", is_flag=True, help="cli.sample.opt.json")
@pass_app
@user_errors
def draw_command(app: AppContext, seed: int, name: str, as_json: bool, **kw: Any) -> None:
    from callcentre.services.sampling import draw_sample
    from callcentre.services.sampling_options import check_options

    check_options({"seed": seed})
    wave, options = _options_from(kw)
    with app.open() as (session, actor):
        res = draw_sample(session=session, actor=actor, wave=wave or app.settings.wave,
                          options=options, seed=seed, name=name, region=app.settings.region)
    if as_json:
        click.echo(json.dumps({"design": res.design, "seed": res.seed, "version": res.version,
                               "frame_digest": res.frame_digest, "cases": res.cases,
                               "strata": res.strata}, ensure_ascii=False))
        return
    _print_plan_table(t("sample.table.title", wave=res.wave, by=",".join(options.by) or "-",
                        method=options.method), res.strata, stored=True,
                      region=app.settings.region)
    say("sample.drawn", name=res.design, seed=res.seed, size=res.size, cases=res.cases)


@sample_group.command("release", help="cli.sample.release.help")
@click.option("--wave", default=None, help="cli.sample.opt.wave")
@click.option("--name", default="main", show_default=True, help="cli.sample.opt.name")
@click.option("--stratum", "strata", multiple=True, help="cli.sample.opt.strata")
@click.option("--json", "as_json", is_flag=True, help="cli.sample.opt.json")
@pass_app
@user_errors
def release_command(app: AppContext, wave: str | None, name: str, strata: tuple[str, ...],
                    as_json: bool) -> None:
    from callcentre.services.sampling import release_reserve

    with app.open() as (session, actor):
        res = release_reserve(session=session, actor=actor, wave=wave or app.settings.wave,
                              name=name, strata=list(strata) or None,
                              region=app.settings.region)
    if as_json:
        click.echo(json.dumps({"units": res.units, "strata": res.strata,
                               "new_cases": res.new_cases,
                               "released": [{"stratum": s, "replicate": k, "units": u}
                                            for s, k, u in res.per_stratum]},
                              ensure_ascii=False))
        return
    if not res.per_stratum:
        say("sample.released_none")
        return
    say("sample.released", units=res.units, strata=res.strata, cases=res.new_cases)


@sample_group.command("export", help="cli.sample.export.help")
@click.option("--wave", default=None, help="cli.sample.opt.wave")
@click.option("--name", default="main", show_default=True, help="cli.sample.opt.name")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="cli.sample.opt.out")
@click.option("--full-phones", is_flag=True, help="cli.sample.opt.full_phones")
@pass_app
@user_errors
def export_command(app: AppContext, wave: str | None, name: str, out: Path,
                   full_phones: bool) -> None:
    from callcentre.services.sampling import export_sample

    with app.open() as (session, actor):
        path = export_sample(session=session, actor=actor, wave=wave or app.settings.wave,
                             name=name, path=out, full_phones=full_phones,
                             region=app.settings.region)
    say("sample.exported", path=str(path))


@sample_group.command("list", help="cli.sample.list.help")
@click.option("--wave", default=None, help="cli.sample.opt.wave")
@click.option("--json", "as_json", is_flag=True, help="cli.sample.opt.json")
@pass_app
@user_errors
def list_command(app: AppContext, wave: str | None, as_json: bool) -> None:
    from callcentre.services.sampling import list_samples

    with app.open() as (session, actor):
        rows = list_samples(session=session, actor=actor, wave=wave or app.settings.wave)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    if not rows:
        say("sample.no_designs")
        return
    table = Table()
    cols = ("design", "seed", "version", "size", "cases", "off_list", "created")
    for c in cols:
        table.add_column(t(f"sample.col.{c}"), overflow="fold")
    for r in rows:
        table.add_row(*[escape(local_time(r[c]) if c == "created" else str(r[c])) for c in cols])
    console.print(table)


@sample_group.command("drop", help="cli.sample.drop.help")
@click.argument("name")
@click.option("--wave", default=None, help="cli.sample.opt.wave")
@click.option("--yes", is_flag=True, help="cli.option.yes")
@pass_app
@user_errors
def drop_command(app: AppContext, name: str, wave: str | None, yes: bool) -> None:
    from callcentre.errors import ConfirmationRequired
    from callcentre.services.sampling import drop_sample

    confirm_or_raise(ConfirmationRequired("sample.confirm_drop", name=name), yes=yes)
    with app.open() as (session, actor):
        drop_sample(session=session, actor=actor, wave=wave or app.settings.wave, name=name)
    say("sample.dropped", name=name)
