"""The structured item catalogue: one record per item of a wave's responsibility list.

The catalogue is the single source the question bank is generated from and that
the rest of the application uses to name items, areas and their modules. It is
shipped as ``questionnaires/data/catalogue_<year>.json`` (written by
:mod:`questionnaires.catalogue_extract` from the evaluation plan's text); a new
year's list is added by dropping in another file of the same shape.

Example
-------
>>> from questionnaires.catalogue import load_catalogue
>>> items = load_catalogue(2021)
>>> len(items), len({i.area for i in items})
(103, 25)
>>> items[27].promised_limit
PromisedLimit(value=3, unit='working_days', subject='低压客户办电(受理签约至装表接电)', phrase='压缩至3个工作日')
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

DATA_DIR = Path(__file__).with_name("data")

LimitUnit = Literal["working_days", "days"]


@dataclass(frozen=True)
class PromisedLimit:
    """A time limit the item promises, e.g. 低压办电 ≤ 3 working days.

    ``value`` 0 means "on the spot" (即时办结).
    """

    value: int | float
    unit: LimitUnit
    subject: str
    phrase: str = ""

    @property
    def unit_zh(self) -> str:
        return "个工作日" if self.unit == "working_days" else "天"

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "subject": self.subject,
                "phrase": self.phrase}


@dataclass(frozen=True)
class CatalogueItem:
    """One evaluation item.

    Attributes
    ----------
    item, area : int
        Item number (1-based, as in the list) and area number.
    area_name, text : str
        The area heading and the assessed text (评估内容), verbatim.
    reform : str
        A short name of the reform, for reading out on the phone.
    lead_units, partner_units : tuple of str
        牵头单位 and 责任单位 (empty when the list says "——").
    evidence : str
        佐证要求, verbatim.
    promised_limits : tuple of PromisedLimit
        Every time limit the text promises, in order (two for 办电: low and
        high voltage; two for 用水/用气).
    module : str
        The id of the item's questionnaire module (the XLSForm ``form_id``).
    year : int
        The wave's list this item belongs to.
    """

    item: int
    area: int
    area_name: str
    text: str
    reform: str
    lead_units: tuple[str, ...]
    partner_units: tuple[str, ...]
    evidence: str
    promised_limits: tuple[PromisedLimit, ...]
    module: str
    year: int

    @property
    def lead_unit(self) -> str:
        """All lead units joined with 、 (as one would write them in a report)."""
        return "、".join(self.lead_units)

    @property
    def promised_limit(self) -> PromisedLimit | None:
        """The first promised limit, or ``None`` when the item promises none."""
        return self.promised_limits[0] if self.promised_limits else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "area": self.area,
            "area_name": self.area_name,
            "text": self.text,
            "reform": self.reform,
            "lead_unit": self.lead_unit,
            "lead_units": list(self.lead_units),
            "partner_units": list(self.partner_units),
            "evidence": self.evidence,
            "promised_limits": [p.to_dict() for p in self.promised_limits],
            "module": self.module,
            "year": self.year,
        }


def module_id(year: int, item: int) -> str:
    """The module (form) id of an item: ``item_2021_028``."""
    return f"item_{year}_{item:03d}"


def available_years() -> list[int]:
    """Years with a bundled catalogue file."""
    return sorted(int(p.stem.rsplit("_", 1)[1]) for p in DATA_DIR.glob("catalogue_*.json"))


@lru_cache(maxsize=8)
def _load(year: int) -> tuple[CatalogueItem, ...]:
    path = DATA_DIR / f"catalogue_{year}.json"
    if not path.exists():
        raise ValueError(f"no item catalogue for {year}; available: {available_years()}")
    raw = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        CatalogueItem(
            item=int(r["item"]),
            area=int(r["area"]),
            area_name=r["area_name"],
            text=r["text"],
            reform=r.get("reform", ""),
            lead_units=tuple(r["lead_units"]),
            partner_units=tuple(r["partner_units"]),
            evidence=r["evidence"],
            promised_limits=tuple(
                PromisedLimit(value=p["value"], unit=p["unit"], subject=p.get("subject", ""),
                              phrase=p.get("phrase", ""))
                for p in r["promised_limits"]
            ),
            module=module_id(year, int(r["item"])),
            year=year,
        )
        for r in raw["items"]
    )


def load_catalogue(year: int = 2021) -> list[CatalogueItem]:
    """All items of ``year``'s responsibility list, ordered by item number."""
    return list(_load(year))


def catalogue_item(item: int, year: int = 2021) -> CatalogueItem:
    """One item by number; ``KeyError`` if the list has no such item."""
    for entry in _load(year):
        if entry.item == item:
            return entry
    raise KeyError(item)


def areas(year: int = 2021) -> list[tuple[int, str]]:
    """The list's areas as ``(number, name)``, in order."""
    seen: dict[int, str] = {}
    for entry in _load(year):
        seen.setdefault(entry.area, entry.area_name)
    return sorted(seen.items())
