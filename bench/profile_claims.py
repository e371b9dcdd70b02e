"""CPU and wall time per claim and per end of call, one process, no contention.

    .venv/bin/python bench/profile_claims.py sqlite:////tmp/claims.db 400
    NOPROF=1 .venv/bin/python bench/profile_claims.py postgresql://…/db 400

Seeds the queue (as ``bench_queue.py``; a SQLite file is made anew), warms up with 20
claims, then times N claims and ends (``time.process_time``: this process's CPU; on
PostgreSQL the server's is not counted) and, unless ``NOPROF`` is set, profiles the
first half of the claims with cProfile (top 35 functions by cumulative time).
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_queue as bq
from sqlmodel import Session

from callcentre.db.engine import open_engine
from callcentre.fieldwork.rules import default_times
from callcentre.services import accounts
from callcentre.services import queue as qs

LINE = "96599966"


def main() -> None:
    url, n = sys.argv[1], int(sys.argv[2])
    profile = not os.environ.get("NOPROF")
    if url.startswith("sqlite"):
        db = url.split(":///")[1]
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    bq.seed(url, n + 50, 1)
    engine = open_engine(url)
    conf = bq.settings(5)
    t0 = default_times().next_day_start(datetime.now(UTC)) + timedelta(minutes=30)
    pr = cProfile.Profile()
    claim_wall = claim_cpu = end_wall = end_cpu = 0.0
    with Session(engine) as s:
        actor = accounts.get_actor(session=s, username="bench0")
        qs.start_session(session=s, actor=actor, line=LINE, settings=conf)
        for i in range(20 + n):
            timed = i >= 20
            on = timed and profile and i < 20 + n // 2
            a, b = time.perf_counter(), time.process_time()
            if on:
                pr.enable()
            got = qs.claim_next_case(session=s, actor=actor, line=LINE, now=t0, settings=conf)
            if on:
                pr.disable()
            assert got is not None
            if timed:
                claim_wall += time.perf_counter() - a
                claim_cpu += time.process_time() - b
            a, b = time.perf_counter(), time.process_time()
            qs.end_attempt(session=s, actor=actor, case_id=got.case_id, disposition="busy",
                           now=t0, settings=conf)
            if timed:
                end_wall += time.perf_counter() - a
                end_cpu += time.process_time() - b
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"claim wall {claim_wall / n * 1000:.2f} ms cpu {claim_cpu / n * 1000:.2f} ms; "
          f"end wall {end_wall / n * 1000:.2f} ms cpu {end_cpu / n * 1000:.2f} ms; "
          f"load {load}")
    if profile:
        pstats.Stats(pr).sort_stats("cumulative").print_stats(35)


if __name__ == "__main__":
    main()
