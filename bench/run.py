"""Run every benchmark (bench/bench_*.py) in turn: ``python bench/run.py [NAME ...]``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    rc = 0
    for name in names:
        script = HERE / f"bench_{name}.py"
        print(f"=== {name} ===", flush=True)
        rc |= subprocess.call([sys.executable, str(script)])
    return rc


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
