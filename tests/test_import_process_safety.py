"""An import inside a long-lived process (the TUI will run them) leaves it as it was:
no fork of a process with threads, gc and sqlite3's adapters put back (also when the
import fails), no helper outliving a SIGKILLed import, Ctrl-C quiet."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callcentre.db.checkpoint import checkpoints_in_background
from callcentre.db.engine import none_bound_cheaply, open_engine, write_transaction
from callcentre.db.models import ListRow
from callcentre.demo.generator import GeneratedFile, generate_bench_lists
from callcentre.importer.jobs import ImportJob, read_manifest
from callcentre.importer.pipeline import import_files
from callcentre.importer.process_state import gc_paused

ROOT = Path(__file__).resolve().parent.parent
NONE_ADAPTER = (type(None), sqlite3.PrepareProtocol)
linux_only = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process tree from /proc")


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[GeneratedFile], Path]:
    """8 files, 40,000 rows: an import of a few seconds, with helpers."""
    out = tmp_path_factory.mktemp("procsafe") / "lists"
    files = generate_bench_lists(out, total_rows=40_000, files=8, seed=3, jobs=1)
    return files, out / "manifest.csv"


@pytest.fixture
def fresh_process_state() -> Iterator[None]:
    """As in a process that never imported: no None adapter; gc on. Put back after."""
    saved = sqlite3.adapters.pop(NONE_ADAPTER, None)
    was = gc.isenabled()
    gc.enable()
    yield
    if saved is not None:
        sqlite3.adapters[NONE_ADAPTER] = saved
    if not was:
        gc.disable()


def _jobs(manifest: Path, n: int = 3) -> list[ImportJob]:
    return read_manifest(manifest)[:n]


def test_gc_and_adapters_are_put_back_after_an_import(
        lists: tuple[list[GeneratedFile], Path], tmp_path: Path, fresh_process_state: None) -> None:
    _files, manifest = lists
    before = dict(sqlite3.adapters)
    engine = open_engine(f"sqlite:///{tmp_path / 'a.db'}")
    during: list[tuple[bool, bool]] = []

    def on_file(_job: ImportJob, _rows: int) -> None:
        during.append((gc.isenabled(), NONE_ADAPTER in sqlite3.adapters))

    summary = import_files(engine, _jobs(manifest), wave="2021", workers=1, on_file=on_file)
    assert not summary.failed
    assert during and all(d == (False, True) for d in during)   # the speed-ups were on
    assert gc.isenabled()
    assert dict(sqlite3.adapters) == before

    # a caller that had gc off keeps it off
    gc.disable()
    import_files(engine, _jobs(manifest), wave="2021", workers=1)
    assert not gc.isenabled()
    gc.enable()
    engine.dispose()


def test_gc_and_adapters_are_put_back_when_an_import_fails(
        lists: tuple[list[GeneratedFile], Path], tmp_path: Path, fresh_process_state: None) -> None:
    _files, manifest = lists
    before = dict(sqlite3.adapters)
    engine = open_engine(f"sqlite:///{tmp_path / 'b.db'}")

    def on_file(_job: ImportJob, _rows: int) -> None:
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError, match="interrupted"):
        import_files(engine, _jobs(manifest), wave="2021", workers=1, on_file=on_file)
    assert gc.isenabled()
    assert dict(sqlite3.adapters) == before
    engine.dispose()


def test_state_is_put_back_by_the_last_of_overlapping_imports(
        fresh_process_state: None) -> None:
    """Two imports in threads of one process: the first to end must not turn gc back
    on, nor take the adapter away, under the other."""
    first, second = gc_paused(), gc_paused()
    first_none, second_none = none_bound_cheaply(), none_bound_cheaply()
    first.__enter__()
    first_none.__enter__()
    second.__enter__()
    second_none.__enter__()
    first.__exit__(None, None, None)
    first_none.__exit__(None, None, None)
    assert not gc.isenabled() and NONE_ADAPTER in sqlite3.adapters
    second.__exit__(None, None, None)
    second_none.__exit__(None, None, None)
    assert gc.isenabled() and NONE_ADAPTER not in sqlite3.adapters
    # an adapter someone else registered stays
    sqlite3.register_adapter(type(None), {}.get)  # type: ignore[arg-type]
    with none_bound_cheaply():
        pass
    assert NONE_ADAPTER in sqlite3.adapters
    del sqlite3.adapters[NONE_ADAPTER]


def test_helpers_are_never_forked_from_a_process_with_threads(
        lists: tuple[list[GeneratedFile], Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Like in the TUI: another thread runs while the import starts its helpers."""
    _files, manifest = lists
    forks: list[int] = []        # threads alive at each fork of this process
    started: list[str] = []      # start method of each process started
    real_fork, real_start = os.fork, BaseProcess.start

    def fork() -> int:
        forks.append(threading.active_count())
        return real_fork()

    def start(self: BaseProcess) -> None:
        started.append(getattr(self, "_start_method", None) or "default")
        real_start(self)

    monkeypatch.setattr(os, "fork", fork)
    monkeypatch.setattr(BaseProcess, "start", start)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, name="tui-worker")
    other.start()
    try:
        engine = open_engine(f"sqlite:///{tmp_path / 'c.db'}")
        summary = import_files(engine, _jobs(manifest), wave="2021", workers=1)
        engine.dispose()
    finally:
        stop.set()
        other.join()
    assert not summary.failed
    assert started                                   # helpers were started …
    assert "fork" not in started                     # … not by forking
    assert [n for n in forks if n > 1] == []         # no fork while threads ran


class _Interrupting:
    """A parameter whose binding raises KeyboardInterrupt, as a Ctrl-C does when it
    lands while the driver executes a statement."""


def _interrupt(_value: object) -> object:
    raise KeyboardInterrupt


def test_an_interrupted_bulk_write_ends_at_once_with_the_interrupt(tmp_path: Path) -> None:
    """SQLAlchemy closes a connection whose statement was interrupted; its statement
    still holds the write lock until the exception is dropped. Cleaning up must
    neither touch that connection (a ProgrammingError replaced the interrupt, and
    no "已中止") nor wait for its lock (the WAL truncation waited 60 s)."""
    engine = open_engine(f"sqlite:///{tmp_path / 'x.db'}")
    key = (_Interrupting, sqlite3.PrepareProtocol)
    sqlite3.register_adapter(_Interrupting, _interrupt)
    began = time.monotonic()
    try:
        with (pytest.raises(KeyboardInterrupt), checkpoints_in_background(engine),
              write_transaction(engine, sqlite_bulk=True) as conn):
            conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            conn.exec_driver_sql("INSERT INTO t (id, v) VALUES (?, ?)",
                                 [(i, "v") for i in range(100)] + [(100, _Interrupting())])
    finally:
        sqlite3.adapters.pop(key, None)
    assert time.monotonic() - began < 10
    engine.dispose()


# -- real processes killed and interrupted -------------------------------------------

_IMPORTER = """
import sys
from pathlib import Path
from callcentre.db.checkpoint import checkpoints_in_background
from callcentre.db.engine import none_bound_cheaply, open_engine, write_transaction
from callcentre.importer.jobs import read_manifest
from callcentre.importer.pipeline import import_files
from callcentre.importer.process_state import gc_paused

def on_file(job, rows):
    if rows:
        print("writing", flush=True)

engine = open_engine(sys.argv[1])
import_files(engine, read_manifest(Path(sys.argv[2])), wave="2021", workers=1, on_file=on_file)
print("done", flush=True)
"""


def _state(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _alive(pid: int) -> bool:
    state = _state(pid)
    return state is not None and state[0] != "Z"


def _descendants(pid: int) -> set[int]:
    children: defaultdict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (state := _state(int(entry.name))) and state[0] != "Z":
            children[state[1]].append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children[todo.pop()]:
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    """The pids still alive after waiting up to ``seconds`` for them to end (killed,
    so that a failing test leaves no orphan behind)."""
    deadline = time.monotonic() + seconds
    while (alive := {p for p in pids if _alive(p)}) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in alive:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return alive


def _rows(url: str) -> int:
    engine = open_engine(url)
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(ListRow)).scalar_one()
    engine.dispose()
    return int(n)


@linux_only
def test_a_killed_import_leaves_no_helper_and_a_usable_database(
        lists: tuple[list[GeneratedFile], Path], tmp_path: Path) -> None:
    files, manifest = lists
    url = f"sqlite:///{tmp_path / 'k.db'}"
    importer = subprocess.Popen([sys.executable, "-c", _IMPORTER, url, str(manifest)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert importer.stdout is not None
    assert importer.stdout.readline().strip() == "writing"   # helpers are at work
    time.sleep(0.3)
    helpers = _descendants(importer.pid)
    assert helpers
    importer.kill()
    importer.wait()
    assert _gone_within(helpers, 10) == set()
    # the database: what was committed is there, and the import can be run again
    assert _rows(url) < sum(f.rows_in_data for f in files)
    engine = open_engine(url)
    again = import_files(engine, read_manifest(manifest), wave="2021", workers=1)
    engine.dispose()
    assert not again.failed
    assert _rows(url) == sum(f.rows_in_data for f in files)


@linux_only
@pytest.mark.parametrize("delay", [0.0, 1.0, 2.0])
def test_ctrl_c_stops_an_import_quietly(lists: tuple[list[GeneratedFile], Path],
                                        tmp_path: Path, delay: float) -> None:
    """Ctrl-C in a terminal sends SIGINT to the whole process group: the helpers
    too. Only the Chinese abort message is shown; no helper's traceback. ``delay``
    after the helpers are there: while they start up, and while the writer writes."""
    _files, manifest = lists
    cli = Path(sys.executable).with_name("callcentre")   # the console script users run
    assert cli.exists()
    url = f"sqlite:///{tmp_path / 'i.db'}"
    subprocess.run([str(cli), "--db", url, "wave", "new", "2021"], check=True,
                   capture_output=True)
    proc = subprocess.Popen([str(cli), "--db", url, "--lang", "zh", "import", "--manifest",
                             str(manifest)], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (helpers := _descendants(proc.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert helpers
    time.sleep(delay)
    assert proc.poll() is None
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    assert "KeyboardInterrupt" not in err + out
    assert "已中止" in err + out
    assert proc.returncode != 0
    assert _gone_within(helpers, 10) == set()
