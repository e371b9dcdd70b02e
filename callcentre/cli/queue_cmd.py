"""``callcentre queue status|assign|release|sync`` and ``callcentre case show``."""

from __future__ import annotations

import click

from callcentre.cli.common import AppContext, local_time, pass_app, say, user_errors
from callcentre.i18n import t


@click.group("queue", help="cli.queue.help")
def queue_group() -> None:
    pass


@queue_group.command("status", help="cli.queue.status.help")
@pass_app
@user_errors
def queue_status_cmd(app: AppContext) -> None:
    from callcentre.services.queue import queue_status

    with app.open() as (session, actor):
        st = queue_status(session=session, actor=actor, wave=app.settings.wave,
                          settings=app.settings)
    say("queue.status.title", wave=st.wave)
    for status in ("open", "held", "closed"):
        say("queue.status.counts", label=t(f"queue.status.{status}"),
            n=st.by_status.get(status, 0))
    say("queue.status.summary", callable=st.callable_now, held=st.held,
        expired=st.expired_leases, assigned=st.assigned)
    for line, sessions, cap, held in st.by_line:
        say("queue.status.line", line=line, sessions=sessions, max=cap, held=held)


@queue_group.command("assign", help="cli.queue.assign.help")
@click.argument("case", type=int)
@click.argument("user", required=False)
@click.option("--clear", is_flag=True, help="cli.queue.clear")
@pass_app
@user_errors
def queue_assign_cmd(app: AppContext, case: int, user: str | None, clear: bool) -> None:
    from callcentre.services.queue import assign_case

    if not clear and not user:
        raise click.UsageError(t("cli.queue.assign.help"))
    with app.open() as (session, actor):
        assign_case(session=session, actor=actor, case_id=case, username=None if clear else user)
    if clear:
        say("queue.unassigned", case=case)
    else:
        say("queue.assigned", case=case, user=user)


@queue_group.command("release", help="cli.queue.release.help")
@click.argument("case", type=int)
@pass_app
@user_errors
def queue_release_cmd(app: AppContext, case: int) -> None:
    from callcentre.services.queue import release_case

    with app.open() as (session, actor):
        release_case(session=session, actor=actor, case_id=case)
    say("queue.released", case=case)


@queue_group.command("sync", help="cli.queue.sync.help")
@pass_app
@user_errors
def queue_sync_cmd(app: AppContext) -> None:
    from callcentre.services.queue import sync_queue

    with app.open() as (session, actor):
        n = sync_queue(session=session, actor=actor, wave=app.settings.wave)
    say("queue.synced", n=n)


@click.group("case", help="cli.case.help")
def case_group() -> None:
    pass


@case_group.command("show", help="cli.case.show.help")
@click.argument("case", type=int)
@pass_app
@user_errors
def case_show_cmd(app: AppContext, case: int) -> None:
    from callcentre.fieldwork.dispositions import DISPOSITIONS
    from callcentre.i18n.display import district_name
    from callcentre.services.queue import show_case
    from sampling.identifiers.phone import mask_phone

    with app.open() as (session, actor):
        v = show_case(session=session, actor=actor, case_id=case, settings=app.settings)
        full = v.holder == actor.username

    def label(key: str | None) -> str:
        return DISPOSITIONS.get(key).label() if key and key in DISPOSITIONS else (key or "")

    def shown(number: str | None) -> str:
        return (number or "") if full else mask_phone(number or "")

    say("case.head", case=v.case_id, name=v.enterprise,
        district=district_name(v.district, app.settings.region) if v.district else "—")
    say("case.status", status=t(f"queue.status.{v.status}"), priority=v.priority,
        attempts=sum(1 for a in v.attempts if a[5] and DISPOSITIONS.get(a[5]).attempt))
    if v.holder:
        say("case.holder", user=v.holder, until=local_time(v.lease_until))
    if v.assigned_to:
        say("case.assigned", user=v.assigned_to)
    if v.appointment:
        say("case.appointment", at=local_time(v.appointment),
            kind=t("case.appt.hard" if v.appointment_hard else "case.appt.soft"))
    say("case.numbers")
    for pos, e164, _ext, kind, n, dead in v.numbers:
        say("case.number", pos=pos + 1, number=shown(e164), kind=kind or "", n=n,
            dead=t("case.dead") if dead else "")
    say("case.attempts")
    if not v.attempts:
        say("case.no_attempts")
    for start, end, caller, line, dialled, disp, note in v.attempts:
        say("case.attempt", start=local_time(start),
            end=local_time(end)[-5:] if end else t("case.in_progress"), caller=caller,
            line=line, number=shown(dialled), outcome=label(disp), note=note)
    if v.final:
        say("case.final", label=label(v.final))
    if v.strata:
        say("case.strata")
        for stratum, done, target in v.strata:
            say("case.stratum", label=stratum, done=done, target=target,
                full=t("case.stratum_full") if done >= target else "")
    click.echo(v.explain)
