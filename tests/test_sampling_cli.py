"""``callcentre sample …`` and the sampling tables, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from sqlmodel import Session, select

from callcentre.cli import main_group
from callcentre.db.engine import open_engine
from callcentre.db.models import AppSetting, Department, Enterprise, Item, ItemMembership, Wave
from callcentre.db.models.frame import ListRow, SourceFile
from callcentre.db.models.sample import (
    SampleCase,
    SampleCaseItem,
    SampleDesign,
    SampleStratum,
    SampleUnit,
)

DISTRICTS = ["120101", "120102", "120116", "120119"]


def _uscc(i: int) -> str:
    return f"91120116{i:09d}X"


def build_frame(url: str, *, order_seed: int | None = None, n_ent: int = 240) -> None:
    """A small frame: 3 items, 2 departments, enterprises in 1–3 items each.

    ``order_seed`` shuffles the order in which rows are inserted (ids differ).
    """
    engine = open_engine(url)
    rng = np.random.default_rng(0)
    memberships = []
    for e in range(n_ent):
        items = rng.choice([1, 2, 3], size=int(rng.integers(1, 4)), replace=False)
        for it in items:
            memberships.append((e, int(it), int(rng.integers(0, 2))))
    ent_order = list(range(n_ent))
    if order_seed is not None:
        o = np.random.default_rng(order_seed)
        o.shuffle(ent_order)
        o.shuffle(memberships)
    with Session(engine) as s:
        wave = Wave(code="2021", name="2021 年度")
        s.add(wave)
        s.add(AppSetting(key="current_wave", value="2021"))
        depts = [Department(name="市政务服务办"), Department(name="市场监管委")]
        s.add_all(depts)
        s.flush()
        items = {k: Item(number=k, area_number=(k + 1) // 2, area_name=f"领域{k}",
                         wave_id=wave.id) for k in (1, 2, 3)}
        s.add_all(items.values())
        s.flush()
        ents = {}
        for e in ent_order:
            ents[e] = Enterprise(uscc=_uscc(e), name=f"企业{e}", name_key=f"企业{e}",
                                 district_code=DISTRICTS[e % 4],
                                 phone_e164=f"+86138{e:08d}")
            s.add(ents[e])
        s.flush()
        src = SourceFile(wave_id=wave.id, path="list.xlsx", name="list.xlsx", sha256="0" * 64)
        s.add(src)
        s.flush()
        for row, (e, it, d) in enumerate(memberships, start=2):
            m = ItemMembership(wave_id=wave.id, enterprise_id=ents[e].id,
                               item_id=items[it].id, department_id=depts[d].id)
            s.add(m)
            s.flush()
            # the frame is the memberships that a list row supports
            s.add(ListRow(source_file_id=src.id, sheet="企业名单", row=row, raw="[]",
                          status="accepted", name=f"企业{e}", uscc=_uscc(e),
                          enterprise_id=ents[e].id, membership_id=m.id))
        s.commit()
    engine.dispose()


def run(url: str, *args: str) -> str:
    result = CliRunner().invoke(main_group, ["--db", url, "--lang", "zh", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_size_command() -> None:
    out = CliRunner().invoke(main_group, ["sample", "size", "--margin", "0.05", "--json"])
    assert out.exit_code == 0
    assert json.loads(out.output)["n"] == 385
    out = CliRunner().invoke(main_group, ["--lang", "zh", "sample", "size", "--margin", "0.05",
                                          "--population", "1000"])
    assert "278" in out.output and "样本量" in out.output


def test_size_command_bad_value_is_a_message() -> None:
    out = CliRunner().invoke(main_group, ["--lang", "zh", "sample", "size", "--margin", "0",
                                          "--p", "0.5"])
    assert out.exit_code == 1
    assert "参数错误" in out.output and "margin" in out.output
    assert "Traceback" not in out.output


def test_design_prints_allocation_without_drawing(db_url: str) -> None:
    build_frame(db_url)
    out = run(db_url, "sample", "design", "--by", "item,district", "--n", "60",
              "--minimum", "2", "--json")
    plan = json.loads(out)
    assert len(plan["strata"]) == 12
    assert sum(r["size"] for r in plan["strata"]) == 60
    assert all(r["size"] >= 2 for r in plan["strata"])
    assert all(r["size"] <= r["population"] for r in plan["strata"])
    table = run(db_url, "sample", "design", "--by", "item", "--margin", "0.1")
    assert "分配方案" in table and "合计" in table
    engine = open_engine(db_url)
    with Session(engine) as s:
        assert s.exec(select(SampleDesign)).first() is None  # nothing stored
    engine.dispose()


def test_draw_stores_design_and_cases_and_releases(db_url: str, tmp_path: Path) -> None:
    build_frame(db_url)
    out = run(db_url, "sample", "draw", "--by", "item,district", "--n", "48", "--seed", "2026",
              "--reserve", "1", "--replicate", "0.5", "--json")
    drawn = json.loads(out)
    assert drawn["seed"] == 2026 and drawn["version"]
    engine = open_engine(db_url)
    with Session(engine) as s:
        design = s.exec(select(SampleDesign)).one()
        assert design.seed == 2026 and design.target == 48
        assert json.loads(design.stratify_by) == ["item", "district"]
        strata = s.exec(select(SampleStratum)).all()
        assert sum(st.size for st in strata) == 48
        units = s.exec(select(SampleUnit)).all()
        released = [u for u in units if u.released]
        assert len(released) == 48
        # one case per sampled enterprise, covering all its sampled items
        cases = s.exec(select(SampleCase)).all()
        assert len(cases) == len({u.enterprise_id for u in released})
        assert sum(c.n_items for c in cases) == 48
        assert len(s.exec(select(SampleCaseItem)).all()) == 48
        # ranks are a prefix per stratum
        for st in strata:
            ranks = sorted(u.rank for u in units if u.stratum_id == st.id and u.released)
            assert ranks == list(range(st.size))
    label = strata[0].label
    out = json.loads(run(db_url, "sample", "release", "--stratum", label, "--json"))
    assert out["strata"] == 1 and out["released"][0]["replicate"] == 1
    first = out["released"][0]["units"]
    with Session(engine) as s:
        st = s.exec(select(SampleStratum).where(SampleStratum.label == label)).one()
        assert st.released_replicates == 1 and st.released == st.size + first
        n_rel = len(s.exec(select(SampleUnit).where(SampleUnit.released == True)).all())
        assert n_rel == 48 + first
        items = len(s.exec(select(SampleCaseItem)).all())
        assert items == 48 + first
    # release everything until the reserve runs out
    for _ in range(5):
        run(db_url, "sample", "release")
    assert "没有可释放" in run(db_url, "sample", "release")
    # export: allocation + sample, phones masked
    path = tmp_path / "sample.xlsx"
    run(db_url, "sample", "export", "--out", str(path))
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames == ["分配方案", "样本", "设计参数"]
    rows = list(wb["样本"].iter_rows(values_only=True))
    assert rows[0][-2:] == ("电话", "清单状态")
    phones = [r[-2] for r in rows[1:]]
    assert phones and all("****" in p for p in phones)
    assert all(r[-1] in ("", None) for r in rows[1:])  # every unit still on a list
    full = tmp_path / "full.xlsx"
    run(db_url, "sample", "export", "--out", str(full), "--full-phones")
    rows = list(load_workbook(full, read_only=True)["样本"].iter_rows(values_only=True))
    assert rows[1][-2].startswith("+86138")
    engine.dispose()


def test_same_seed_same_sample_whatever_the_insert_order(tmp_path: Path) -> None:
    samples = []
    for k, order in enumerate((None, 1, 2)):
        url = f"sqlite:///{tmp_path / f'f{k}.db'}"
        build_frame(url, order_seed=order)
        run(url, "sample", "draw", "--by", "item,district", "--n", "40", "--seed", "77")
        engine = open_engine(url)
        with Session(engine) as s:
            rows = s.exec(select(Enterprise.uscc, Item.number, SampleUnit.rank,
                                 SampleUnit.replicate)
                          .join(Enterprise, Enterprise.id == SampleUnit.enterprise_id)
                          .join(Item, Item.id == SampleUnit.item_id)).all()
            digest = s.exec(select(SampleDesign.frame_digest)).one()
        engine.dispose()
        samples.append((sorted(rows), digest))
    assert samples[0] == samples[1] == samples[2]
    other = f"sqlite:///{tmp_path / 'other.db'}"
    build_frame(other)
    run(other, "sample", "draw", "--by", "item,district", "--n", "40", "--seed", "78")
    engine = open_engine(other)
    with Session(engine) as s:
        rows = s.exec(select(Enterprise.uscc, Item.number, SampleUnit.rank, SampleUnit.replicate)
                      .join(Enterprise, Enterprise.id == SampleUnit.enterprise_id)
                      .join(Item, Item.id == SampleUnit.item_id)).all()
    engine.dispose()
    assert sorted(rows) != samples[0][0]


def test_user_errors(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'e.db'}"
    r = CliRunner().invoke(main_group, ["--db", url, "--lang", "zh", "sample", "design",
                                        "--n", "5"])
    assert r.exit_code == 1 and "还没有调查轮次" in r.output
    build_frame(url)
    for args, text in (
        (["sample", "design", "--by", "colour", "--n", "5"], "未知的分层字段"),
        (["sample", "design", "--by", "item,district", "--n", "10", "--minimum", "2"],
         "超过总样本量 10"),
        (["sample", "design"], "--n"),
        (["sample", "release", "--name", "nope"], "没有样本设计"),
    ):
        r = CliRunner().invoke(main_group, ["--db", url, "--lang", "zh", *args])
        assert r.exit_code == 1, r.output
        assert text in r.output and "Traceback" not in r.output
    run(url, "sample", "draw", "--n", "10", "--seed", "1")
    r = CliRunner().invoke(main_group, ["--db", url, "--lang", "zh", "sample", "draw",
                                        "--n", "10", "--seed", "1"])
    assert r.exit_code == 1 and "已存在" in r.output


def test_margin_per_stratum_and_neyman(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    build_frame(url)
    plan = json.loads(run(url, "sample", "design", "--by", "item", "--margin", "0.1",
                          "--margin-level", "stratum", "--json"))
    from sampling import sample_size

    for r in plan["strata"]:
        assert r["size"] == sample_size(0.5, 0.1, population=r["population"])
    plan = json.loads(run(url, "sample", "design", "--by", "item", "--n", "30", "--method",
                          "neyman", "--p-stratum", "item=1=0.5", "--p-stratum", "item=2=0.1",
                          "--p-stratum", "item=3=0.1", "--json"))
    sizes = {r["stratum"]: r["size"] for r in plan["strata"]}
    assert sum(sizes.values()) == 30
    assert sizes["item=1"] > sizes["item=2"]
    # p = 0 or 1 is accepted for Neyman: such a stratum keeps min(2, N_h) units
    plan = json.loads(run(url, "sample", "design", "--by", "item", "--n", "30", "--method",
                          "neyman", "--p-stratum", "item=2=0", "--p-stratum", "item=3=1",
                          "--json"))
    rows = {r["stratum"]: r for r in plan["strata"]}
    for lab in ("item=2", "item=3"):
        assert rows[lab]["size"] == min(2, rows[lab]["population"])
    assert sum(r["size"] for r in rows.values()) == 30
    listing = run(url, "sample", "list")
    assert "尚未抽取" in listing


def test_draw_with_burden_cap(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    build_frame(url)
    run(url, "sample", "draw", "--by", "item", "--n", "150", "--seed", "5", "--max-items", "1")
    engine = open_engine(url)
    with Session(engine) as s:
        cases = s.exec(select(SampleCase)).all()
        assert cases and max(c.n_items for c in cases) == 1
        assert sum(c.n_items for c in cases) == 150
    engine.dispose()


def test_stratum_display_names() -> None:
    from callcentre.i18n.display import stratum_display

    assert stratum_display("item=12|district=120101") == "第12项 · 和平区"
    assert stratum_display("area=3|department=市税务局") == "第3领域 · 市税务局"
    assert stratum_display("district=") == "未知区"
    assert stratum_display("all") == "全部"


def _drop_list_rows(url: str, usccs: list[str]) -> list[int]:
    """What the importer leaves when a corrected list no longer holds these
    enterprises but a sample refers to them: the memberships stay, their list
    rows are gone. Returns the memberships' ids."""
    engine = open_engine(url)
    with Session(engine) as s:
        ids = list(s.exec(select(ListRow.membership_id).join(
            Enterprise, Enterprise.id == ListRow.enterprise_id).where(
            Enterprise.uscc.in_(usccs))).all())  # type: ignore[attr-defined]
        for row in s.exec(select(ListRow).where(ListRow.membership_id.in_(ids))).all():  # type: ignore[union-attr]
            s.delete(row)
        s.commit()
    engine.dispose()
    return [int(i) for i in ids]


def test_frame_leaves_out_memberships_without_list_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    build_frame(url, n_ent=60)
    before = json.loads(run(url, "sample", "design", "--by", "item", "--n", "500", "--json"))
    run(url, "sample", "draw", "--by", "item", "--n", "500", "--seed", "3")  # takes all
    gone = _drop_list_rows(url, [_uscc(0), _uscc(1)])
    assert gone
    after = json.loads(run(url, "sample", "design", "--by", "item", "--n", "500", "--json"))
    pop = sum(r["population"] for r in before["strata"])
    assert sum(r["population"] for r in after["strata"]) == pop - len(gone)
    # a new draw does not pick them
    run(url, "sample", "draw", "--by", "item", "--n", "500", "--seed", "3", "--name", "new")
    engine = open_engine(url)
    with Session(engine) as s:
        design = s.exec(select(SampleDesign).where(SampleDesign.name == "new")).one()
        units = s.exec(select(SampleUnit.membership_id).where(
            SampleUnit.design_id == design.id)).all()
        assert design.frame_units == pop - len(gone)
        assert not set(units) & set(gone)
        # the earlier sample keeps them
        old = s.exec(select(SampleDesign).where(SampleDesign.name == "main")).one()
        kept = s.exec(select(SampleUnit.membership_id).where(
            SampleUnit.design_id == old.id)).all()
        assert set(gone) <= set(kept)
    engine.dispose()
    # the export marks them for the evaluator; the listing counts them
    path = tmp_path / "main.xlsx"
    run(url, "sample", "export", "--out", str(path))
    from openpyxl import load_workbook

    rows = list(load_workbook(path, read_only=True)["样本"].iter_rows(values_only=True))
    col = rows[0].index("清单状态")
    uscc_col = rows[0].index("统一社会信用代码")
    marked = {r[uscc_col] for r in rows[1:] if r[col] == "已从部门清单中删除"}
    assert marked == {_uscc(0), _uscc(1)}
    assert sum(1 for r in rows[1:] if r[col] == "已从部门清单中删除") == len(gone)
    listing = json.loads(run(url, "sample", "list", "--json"))
    assert {d["design"]: d["off_list"] for d in listing} == {"main": len(gone), "new": 0}
    assert "已从清单删除的单位" in run(url, "sample", "list")


def _fails(url: str | None, *args: str, lang: str = "zh") -> str:
    head = ["--db", url] if url else []
    r = CliRunner().invoke(main_group, [*head, "--lang", lang, *args])
    assert r.exit_code != 0, r.output
    assert "Traceback" not in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    return r.output


def test_bad_values_are_chinese_messages_naming_option_and_value(tmp_path: Path) -> None:
    import re

    url = f"sqlite:///{tmp_path / 'v.db'}"
    build_frame(url, n_ent=30)
    cases = [
        (["sample", "size", "--margin", "0"], "--margin", "0"),
        (["sample", "size", "--margin", "1.5"], "--margin", "1.5"),
        (["sample", "size", "--margin", "0.05", "--p", "1"], "--p", "1"),
        (["sample", "size", "--margin", "0.05", "--confidence", "0"], "--confidence", "0"),
        (["sample", "size", "--margin", "0.05", "--deff", "-2"], "--deff", "-2"),
        (["sample", "size", "--margin", "0.05", "--deff", "inf"], "--deff", "inf"),
        (["sample", "size", "--margin", "0.05", "--population", "-5"], "--population", "-5"),
        (["sample", "size", "--margin", "0.05", "--response-rate", "0"], "--response-rate", "0"),
        (["sample", "size", "--margin", "0.05", "--eligibility-rate", "1.2"],
         "--eligibility-rate", "1.2"),
        (["sample", "design", "--completes", "10", "--response-rate", "0"],
         "--response-rate", "0"),
        (["sample", "design", "--completes", "10", "--eligibility-rate", "0"],
         "--eligibility-rate", "0"),
        (["sample", "design", "--completes", "0"], "--completes", "0"),
        (["sample", "design", "--n", "-4"], "--n", "-4"),
        (["sample", "design", "--n", "5", "--reserve", "-1"], "--reserve", "-1"),
        (["sample", "draw", "--n", "5", "--reserve", "-3", "--seed", "1"], "--reserve", "-3"),
        (["sample", "draw", "--n", "5", "--seed", "-1"], "--seed", "-1"),
        (["sample", "draw", "--n", "5", "--seed", "1", "--max-items", "0"], "--max-items", "0"),
        (["sample", "design", "--n", "5", "--replicate", "0"], "--replicate", "0"),
        (["sample", "design", "--n", "5", "--power", "2", "--method", "power"], "--power", "2"),
        (["sample", "design", "--n", "5", "--minimum", "-1"], "--minimum", "-1"),
        (["sample", "design", "--n", "5", "--maximum", "-1"], "--maximum", "-1"),
        (["sample", "design", "--n", "5", "--take-all-below", "-1"], "--take-all-below", "-1"),
        (["sample", "design", "--margin", "0.1", "--margin-level", "stratum",
          "--p-stratum", "item=1=0"], "--p-stratum", "item=1=0"),
        (["sample", "design", "--n", "5", "--method", "neyman", "--p-stratum", "item=1=1.5"],
         "--p-stratum", "item=1=1.5"),
    ]
    for args, option, value in cases:
        out = _fails(url, *args)
        assert "参数错误" in out and option in out and f"输入的是 {value}" in out, (args, out)
        # no English words apart from the option name
        assert not re.search(r"[A-Za-z]{3,}", out.replace(option, "").replace(value, "")), (
            args, out)
    out = _fails(url, "sample", "design", "--n", "5", "--minimum", "3", "--maximum", "2")
    assert "--minimum" in out and "--maximum" in out and "Traceback" not in out
    # nothing was stored by the refused draws
    engine = open_engine(url)
    with Session(engine) as s:
        assert s.exec(select(SampleDesign)).first() is None
    engine.dispose()


def test_help_is_chinese_by_default_and_english_on_request() -> None:
    import re

    for args in ([], ["sample"], ["sample", "draw"], ["sample", "size"]):
        r = CliRunner().invoke(main_group, [*args, "--help"])
        assert r.exit_code == 0
        assert "Show this message" not in r.output and "显示本帮助并退出" in r.output
        assert "用法" in r.output and "Usage" not in r.output and "Options" not in r.output
        assert "[default" not in r.output and "[required" not in r.output
    top = CliRunner().invoke(main_group, ["-h"]).output
    assert "显示版本号并退出" in top and "命令" in top
    # metavars (TEXT, FLOAT …) and option names aside, no English is left
    size = CliRunner().invoke(main_group, ["sample", "size", "--help"]).output
    words = set(re.findall(r"[A-Za-z]{3,}", size)) - {"FLOAT", "INTEGER", "OPTIONS", "TEXT",
                                                      "callcentre", "sample", "size", "margin",
                                                      "confidence", "deff", "population",
                                                      "response", "rate", "eligibility",
                                                      "json", "help", "JSON", "main"}
    assert not words, words
    from callcentre.i18n import set_language

    try:
        en = CliRunner().invoke(main_group, ["--lang", "en", "sample", "size", "--help"]).output
        assert "Show this message and exit." in en and "Usage:" in en
        en = CliRunner().invoke(main_group, ["--lang", "en", "--help"]).output
        assert "Show this message and exit." in en
    finally:
        set_language(None)
    # click's own usage errors are Chinese too
    r = CliRunner().invoke(main_group, ["sample", "size", "--margin", "x"])
    assert r.exit_code == 2 and "不是有效的数字" in r.output and "Error" not in r.output


def test_strata_without_item_are_refused_in_chinese(sqlite_url: str) -> None:
    """Enterprises listed under several items share one random number: strata that do
    not separate items would hold the same key twice (was an English ValueError)."""
    build_frame(sqlite_url)
    for by in ("", "district"):
        result = CliRunner().invoke(main_group, ["--db", sqlite_url, "sample", "design",
                                                 "--by", by, "--n", "20"])
        assert result.exit_code == 1
        assert "须包含 item" in result.output and "occurs" not in result.output
