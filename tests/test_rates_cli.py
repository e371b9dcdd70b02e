"""``callcentre rates``: Chinese table in 80 columns, numbers never cut, JSON for machines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from sqlmodel import Session

from callcentre.cli.common import os_login
from callcentre.cli.rates_cmd import rates_tables
from callcentre.db.engine import open_engine
from callcentre.services.rates import outcome_rates
from tests import rates_fixture as fx
from tests.helpers import admin, cli


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'rates.db'}"
    engine = open_engine(url)
    admin(engine, os_login())
    fx.build(engine)
    engine.dispose()
    assert cli(url, "wave", "use", "2021").exit_code == 0
    return url


def render(tables, width: int) -> str:  # type: ignore[no-untyped-def]
    console = Console(width=width, record=True, color_system=None)
    for table in tables:
        console.print(table)
    return console.export_text()


@pytest.mark.parametrize("by", [["item", "district"], ["department", "caller"],
                                ["stratum", "replicate", "day"], ["area", "line"]])
@pytest.mark.parametrize("all_rates", [False, True])
def test_tables_fit_80_columns_in_chinese_without_cut_numbers(db: str, by: list[str],
                                                              all_rates: bool) -> None:
    engine = open_engine(db)
    with Session(engine) as s:
        res = outcome_rates(session=s, actor=admin(engine, os_login()), wave="2021", by=by)
    text = render(rates_tables(res, 80, all_rates=all_rates), 80)
    assert max(cell_len(line) for line in text.splitlines()) <= 80
    assert "…" not in text
    # every rate shown in full: RR1 of the total is 1/10
    assert "10.0%" in text and "合计" in text
    shown = "".join(text.split())
    for name in (["RR1", "RR3", "RR5", "COOP1", "REF1", "CON1"] if not all_rates
                 else ["RR2", "RR4", "RR6", "COOP4", "REF3", "CON3"]):
        assert name in shown
    if "district" in by:
        assert "和平区" in shown and "滨海新区" in shown and "第5项" in shown
    if "department" in by:
        assert "[b]政务办" in shown and "王芳" in shown and "未拨打" in shown
    if "replicate" in by:
        assert "主样本" in shown and "后备第1批" in shown
    engine.dispose()


def test_rates_command_prints_chinese_and_json(db: str) -> None:
    res = cli(db, "rates", "--by", "item,district")
    assert res.exit_code == 0, res.output
    assert "第5项 · 和平区" in res.output and "RR3" in res.output
    assert "e = 各组" in res.output
    res = cli(db, "rates", "--by", "department", "--e", "0.8")
    assert res.exit_code == 0, res.output
    assert "[b]政务办" in res.output and "e = 0.8（指定）" in res.output
    res = cli(db, "rates", "--by", "item", "--json", "--e", "0.8")
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["by"] == ["item"] and data["e"] == 0.8
    item18 = next(g for g in data["groups"] if g["key"]["item"] == 18)
    assert item18["counts"]["NE"] == 2 and item18["label"] == "第18项"
    assert item18["rates"]["RR3"] == pytest.approx(1 / 3.6)
    assert data["total"]["cases"] == 12
    res = cli(db, "rates", "--by", "nope")
    assert res.exit_code != 0 and "分组“nope”无效" in res.output
    assert "Traceback" not in res.output
