#!/usr/bin/env python
"""Write the import benchmark's list files (seeded, deterministic).

    python bench/make_lists.py --out bench/data/lists --rows 1000000 --files 20

Skips the work when ``--out`` already holds the files of the same parameters: the
parameters and generator version are kept in ``params.json`` beside ``manifest.csv``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

from callcentre.demo import generate_bench_lists
from callcentre.i18n import t

#: Bump when the generator's output changes, so old benchmark files are rebuilt.
GENERATOR_VERSION = 1


def up_to_date(out: Path, params: dict[str, int]) -> bool:
    """True when ``out`` holds every file of a run with these ``params``."""
    try:
        if json.loads((out / "params.json").read_text(encoding="utf-8")) != params:
            return False
        with open(out / "manifest.csv", encoding="utf-8", newline="") as fh:
            files = [row["file"] for row in csv.DictReader(fh)]
    except (OSError, ValueError, KeyError):
        return False
    return len(files) == params["files"] and all((out / f).is_file() for f in files)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("bench/data/lists"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--force", action="store_true", help="regenerate even when up to date")
    args = ap.parse_args(argv)
    params = {"rows": args.rows, "files": args.files, "seed": args.seed,
              "version": GENERATOR_VERSION}
    fmt = {"out": str(args.out), "files": args.files, "rows": args.rows, "seed": args.seed}
    if not args.force and up_to_date(args.out, params):
        print(t("demo.bench.skip", **fmt))
        return 0
    (args.out / "params.json").unlink(missing_ok=True)
    print(t("demo.bench.start", jobs=args.jobs, **fmt), flush=True)
    start = time.perf_counter()

    def progress(done: int, total: int) -> None:
        print("  " + t("demo.bench.progress", done=f"{done:,}", total=f"{total:,}"), flush=True)

    files = generate_bench_lists(args.out, total_rows=args.rows, files=args.files,
                                 seed=args.seed, progress=progress, jobs=args.jobs)
    seconds = time.perf_counter() - start
    rows = sum(f.rows_in_data for f in files)
    (args.out / "params.json").write_text(json.dumps(params), encoding="utf-8")
    print(t("demo.bench.done", files=len(files), rows=f"{rows:,}", seconds=seconds,
            rate=rows / seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
