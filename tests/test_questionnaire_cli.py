"""``callcentre questionnaire``: validate, preview, catalogue, load."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import Session

from callcentre.cli import main_group
from questionnaires.bank import module_path
from tests.test_questionnaire_xlsform import BROKEN_CHOICES, BROKEN_SURVEY, write_xlsx


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main_group, list(args), input=input, catch_exceptions=False)


def test_validate_exit_status(tmp_path: Path) -> None:
    good = run("questionnaire", "validate", str(module_path(1)), str(module_path(28)))
    assert good.exit_code == 0 and "有效" in good.output
    broken = write_xlsx(tmp_path / "broken.xlsx",
                        {"survey": BROKEN_SURVEY, "choices": BROKEN_CHOICES})
    bad = run("questionnaire", "validate", str(module_path(1)), str(broken))
    assert bad.exit_code == 1
    assert "14 处错误" in bad.output and "第3行B列" in bad.output
    assert "Traceback" not in bad.output
    assert run("questionnaire", "validate").exit_code == 2


def test_catalogue_json() -> None:
    result = run("questionnaire", "catalogue", "--json")
    assert result.exit_code == 0
    items = json.loads(result.output)
    assert len(items) == 103
    assert {"item", "area", "area_name", "text", "module"} <= set(items[0])
    assert items[27]["module"] == "item_2021_028"
    assert items[27]["promised_limits"][0]["value"] == 3


def test_catalogue_table() -> None:
    result = run("questionnaire", "catalogue")
    assert result.exit_code == 0 and "序号" in result.output and "牵头单位" in result.output


def test_preview_walks_a_module() -> None:
    # intro note, used = 1 (是), channel = 2, visits = 0, satisfaction = 1 (非常满意), comment
    result = run("questionnaire", "preview", str(module_path(1)),
                 input="\n1\n2\n0\n1\n很好\n")
    assert result.exit_code == 0, result.output
    assert "完成" in result.output and "非常满意" in result.output
    assert "手机办理" in result.output


def test_preview_shows_messages_and_goes_back() -> None:
    result = run("questionnaire", "preview", str(module_path(1)),
                 input="\n\n1\n<\n1\n9\n1\n-1\n0\n1\n\n")
    assert result.exit_code == 0, result.output
    assert "此题必答" in result.output          # empty answer to a required question
    assert "不是本题的选项" in result.output     # choice 9 does not exist
    assert "次数应在0到99之间" in result.output  # constraint message


def test_preview_composed_until_input_ends() -> None:
    result = run("questionnaire", "preview", "--items", "28", "--set", "enterprise=丙公司",
                 input="\n1\n")
    assert result.exit_code == 0
    assert "请问这里是丙公司吗" in result.output and "部分完成" in result.output


def test_load(tmp_path: Path) -> None:
    from callcentre.db.engine import open_engine
    from callcentre.db.models import Wave

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = open_engine(db)
    with Session(engine) as session:
        session.add(Wave(code="2021", created_at=datetime.now(UTC)))
        session.commit()
    engine.dispose()
    first = run("--db", db, "questionnaire", "load", "--wave", "2021", str(module_path(5)))
    assert first.exit_code == 0 and "已载入" in first.output
    again = run("--db", db, "questionnaire", "load", "--wave", "2021", str(module_path(5)))
    assert "内容相同" in again.output
    missing = run("--db", db, "questionnaire", "load", "--wave", "1999", str(module_path(5)))
    assert missing.exit_code == 1 and "没有调查轮次 1999" in missing.output
