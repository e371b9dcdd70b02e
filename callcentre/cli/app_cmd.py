"""``callcentre wave|users|login|logout|whoami|audit``: waves, people, the audit trail."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from callcentre.cli.common import (
    AppContext,
    console,
    local_time,
    pass_app,
    print_table,
    say,
    user_errors,
    write_token,
)
from callcentre.i18n import t

# --- waves -----------------------------------------------------------------------


@click.group("wave", help="cli.wave.help")
def wave_group() -> None:
    pass


@wave_group.command("new", help="cli.wave.new.help")
@click.argument("code")
@click.option("--name", default="", help="cli.wave.name")
@click.option("--use", "use_now", is_flag=True, help="cli.wave.use_now")
@pass_app
@user_errors
def wave_new(app: AppContext, code: str, name: str, use_now: bool) -> None:
    from callcentre.services.waves import create_wave

    with app.open(creates=True) as (session, actor):
        res = create_wave(session=session, actor=actor, code=code, name=name,
                          make_current=True if use_now else None)
    say("wave.created_current" if res.made_current else "wave.created", wave=res.code)


@wave_group.command("use", help="cli.wave.use.help")
@click.argument("code")
@pass_app
@user_errors
def wave_use(app: AppContext, code: str) -> None:
    from callcentre.services.waves import use_wave

    with app.open() as (session, actor):
        use_wave(session=session, actor=actor, code=code)
    say("wave.now_current", wave=code)


@wave_group.command("list", help="cli.wave.list.help")
@pass_app
@user_errors
def wave_list(app: AppContext) -> None:
    from callcentre.services.waves import list_waves

    with app.open() as (session, actor):
        rows = list_waves(session=session, actor=actor)
    if not rows:
        say("wave.none_exists")
        return
    table = Table()
    for key in ("wave.col.code", "wave.col.name", "wave.col.current", "wave.col.created",
                "wave.col.files", "wave.col.items", "wave.col.designs"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        table.add_row(escape(r.code), escape(r.name), "✓" if r.current else "",
                      local_time(r.created_at), str(r.files), str(r.items), str(r.designs))
    print_table(table)


# --- people ------------------------------------------------------------------------


def _read_password(from_stdin: bool, *, new: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    key = "auth.prompt_new_password" if new else "auth.prompt_password"
    return str(click.prompt(t(key), hide_input=True, confirmation_prompt=new, err=True))


@click.group("users", help="cli.users.help")
def users_group() -> None:
    pass


@users_group.command("add", help="cli.users.add.help")
@click.argument("username")
@click.option("--role", type=click.Choice(["caller", "supervisor", "admin"]), required=True,
              help="cli.users.role")
@click.option("--name", "display_name", default="", help="cli.users.name")
@click.option("--os-account", default=None, help="cli.users.os_account")
@click.option("--refusal-converter", is_flag=True, help="cli.users.converter")
@click.option("--password-stdin", is_flag=True, help="cli.users.password_stdin")
@click.option("--no-password", is_flag=True, hidden=True)
@pass_app
@user_errors
def users_add(app: AppContext, username: str, role: str, display_name: str,
              os_account: str | None, refusal_converter: bool, password_stdin: bool,
              no_password: bool) -> None:
    from callcentre.services.accounts import create_user

    with app.open(creates=True) as (session, actor):
        password = None if no_password else _read_password(password_stdin, new=True)
        user = create_user(session=session, actor=actor, username=username, role=role,
                           password=password, display_name=display_name,
                           os_account=os_account, refusal_converter=refusal_converter)
    say("users.added", user=user.username, role=t(f"role.{user.role}"))


@users_group.command("list", help="cli.users.list.help")
@pass_app
@user_errors
def users_list(app: AppContext) -> None:
    from callcentre.services.accounts import list_users

    with app.open() as (session, actor):
        rows = list_users(session=session, actor=actor)
    table = Table()
    for key in ("users.col.user", "users.col.name", "users.col.role", "users.col.os",
                "users.col.state", "users.col.last_login"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        state = "users.state.locked" if r.locked else (
            "users.state.active" if r.active else "users.state.disabled")
        table.add_row(escape(r.username), escape(r.display_name), t(f"role.{r.role}"),
                      escape(r.os_account or ""), t(state), local_time(r.last_login_at))
    print_table(table)


@users_group.command("disable", help="cli.users.disable.help")
@click.argument("username")
@pass_app
@user_errors
def users_disable(app: AppContext, username: str) -> None:
    from callcentre.services.accounts import set_active

    with app.open() as (session, actor):
        set_active(session=session, actor=actor, username=username, active=False)
    say("users.disabled", user=username)


@users_group.command("enable", help="cli.users.enable.help")
@click.argument("username")
@pass_app
@user_errors
def users_enable(app: AppContext, username: str) -> None:
    from callcentre.services.accounts import set_active

    with app.open() as (session, actor):
        set_active(session=session, actor=actor, username=username, active=True)
    say("users.enabled", user=username)


@users_group.command("passwd", help="cli.users.passwd.help")
@click.argument("username", required=False)
@click.option("--password-stdin", is_flag=True, help="cli.users.password_stdin")
@pass_app
@user_errors
def users_passwd(app: AppContext, username: str | None, password_stdin: bool) -> None:
    from callcentre.services.accounts import set_password

    with app.open() as (session, actor):
        target = username or actor.username
        password = _read_password(password_stdin, new=True)
        set_password(session=session, actor=actor, username=target, password=password)
    say("users.password_set", user=target)


@click.command("login", help="cli.login.help")
@click.option("--user", "-u", "username", default=None, help="cli.login.user")
@click.option("--password-stdin", is_flag=True, help="cli.users.password_stdin")
@pass_app
@user_errors
def login_command(app: AppContext, username: str | None, password_stdin: bool) -> None:
    from sqlmodel import Session

    from callcentre.services.accounts import TOKEN_LIFETIME, issue_token, log_in

    name = username or str(click.prompt(t("auth.prompt_user"), err=True))
    password = _read_password(password_stdin, new=False)
    with Session(app.engine_for()) as session:
        actor = log_in(session=session, username=name, password=password)
        token = issue_token(session=session, actor=actor)
    write_token(app.settings, token)
    say("auth.logged_in", user=actor.username, role=t(f"role.{actor.role}"),
        hours=int(TOKEN_LIFETIME.total_seconds() // 3600))


@click.command("logout", help="cli.logout.help")
@pass_app
@user_errors
def logout_command(app: AppContext) -> None:
    from sqlmodel import Session

    from callcentre.cli.common import read_token
    from callcentre.services.accounts import revoke_token

    token = read_token(app.settings)
    if token:
        with Session(app.engine_for()) as session:
            revoke_token(session=session, token=token)
    write_token(app.settings, None)
    say("auth.logged_out")


@click.command("whoami", help="cli.whoami.help")
@pass_app
@user_errors
def whoami_command(app: AppContext) -> None:
    with app.open(announce=False) as (session, actor):
        app.announce(session, actor)
        console.print(f"{actor.username} · {t(f'role.{actor.role}')}", markup=False)


# --- audit -------------------------------------------------------------------------


@click.command("audit", help="cli.audit.help")
@click.option("--action", default=None, help="cli.audit.action")
@click.option("--user", "username", default=None, help="cli.audit.user")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True,
              help="cli.audit.limit")
@click.option("--export", "export", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="cli.audit.export")
@pass_app
@user_errors
def audit_command(app: AppContext, action: str | None, username: str | None, limit: int,
                  export: Path | None) -> None:
    from callcentre.services.audit import list_events

    with app.open() as (session, actor):
        rows = list_events(session=session, actor=actor, action=action, username=username,
                           limit=None if export else limit)
    if export is not None:
        from callcentre.errors import StorageError

        try:
            with open(export, "w", encoding="utf-8-sig", newline="") as fh:
                out = csv.writer(fh)
                out.writerow([t(k) for k in ("audit.col.at", "audit.col.user", "audit.col.action",
                                             "audit.col.object", "audit.col.before",
                                             "audit.col.after")])
                for r in rows:
                    out.writerow([local_time(r.at), r.username or t("audit.system"), r.action,
                                  f"{r.object_type}:{r.object_id}", r.before, r.after])
        except OSError as exc:
            raise StorageError("import.output_failed", file=str(export),
                               detail=exc.strerror or str(exc)) from None
        say("audit.exported", n=len(rows), file=str(export))
        return
    table = Table(show_lines=False)
    for key in ("audit.col.at", "audit.col.user", "audit.col.action", "audit.col.object",
                "audit.col.after"):
        table.add_column(t(key), overflow="fold")
    for r in rows:
        table.add_row(local_time(r.at), escape(r.username or t("audit.system")),
                      escape(r.action), escape(f"{r.object_type}:{r.object_id}"),
                      escape(r.after[:120]))
    print_table(table)
