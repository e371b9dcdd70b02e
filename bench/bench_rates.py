"""Benchmark: all sixteen AAPOR rates by item × district, counted in SQL.

One command: ``python bench/bench_rates.py`` (``--pg URL`` for a PostgreSQL server of
your own; else a throwaway one is started with ``scripts/pg-throwaway.sh`` when
Debian's postgresql package is installed; ``--only sqlite|postgresql``).

Data (seeded, generated with bulk inserts, about a minute per database): 100,000
released cases of one wave (each covering 1–3 of 103 items, ~150,000 case items, 16
districts, 30 departments), 1,000,000 ended attempts (10 a case on average, by 50
callers on 3 lines over 20 days), 55 % of the cases closed with a final group and
45 % open (their group derived from their attempts in SQL), 1–2 numbers a case.

Timed: :func:`callcentre.services.rates.outcome_rates` with ``by=item,district`` (the
refresh of the per-case outcome cache, the SQL counts, the pivot and ``aapor_rates`` on
the arrays; the grand total is a second statement within the same call): the first
computation, which builds the cache from all attempts, then the wall-clock median of 7
computations, each after 100 more ended attempts and one call in progress were added
(fieldwork going on: the refresh reads those and the newest 200 again). Also shown:
``by=caller,day`` (the groupings that find the attempt behind
each case). Target: ≤ 300 ms for item × district on both databases.

Writes ``bench/results/rates.json`` and ``bench/results/rates.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text
from sqlmodel import Session

from callcentre.db.engine import bulk_insert, open_engine
from callcentre.fieldwork.dispositions import DISPOSITIONS

CASES, ATTEMPTS, ITEMS, DISTRICTS, DEPARTMENTS, CALLERS = 100_000, 1_000_000, 103, 16, 30, 50
LINES = ("96599966", "96599977", "96599988")
# attempt outcomes in the field, with their shares
OUTCOMES = {"no_answer": 0.38, "busy": 0.14, "appointment_soft": 0.08, "respondent_away": 0.07,
            "complete": 0.07, "refusal_soft": 0.05, "partial": 0.03, "not_working": 0.04,
            "technical": 0.03, "abandoned": 0.03, "refusal_hard": 0.02, "voicemail": 0.03,
            "enterprise_closed": 0.01, "fax": 0.01, "wrong_enterprise": 0.01}
FINAL = {"I": 0.35, "R": 0.15, "NC": 0.15, "UH": 0.2, "NE": 0.1, "P": 0.03, "O": 0.02}
RUNS = 7


def _copy(conn, table: str, columns: list[str], rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    """Bulk insert: COPY on PostgreSQL, multi-row INSERTs on SQLite."""
    if conn.dialect.name == "postgresql":
        raw = conn.connection.dbapi_connection
        cols = ", ".join(f'"{c}"' for c in columns)
        with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as cp:
            for r in rows:
                cp.write_row(r)
    else:
        for start in range(0, len(rows), 50_000):
            bulk_insert(conn, table, columns, rows[start:start + 50_000])


def generate(url: str, seed: int = 20261202) -> tuple[object, object]:
    """Create the schema and the data; returns (engine, actor)."""
    from callcentre.services.accounts import actor_for_os_account

    rng = np.random.default_rng(seed)
    engine = open_engine(url)
    with Session(engine) as s:
        identity = actor_for_os_account(session=s, os_account="bench")
        assert identity is not None
        actor = identity.actor
    now = datetime(2026, 12, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO wave (id, code, name, created_at) VALUES "
                          "(1, '2021', '', :t)"), {"t": now})
        _copy(conn, "department", ["id", "name", "contact_name", "contact_phone"],
              [(i + 1, f"部门{i + 1}", "", "") for i in range(DEPARTMENTS)])
        _copy(conn, "item", ["id", "wave_id", "number", "area_number", "area_name", "text",
                             "lead_unit"],
              [(i + 1, 1, i + 1, i // 5 + 1, f"领域{i // 5 + 1}", "", "") for i in range(ITEMS)])
        _copy(conn, "useraccount", ["id", "username", "display_name", "role", "active",
                                    "refusal_converter", "password_hash", "failed_logins",
                                    "created_at"],
              [(1000 + i, f"caller{i}", f"调研员{i}", "caller", True, False, "", 0, now)
               for i in range(CALLERS)])
        _copy(conn, "sampledesign", ["id", "wave_id", "name", "stratify_by", "method", "target",
                                     "seed", "software_version", "params", "frame_units",
                                     "frame_digest", "status", "created_at"],
              [(1, 1, "main", '["item"]', "proportional", CASES, seed, "", "{}", 0, "", "drawn",
                now)])
        _copy(conn, "samplestratum", ["id", "design_id", "position", "label", "stratum_values",
                                      "population", "size", "reserve", "replicate_size",
                                      "replicates", "released_replicates", "released"],
              [(i + 1, 1, i, f"item={i + 1}", "{}", 1000, 100, 0, 1, 0, 0, 100)
               for i in range(ITEMS)])
        districts = [f"1201{c:02d}" for c in (1, 2, 3, 4, 5, 6, 10, 11, 12, 13, 14, 15, 16, 17,
                                             18, 19)]
        ent_district = rng.integers(0, DISTRICTS, CASES)
        _copy(conn, "enterprise", ["id", "name", "name_key", "district_code", "phones",
                                   "conflicts", "created_at"],
              [(i + 1, f"企业{i + 1}", "", districts[ent_district[i]], "[]", "{}", now)
               for i in range(CASES)])
        replicate = (rng.random(CASES) < 0.1).astype(int)
        _copy(conn, "samplecase", ["id", "design_id", "wave_id", "enterprise_id", "replicate",
                                   "n_items", "status", "created_at"],
              [(i + 1, 1, 1, i + 1, int(replicate[i]), 1, "called", now) for i in range(CASES)])
        # case items: 1-3 distinct items a case
        n_items = rng.choice([1, 2, 3], CASES, p=[0.6, 0.3, 0.1])
        memberships, units, case_items = [], [], []
        uid = 0
        for case in range(CASES):
            for item in rng.choice(ITEMS, n_items[case], replace=False):
                uid += 1
                dept = int(item) % DEPARTMENTS + 1
                memberships.append((uid, 1, case + 1, int(item) + 1, dept))
                units.append((uid, 1, int(item) + 1, uid, case + 1, int(item) + 1, str(case),
                              0.5, case, 0, True, case + 1))
                case_items.append((uid, case + 1, uid, int(item) + 1))
        _copy(conn, "itemmembership", ["id", "wave_id", "enterprise_id", "item_id",
                                       "department_id"], memberships)
        _copy(conn, "sampleunit", ["id", "design_id", "stratum_id", "membership_id",
                                   "enterprise_id", "item_id", "prn_key", "prn", "rank",
                                   "replicate", "released", "case_id"], units)
        _copy(conn, "samplecaseitem", ["id", "case_id", "unit_id", "item_id"], case_items)
        # the queue: 55 % closed with a final group
        closed = rng.random(CASES) < 0.55
        finals = rng.choice(list(FINAL), CASES, p=list(FINAL.values()))
        _copy(conn, "casequeue", ["case_id", "wave_id", "design_id", "status", "priority",
                                  "converter_only", "waiting_since", "appt_hard", "attempts",
                                  "contacted", "final_group", "updated_at"],
              [(i + 1, 1, 1, "closed" if closed[i] else "open", 0, False, now, False, 0,
                False, str(finals[i]) if closed[i] else None, now) for i in range(CASES)])
        phones = rng.choice([1, 2], CASES, p=[0.7, 0.3])
        _copy(conn, "casephone", ["case_id", "position", "e164", "attempts", "dead"],
              [(i + 1, p, f"+8622{i:07d}{p}", 0, False) for i in range(CASES)
               for p in range(phones[i])])
        # attempts: cases drawn with replacement, ordered by case then time
        keys = list(OUTCOMES)
        share = np.array(list(OUTCOMES.values()))
        outcome = rng.choice(len(keys), ATTEMPTS, p=share / share.sum())
        case_of = np.sort(rng.integers(1, CASES + 1, ATTEMPTS))
        start = now + timedelta(hours=1)
        minutes = rng.integers(0, 20 * 24 * 60, ATTEMPTS)
        callers = rng.integers(0, CALLERS, ATTEMPTS)
        lines = rng.integers(0, len(LINES), ATTEMPTS)
        ds = [DISPOSITIONS.get(k) for k in keys]
        rows = []
        for n in range(ATTEMPTS):
            d = ds[outcome[n]]
            at = start + timedelta(minutes=int(minutes[n]))
            rows.append((n + 1, int(case_of[n]), 1, 1000 + int(callers[n]), LINES[lines[n]],
                         0, at, at, d.key, d.code, d.group.value, d.key == "abandoned", ""))
        _copy(conn, "callattempt", ["id", "case_id", "wave_id", "caller_id", "line", "number",
                                    "started_at", "ended_at", "disposition", "code", "group",
                                    "abandoned", "note"], rows)
        if conn.dialect.name == "postgresql":
            for table in ("department", "item", "useraccount", "sampledesign", "samplestratum",
                          "enterprise", "samplecase", "itemmembership", "sampleunit",
                          "samplecaseitem", "casephone", "callattempt", "wave"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    print(f"  generated in {time.perf_counter() - t0:.0f} s", flush=True)
    return engine, actor


def more_fieldwork(engine, rng, n: int = 100) -> None:  # type: ignore[no-untyped-def]
    """``n`` more ended attempts and one call in progress (between timed runs)."""
    keys = list(OUTCOMES)
    at = datetime(2026, 12, 21, 2, tzinfo=UTC)
    with engine.begin() as conn:
        top = conn.execute(text("SELECT max(id) FROM callattempt")).scalar()
        rows = []
        for k in range(n + 1):
            d = DISPOSITIONS.get(keys[int(rng.integers(len(keys)))])
            ended = k < n
            rows.append((top + k + 1, int(rng.integers(1, CASES + 1)), 1, 1000, LINES[0], 0,
                         at, at if ended else None, d.key if ended else None,
                         d.code if ended else None, d.group.value if ended else None,
                         False, ""))
        _copy(conn, "callattempt", ["id", "case_id", "wave_id", "caller_id", "line", "number",
                                    "started_at", "ended_at", "disposition", "code", "group",
                                    "abandoned", "note"], rows)
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT setval(pg_get_serial_sequence('callattempt', 'id'), "
                              "(SELECT max(id) FROM callattempt))"))


def measure(engine, actor, by: tuple[str, ...]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """The first computation (builds the outcome cache), then RUNS computations each
    after 100 more attempts and one call in progress (the refresh reads them, and the
    newest 200 again)."""
    from callcentre.services.rates import outcome_rates

    rng = np.random.default_rng(7)

    def once() -> tuple[float, float, int]:
        with Session(engine) as s:
            t, c = time.perf_counter(), time.process_time()
            res = outcome_rates(session=s, actor=actor, wave="2021", by=by)
            elapsed, cpu = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
        assert res.total.cases == CASES
        return elapsed, cpu, len(res.rows)

    first, _, groups = once()
    times, cpus = [], []
    for _ in range(RUNS):
        more_fieldwork(engine, rng)
        wall, cpu, _ = once()
        times.append(wall)
        cpus.append(cpu)
    return {"groups": groups, "first_ms": round(first, 1),
            "median_ms": round(statistics.median(times), 1),
            "median_cpu_ms": round(statistics.median(cpus), 1),
            "runs_ms": [round(t, 1) for t in times],
            "load_average": os.getloadavg()[0]}


def run_one(name: str, url: str) -> dict[str, object]:
    print(f"{name}: generating {CASES:,} cases and {ATTEMPTS:,} attempts …", flush=True)
    engine, actor = generate(url)
    out: dict[str, object] = {}
    for by in (("item", "district"), ("caller", "day")):
        r = measure(engine, actor, by)
        runs = ", ".join(f"{t:.0f}" for t in r["runs_ms"])  # type: ignore[attr-defined]
        print(f"  by {','.join(by)}: {r['groups']} groups, first {r['first_ms']:.0f} ms, "
              f"median {r['median_ms']:.0f} ms (runs {runs}), this process's CPU "
              f"{r['median_cpu_ms']:.0f} ms, load average {r['load_average']:.1f}", flush=True)
        out[",".join(by)] = r
    engine.dispose()  # type: ignore[attr-defined]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pg", help="PostgreSQL admin URL (default: a throwaway server)")
    ap.add_argument("--only", choices=["sqlite", "postgresql"])
    args = ap.parse_args(argv)
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    results: dict[str, object] = {"cases": CASES, "attempts": ATTEMPTS, "runs": RUNS,
                                  "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                                  "python": platform.python_version()}
    if args.only != "postgresql":
        db = data / "rates-bench.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        results["sqlite"] = run_one("SQLite", f"sqlite:///{db}")
    if args.only != "sqlite":
        pgtmp = None
        admin = args.pg or os.environ.get("CALLCENTRE_TEST_PG_URL")
        if not admin:
            out = subprocess.run([str(ROOT / "scripts" / "pg-throwaway.sh")], check=True,
                                 capture_output=True, text=True).stdout
            admin = out.split("CALLCENTRE_TEST_PG_URL=")[1].split()[0]
            pgtmp = out.split("PGTMP=")[1].split()[0]
        import psycopg

        try:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS cc_bench_rates WITH (FORCE)")
                conn.execute("CREATE DATABASE cc_bench_rates")
            results["postgresql"] = run_one(
                "PostgreSQL", admin.rsplit("/", 1)[0] + "/cc_bench_rates")
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS cc_bench_rates WITH (FORCE)")
        finally:
            if pgtmp:
                subprocess.run([str(ROOT / "scripts" / "pg-throwaway.sh"), "stop", pgtmp],
                               check=False)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "rates.json").write_text(json.dumps(results, indent=2) + "\n")
    lines = ["# AAPOR rates in SQL", "",
             (f"{CASES:,} released cases, {ATTEMPTS:,} attempts; median of {RUNS} runs "
             f"(wall clock, ms); `python bench/bench_rates.py`; {results['machine']}."), "",
             "CPU: this process's (all of SQLite's work; for PostgreSQL the client's only).", "",
             ("| database | grouping | groups | first (cache built) ms | median ms | "
             "median CPU ms | load avg | target |"),
             "|---|---|---|---|---|---|---|---|"]
    for dbname in ("sqlite", "postgresql"):
        per = results.get(dbname)
        if isinstance(per, dict):
            for by, r in per.items():
                target = "≤ 300" if by == "item,district" else ""
                lines.append(f"| {dbname} | {by} | {r['groups']} | {r['first_ms']} | "
                             f"{r['median_ms']} | {r['median_cpu_ms']} | "
                             f"{r['load_average']:.1f} | {target} |")
    (HERE / "results" / "rates.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
