"""``callcentre demo`` end to end: generated lists imported without losing a row,
check workbooks written, a sample drawn and the questionnaires loaded."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, func, select, text

from callcentre.cli import main_group
from callcentre.db.models import ListRow


def test_demo_runs_end_to_end(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CALLCENTRE_DB", raising=False)
    result = CliRunner().invoke(main_group, ["demo", "--out", "out", "--enterprises", "400"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "演示完成" in result.output
    out = tmp_path / "out"
    for name in ("核查表.xlsx", "rows.csv", "样本.xlsx", "callcentre-demo.db"):
        assert (out / name).exists(), name
    # nothing lost: every data row of every readable list file is in the database
    expected = 0
    with open(out / "lists" / "manifest.csv", encoding="utf-8") as fh:
        files = [r["file"] for r in csv.DictReader(fh)]
    from sampling.listfile import read_list_file
    from sampling.listfile.reader import ListFileError

    for name in files:
        try:
            lf = read_list_file(out / "lists" / name)
        except ListFileError:
            continue
        if any("order_no" in s.header.columns for s in lf.sheets):
            continue
        expected += lf.data_rows
    engine = create_engine(f"sqlite:///{out / 'callcentre-demo.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ListRow)).scalar_one() == expected
        assert conn.execute(text("select count(*) from samplecase")).scalar_one() > 0
        assert conn.execute(text("select count(*) from questionnaireversion")).scalar_one() == 105
        assert conn.execute(text("select count(*) from workorder")).scalar_one() > 0
        # simulated fieldwork in progress: completes, other outcomes, most cases still open
        by = dict(conn.execute(text("select status, count(*) from casequeue group by status")).all())
        assert by.get("open", 0) > 2 * by.get("closed", 0) > 0, by
        outcomes = dict(conn.execute(text(
            "select disposition, count(*) from callattempt group by disposition")).all())
        assert outcomes.get("complete", 0) > 0 and len(outcomes) >= 5, outcomes
        assert conn.execute(text("select count(*) from answer")).scalar_one() > 0
        assert conn.execute(text("select count(*) from callattempt where ended_at is null "
                                 "or disposition is null")).scalar_one() == 0
    assert "模拟调查实施" in result.output
    # off a terminal the demo says how to open the caller TUI on its own database
    assert "打开调研员界面：./dev.sh cc --db out/callcentre-demo.db tui" in result.output
    assert "wangfang" in result.output
