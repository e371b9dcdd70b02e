"""Compute R ``survey`` results for the reference designs and write the fixtures.

Usage (needs ``Rscript`` with the survey package; Debian: ``apt-get install
r-base-core r-cran-survey``)::

    .venv/bin/python tests/r_reference/make_fixtures.py

writes ``tests/r_reference/fixtures.json``: every case's data and options (from
:func:`tests.r_reference.cases.build_cases`) with R's value of each quantity.
The tests compare :mod:`sampling` with this file always, and with a live R run
when R is present.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures.json"
sys.path.insert(0, str(HERE.parent.parent))

from tests.r_reference.cases import build_cases  # noqa: E402 (after the path set-up)


def r_available() -> bool:
    """``Rscript`` is on the path and loads the survey package."""
    if shutil.which("Rscript") is None:
        return False
    proc = subprocess.run(["Rscript", "-e", "quit(status = !requireNamespace('survey'))"],
                          check=False, capture_output=True, timeout=120)
    return proc.returncode == 0


def run_r(cases: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    """R's results: ``{case: {domain: {quantity: value}}}``."""
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        with open(d / "cases.csv", "w", newline="") as f:
            wr = csv.writer(f)
            wr.writerow(["name", "lonely", "fpc", "domains", "calibrate", "confidence"])
            for c in cases:
                o = c["options"]
                wr.writerow([c["name"], o["lonely"], "TRUE" if o["fpc"] else "FALSE",
                             "TRUE" if o["domains"] else "FALSE", o["calibrate"],
                             repr(o["confidence"])])
        for c in cases:
            cols = list(c["data"])
            with open(d / f"data_{c['name']}.csv", "w", newline="") as f:
                wr = csv.writer(f)
                wr.writerow(cols)
                wr.writerows(zip(*(c["data"][k] for k in cols)))
            for m in ("c1", "c2"):
                totals = c["options"].get(f"totals_{m}")
                if totals is not None:
                    with open(d / f"totals_{c['name']}_{m}.csv", "w", newline="") as f:
                        wr = csv.writer(f)
                        wr.writerow([m, "Freq"])
                        wr.writerows(sorted(totals.items()))
        proc = subprocess.run(["Rscript", str(HERE / "survey_reference.R"), str(d)],
                              check=False, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError(f"Rscript failed:\n{proc.stderr[-3000:]}")
        out: dict[str, dict[str, dict[str, float]]] = {}
        with open(d / "results.csv", newline="") as f:
            for row in csv.DictReader(f):
                out.setdefault(row["case"], {}).setdefault(row["domain"], {})[
                    row["quantity"]] = float(row["value"])
    return out


def r_version() -> str:
    code = "cat(R.version.string, '; survey', as.character(packageVersion('survey')))"
    proc = subprocess.run(["Rscript", "-e", code], check=False, capture_output=True, text=True,
                          timeout=120)
    return proc.stdout.strip()


def main() -> int:
    if not r_available():
        print("Rscript with the survey package is needed (apt-get install r-base-core "
              "r-cran-survey)", file=sys.stderr)
        return 1
    cases = build_cases()
    results = run_r(cases)
    for c in cases:
        c["r"] = results[c["name"]]
    lines = [json.dumps(c, ensure_ascii=False, separators=(",", ":")) for c in cases]
    FIXTURES.write_text(f'{{"r_version": {json.dumps(r_version())},\n"cases": [\n'
                        + ",\n".join(lines) + "\n]}\n")
    n_values = sum(len(q) for c in cases for q in c["r"].values())
    print(f"wrote {FIXTURES}: {len(cases)} designs, {n_values} R values")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
