"""Benchmark: the pure fieldwork rules (scheduler decisions and AAPOR rates).

One command: ``python bench/bench_fieldwork.py``. Seeded; a few seconds.

* ``decide`` per case, for case states met in the field (fresh; after four no-answers
  on two numbers; with a due hard appointment; outside calling hours, where the
  search steps over the night): microseconds per call, the median of 5 runs. The
  fieldwork simulator calls it once per simulated attempt, the claim once per claim.
  Times are CPU seconds of this process (the machine is shared; wall time varies).
* ``aapor_rates`` over 103 items × 16 districts = 1,648 groups (the counts as the
  database's GROUP BY returns them): milliseconds for all sixteen rates.

Writes ``bench/results/fieldwork.json`` and ``bench/results/fieldwork.md``.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from callcentre.fieldwork.case import (
    Appointment,
    Attempt,
    CaseState,
    PhoneNumber,
    record_attempt,
)
from callcentre.fieldwork.hours import CallingTimes
from callcentre.fieldwork.rates import COUNT_NAMES, aapor_rates
from callcentre.fieldwork.rules import decide

SH = ZoneInfo("Asia/Shanghai")
REPEATS = 5
CALLS = 2_000


def L(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SH).astimezone(UTC)  # type: ignore[misc]


def states() -> dict[str, tuple[CaseState, datetime]]:
    two = (PhoneNumber("+8613800000001"), PhoneNumber("+862200000002"))
    fresh = CaseState(numbers=two, released_at=L(2026, 11, 30, 8, 0))
    tried = fresh
    for i, start in enumerate([L(2026, 12, 1, 9, 10), L(2026, 12, 1, 14, 0),
                               L(2026, 12, 2, 9, 10), L(2026, 12, 2, 14, 0)]):
        tried = record_attempt(tried, Attempt(start, "no_answer", i % 2,
                                              start + timedelta(minutes=1)))
    appt = record_attempt(fresh, Attempt(L(2026, 12, 1, 10, 0), "appointment_hard", 0,
                                         L(2026, 12, 1, 10, 3)),
                          appointment=Appointment(L(2026, 12, 3, 10, 0), hard=True))
    return {
        "fresh, in hours": (fresh, L(2026, 12, 3, 10, 0)),
        "4 no-answers, 2 numbers": (tried, L(2026, 12, 3, 10, 0)),
        "due hard appointment": (appt, L(2026, 12, 3, 10, 0)),
        "fresh, at night (search)": (fresh, L(2026, 12, 4, 20, 0)),
    }


def per_call_us(fn: Callable[[], object]) -> float:
    runs = []
    for _ in range(REPEATS):
        t0 = time.process_time()
        for _ in range(CALLS):
            fn()
        runs.append((time.process_time() - t0) / CALLS * 1e6)
    return float(np.median(runs))


def main() -> None:
    times = CallingTimes()
    decide_us = {}
    for name, (state, now) in states().items():
        decide(state, now, times=times)                     # warm the calendar caches
        decide_us[name] = per_call_us(lambda s=state, n=now: decide(s, n, times=times))
    rng = np.random.default_rng(20261202)
    groups = 103 * 16
    counts = {name: rng.integers(0, 60, groups) for name in COUNT_NAMES}
    runs = []
    for _ in range(REPEATS):
        t0 = time.process_time()
        aapor_rates(counts)
        runs.append((time.process_time() - t0) * 1e3)
    rates_ms = float(np.median(runs))
    result = {"decide_us": decide_us, "rates_ms_1648_groups": rates_ms,
              "python": platform.python_version(), "machine": platform.machine()}
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "fieldwork.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = ["# Fieldwork rules benchmark", "",
             f"Median of {REPEATS} runs of {CALLS} calls; Python {platform.python_version()}.",
             "", "| decide() for a case | µs per call |", "|---|---:|"]
    lines += [f"| {name} | {us:.0f} |" for name, us in decide_us.items()]
    lines += ["", f"aapor_rates, all 16 rates for {groups} groups: {rates_ms:.2f} ms", ""]
    (HERE / "results" / "fieldwork.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
