#!/usr/bin/env python
"""Compare the import of this tree with another git revision, runs interleaved.

    python bench/ab_import.py REV [REV ...] [--repeat 3]

The machines this project is measured on drift by 10-25 % within minutes, so two
benchmark runs made apart cannot tell a 5 % change from noise. Here the two trees
import the same benchmark files (``bench/data/lists``, made by ``bench_import.py``)
in turns, A B A B …, so both see the same drift; each run is a fresh process and a
fresh SQLite file. REV is checked out into a temporary git worktree. With several
revisions (``d4e1469 main``) each round runs every one of them and this tree in turn,
and this tree is compared with each: one set of runs gives all the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run_import(code: Path, data: Path) -> dict[str, float]:
    """One end-to-end import with callcentre taken from ``code``."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [sys.executable, str(HERE / "bench_import.py"), "--phase", "import",
             "--code", str(code), "--data", str(data), "--db", str(Path(tmp) / "ab.db")],
            capture_output=True, text=True, check=False, cwd=code)
    if out.returncode != 0:
        raise SystemExit(f"import with the code of {code} failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("revs", nargs="+", metavar="rev",
                    help="the git revision(s) to compare with (e.g. main~3)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each tree (default 3)")
    ap.add_argument("--data", type=Path, default=HERE / "data" / "lists")
    args = ap.parse_args(argv)
    if not (args.data / "manifest.csv").is_file():
        raise SystemExit(f"no benchmark data in {args.data}: run bench/bench_import.py first")
    data = args.data.resolve()
    this = "this tree"
    with tempfile.TemporaryDirectory() as tmp:
        trees = [(rev, Path(tmp) / f"other{i}") for i, rev in enumerate(args.revs)]
        try:
            for rev, other in trees:
                subprocess.run(["git", "worktree", "add", "--detach", "-q", str(other), rev],
                               cwd=ROOT, check=True)
            runs: dict[str, list[dict[str, float]]] = {rev: [] for rev in args.revs}
            runs[this] = []
            for i in range(args.repeat):
                for label, code in (*trees, (this, ROOT)):
                    r = run_import(code, data)
                    runs[label].append(r)
                    print(f"run {i + 1}  {label:>12}  {r['seconds']:7.2f} s wall  "
                          f"{r['cpu_s']:7.2f} s CPU  load {os.getloadavg()[0]:.1f}", flush=True)
        finally:
            for _rev, other in trees:
                subprocess.run(["git", "worktree", "remove", "--force", str(other)], cwd=ROOT,
                               check=False)
    med = {k: statistics.median(r["seconds"] for r in v) for k, v in runs.items()}
    cpu = {k: statistics.median(r["cpu_s"] for r in v) for k, v in runs.items()}
    for rev in args.revs:
        print(f"median wall: {rev} {med[rev]:.2f} s, this tree {med[this]:.2f} s "
              f"({med[this] / med[rev] - 1:+.1%}); median CPU: {cpu[rev]:.2f} s, "
              f"{cpu[this]:.2f} s ({cpu[this] / cpu[rev] - 1:+.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
