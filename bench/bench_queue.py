"""Benchmark: the call queue's claim with many real processes on both databases.

One command (starts a throwaway PostgreSQL unless ``CALLCENTRE_TEST_PG_URL`` names a
server, and a SQLite file under ``bench/data/``)::

    .venv/bin/python bench/bench_queue.py            # 50 processes on PostgreSQL, 20 on SQLite
    .venv/bin/python bench/bench_queue.py --claims 2000 --only sqlite

Each run seeds a wave with ``--claims`` released cases (one number each), then starts
the processes at once; each logs in on one of the three lines and, until the run has
made ``--claims`` claims, claims the next case (timed: the whole service call, from
the Python call to its return, including waiting for the lock), keeps it for
``--call-ms`` (the call), and ends it with a disposition (``busy``). Reported: claims,
claims per second, claim latency p50 / p90 / p99 / max, ``end_attempt`` p50 / p99,
and the two checks: double holds (a case held by two callers at overlapping times,
from wall-clock spans each process records: claim returned → end called, both inside
the true holding time, so an overlap is a real double hold) and lost attempts (claims
reported vs attempts in the database, every one ended with one disposition).

Writes ``bench/results/queue.json`` and ``bench/results/queue.md``.
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
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import itertools

from sqlalchemy import text
from sqlmodel import Session

from callcentre.db.engine import open_engine
from callcentre.fieldwork.rules import default_times
from callcentre.settings import DEFAULT_LINES, Line, Settings

T_FMT = "%Y-%m-%d %H:%M"


def settings(max_calls: int) -> Settings:
    return Settings(lines=tuple(Line(n, max_calls) for n in DEFAULT_LINES))


def seed(url: str, cases: int, callers: int) -> None:
    """A wave, a design and ``cases`` queued cases, and ``callers`` caller accounts."""
    from callcentre.db.models.accounts import AppSetting, UserAccount
    from callcentre.db.models.frame import Enterprise, Wave
    from callcentre.db.models.sample import SampleCase, SampleDesign
    from callcentre.db.queries.queue import populate

    engine = open_engine(url)
    now = datetime.now(UTC) - timedelta(days=1)
    with Session(engine) as s:
        wave = Wave(code="2021", name="bench")
        s.add(wave)
        s.add(AppSetting(key="current_wave", value="2021"))
        s.flush()
        design = SampleDesign(wave_id=int(wave.id or 0), name="bench", target=cases)
        s.add(design)
        s.flush()
        ent_table = Enterprise.__table__  # type: ignore[attr-defined]
        case_table = SampleCase.__table__  # type: ignore[attr-defined]
        for start in range(0, cases, 5000):
            rows = [{"id": i + 1, "uscc": None, "name": f"企业{i}", "name_key": f"企业{i}",
                     "phone_e164": f"+86138{i:08d}", "phones": "[]", "conflicts": "{}"}
                    for i in range(start, min(cases, start + 5000))]
            s.execute(ent_table.insert(), rows)
            s.execute(case_table.insert(), [
                {"id": r["id"], "design_id": design.id, "wave_id": wave.id,
                 "enterprise_id": r["id"], "replicate": 0, "n_items": 1, "status": "new",
                 "created_at": now} for r in rows])
        s.execute(UserAccount.__table__.insert(), [  # type: ignore[attr-defined]
            {"username": f"bench{i}", "display_name": "", "role": "caller",
             "refusal_converter": False, "active": True, "password_hash": "",
             "failed_logins": 0, "created_at": now} for i in range(callers)])
        populate(s, wave_id=int(wave.id or 0), now=now)
        s.commit()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in ("enterprise", "samplecase", "useraccount"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
            conn.execute(text("ANALYZE"))
    engine.dispose()


def worker(url: str, username: str, line: str, t0: datetime, wall0: float, quota: Any,
           call_ms: float, max_calls: int, start: Any, results: Any) -> None:
    from callcentre.errors import Conflict
    from callcentre.services import accounts
    from callcentre.services import queue as qs

    try:
        engine = open_engine(url)
        conf = settings(max_calls)
        claim_lat: list[float] = []
        end_lat: list[float] = []
        held: list[tuple[int, int, float, float]] = []
        lost: list[tuple[int, int, float, float]] = []
        with Session(engine) as s:
            actor = accounts.get_actor(session=s, username=username)
            qs.start_session(session=s, actor=actor, line=line, settings=conf)
            start.wait()
            while True:
                with quota.get_lock():
                    if quota.value <= 0:
                        break
                    quota.value -= 1
                now = t0 + timedelta(seconds=time.time() - wall0)
                began = time.perf_counter()
                got = qs.claim_next_case(session=s, actor=actor, line=line, now=now,
                                         settings=conf)
                claim_lat.append(time.perf_counter() - began)
                if got is None:
                    break
                claimed = time.time()
                if call_ms:
                    time.sleep(call_ms / 1000)
                ending = time.time()
                began = time.perf_counter()
                try:
                    qs.end_attempt(session=s, actor=actor, case_id=got.case_id,
                                   disposition="busy", settings=conf,
                                   now=t0 + timedelta(seconds=time.time() - wall0))
                except Conflict:
                    lost.append((got.case_id, got.attempt_id, claimed, claimed))
                    continue
                end_lat.append(time.perf_counter() - began)
                held.append((got.case_id, got.attempt_id, claimed, ending))
            qs.end_session(session=s, actor=actor)
        engine.dispose()
        results.put({"user": username, "claim": claim_lat, "end": end_lat, "held": held,
                     "lost": lost})
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        import traceback

        results.put({"user": username, "error": f"{exc!r}\n{traceback.format_exc()}"})


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def check(url: str, reports: list[dict[str, Any]]) -> dict[str, int]:
    spans: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    reported: dict[int, str] = {}
    lost: set[int] = set()
    for r in reports:
        for case_id, attempt_id, a, b in r["held"] + r["lost"]:
            spans[case_id].append((a, b, r["user"]))
            reported[attempt_id] = r["user"]
        lost.update(x[1] for x in r["lost"])
    double = 0
    for items in spans.values():
        items.sort()
        double += sum(1 for x, y in itertools.pairwise(items) if y[0] < x[1])
    engine = open_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT a.id, u.username, a.ended_at IS NOT NULL, a.disposition FROM callattempt a "
            "JOIN useraccount u ON u.id = a.caller_id")).all()
        held_now = conn.execute(text(
            "SELECT count(*) FROM casequeue WHERE holder_id IS NOT NULL")).scalar_one()
    engine.dispose()
    in_db = {int(r[0]): r for r in rows}
    lost_attempts = sum(1 for a in reported if a not in in_db)
    phantom = sum(1 for a in in_db if a not in reported)
    unended = sum(1 for r in rows if not r[2] or r[3] is None)
    wrong = sum(1 for a, u in reported.items() if a in in_db and in_db[a][1] != u)
    return {"double_holds": double, "lost_attempts": lost_attempts, "phantom_attempts": phantom,
            "unended_attempts": unended, "wrong_caller": wrong, "still_held": int(held_now),
            "leases_lost": len(lost)}


def run(name: str, url: str, procs: int, claims: int, call_ms: float) -> dict[str, Any]:
    print(f"[{name}] seeding {claims} cases, {procs} callers ...", flush=True)
    seed(url, claims, procs)
    max_calls = procs
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Event(), ctx.Queue()
    quota = ctx.Value("i", claims)
    t0 = default_times().next_day_start(datetime.now(UTC)) + timedelta(minutes=30)
    wall0 = time.time()
    workers = [ctx.Process(target=worker, args=(
        url, f"bench{i}", DEFAULT_LINES[i % len(DEFAULT_LINES)], t0, wall0, quota, call_ms,
        max_calls, start, results)) for i in range(procs)]
    for w in workers:
        w.start()
    time.sleep(3 + procs * 0.15)       # let every process import and log in
    print(f"[{name}] {procs} processes claiming ...", flush=True)
    began = time.perf_counter()
    start.set()
    reports = [results.get(timeout=3600) for _ in workers]
    elapsed = time.perf_counter() - began
    for w in workers:
        w.join(timeout=60)
    errors = [r["error"] for r in reports if "error" in r]
    if errors:
        raise SystemExit(f"[{name}] a worker failed:\n{errors[0]}")
    claim = [x for r in reports for x in r["claim"]]
    end = [x for r in reports for x in r["end"]]
    made = sum(len(r["held"]) + len(r["lost"]) for r in reports)
    out = {
        "database": name, "processes": procs, "claims": made, "seconds": round(elapsed, 1),
        "claims_per_s": round(made / elapsed, 1), "call_ms": call_ms,
        "claim_ms": {k: round(pct(claim, p) * 1000, 1)
                     for k, p in (("p50", 50), ("p90", 90), ("p99", 99), ("max", 100))},
        "end_ms": {k: round(pct(end, p) * 1000, 1) for k, p in (("p50", 50), ("p99", 99))},
        **check(url, reports),
    }
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


def start_pg() -> tuple[str, str | None]:
    url = os.environ.get("CALLCENTRE_TEST_PG_URL")
    if url:
        return url, None
    out = subprocess.run([str(ROOT / "scripts" / "pg-throwaway.sh")], check=True,
                         capture_output=True, text=True).stdout
    url = next(line.split("=", 1)[1] for line in out.splitlines()
               if line.startswith("export CALLCENTRE_TEST_PG_URL="))
    tmp = next(line.split("=", 1)[1] for line in out.splitlines() if line.startswith("PGTMP="))
    return url, tmp


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--claims", type=int, default=5_000,
                    help="claims per database (default: 10,000 in all over the two)")
    ap.add_argument("--pg-procs", type=int, default=50)
    ap.add_argument("--sqlite-procs", type=int, default=20)
    ap.add_argument("--call-ms", type=float, default=0.0,
                    help="how long each case is held between claim and end (default 0)")
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    args = ap.parse_args()
    results = []
    if args.only != "postgresql":
        data = HERE / "data"
        data.mkdir(exist_ok=True)
        db = data / "bench-queue.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        results.append(run("sqlite", f"sqlite:///{db}", args.sqlite_procs, args.claims,
                           args.call_ms))
    if args.only != "sqlite":
        import psycopg

        admin, tmp = start_pg()
        try:
            name = f"bench_queue_{os.getpid()}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            url = f"{admin.rsplit('/', 1)[0]}/{name}"
            results.append(run("postgresql", url, args.pg_procs, args.claims, args.call_ms))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            if tmp:
                subprocess.run([str(ROOT / "scripts" / "pg-throwaway.sh"), "stop", tmp],
                               check=False)
    report = {"when": datetime.now(UTC).strftime(T_FMT), "machine": platform.platform(),
              "cpus": os.cpu_count(), "command": " ".join(["bench/bench_queue.py", *sys.argv[1:]]),
              "runs": results}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "queue.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    lines = ["# Call queue: claims with many processes", "",
             (f"`{report['command']}` on {report['machine']}, {report['cpus']} CPUs, "
             f"{report['when']} UTC."), "",
             ("| database | processes | claims | s | claims/s | claim p50 ms | p90 | p99 | max "
             "| end p50 ms | p99 | double holds | lost attempts | unended | leases lost |"),
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        c, e = r["claim_ms"], r["end_ms"]
        lines.append(f"| {r['database']} | {r['processes']} | {r['claims']} | {r['seconds']} "
                     f"| {r['claims_per_s']} | {c['p50']} | {c['p90']} | {c['p99']} | {c['max']} "
                     f"| {e['p50']} | {e['p99']} | {r['double_holds']} | {r['lost_attempts']} "
                     f"| {r['unended_attempts']} | {r['leases_lost']} |")
    (out / "queue.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
