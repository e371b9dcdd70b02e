"""The application layer: accounts, roles, audit, waves, settings, on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from callcentre.db.engine import open_engine
from callcentre.db.models.audit import AuditEvent
from callcentre.errors import (
    Conflict,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from callcentre.importer.jobs import ImportJob
from callcentre.services import accounts, audit, files, importing, sampling, waves
from callcentre.services.sampling_options import DesignOptions
from sampling.identifiers.region import TIANJIN
from tests.helpers import admin, user, wave
from tests.test_import_pipeline import tax_rows, write_list


def actions(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id)).all()]


def test_first_admin_then_users_log_in_and_lock_out(db_url: str) -> None:
    engine = open_engine(db_url)
    boss = admin(engine, "boss")
    assert boss.role == "admin"
    with Session(engine) as s:
        # the first admin is made once; another OS account gets nobody
        assert accounts.actor_for_os_account(session=s, os_account="stranger") is None
        assert accounts.actor_for_os_account(session=s, os_account="boss").actor == boss
    wang = user(engine, "wangfang", "caller", password="correct-horse", display_name="王芳")
    with Session(engine) as s:
        assert accounts.log_in(session=s, username="wangfang", password="correct-horse") == wang
        for _ in range(4):
            with pytest.raises(NotAuthenticated, match="用户名或密码不正确"):
                accounts.log_in(session=s, username="wangfang", password="wrong")
        with pytest.raises(NotAuthenticated):  # the fifth failure locks …
            accounts.log_in(session=s, username="wangfang", password="wrong")
        with pytest.raises(NotAuthenticated, match="已锁定"):  # … even the right password
            accounts.log_in(session=s, username="wangfang", password="correct-horse")
        # an admin resetting the password unlocks
        accounts.set_password(session=s, actor=boss, username="wangfang", password="new-pass-1")
        assert accounts.log_in(session=s, username="wangfang", password="new-pass-1") == wang
        # stored hash is argon2id, never the password
        stored = s.execute(text("SELECT password_hash FROM useraccount WHERE username='wangfang'")
                           ).scalar_one()
        assert stored.startswith("$argon2id$") and "new-pass-1" not in stored
        token = accounts.issue_token(session=s, actor=wang)
        assert accounts.actor_for_token(session=s, token=token) == wang
        assert accounts.actor_for_token(session=s, token=token + "x") is None
        accounts.set_active(session=s, actor=boss, username="wangfang", active=False)
        assert accounts.actor_for_token(session=s, token=token) is None
        with pytest.raises(NotAuthenticated):
            accounts.log_in(session=s, username="wangfang", password="new-pass-1")
        with pytest.raises(InvalidInput, match="至少 8"):
            accounts.create_user(session=s, actor=boss, username="x", role="caller",
                                 password="short")
        with pytest.raises(Conflict):
            accounts.create_user(session=s, actor=boss, username="wangfang", role="caller",
                                 password="long-enough")
    assert actions(engine).count("auth.login_failed") == 7  # 5 wrong, 1 locked, 1 disabled
    assert {"users.first_admin", "users.add", "auth.login", "users.passwd",
            "users.disable"} <= set(actions(engine))
    engine.dispose()


def test_roles_are_checked_in_the_services(db_url: str, tmp_path: Path) -> None:
    engine = open_engine(db_url)
    wave(engine)
    caller = user(engine, "caller1", "caller")
    sup = user(engine, "sup", "supervisor")
    path = write_list(tmp_path / "tax.xlsx", tax_rows())
    with Session(engine) as s:
        refused = [
            lambda: importing.import_lists(session=s, actor=caller, jobs=[ImportJob(path, "市税务局", 1)],
                                           wave=None, region=TIANJIN),
            lambda: sampling.draw_sample(session=s, actor=caller, wave=None,
                                         options=DesignOptions(n=2), seed=1, name="x"),
            lambda: sampling.release_reserve(session=s, actor=caller, wave=None, name="main"),
            lambda: sampling.export_sample(session=s, actor=caller, wave=None, name="main",
                                           path=tmp_path / "s.xlsx"),
            lambda: audit.list_events(session=s, actor=caller),
            lambda: accounts.list_users(session=s, actor=caller),
            lambda: accounts.create_user(session=s, actor=sup, username="y", role="admin",
                                         password="long-enough"),
            lambda: waves.create_wave(session=s, actor=caller, code="2022"),
            lambda: files.list_files(session=s, actor=caller, wave=None),
        ]
        for call in refused:
            with pytest.raises(PermissionDenied, match="无权"):
                call()
        # a supervisor may import and draw, and a caller may change their own password
        importing.import_lists(session=s, actor=sup, jobs=[ImportJob(path, "市税务局", 1)],
                               wave=None, region=TIANJIN)
        sampling.draw_sample(session=s, actor=sup, wave=None, options=DesignOptions(n=2),
                             seed=1, name="main")
        accounts.set_password(session=s, actor=caller, username="caller1",
                              password="my-own-pass")
        with pytest.raises(PermissionDenied):
            accounts.set_password(session=s, actor=caller, username="sup", password="hijacked!")
    engine.dispose()


def test_an_audit_row_for_every_kind_of_action(db_url: str, tmp_path: Path) -> None:
    from callcentre.services.questionnaires import load_questionnaires
    from questionnaires.bank import module_path

    engine = open_engine(db_url)
    boss = admin(engine)
    with Session(engine) as s:
        waves.create_wave(session=s, actor=boss, code="2021")
        waves.create_wave(session=s, actor=boss, code="2022")
        waves.use_wave(session=s, actor=boss, code="2021")
        accounts.create_user(session=s, actor=boss, username="c", role="caller",
                             password="password-c")
        accounts.log_in(session=s, username="c", password="password-c")
        path = write_list(tmp_path / "tax.xlsx", tax_rows())
        other = write_list(tmp_path / "other.xlsx", tax_rows()[:3])
        importing.import_lists(session=s, actor=boss, jobs=[ImportJob(path, "市税务局", 1),
                                                              ImportJob(other, "市税务局", 2)],
                               wave=None, region=TIANJIN)
        write_list(path, tax_rows()[:4])
        importing.import_lists(session=s, actor=boss, jobs=[ImportJob(path, "市税务局", 1)],
                               wave=None, region=TIANJIN)
        files.remove_file(session=s, actor=boss, wave=None, file="other.xlsx")
        sampling.draw_sample(session=s, actor=boss, wave=None,
                             options=DesignOptions(n=2, reserve_factor=1), seed=1, name="main")
        sampling.release_reserve(session=s, actor=boss, wave=None, name="main")
        sampling.export_sample(session=s, actor=boss, wave=None, name="main",
                               path=tmp_path / "s.xlsx")
        load_questionnaires(session=s, actor=boss, wave=None, paths=[module_path(1)])
        sampling.drop_sample(session=s, actor=boss, wave=None, name="main")
        rows = audit.list_events(session=s, actor=boss, limit=None)
    done = {r.action for r in rows}
    assert {"wave.new", "wave.use", "users.add", "auth.login", "import.imported",
            "import.replaced", "files.remove", "sample.draw", "sample.release", "sample.export",
            "questionnaire.created", "sample.drop"} <= done, done
    draw = next(r for r in rows if r.action == "sample.draw")
    assert json.loads(draw.after)["seed"] == 1 and draw.username == boss.username
    removed = next(r for r in rows if r.action == "files.remove")
    assert json.loads(removed.before)["name"] == "other.xlsx"
    # the trail is append-only on both databases
    with engine.connect() as conn:
        for statement in ("UPDATE auditevent SET action = 'x'", "DELETE FROM auditevent"):
            with pytest.raises(DBAPIError, match="append-only"), conn.begin():
                conn.execute(text(statement))
    engine.dispose()


def test_waves_are_explicit(db_url: str) -> None:
    engine = open_engine(db_url)
    boss = admin(engine)
    with Session(engine) as s:
        with pytest.raises(NotFound, match="还没有调查轮次"):
            waves.resolve_wave(s, wave=None)
        assert waves.create_wave(session=s, actor=boss, code="2021").made_current
        assert not waves.create_wave(session=s, actor=boss, code="2022").made_current
        assert waves.resolve_wave(s, wave=None).code == "2021"
        assert waves.resolve_wave(s, wave="2022").code == "2022"
        with pytest.raises(NotFound, match="没有调查轮次 2023"):
            waves.resolve_wave(s, wave="2023")
        with pytest.raises(InvalidInput):
            waves.create_wave(session=s, actor=boss, code="bad code!")
        waves.use_wave(session=s, actor=boss, code="2022")
        assert waves.resolve_wave(s, wave=None).code == "2022"
        assert [r.code for r in waves.list_waves(session=s, actor=boss) if r.current] == ["2022"]
    engine.dispose()


def test_release_twice_at_once_releases_each_replicate_once(db_url: str) -> None:
    """Two supervisors' processes release at the same moment: no 'database is locked'
    traceback, no lost update (SQLite: BEGIN IMMEDIATE; PostgreSQL: strata FOR UPDATE)."""
    import multiprocessing

    from tests.test_sampling_cli import build_frame

    build_frame(db_url)
    engine = open_engine(db_url)
    with Session(engine) as s:
        sampling.draw_sample(session=s, actor=admin(engine), wave=None,
                             options=DesignOptions(by=("item",), n=30, reserve_factor=2,
                                                   replicate_share=0.25), seed=9, name="main")
    engine.dispose()
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_release, args=(db_url, start, results)) for _ in range(4)]
    for p in procs:
        p.start()
    start.set()
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert all(o == "ok" for o in outcomes), outcomes
    engine = open_engine(db_url)
    with engine.connect() as conn:
        strata = conn.execute(text("SELECT id, released_replicates, released, size "
                                   "FROM samplestratum")).all()
        for sid, k, released, size in strata:
            assert k == 4  # four releases, one replicate each
            units = conn.execute(text("SELECT count(*) FROM sampleunit WHERE stratum_id = :s "
                                      "AND released"), {"s": sid}).scalar_one()
            assert released == units > size
            reps = conn.execute(text("SELECT DISTINCT replicate FROM sampleunit "
                                     "WHERE stratum_id = :s AND released"), {"s": sid}).scalars()
            assert sorted(reps) == [0, 1, 2, 3, 4]
    engine.dispose()


def _release(url: str, start, results) -> None:  # type: ignore[no-untyped-def]
    try:
        engine = open_engine(url)
        with Session(engine) as s:
            actor = accounts.get_actor(session=s, username="tester")
        start.wait()
        with Session(engine) as s:
            sampling.release_reserve(session=s, actor=actor, wave=None, name="main")
        engine.dispose()
        results.put("ok")
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        results.put(repr(exc))


def test_begin_write_takes_the_lock_at_begin(tmp_path: Path) -> None:
    """The first statement of the session runs under BEGIN IMMEDIATE: another writer
    cannot begin while it is open, before any write was made."""
    import sqlite3

    from callcentre.db.engine import begin_write

    url = f"sqlite:///{tmp_path / 'lock.db'}"
    engine = open_engine(url)
    with Session(engine) as s:
        begin_write(s)
        s.execute(text("SELECT 1"))
        other = sqlite3.connect(tmp_path / "lock.db", timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        s.rollback()
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        other.close()
    engine.dispose()


def test_settings_from_file_and_environment(tmp_path: Path) -> None:
    from datetime import time

    from callcentre.settings import load_settings

    (tmp_path / "callcentre.toml").write_text(
        'database = "sqlite:///x.db"\nwave = "2022"\n[calling]\nwindows = ["08:30-11:30"]\n'
        'lease_minutes = 20\n[[lines]]\nnumber = "96599966"\nmax_calls = 4\n', encoding="utf-8")
    s = load_settings(cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert s.db_url == "sqlite:///x.db" and s.db_explicit and s.wave == "2022"
    assert s.calling.windows[0].start == time(8, 30) and s.calling.lease_minutes == 20
    assert [(line.number, line.max_calls) for line in s.lines] == [("96599966", 4)]
    s = load_settings(cwd=tmp_path, env={"HOME": str(tmp_path), "CALLCENTRE_WAVE": "2023",
                                         "CALLCENTRE_DB": "postgresql://h/db"}, wave="2024")
    assert s.wave == "2024" and s.db_url == "postgresql://h/db"
    (tmp_path / "callcentre.toml").write_text('[calling]\nlease_minutes = "soon"\n',
                                              encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"calling\.lease_minutes") as err:
        load_settings(cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert "callcentre.toml" in str(err.value)
    (tmp_path / "callcentre.toml").write_text("not toml = = =", encoding="utf-8")
    with pytest.raises(InvalidInput, match="无法读取配置文件"):
        load_settings(cwd=tmp_path, env={"HOME": str(tmp_path)})
