"""``callcentre simulate`` and ``callcentre forecast``: simulated fieldwork."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import click

from callcentre.cli.common import AppContext, err_console, local_time, pass_app, say, user_errors
from callcentre.i18n import t
from callcentre.i18n.display import stratum_display
from sampling.identifiers.region import TIANJIN, RegionFacts

_RATE_NAMES = ("RR1", "RR3", "COOP1", "REF1", "CON1")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _start(day: datetime | None) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day.date(), time(0), ZoneInfo("Asia/Shanghai")).astimezone(UTC)


def print_simulation(result: object, region: RegionFacts = TIANJIN) -> None:
    """The Chinese summary of a :class:`~callcentre.services.simulation.SimulationResult`
    (strata named with ``region``'s district names)."""
    from callcentre.fieldwork.dispositions import DISPOSITIONS
    from callcentre.services.simulation import SimulationResult

    assert isinstance(result, SimulationResult)
    r = result
    say("simulate.title", start=local_time(r.start), end=local_time(r.end),
        callers=len(r.callers), seed=r.seed)
    say("simulate.totals", attempts=r.attempts, completes=r.completes, answers=r.answers)
    shown = "、".join(f"{DISPOSITIONS.get(k).label() if k in DISPOSITIONS else k} {n}"
                     for k, n in r.dispositions.most_common())
    say("simulate.dispositions", list=shown or "—")
    for d in r.days:
        say("simulate.day", day=d.day.isoformat(), attempts=d.attempts, completes=d.completes)
    if r.days:
        say("simulate.strata")
        for s in r.days[-1].strata:
            say("simulate.stratum", label=stratum_display(s.label, region),
                before=r.strata_before.get(s.label, 0),
                done=s.completes, target=s.target, open=s.open_cases,
                full=t("case.stratum_full") if s.completes >= s.target else "")
    if r.rates is not None:
        rates = r.rates.rates
        say("simulate.rates", rr1=_pct(rates["RR1"]), rr3=_pct(rates["RR3"]),
            coop1=_pct(rates["COOP1"]), ref1=_pct(rates["REF1"]), con1=_pct(rates["CON1"]),
            e=f"{r.rates.e:.2f}" if r.rates.e is not None else "—")


@click.command("simulate", help="cli.simulate.help")
@click.option("--days", type=click.IntRange(1, 250), default=2, show_default=True,
              help="cli.simulate.days")
@click.option("--callers", type=click.IntRange(1, 99), default=4, show_default=True,
              help="cli.simulate.callers")
@click.option("--seed", type=int, default=1, show_default=True, help="cli.simulate.seed")
@click.option("--start", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="cli.simulate.start")
@click.option("--no-answers", is_flag=True, help="cli.simulate.no_answers")
@click.option("--yes", "-y", is_flag=True, help="cli.simulate.yes")
@pass_app
@user_errors
def simulate_command(app: AppContext, days: int, callers: int, seed: int,
                     start: datetime | None, no_answers: bool, yes: bool) -> None:
    from callcentre.cli.common import shown_url
    from callcentre.services.simulation import simulate

    if not yes:
        err_console.print(t("simulate.confirm", db=shown_url(app.db_url)), markup=False)
        if not click.confirm(t("cli.confirm"), default=False, err=True):
            raise SystemExit(1)
    with app.open() as (session, actor):
        result = simulate(session=session, actor=actor, days=days, callers=callers, seed=seed,
                          start=_start(start), wave=app.settings.wave, settings=app.settings,
                          answers=not no_answers)
    print_simulation(result, app.settings.region)


@click.command("forecast", help="cli.forecast.help")
@click.option("--callers", type=click.IntRange(1, 99), required=True,
              help="cli.forecast.callers")
@click.option("--days", type=click.IntRange(1, 250), default=60, show_default=True,
              help="cli.forecast.days")
@click.option("--seed", type=int, default=1, show_default=True, help="cli.forecast.seed")
@pass_app
@user_errors
def forecast_command(app: AppContext, callers: int, days: int, seed: int) -> None:
    """See :mod:`callcentre.services.forecast` for the method."""
    from callcentre.services.forecast import forecast

    with app.open() as (session, actor):
        result = forecast(session=session, actor=actor, callers=callers, days=days, seed=seed,
                          wave=app.settings.wave, settings=app.settings)
    say("forecast.title", callers=callers, start=local_time(result.start), days=days)
    basis = (t("forecast.basis.observed", n=result.observed_attempts)
             if result.observed_attempts >= 30 else t("forecast.basis.default"))
    say("forecast.model", contact=_pct(result.contact), cooperation=_pct(result.cooperation),
        basis=basis)
    for f in result.strata:
        if f.met_already:
            when = t("forecast.met_already")
        elif f.met_on is not None:
            when = t("forecast.met_on", day=f.met_on.isoformat())
        else:
            when = t("forecast.not_met", days=result.simulated_days, done=f.completes_end)
        say("forecast.stratum", label=stratum_display(f.label, app.settings.region),
            target=f.target, done=f.completes_now, when=when)
        for day, k in f.reserve:
            say("forecast.reserve", day=day.isoformat(), k=k)
        if f.reserve_out_on is not None:
            say("forecast.reserve_out", day=f.reserve_out_on.isoformat())
