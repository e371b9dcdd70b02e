"""Benchmark: the caller TUI's answer latency and start-up time.

One command (starts a throwaway PostgreSQL unless ``CALLCENTRE_TEST_PG_URL`` names a
server; SQLite files under ``bench/data/``)::

    .venv/bin/python bench/bench_tui.py                 # both parts, both databases
    .venv/bin/python bench/bench_tui.py --answers 400 --only sqlite --starts 10

**Answer latency** (target p95 ≤ 50 ms): the TUI driven by Textual's Pilot on a seeded
database (``tests/tui_support.build_seed``: a drawn sample, the questionnaires of items
1–3, two callers), logged in, whole interviews one after another (each finished,
recorded as complete, the next case taken) until ``--answers`` answers were keyed.
For each question the choice key (or the typed value) is pressed untimed; then the
clock runs from the Enter that confirms it until both (a) the next question is drawn
(``pilot.press`` returns once the screen has processed the key and refreshed, and the
screen's prompt is the next one) and (b) the answer saver has written that answer to
the database (its own thread, its own transaction). Reported: p50 / p95 / max of that
time, of the draw alone and of the save alone, and the process CPU time per answer.

**Start-up** (target ≤ 1.5 s): ``callcentre --db FILE tui`` started ``--starts`` times
in a pseudo-terminal of 80×24; the clock runs from the spawn until the log-in screen's
title has been written to the terminal. ``python -X importtime`` of the same start-up
path lists the slowest imports.

Writes ``bench/results/tui.json`` and ``bench/results/tui.md`` (with the load average).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import platform
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from callcentre.i18n import t
from tests.tui_support import app_for, build_seed, keys_for, settle, to_case

T_FMT = "%Y-%m-%d %H:%M"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    return {"p50": round(pct(values, 50) * 1000, 1), "p95": round(pct(values, 95) * 1000, 1),
            "max": round(max(values) * 1000, 1) if values else float("nan")}


# --- answer latency -------------------------------------------------------------------

class SaveClock:
    """When the saver reached each count of saved answers: its ``on_change`` is called
    from the saver's thread right after each write, so it is timed there, not when the
    screen hears of it."""

    def __init__(self, saver: Any) -> None:
        self.saver = saver
        self.at: dict[int, float] = {}
        report = saver._on_change

        def timed(state: Any) -> None:
            self.at.setdefault(state.saved, time.perf_counter())
            report(state)

        saver._on_change = timed

    async def wait(self, count: int, timeout: float = 60.0) -> float:
        """The moment ``count`` answers had been written (waiting for it if need be)."""
        deadline = time.perf_counter() + timeout
        while count not in self.at:
            if self.saver.failed:
                raise RuntimeError(f"save failed: {self.saver.failed}")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"answer {count} not saved after {timeout} s")
            await asyncio.sleep(0.0005)
        return self.at[count]


async def _drive(url: str, engine: Any, answers: int) -> dict[str, Any]:
    app = app_for(url, engine)
    total: list[float] = []
    draw: list[float] = []
    save: list[float] = []
    interviews = 0
    async with app.run_test(size=(80, 24)) as pilot:
        await to_case(pilot)
        cpu0 = time.process_time()
        wall0 = time.perf_counter()
        while len(total) < answers:
            assert type(app.screen).__name__ == "CaseScreen", type(app.screen).__name__
            await pilot.press("s")
            await settle(pilot)
            assert app.saver is not None
            clock = SaveClock(app.saver)
            saved_base = app.saver.saved
            keyed = 0
            while (prompt := app.screen.prompt) is not None:
                keys = keys_for(prompt)
                if prompt.type == "note":
                    await pilot.press(*keys)
                    continue
                *first, confirm = keys
                if first:
                    await pilot.press(*first)
                started = time.perf_counter()
                await pilot.press(confirm)
                drawn = time.perf_counter() - started
                if app.screen.prompt is prompt:
                    raise RuntimeError(f"{prompt.name}: not accepted ({keys})")
                keyed += 1
                saved = await clock.wait(saved_base + keyed) - started
                draw.append(drawn)
                save.append(saved)
                total.append(max(drawn, saved))
            interviews += 1
            await pilot.press("enter")                  # the outcome picker: complete
            await settle(pilot)
            await pilot.press("enter")                  # record it; the next case
            await settle(pilot)
            await settle(pilot)
        cpu = time.process_time() - cpu0
        wall = time.perf_counter() - wall0
    return {"answers": len(total), "interviews": interviews, "total_ms": summary(total),
            "draw_ms": summary(draw), "save_ms": summary(save),
            "cpu_ms_per_answer": round(cpu / len(total) * 1000, 1),
            "wall_s": round(wall, 1)}


def latency(database: str, url: str, answers: int) -> dict[str, Any]:
    engine = build_seed(url)
    try:
        out = asyncio.run(_drive(url, engine, answers))
    finally:
        engine.dispose()
    out["database"] = database
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


# --- start-up -------------------------------------------------------------------------

def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_once(db: Path, marker: bytes, env: dict[str, str],
                timeout: float = 60.0) -> tuple[float, float]:
    """Seconds from spawning ``callcentre tui`` in an 80×24 pty until ``marker`` is
    written, and the CPU seconds the process used by then (what the wall time would
    be on an idle machine, near enough); then the app is quit with Ctrl+Q."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    exe = str(Path(sys.executable).with_name("callcentre"))
    started = time.perf_counter()
    proc = subprocess.Popen([exe, "--db", f"sqlite:///{db}", "tui"], stdin=slave,
                            stdout=slave, stderr=slave, env=env, close_fds=True,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    elapsed = cpu = float("nan")
    try:
        deadline = started + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            seen += chunk
            if marker in seen:
                elapsed = time.perf_counter() - started
                cpu = _cpu_seconds(proc.pid)
                break
        if elapsed != elapsed:
            raise RuntimeError(f"no log-in screen after {timeout} s: {seen[-500:]!r}")
        os.write(master, b"\x11")                       # Ctrl+Q
        end = time.perf_counter() + 10
        while proc.poll() is None and time.perf_counter() < end:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    finally:
        os.close(master)
    return elapsed, cpu


def _import_profile(env: dict[str, str], top: int = 12) -> dict[str, Any]:
    """``python -X importtime`` of the start-up path: total and the slowest packages."""
    code = ("import callcentre.cli, callcentre.cli.tui_cmd; "
            "from callcentre.tui.app import CallerApp; "
            "from callcentre.tui.screens.login import LoginScreen")
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", code], env=env,
                         capture_output=True, text=True, check=True).stderr
    top_level = []
    for line in err.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cumulative, name = line.split(":", 1)[1].split("|")
        if not name.startswith("  "):          # a module imported by the code itself
            top_level.append((int(cumulative), name.strip()))
    return {"total_ms": round(sum(c for c, _ in top_level) / 1000, 1),
            "slowest": [{"module": n, "cumulative_ms": round(c / 1000, 1)}
                        for c, n in sorted(top_level, reverse=True)[:top]]}


def startup(runs: int) -> dict[str, Any]:
    data = HERE / "data"
    data.mkdir(exist_ok=True)
    db = data / "bench-tui-start.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    build_seed(f"sqlite:///{db}").dispose()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCENTRE_")}
    env.update({"CALLCENTRE_LANG": "zh", "TERM": "xterm-256color", "LANG": "C.UTF-8"})
    marker = t("tui.login.title", lang="zh").encode("utf-8")
    measured = [_start_once(db, marker, env) for _ in range(runs)]
    times = [wall for wall, _ in measured]
    cpus = [cpu for _, cpu in measured]
    out = {"runs": runs, "start_s": {"min": round(min(times), 2),
                                     "p50": round(pct(times, 50), 2),
                                     "max": round(max(times), 2)},
           "start_cpu_s": {"min": round(min(cpus), 2), "p50": round(pct(cpus, 50), 2),
                           "max": round(max(cpus), 2)},
           "imports": _import_profile(env)}
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return out


# --- main -----------------------------------------------------------------------------

def reference_cpu_ms() -> float:
    """CPU time of a fixed pure-Python loop: how fast this machine runs Python right now,
    to compare figures from different machines or moments by."""
    started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return round((time.process_time() - started) * 1000, 1)


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
    ap.add_argument("--answers", type=int, default=200, help="answers timed per database")
    ap.add_argument("--starts", type=int, default=5, help="start-ups timed")
    ap.add_argument("--only", choices=("sqlite", "postgresql", "startup"))
    args = ap.parse_args()
    load_before = os.getloadavg()
    reference = [reference_cpu_ms()]
    runs = []
    if args.only in (None, "sqlite"):
        data = HERE / "data"
        data.mkdir(exist_ok=True)
        db = data / "bench-tui.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        runs.append(latency("sqlite", f"sqlite:///{db}", args.answers))
    if args.only in (None, "postgresql"):
        import psycopg

        admin, tmp = start_pg()
        try:
            name = f"bench_tui_{os.getpid()}"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
            runs.append(latency("postgresql", f"{admin.rsplit('/', 1)[0]}/{name}",
                                args.answers))
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            if tmp:
                subprocess.run([str(ROOT / "scripts" / "pg-throwaway.sh"), "stop", tmp],
                               check=False)
    start = startup(args.starts) if args.only in (None, "startup") else None
    load_after = os.getloadavg()
    reference.append(reference_cpu_ms())
    report = {"when": datetime.now(UTC).strftime(T_FMT), "machine": platform.platform(),
              "cpus": os.cpu_count(), "python": platform.python_version(),
              "command": " ".join(["bench/bench_tui.py", *sys.argv[1:]]),
              "load_before": [round(x, 1) for x in load_before],
              "load_after": [round(x, 1) for x in load_after],
              "reference_cpu_ms": reference,
              "latency": runs, "startup": start}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    (out / "tui.json").write_text(json.dumps(report, ensure_ascii=False, indent=1))
    write_markdown(report, out / "tui.md")
    print(json.dumps({k: report[k] for k in ("command", "load_before", "load_after")}))


NOTES = "<!-- notes: kept when the figures above are written again -->"


def write_markdown(report: dict[str, Any], path: Path) -> None:
    """The figures as a table; whatever follows ``NOTES`` in an existing file is kept."""
    kept = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if NOTES in old:
            kept = old.split(NOTES, 1)[1]
    lines = ["# Caller TUI: answer latency and start-up", "",
             (f"`{report['command']}` on {report['machine']}, {report['cpus']} CPUs, Python "
              f"{report['python']}, {report['when']} UTC; load average (1, 5, 15 min) "
              f"{report['load_before']} before, {report['load_after']} after. Reference "
              f"loop (`reference_cpu_ms`, to compare machines by): "
              f"{report['reference_cpu_ms']} ms CPU before / after."), ""]
    if report["latency"]:
        lines += ["Key press → answer saved → next question drawn (Pilot, 80×24; targets: "
                  "p95 ≤ 50 ms):", "",
                  "| database | answers | interviews | total p50 ms | p95 | max | drawn p50 ms "
                  "| p95 | saved p50 ms | p95 | CPU ms / answer |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in report["latency"]:
            tot, drw, sav = r["total_ms"], r["draw_ms"], r["save_ms"]
            lines.append(f"| {r['database']} | {r['answers']} | {r['interviews']} | {tot['p50']} "
                         f"| {tot['p95']} | {tot['max']} | {drw['p50']} | {drw['p95']} "
                         f"| {sav['p50']} | {sav['p95']} | {r['cpu_ms_per_answer']} |")
        lines.append("")
    start = report["startup"]
    if start:
        w, c = start["start_s"], start["start_cpu_s"]
        lines += [f"Start of `callcentre tui` to the log-in screen ({start['runs']} runs, "
                  "target ≤ 1.5 s): wall "
                  f"min {w['min']} s, median {w['p50']} s, max {w['max']} s; CPU of the "
                  f"process by then min {c['min']} s, median {c['p50']} s, max {c['max']} s.",
                  "", f"`python -X importtime` of that path: {start['imports']['total_ms']} ms "
                  "in all; the slowest modules it imports itself:", ""]
        lines += [f"- `{m['module']}` {m['cumulative_ms']} ms" for m in start["imports"]["slowest"]
                  if m["cumulative_ms"] >= 10]
        lines.append("")
    path.write_text("\n".join(lines) + "\n" + NOTES + (kept or "\n"), encoding="utf-8")


if __name__ == "__main__":
    if shutil.which("callcentre") is None and not Path(sys.executable).with_name(
            "callcentre").exists():
        raise SystemExit("run from the project's .venv (callcentre not installed)")
    main()
