"""Imports during fieldwork (issue 12, point 8): callers' claims go on while a list is
imported. On SQLite the import commits in short steps, its file ``importing`` until
the last one, and claims get in between the steps; on PostgreSQL a claim never waits
for the import's transaction. What each claim saw is read from the database at the
moment of the claim, so the tests assert the order of events, not timings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

import callcentre.db.engine as db_engine
from callcentre.db.engine import make_engine, open_engine
from callcentre.db.models.frame import Wave
from callcentre.db.queries.frame import load_frame
from callcentre.demo.generator import generate_bench_lists
from callcentre.importer import pipeline
from callcentre.importer.jobs import ImportJob, read_manifest
from callcentre.importer.pipeline import import_files
from callcentre.services import queue as qs
from tests.queue_support import LINE, callers, morning_after, queued_sample, settings_with

T0 = morning_after()


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One list of a few thousand rows (many steps when every tick pauses)."""
    out = tmp_path_factory.mktemp("fieldwork-import") / "lists"
    generate_bench_lists(out, total_rows=6000, files=1, seed=5, jobs=1)
    return out / "manifest.csv"


def _file_state(conn: Any, path: str) -> tuple[str | None, int]:
    """The list file's kind and how many of its rows this connection sees."""
    row = conn.execute(text("SELECT id, kind FROM sourcefile WHERE path = :p"),
                       {"p": path}).first()
    if row is None:
        return None, 0
    n = conn.execute(text("SELECT count(*) FROM listrow WHERE source_file_id = :f"),
                     {"f": row[0]}).scalar_one()
    return row[1], int(n)


class Claimer:
    """A caller working on its own connection while the import runs: each
    :meth:`claim_once` claims a case, reads what it sees of the file being imported,
    and ends the call."""

    def __init__(self, url: str, path: str) -> None:
        self.engine = make_engine(url)
        if self.engine.dialect.name == "postgresql":
            # a claim that waited on the import would deadlock the test: fail instead
            @event.listens_for(self.engine, "connect")
            def _timeout(dbapi_conn: Any, _record: Any) -> None:
                with dbapi_conn.cursor() as cur:
                    cur.execute("SET lock_timeout = '20s'")
        self.session = Session(self.engine)
        self.path = path
        self.settings = settings_with()
        self.seen: list[tuple[str | None, int]] = []

    def start(self, actor: Any) -> None:
        self.actor = actor
        qs.start_session(session=self.session, actor=actor, line=LINE, settings=self.settings)

    def claim_once(self) -> None:
        got = qs.claim_next_case(session=self.session, actor=self.actor, line=LINE, now=T0,
                                 settings=self.settings)
        assert got is not None
        with self.engine.connect() as conn:
            self.seen.append(_file_state(conn, self.path))
        qs.end_attempt(session=self.session, actor=self.actor, case_id=got.case_id,
                       disposition="busy", now=T0, settings=self.settings)

    def close(self) -> None:
        self.session.close()
        self.engine.dispose()


def _jobs(manifest: Path) -> list[ImportJob]:
    return read_manifest(manifest)


def test_claims_go_on_while_a_list_is_imported(db_url: str, manifest: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    engine = queued_sample(db_url, n=60)
    (caller,) = callers(engine, 1)
    jobs = _jobs(manifest)
    path = str(jobs[0].path.resolve())
    claimer = Claimer(db_url, path)
    claimer.start(caller)
    sqlite = engine.dialect.name == "sqlite"
    # every tick pauses: many steps from a small file
    monkeypatch.setattr(db_engine, "WRITE_SLICE_SECONDS", 0.0)
    monkeypatch.setattr(pipeline, "PACED_ROWS", 500)

    def between_steps() -> None:      # SQLite: the import has committed a step
        claimer.claim_once()

    def rows_written(_n: int) -> None:   # inside the import's transaction
        while not sqlite and len(claimer.seen) < 3:
            claimer.claim_once()

    summary = import_files(engine, jobs, wave="2021", workers=0, on_pause=between_steps,
                           progress=rows_written)
    assert not summary.failed
    total = summary.rows
    with engine.connect() as conn:
        after = _file_state(conn, path)
        attempts = conn.execute(text(
            "SELECT count(*) FROM callattempt WHERE ended_at IS NOT NULL")).scalar_one()
    claimer.close()
    assert after == ("list", total)
    assert attempts == len(claimer.seen) > 0
    if sqlite:
        # claims ran between the steps: the file was still being written, its rows
        # part there, and more of them at each later claim
        partial = [n for kind, n in claimer.seen if kind == "importing" and 0 < n < total]
        assert len(partial) >= 2 and len(set(partial)) >= 2, claimer.seen
    else:
        # claims ran while the import's transaction was open: none of it visible yet
        assert claimer.seen == [(None, 0)] * 3
    engine.dispose()


class Interrupted(Exception):
    pass


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in ("enterprise", "itemmembership", "listrow", "sourcefile")}


@pytest.mark.parametrize("cut", ["after the first rows", "before the last step"])
def test_an_interrupted_import_is_undone_by_the_next(tmp_path: Path, manifest: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      cut: str) -> None:
    """SQLite: an import that dies between steps leaves its file ``importing``, out of
    the frame; the next import removes it first, ending as a clean import would."""
    monkeypatch.setattr(db_engine, "WRITE_SLICE_SECONDS", 0.0)
    monkeypatch.setattr(pipeline, "PACED_ROWS", 500)
    jobs = _jobs(manifest)
    clean = open_engine(f"sqlite:///{tmp_path / 'clean.db'}")
    steps: list[int] = []
    import_files(clean, jobs, wave="2021", workers=0, on_pause=lambda: steps.append(1))
    want = _counts(clean)

    engine = open_engine(f"sqlite:///{tmp_path / 'cut.db'}")
    rows_in: list[int] = []
    pauses: list[int] = []

    def die() -> None:
        pauses.append(1)
        if (rows_in if cut == "after the first rows" else len(pauses) == len(steps) - 1):
            raise Interrupted

    with pytest.raises(Interrupted):
        import_files(engine, jobs, wave="2021", workers=0, on_pause=die,
                     progress=rows_in.append)
    with engine.connect() as conn:
        kind, rows = _file_state(conn, str(jobs[0].path.resolve()))
    assert kind == "importing" and rows > 0
    with Session(engine) as s:
        wave = s.exec(select(Wave)).one()
        assert load_frame(s, wave=wave) is None     # not in the frame

    summary = import_files(engine, jobs, wave="2021", workers=0)
    assert [f.outcome for f in summary.files] == ["imported"]
    assert _counts(engine) == want
    engine.dispose()
    clean.dispose()
