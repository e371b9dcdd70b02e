#!/usr/bin/env python
"""Compare the 100-domain estimate of bench_sampling.py with another git revision's.

    python bench/ab_estimates.py REV [--rounds 5]

The same sample (the benchmark's 20,000 units, 2,000 strata, 100 item domains) is
estimated by REV's ``sampling.estimate_proportion`` and this tree's, in turns (A B A
B …) in one process, so both see the same machine load. Each round times 20 calls
of each; the report gives the median and best round, in wall and CPU time (CPU time
is steadier on a shared machine). REV's ``sampling/`` is taken with ``git archive``.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
import timeit
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def load_sampling(path: Path) -> ModuleType:
    """Import the ``sampling`` package found under ``path`` (a fresh copy)."""
    for name in [k for k in sys.modules if k == "sampling" or k.startswith("sampling.")]:
        del sys.modules[name]
    sys.path.insert(0, str(path))
    try:
        return importlib.import_module("sampling")
    finally:
        sys.path.remove(str(path))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("rev", help="the git revision to compare with (e.g. main)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "sampling.tar"
        subprocess.run(["git", "archive", "-o", str(archive), args.rev, "sampling"], cwd=ROOT,
                       check=True)
        with tarfile.open(archive) as tar:
            tar.extractall(Path(tmp) / "other", filter="data")
        sys.path.insert(0, str(HERE))
        import bench_sampling as bench

        mine = load_sampling(ROOT)
        frame = bench.make_frame()
        big_n, _n_h, _r_h, res = bench.ours_alloc_draw(frame)
        rng = bench.np.random.default_rng(bench.SEED + 1)
        rows = res.sample
        h = res.stratum_index[rows]
        y = (rng.random(rows.size) < frame["p_h"][h]).astype(float)
        w = (big_n / res.sizes)[h]
        item = h % 100
        other = load_sampling(Path(tmp) / "other")
        fns: dict[str, Any] = {args.rev: other.estimate_proportion,
                               "this tree": mine.estimate_proportion}
        times: dict[str, dict[str, list[float]]] = {k: {"wall": [], "cpu": []} for k in fns}
        for _ in range(args.rounds):
            for label, fn in fns.items():
                for clock, timer in (("wall", time.perf_counter), ("cpu", time.process_time)):
                    t = timeit.Timer(lambda fn=fn: fn(y, w, h, population_sizes=big_n,
                                                      domain=item), timer=timer)
                    times[label][clock].append(min(t.repeat(number=20, repeat=3)) / 20)
    for label, t in times.items():
        print(f"{label:>12}: wall median {statistics.median(t['wall']) * 1e3:.2f} ms, "
              f"best {min(t['wall']) * 1e3:.2f} ms; CPU median "
              f"{statistics.median(t['cpu']) * 1e3:.2f} ms, best {min(t['cpu']) * 1e3:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
