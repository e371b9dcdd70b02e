"""The generated demo lists carry their own ground truth (what mess was put where);
the import must find exactly that, file by file, on both databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from callcentre.db.engine import open_engine
from callcentre.demo.generator import generate_demo
from callcentre.importer.check_report import write_rows_csv
from callcentre.importer.jobs import read_manifest
from callcentre.importer.pipeline import import_files

CHECKS = {
    # ground-truth key: SQL condition on the file's stored rows
    "n_valid_code": "l.uscc IS NOT NULL",
    "n_code_digits_lost": "l.reasons LIKE '%uscc_float_lost%'",
    "n_old_regno": "l.reg_no IS NOT NULL",
    "n_bad_code": "l.reasons LIKE '%uscc_bad_check%'",
    "n_no_phone": "l.phone_e164 IS NULL",
}


@pytest.fixture(scope="module")
def demo_lists(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list]:  # type: ignore[type-arg]
    out = tmp_path_factory.mktemp("demo") / "lists"
    return out, generate_demo(out, seed=5, n_enterprises=400)


def test_import_matches_the_generators_ground_truth(db_url: str, demo_lists, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out, files = demo_lists
    engine = open_engine(db_url)
    summary = import_files(engine, read_manifest(out / "manifest.csv"), workers=0)
    results = {r.path.name: r for r in summary.files}
    lists = [f for f in files if f.kind == "list"]
    assert lists
    with engine.connect() as conn:
        for gf in lists:
            r = results[gf.path.name]
            assert r.outcome == "imported"
            assert r.rows == gf.rows_in_data, gf.path.name           # nothing lost
            assert r.counts["duplicate"] == gf.expected["n_exact_duplicate"], gf.path.name
            for key, condition in CHECKS.items():
                found = conn.execute(text(
                    "SELECT count(*) FROM listrow l JOIN sourcefile f ON f.id = l.source_file_id"
                    f" WHERE f.name = :name AND {condition}"), {"name": gf.path.name}).scalar()
                assert found == gf.expected[key], (gf.path.name, key)
    broken = {f.path.name: f.expected["error"] for f in files if f.kind == "broken"}
    assert {n: results[n].error for n in broken} == {
        n: ("unreadable" if e in ("not_xlsx", "truncated") else e) for n, e in broken.items()}
    workorders = [f for f in files if f.kind == "workorder"]
    assert all(results[f.path.name].kind == "workorder" for f in workorders)
    engine.dispose()


@pytest.mark.postgres
def test_same_rows_on_sqlite_and_postgresql(sqlite_url: str, pg_url: str, demo_lists,  # type: ignore[no-untyped-def]
                                            tmp_path: Path) -> None:
    """Every stored row, its status, reasons, normalised fields and enterprise id."""
    out, _files = demo_lists
    texts = []
    for url in (sqlite_url, pg_url):
        engine = open_engine(url)
        import_files(engine, read_manifest(out / "manifest.csv"), workers=0)
        csv_path = tmp_path / f"rows-{engine.dialect.name}.csv"
        write_rows_csv(engine, csv_path, wave="2021")
        texts.append(csv_path.read_text(encoding="utf-8"))
        engine.dispose()
    assert texts[0].count("\n") > 500
    assert texts[0] == texts[1]
