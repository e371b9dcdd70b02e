#!/usr/bin/env python
"""Validation time of a large XLSForm: N questions, each with relevant and constraint.

    python bench/bench_xlsform.py [--rows 10000] [--repeat 3]

Target (issue 15): 10,000 rows in under 2 s, and linear in rows (the time per row at
N and at 2N within a factor of 1.5). Before, ``check_expression`` rebuilt the set of
known names for every expression: 5.8 s at 5k rows, 17 s at 10k, 90 s at 20k.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from questionnaires.expressions import compile_expression
from questionnaires.xlsform import check_sheets


def survey(rows: int) -> list[list[str]]:
    """A survey of ``rows`` integer questions; each from the second on is relevant when
    the one before is answered above a threshold, and constrains its own answer."""
    out = [["type", "name", "label", "relevant", "constraint", "calculation"]]
    for i in range(rows):
        relevant = f"${{q{i - 1}}} > {i % 7}" if i else ""
        out.append(["integer", f"q{i}", f"问题 {i}", relevant, f". >= 0 and . <= {100 + i}", ""])
    return out


def time_validation(rows: int) -> tuple[float, float]:
    """Wall and CPU seconds of one validation (CPU: this machine is shared, and others'
    work stretches wall time, not CPU time)."""
    sheets = {"survey": survey(rows)}
    compile_expression.cache_clear()   # each run parses its expressions afresh
    start, cpu = time.perf_counter(), time.process_time()
    form, issues = check_sheets(sheets, source="bench")
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if form is None or issues:
        raise SystemExit(f"the generated form is invalid: {issues[:3]}")
    return elapsed, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    runs = {n: [time_validation(n) for _ in range(args.repeat)]
            for n in (args.rows, 2 * args.rows)}
    best = {n: min(wall for wall, _ in r) for n, r in runs.items()}
    cpu = {n: min(c for _, c in r) for n, r in runs.items()}
    n, n2 = args.rows, 2 * args.rows
    per, per2 = cpu[n] / n * 1e6, cpu[n2] / n2 * 1e6
    print(f"{n:,} rows: {best[n]:.2f} s wall, {cpu[n]:.2f} s CPU ({per:.0f} µs/row); "
          f"{n2:,} rows: {best[n2]:.2f} s wall, {cpu[n2]:.2f} s CPU ({per2:.0f} µs/row); "
          f"target under 2 s at 10,000: {'met' if cpu[n] < 2 else 'NOT met'} (CPU); "
          f"per-row ratio {per2 / per:.2f} (linear: about 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
