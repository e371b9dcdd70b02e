"""The structured item catalogue of the 2021 responsibility list."""

from __future__ import annotations

import dataclasses

import pytest

from questionnaires.catalogue import areas, catalogue_item, load_catalogue


def test_all_103_items_in_25_areas() -> None:
    items = load_catalogue(2021)
    assert [i.item for i in items] == list(range(1, 104))
    assert len({i.area for i in items}) == 25
    assert [a for a, _ in areas()] == list(range(1, 26))
    # areas are contiguous runs in list order
    assert [i.area for i in items] == sorted(i.area for i in items)


def test_every_item_is_complete() -> None:
    for i in load_catalogue():
        assert i.text and i.area_name and i.lead_units and i.evidence and i.reform, i.item
        assert i.module == f"item_2021_{i.item:03d}"
        assert "\n" not in i.text and "\n" not in i.lead_unit


def test_known_items() -> None:
    assert catalogue_item(1).area_name == "优化企业开办服务"
    assert catalogue_item(1).lead_unit == "市市场监管委"
    assert catalogue_item(13).lead_units == ("市政务服务办", "市公安局", "市委网信办")
    assert catalogue_item(41).lead_unit == "人民银行天津分行"
    assert catalogue_item(103).area_name == "提升城市综合立体交通便利度"
    assert catalogue_item(11).partner_units == ()


@pytest.mark.parametrize(
    ("item", "values"),
    [(6, [(60, "days")]), (27, [(8, "working_days")]),
     (28, [(3, "working_days"), (20, "working_days")]),
     (33, [(9, "working_days"), (10, "working_days")]), (19, [(0, "working_days")])],
)
def test_promised_limits(item: int, values: list[tuple[int, str]]) -> None:
    entry = catalogue_item(item)
    assert [(p.value, p.unit) for p in entry.promised_limits] == values
    assert all(p.subject for p in entry.promised_limits)
    assert entry.promised_limit == entry.promised_limits[0]


def test_items_without_limit_and_frozen() -> None:
    entry = catalogue_item(1)
    assert entry.promised_limit is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.item = 2  # type: ignore[misc]


def test_unknown_year() -> None:
    with pytest.raises(ValueError):
        load_catalogue(1999)
