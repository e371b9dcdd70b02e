"""Benchmark: how long callers' claims wait while a list import runs (issue 12, point 8).

One command (starts a throwaway PostgreSQL unless ``CALLCENTRE_TEST_PG_URL`` names a
server; the SQLite file goes under ``bench/data/``)::

    .venv/bin/python bench/bench_import_claims.py                 # both databases
    .venv/bin/python bench/bench_import_claims.py --only sqlite --budget 1e9   # "before"

Each run seeds a wave with queued cases and caller accounts (as ``bench_queue.py``),
starts ``--sqlite-procs`` / ``--pg-procs`` caller processes that claim, hold the case
``--call-ms`` and end it (``busy``) in a loop, lets them work ``--warmup`` seconds, then
imports the lists made by ``bench/make_lists.py`` (``--rows`` rows in ``--files`` xlsx
files, 200,000 by default) in another process, and stops the callers ``--cooldown``
seconds after the import ends. Reported: the claims that started while the import ran
(count, p50, p99, worst wait, claims per second) against those before it, the import's
time, and on SQLite how many times it paused to let claims in.

``--budget`` is the longest the import may hold SQLite's write lock at a stretch
(:data:`callcentre.db.engine.WRITE_SLICE_SECONDS`); a huge value gives the behaviour
before the import was paced (one transaction per file).

Writes ``bench/results/import_claims.json`` (and prints a Markdown table).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from bench_queue import pct, seed, settings, start_pg
from sqlmodel import Session

from callcentre.db.engine import open_engine
from callcentre.fieldwork.rules import default_times
from callcentre.settings import DEFAULT_LINES


def caller(url: str, username: str, line: str, t0: datetime, wall0: float, call_ms: float,
           max_calls: int, start: Any, stop: Any, results: Any) -> None:
    """Claim, hold, end, until ``stop``; report (wall time the claim began, its wait)."""
    from callcentre.services import accounts
    from callcentre.services import queue as qs

    try:
        engine = open_engine(url)
        conf = settings(max_calls)
        claims: list[tuple[float, float]] = []
        cpu0 = time.process_time()
        with Session(engine) as s:
            actor = accounts.get_actor(session=s, username=username)
            qs.start_session(session=s, actor=actor, line=line, settings=conf)
            start.wait()
            while not stop.is_set():
                now = t0 + timedelta(seconds=time.time() - wall0)
                began, wall = time.perf_counter(), time.time()
                got = qs.claim_next_case(session=s, actor=actor, line=line, now=now,
                                         settings=conf)
                claims.append((wall, time.perf_counter() - began))
                if got is None:
                    break
                if call_ms:
                    time.sleep(call_ms / 1000)
                qs.end_attempt(session=s, actor=actor, case_id=got.case_id, disposition="busy",
                               settings=conf,
                               now=t0 + timedelta(seconds=time.time() - wall0))
            qs.end_session(session=s, actor=actor)
        engine.dispose()
        results.put({"user": username, "claims": claims,
                     "cpu": time.process_time() - cpu0})
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        import traceback

        results.put({"user": username, "error": f"{exc!r}\n{traceback.format_exc()}"})


def importer(url: str, manifest: str, budget: float, results: Any) -> None:
    """Import the benchmark's lists into wave 2021; report its span and pauses."""
    import callcentre.db.engine as eng
    from callcentre.importer.jobs import read_manifest
    from callcentre.importer.pipeline import import_files

    try:
        eng.WRITE_SLICE_SECONDS = budget
        engine = open_engine(url)
        jobs = read_manifest(Path(manifest))
        pauses = [0]

        def paused() -> None:
            pauses[0] += 1

        began = time.time()
        summary = import_files(engine, jobs, wave="2021", on_pause=paused)
        ended = time.time()
        engine.dispose()
        results.put({"import": (began, ended), "rows": summary.rows, "pauses": pauses[0],
                     "longest_write": summary.longest_write,
                     "longest_last_step": summary.longest_last_step,
                     "failed": [f.error for f in summary.failed]})
    except BaseException as exc:  # noqa: BLE001
        import traceback

        results.put({"import_error": f"{exc!r}\n{traceback.format_exc()}"})


def summarise(waits: list[float]) -> dict[str, float]:
    return {"n": len(waits), **{k: round(pct(waits, p) * 1000, 1)
                                for k, p in (("p50", 50), ("p99", 99), ("max", 100))}}


def run(name: str, url: str, procs: int, args: argparse.Namespace) -> dict[str, Any]:
    cases = args.cases
    print(f"[{name}] seeding {cases} cases, {procs} callers ...", flush=True)
    seed(url, cases, procs)
    ctx = multiprocessing.get_context("spawn")
    start, stop, results = ctx.Event(), ctx.Event(), ctx.Queue()
    t0 = default_times().next_day_start(datetime.now(UTC)) + timedelta(minutes=30)
    wall0 = time.time()
    workers = [ctx.Process(target=caller, args=(
        url, f"bench{i}", DEFAULT_LINES[i % len(DEFAULT_LINES)], t0, wall0, args.call_ms,
        procs, start, stop, results)) for i in range(procs)]
    for w in workers:
        w.start()
    time.sleep(3 + procs * 0.15)       # let every process import and log in
    load0 = os.getloadavg()
    print(f"[{name}] {procs} callers working; import in {args.warmup} s ...", flush=True)
    start.set()
    time.sleep(args.warmup)
    imp = ctx.Process(target=importer, args=(url, str(args.lists / "manifest.csv"),
                                             args.budget, results))
    imp.start()
    reports: list[dict[str, Any]] = []
    while True:     # the import's report (callers report only when stopped)
        r = results.get(timeout=3600)
        reports.append(r)
        if "import" in r or "import_error" in r:
            break
    imp.join()
    load1 = os.getloadavg()
    time.sleep(args.cooldown)
    stop.set()
    reports += [results.get(timeout=600) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    errors = [r.get("error") or r.get("import_error") for r in reports
              if "error" in r or "import_error" in r]
    if errors:
        raise SystemExit(f"[{name}] a process failed:\n{errors[0]}")
    done = next(r for r in reports if "import" in r)
    a, b = done["import"]
    claims = [c for r in reports for c in r.get("claims", ())]
    during = [w for s, w in claims if a <= s <= b]
    before = [w for s, w in claims if s < a]
    cpu = sum(r.get("cpu", 0.0) for r in reports)
    out = {
        "database": name, "callers": procs, "call_ms": args.call_ms, "budget_s": args.budget,
        "import_rows": done["rows"], "import_s": round(b - a, 1), "pauses": done["pauses"],
        "longest_write_ms": round(done["longest_write"] * 1000),
        "longest_last_step_ms": round(done["longest_last_step"] * 1000),
        "import_failed": done["failed"],
        "before": summarise(before), "during": summarise(during),
        "claims_per_s_during": round(len(during) / max(b - a, 1e-9), 1),
        "callers_cpu_ms_per_claim": round(cpu / max(len(claims), 1) * 1000, 2),
        "load": [round(x, 1) for x in (*load0, *load1)],
    }
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=300_000,
                    help="rows asked of make_lists.py (it writes about two thirds of them)")
    ap.add_argument("--files", type=int, default=2)
    ap.add_argument("--cases", type=int, default=20_000)
    ap.add_argument("--pg-procs", type=int, default=20)
    ap.add_argument("--sqlite-procs", type=int, default=10)
    ap.add_argument("--call-ms", type=float, default=100.0)
    ap.add_argument("--warmup", type=float, default=10.0)
    ap.add_argument("--cooldown", type=float, default=2.0)
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds the import may hold SQLite's write lock at a stretch "
                         "(default: the engine's WRITE_SLICE_SECONDS; 1e9 = unpaced)")
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    args = ap.parse_args()
    if args.budget is None:
        from callcentre.db.engine import WRITE_SLICE_SECONDS

        args.budget = WRITE_SLICE_SECONDS
    args.lists = HERE / "data" / f"lists-{args.rows}-{args.files}"
    subprocess.run([sys.executable, str(HERE / "make_lists.py"), "--out", str(args.lists),
                    "--rows", str(args.rows), "--files", str(args.files)], check=True)
    results = []
    if args.only != "postgresql":
        db = HERE / "data" / "bench-import-claims.db"
        for suffix in ("", "-wal", "-shm", "-queue.lock", "-import.lock"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        results.append(run("sqlite", f"sqlite:///{db}", args.sqlite_procs, args))
    if args.only != "sqlite":
        import psycopg

        admin, tmp = start_pg()
        try:
            name = f"bench_import_claims_{os.getpid()}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            url = f"{admin.rsplit('/', 1)[0]}/{name}"
            results.append(run("postgresql", url, args.pg_procs, args))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            if tmp:
                subprocess.run([str(ROOT / "scripts" / "pg-throwaway.sh"), "stop", tmp],
                               check=False)
    command = " ".join(["bench/bench_import_claims.py", *sys.argv[1:]])
    report = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
              "machine": platform.platform(), "cpus": os.cpu_count(), "command": command,
              "runs": results}
    out = HERE / "results" / "import_claims.json"
    runs = json.loads(out.read_text()) if out.exists() else []
    out.write_text(json.dumps([*runs, report], ensure_ascii=False, indent=1))
    print("| command | database | callers | budget s | import rows | import s | pauses "
          "| before p50/p99/max ms | during n | during p50 | p99 | worst ms | load 1-min |")
    for r in results:
        b, d = r["before"], r["during"]
        print(f"| `{command}` | {r['database']} | {r['callers']} | {r['budget_s']} "
              f"| {r['import_rows']} | {r['import_s']} | {r['pauses']} "
              f"| {b['p50']}/{b['p99']}/{b['max']} | {d['n']} | {d['p50']} | {d['p99']} "
              f"| {d['max']} | {r['load'][0]}–{r['load'][3]} |")


if __name__ == "__main__":
    main()
