"""Import benchmark: 1,000,000 list rows in 20+ generated xlsx files imported end to
end into SQLite, against python-calamine merely reading the same files, in the same run.

    python bench/bench_import.py [--rows 1000000] [--files 20] [--repeat 1]

Each measured phase runs in its own process so that its peak memory (max RSS) is its
own. The files are read once before timing so both phases start with a warm page cache.
Target (issue 2): end to end <= 2.5 x the bare read time, peak memory <= 2 GiB.

Then, once, the same import in a single process (no helpers) with a bare read just
before it: its CPU time is the work the import does, without the cost of handing
rows between processes. That work spread perfectly over this machine's cores gives
the lowest ratio the import could reach here without doing less work (``bound``).
``--no-bound`` skips it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def phase_read(data: Path) -> dict[str, float]:
    from python_calamine import CalamineWorkbook

    files = sorted(data.glob("*.xlsx"))
    t0 = time.perf_counter()
    cells = rows = 0
    for path in files:
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            grid = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
            rows += len(grid)
            cells += sum(len(r) for r in grid)
        wb.close()
    return {"seconds": time.perf_counter() - t0, "grid_rows": rows, "cells": cells,
            "files": len(files)}


def phase_import(data: Path, db: Path, workers: int | None = None) -> dict[str, float]:
    from callcentre.db.engine import open_engine
    from callcentre.importer.feeder import default_helpers
    from callcentre.importer.jobs import read_manifest
    from callcentre.importer.pipeline import import_files

    engine = open_engine(f"sqlite:///{db}")
    jobs = read_manifest(data / "manifest.csv")
    t0 = time.perf_counter()
    summary = import_files(engine, jobs, wave="bench", workers=workers)
    seconds = time.perf_counter() - t0
    failed = [f.path.name for f in summary.failed]
    return {"seconds": seconds, "rows": summary.rows, "failed": len(failed),
            "helpers": default_helpers() if workers is None else workers,
            "accepted": summary.total("accepted"), "warning": summary.total("warning"),
            "rejected": summary.total("rejected"), "duplicate": summary.total("duplicate"),
            "enterprises_new": sum(f.new_enterprises for f in summary.files),
            "writer_cpu": {k: round(v, 2)
                           for k, v in getattr(summary, "writer_cpu", {}).items()}}


def _child(args: list[str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True,
                         cwd=ROOT, check=False)
    if out.returncode != 0:
        raise SystemExit(f"phase {args} failed:\n{out.stderr}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result["peak_rss_mib"] = result.get("self_rss_kib", max(after, before)) / 1024
    result["worker_peak_rss_mib"] = result.get("worker_rss_kib", 0) / 1024
    return result


def ensure_data(data: Path, rows: int, files: int) -> None:
    manifest = data / "manifest.csv"
    meta = data / "bench-meta.json"
    want = {"rows": rows, "files": files}
    if manifest.exists() and meta.exists() and json.loads(meta.read_text()) == want:
        return
    from callcentre.demo.generator import generate_bench_lists

    print(f"generating {rows:,} rows in {files} files under {data} ...", file=sys.stderr)
    t0 = time.perf_counter()
    generate_bench_lists(data, total_rows=rows, files=files)
    print(f"  generated in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    meta.write_text(json.dumps(want))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--data", type=Path, default=HERE / "data" / "lists")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-bound", dest="bound", action="store_false",
                        help="skip the single-process import that measures the work itself")
    parser.add_argument("--phase", choices=["read", "import", "serial"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    # the code tree to import callcentre from (bench/ab_import.py: another revision)
    parser.add_argument("--code", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.code:
        sys.path.insert(0, str(args.code.resolve()))

    if args.phase:
        if args.phase == "read":
            result = phase_read(args.data)
        else:
            result = phase_import(args.data, args.db, 0 if args.phase == "serial" else None)
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        result["cpu_s"] = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
        result["self_rss_kib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["worker_rss_kib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print(json.dumps(result))
        return

    data = args.data if args.data.is_absolute() else (Path.cwd() / args.data)
    ensure_data(data, args.rows, args.files)
    phase_read(data)  # warm the page cache
    reads, imports = [], []
    for _ in range(args.repeat):
        reads.append(_child(["--phase", "read", "--data", str(data)]))
        with tempfile.TemporaryDirectory() as tmp:
            imports.append(_child(["--phase", "import", "--data", str(data),
                                   "--db", str(Path(tmp) / "bench.db")]))
    serial = None
    if args.bound:
        serial_read = _child(["--phase", "read", "--data", str(data)])
        with tempfile.TemporaryDirectory() as tmp:
            serial = _child(["--phase", "serial", "--data", str(data),
                             "--db", str(Path(tmp) / "bench.db")])
    read = min(reads, key=lambda r: r["seconds"])
    imp = min(imports, key=lambda r: r["seconds"])
    ratio = imp["seconds"] / read["seconds"]
    # the machine's speed drifts between runs: each read and the import after it
    # saw about the same machine, so their ratios show the spread
    pair_ratios = sorted(i["seconds"] / r["seconds"] for r, i in zip(reads, imports))
    report = {
        "benchmark": "import",
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "rows": imp["rows"], "files": read["files"],
        "calamine_read_s": round(read["seconds"], 2),
        "import_s": round(imp["seconds"], 2),
        "ratio": round(ratio, 2),
        "pair_ratios": [round(x, 2) for x in pair_ratios],
        # CPU seconds of the whole phase process tree (reading, normalising, writing)
        "calamine_read_cpu_s": round(read["cpu_s"], 2),
        "import_cpu_s": round(imp["cpu_s"], 2),
        "rows_per_s": round(imp["rows"] / imp["seconds"]),
        "read_peak_rss_mib": round(read["peak_rss_mib"]),
        "import_peak_rss_mib": round(imp["peak_rss_mib"]),
        "parser_worker_peak_rss_mib": round(imp["worker_peak_rss_mib"]),
        "helpers": imp["helpers"],
        # the writer plus its helper processes at their peaks (an upper bound: forked
        # helpers share pages with the writer)
        "import_total_peak_rss_mib_bound": round(imp["peak_rss_mib"]
                                                 + imp["helpers"] * imp["worker_peak_rss_mib"]),
        "statuses": {k: imp[k] for k in ("accepted", "warning", "rejected", "duplicate")},
        "enterprises": imp["enterprises_new"],
        # the writer process's CPU seconds by phase of writing (the rest of its time
        # it parses files itself rather than wait for the helpers)
        "writer_cpu_s": imp["writer_cpu"],
        "targets": {"ratio_max": 2.5, "peak_rss_mib_max": 2048},
    }
    if serial is not None:
        cores = os.cpu_count() or 1
        report["single_process"] = {
            "read_s": round(serial_read["seconds"], 2),
            "import_s": round(serial["seconds"], 2),
            "import_cpu_s": round(serial["cpu_s"], 2),
            "writer_cpu_s": serial["writer_cpu"],
            # the work spread perfectly over every core, against the read beside it
            "bound_ratio": round(serial["cpu_s"] / cores / serial_read["seconds"], 2),
            "cores": cores,
        }
    report["ratio_ok"] = ratio <= 2.5
    report["memory_ok"] = report["import_total_peak_rss_mib_bound"] <= 2048
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "import.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    (HERE / "results" / "import.md").write_text(
        "# Import benchmark\n\n"
        f"{report['rows']:,} list rows in {report['files']} generated xlsx files, imported end to "
        f"end into SQLite, against python-calamine merely reading the same files. {report['machine']}.\n\n"
        "| phase | seconds | rows/s | peak RSS |\n|---|---:|---:|---:|\n"
        f"| calamine bare read | {report['calamine_read_s']} | "
        f"{round(report['rows'] / report['calamine_read_s']):,} | {report['read_peak_rss_mib']} MiB |\n"
        f"| import end to end | {report['import_s']} | {report['rows_per_s']:,} | "
        f"writer {report['import_peak_rss_mib']} MiB + {report['helpers']} helper(s) ≤ "
        f"{report['parser_worker_peak_rss_mib']} MiB each (≤ "
        f"{report['import_total_peak_rss_mib_bound']} MiB in all) |\n\n"
        f"CPU time (all processes): read {report['calamine_read_cpu_s']} s, import "
        f"{report['import_cpu_s']} s.\n\n"
        f"Ratio import ÷ read: **{report['ratio']}** (best import ÷ best read; each run's "
        f"own: {', '.join(map(str, report['pair_ratios']))}; target ≤ 2.5: "
        f"{'met' if report['ratio_ok'] else 'not met'}); peak memory target ≤ 2 GiB: "
        f"{'met' if report['memory_ok'] else 'not met'}.\n\n"
        f"Row statuses: {report['statuses']}; new enterprises: {report['enterprises']:,}.\n\n"
        "Writer CPU seconds by phase: "
        + ", ".join(f"{k} {v}" for k, v in report["writer_cpu_s"].items()) + ".\n"
        + _bound_text(report.get("single_process")), encoding="utf-8")
    print(f"rows imported         {report['rows']:>12,} in {report['files']} files")
    print(f"calamine bare read    {report['calamine_read_s']:>12.2f} s  "
          f"(peak {report['read_peak_rss_mib']} MiB)")
    print(f"import end to end     {report['import_s']:>12.2f} s  "
          f"(peak writer {report['import_peak_rss_mib']} MiB, {report['helpers']} helper(s) "
          f"{report['parser_worker_peak_rss_mib']} MiB each, "
          f"<= {report['import_total_peak_rss_mib_bound']} MiB in all)  "
          f"{report['rows_per_s']:,} rows/s")
    print(f"ratio import / read   {report['ratio']:>12.2f}   (each run: "
          f"{', '.join(map(str, report['pair_ratios']))}; target <= 2.5: "
          f"{'met' if report['ratio_ok'] else 'NOT met'}; memory "
          f"{'met' if report['memory_ok'] else 'NOT met'})")
    if "single_process" in report:
        sp = report["single_process"]
        print(f"single process        {sp['import_s']:>12.2f} s  CPU {sp['import_cpu_s']} s, "
              f"read beside it {sp['read_s']} s: bound on {sp['cores']} cores "
              f"{sp['bound_ratio']}")


def _bound_text(sp: dict[str, object] | None) -> str:
    if sp is None:
        return ""
    return (
        f"\nSingle process (no helpers): {sp['import_s']} s, CPU {sp['import_cpu_s']} s; bare "
        f"read just before it {sp['read_s']} s. That work spread perfectly over "
        f"{sp['cores']} cores would take {sp['import_cpu_s']} / {sp['cores']} s: a ratio of "
        f"**{sp['bound_ratio']}** is the lowest this machine can reach without the import "
        "doing less work. Writer CPU seconds by phase: "
        + ", ".join(f"{k} {v}" for k, v in sp["writer_cpu_s"].items()) + ".\n")


if __name__ == "__main__":
    main()
