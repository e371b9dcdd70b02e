"""Region facts from the settings (issue 11, point 2): another city's districts and area
code reach the normaliser, the importer and its spawned helpers, and the screens and
workbooks that name districts; Tianjin stays the default."""

from __future__ import annotations

import pickle
import time
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from callcentre.db.engine import open_engine
from callcentre.db.models import ListRow
from callcentre.errors import InvalidInput
from callcentre.i18n.display import district_name, reason_text, stratum_display
from callcentre.importer import feeder
from callcentre.importer.jobs import ImportJob
from callcentre.importer.parse import ParsedFile, parse_list_file
from callcentre.importer.pipeline import import_files
from callcentre.settings import load_settings
from sampling.identifiers.district import DISTRICTS, district_rules
from sampling.identifiers.phone import phone_rules
from sampling.identifiers.region import TIANJIN, DistrictFacts, RegionFacts
from sampling.listfile.normalise import normalise_row
from tests.helpers import cli
from tests.test_import_pipeline import A, B, C, write_list

HAIZHOU_TOML = """
[region]
name = "海州市"
area_code = "0518"

[[region.districts]]
code = "320701"
name = "海东区"
old_names = ["海东县"]
old_codes = ["320721"]

[[region.districts]]
code = "320702"
name = "海西区"

[[region.districts]]
code = "320703"
name = "云台区"
aliases = ["云台山"]
"""

HAIZHOU = RegionFacts(
    name="海州市", area_code="0518", own_names=("海州市", "海州"),
    districts=(DistrictFacts("320701", "海东区", ("海东",), ("海东县",), ("320721",)),
               DistrictFacts("320702", "海西区", ("海西",)),
               DistrictFacts("320703", "云台区", ("云台", "云台山"))))


def haizhou_rows(offset: int = 0) -> list[list[object]]:
    """A department's list in 海州市: its districts, its old county, its local numbers."""
    return [
        [1, "海东区", f"海州甲科技有限公司{offset}", A, "张一", "85551234", "开办", None],
        [2, "海西", f"海州乙贸易有限公司{offset}", B, "张二", "0518-85559876 转 12", "变更", None],
        [3, "海东县", f"海州丙物流有限公司{offset}", C, "张三", 13812345678.0, "注销", None],
        [4, "云台山", f"海州丁有限公司{offset}", "", "张四", "85550000-7", "开办", None],
        [5, "和平区", f"海州戊有限公司{offset}", "", "张五", "85550001", "开办", None],
    ]


#: what the rows above give in 海州市: (district code, primary phone)
EXPECTED = [("320701", "+8651885551234"), ("320702", "+8651885559876"),
            ("320701", "+8613812345678"), ("320703", "+8651885550000"), (None, "+8651885550001")]


def stored(url: str) -> list[tuple[str | None, str | None]]:
    engine = open_engine(url)
    with engine.connect() as conn:
        got = [(r.district_code, r.phone_e164) for r in conn.execute(
            select(ListRow.district_code, ListRow.phone_e164)  # type: ignore[call-overload]
            .order_by(ListRow.id))]
    engine.dispose()
    return got


# --- the facts ------------------------------------------------------------------------


def test_tianjin_is_the_default_everywhere() -> None:
    assert load_settings(cwd=Path("/nonexistent"), env={}).region is TIANJIN
    assert TIANJIN.district_names == DISTRICTS
    assert district_name("120116") == "滨海新区"


def test_region_facts_are_immutable_hashable_and_cross_processes() -> None:
    again = pickle.loads(pickle.dumps(HAIZHOU))
    assert again == HAIZHOU and hash(again) == hash(HAIZHOU)
    assert again.district_name("320703") == "云台区"
    assert again.current_code("320721") == "320701"
    with pytest.raises(AttributeError):
        HAIZHOU.area_code = "022"  # type: ignore[misc]
    with pytest.raises(ValueError, match="twice"):
        RegionFacts(districts=(DistrictFacts("1", "a"), DistrictFacts("1", "b")))
    with pytest.raises(ValueError, match="area code"):
        RegionFacts(area_code="518")


def test_rules_are_built_once_per_region() -> None:
    assert district_rules(HAIZHOU) is district_rules(pickle.loads(pickle.dumps(HAIZHOU)))
    assert phone_rules(HAIZHOU) is phone_rules(HAIZHOU)
    assert district_rules(HAIZHOU) is not district_rules(TIANJIN)


def test_districts_and_phones_of_another_region() -> None:
    rules = district_rules(HAIZHOU)
    assert rules.normalise("海东").code == "320701"
    assert rules.normalise("海东县").reasons == ("district_alias",)
    assert rules.normalise(320721).code == "320701"
    assert rules.normalise("320702001000").code == "320702"   # 12-digit statistical code
    assert rules.normalise("和平区").code is None                # a Tianjin district is not one
    assert rules.from_address("海州市海西区人民路1号").code == "320702"
    assert rules.from_address("海州市海东路8号").code is None   # a street named after it
    assert rules.from_address("天津市和平区南京路").reasons == ("address_outside_tianjin",)
    assert rules.from_sheet_name("云台区名单").code == "320703"
    phones = phone_rules(HAIZHOU)
    assert phones.normalise("85551234").phones[0].e164 == "+8651885551234"
    assert phones.normalise("85551234-77").phones[0].ext == "77"
    # Tianjin's rules are untouched by another region's
    assert phone_rules(TIANJIN).normalise("85551234").phones[0].e164 == "+862285551234"
    assert district_rules(TIANJIN).normalise("海东区").code is None


def test_the_normaliser_takes_the_region() -> None:
    columns = {"district": 0, "phone": 1, "name": 2}
    row = ["海东区", "85551234", "某公司"]
    got = normalise_row(columns, row, region=HAIZHOU)
    assert (got["district_code"], got["phone_e164"]) == ("320701", "+8651885551234")
    # the default is Tianjin, with its own caches
    got = normalise_row(columns, row)
    assert (got["district_code"], got["phone_e164"]) == (None, "+862285551234")


# --- settings -----------------------------------------------------------------------------


def test_districts_inline_in_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "callcentre.toml").write_text(HAIZHOU_TOML, encoding="utf-8")
    region = load_settings(cwd=tmp_path, env={}).region
    assert region == HAIZHOU      # short names and own names added by themselves


@pytest.mark.parametrize("kind", ["csv", "toml", "csv-zh"])
def test_districts_from_a_file(tmp_path: Path, kind: str) -> None:
    if kind == "toml":
        name = "districts.toml"
        (tmp_path / name).write_text(HAIZHOU_TOML.replace("[region]\n", "").replace(
            'name = "海州市"\narea_code = "0518"\n', "").replace("region.", ""), encoding="utf-8")
    else:
        name = "districts.csv"
        head = ("code,name,aliases,old_names,old_codes" if kind == "csv"
                else "代码,名称,别名,旧名,旧代码")
        (tmp_path / name).write_text(
            f"{head}\n320701,海东区,,海东县,320721\n320702,海西区,,,\n"
            "320703,云台区,云台山,,\n", encoding="utf-8")
    config = tmp_path / "conf" / "cc.toml"
    config.parent.mkdir()
    config.write_text(f'[region]\nname = "海州市"\narea_code = "0518"\n'
                      f'districts_file = "../{name}"\n', encoding="utf-8")
    assert load_settings(env={"CALLCENTRE_CONFIG": str(config)}).region == HAIZHOU


@pytest.mark.parametrize(("table", "key"), [
    ('name = "海州市"', "region.districts"),                       # another city, no districts
    ('area_code = "518"', "region.area_code"),
    ('local_digits = 9', "region.local_digits"),
    ('[[region.districts]]\ncode = "3207"\nname = "海东区"', "region.districts[0].code"),
    ('[[region.districts]]\ncode = "320701"\nname = "甲区"\n'
     '[[region.districts]]\ncode = "320701"\nname = "乙区"', "region.districts"),
])
def test_a_bad_region_is_a_message_naming_the_key(tmp_path: Path, table: str, key: str) -> None:
    (tmp_path / "callcentre.toml").write_text(f"[region]\n{table}\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load_settings(cwd=tmp_path, env={})
    assert info.value.params["key"] == key


def test_a_missing_districts_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "callcentre.toml").write_text(
        '[region]\nname = "海州市"\ndistricts_file = "nope.csv"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        load_settings(cwd=tmp_path, env={})
    assert info.value.key == "settings.districts_file_missing"
    assert info.value.params["file"] == str(tmp_path / "nope.csv")


def test_the_tianjin_region_table_may_change_only_the_lines(tmp_path: Path) -> None:
    (tmp_path / "callcentre.toml").write_text(
        '[region]\nservice_numbers = ["96599900"]\n', encoding="utf-8")
    region = load_settings(cwd=tmp_path, env={}).region
    assert region.districts == TIANJIN.districts and region.service_numbers == ("96599900",)
    assert phone_rules(region).normalise("96599900").reasons == (
        "phone_none_valid", "phone_service_number")


# --- the importer -------------------------------------------------------------------------


def test_import_in_process_reads_the_region_given(db_url: str, tmp_path: Path) -> None:
    path = write_list(tmp_path / "haizhou.xlsx", haizhou_rows())
    import_files(open_engine(db_url), [ImportJob(path, "市税务局", 1)], workers=0,
                 region=HAIZHOU)
    assert stored(db_url) == EXPECTED


def test_the_default_import_is_tianjins(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tj.db'}"
    path = write_list(tmp_path / "haizhou.xlsx", haizhou_rows())
    import_files(open_engine(url), [ImportJob(path, "市税务局", 1)], workers=0)
    got = stored(url)
    assert [d for d, _ in got] == [None] * 4 + ["120101"]
    assert got[0][1] == "+862285551234"


def _parse_marked(path: Path, *, transfer: bool = False,
                  region: RegionFacts = TIANJIN) -> ParsedFile:
    """parse_list_file that leaves a mark when a helper parses; the writer waits for
    a helper's first mark, so that helpers do take files (they start slowly)."""
    if transfer:
        (path.parent / f"{path.name}.by-helper").touch()
        return parse_list_file(path, transfer=True, region=region)
    deadline = time.monotonic() + 120
    while not any(path.parent.glob("*.by-helper")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return parse_list_file(path, region=region)


def test_spawned_helpers_get_the_region_with_the_parse_function(tmp_path: Path) -> None:
    paths = [write_list(tmp_path / f"list{i}.xlsx", haizhou_rows(i)) for i in range(4)]
    got = list(feeder.parsed_in_order(paths, 1, skip=set(),
                                      parse=partial(_parse_marked, region=HAIZHOU)))
    helped = {p.name.removesuffix(".by-helper") for p in tmp_path.glob("*.by-helper")}
    assert helped
    for parsed, rows in got:
        # ParsedRow: district_code and phone_e164 are fields 8 and 10
        assert [(r[8], r[10]) for r in rows] == EXPECTED, parsed.path.name


def test_config_region_through_the_command_line(tmp_path: Path) -> None:
    """A config naming 海州市: `callcentre import` (helpers on) stores its districts and
    landlines, the check workbook, the sample table and its export name its districts."""
    (tmp_path / "callcentre.toml").write_text(HAIZHOU_TOML, encoding="utf-8")
    env = {"CALLCENTRE_CONFIG": str(tmp_path / "callcentre.toml")}
    db = f"sqlite:///{tmp_path / 'hz.db'}"
    paths = [write_list(tmp_path / f"list{i}.xlsx", haizhou_rows(i)) for i in range(3)]
    assert cli(db, "wave", "new", "2021", env=env).exit_code == 0
    report = tmp_path / "check.xlsx"
    result = cli(db, "import", *map(str, paths), "--item", "1", "--yes", "--report",
                 str(report), env=env)
    assert result.exit_code == 0, result.output
    assert stored(db) == EXPECTED * 3
    ws = openpyxl.load_workbook(report, read_only=True).worksheets[0]
    header, *rows = [list(r) for r in ws.iter_rows(values_only=True)]
    names = {r[header.index("所属区")] or None for r in rows}
    assert names == {"海东区", "海西区", "云台区", None}
    texts = {str(v) for sheet in openpyxl.load_workbook(report, read_only=True).worksheets
             for r in sheet.iter_rows(values_only=True) for v in r if v}
    assert any("按海州市固定电话处理，已加区号0518" in v for v in texts)
    assert not any("天津" in v for v in texts)
    result = cli(db, "sample", "draw", "--by", "item,district", "--n", "6", "--seed", "3",
                 env=env)
    assert result.exit_code == 0, result.output
    assert "第1项 · 海东区" in result.output
    out = tmp_path / "s.xlsx"
    assert cli(db, "sample", "export", "--out", str(out), env=env).exit_code == 0
    sample = openpyxl.load_workbook(out)["样本"]
    header = [c.value for c in sample[1]]
    shown = {r[header.index("所属区")] or None
             for r in sample.iter_rows(min_row=2, values_only=True)}
    assert shown <= {"海东区", "海西区", "云台区", None} and "海东区" in shown


def test_reason_texts_name_the_region() -> None:
    assert reason_text("phone_local8", HAIZHOU) == "8位号码按海州市固定电话处理，已加区号0518。"
    assert "海州市3个区" in reason_text("district_unknown", HAIZHOU)
    assert reason_text("address_outside_tianjin") == (
        "地址不在天津市，请核实该企业是否属于本次评估范围。")
    assert "区号022" in reason_text("phone_local8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_reason_text_can_be_shown_for_any_region(lang: str) -> None:
    from callcentre.i18n import language, set_language
    from sampling.identifiers.reasons import REASONS
    from sampling.listfile.normalise import ROW_REASONS

    was = language()
    set_language(lang)
    try:
        for code in [*REASONS, *ROW_REASONS]:
            for region in (TIANJIN, HAIZHOU):
                text = reason_text(code, region)
                assert text and "{" not in text and text != f"reason.{code}", code
    finally:
        set_language(was)


def test_display_names_come_from_the_region() -> None:
    assert district_name("320702", HAIZHOU) == "海西区"
    assert district_name("120101", HAIZHOU) == "120101"     # not a district there
    assert stratum_display("item=3|district=320703", HAIZHOU) == "第3项 · 云台区"
    assert stratum_display("item=3|district=120101") == "第3项 · 和平区"
