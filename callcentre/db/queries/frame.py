"""The sampling frame of a wave as numpy arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import exists
from sqlmodel import Session, select

from callcentre.db.models.frame import (
    Department,
    Enterprise,
    Item,
    ItemMembership,
    ListRow,
    SourceFile,
    Wave,
)

FRAME_COLUMNS = ("item", "area", "district", "department")


@dataclass
class Frame:
    """The frame units of a wave as parallel arrays (one row per item membership)."""

    wave_id: int
    wave_code: str
    membership_id: np.ndarray
    enterprise_id: np.ndarray
    item_id: np.ndarray
    key: np.ndarray
    columns: dict[str, np.ndarray]

    def __len__(self) -> int:
        return int(self.membership_id.size)

    def subset(self, rows: np.ndarray) -> Frame:
        return Frame(self.wave_id, self.wave_code, self.membership_id[rows],
                     self.enterprise_id[rows], self.item_id[rows], self.key[rows],
                     {k: v[rows] for k, v in self.columns.items()})

    def one_per_enterprise_item(self) -> Frame:
        """Keep one membership per enterprise × item (the first): without department
        strata, an enterprise two departments list for one item is one unit."""
        if not len(self):
            return self
        pair = self.enterprise_id * (int(self.item_id.max()) + 1) + self.item_id
        _, first = np.unique(pair, return_index=True)
        return self.subset(np.sort(first))


def on_a_list():  # type: ignore[no-untyped-def]
    """``EXISTS`` clause: the membership is supported by at least one list row.

    A membership whose every list row went away (a department re-sent a corrected
    list without the enterprise) is kept by the importer when a sample refers to
    it, but it is no longer on any list and is not a frame unit any more. Rows of a
    file still being imported (``importing``, written in steps on SQLite) do not
    count until the file is complete.
    """
    return exists().where(ListRow.membership_id == ItemMembership.id,
                          ListRow.source_file_id == SourceFile.id, SourceFile.kind == "list")


def load_frame(session: Session, *, wave: Wave) -> Frame | None:
    """The item memberships of ``wave`` that are on a list, with their stratification
    columns; None when there are none.

    The PRN key is the enterprise's credit code, else its old registration number,
    else ``id:<enterprise id>`` (stable within one database only).
    """
    stmt = (
        select(
            ItemMembership.id, ItemMembership.enterprise_id, ItemMembership.item_id,
            Enterprise.uscc, Enterprise.reg_no, Enterprise.district_code,
            Item.number, Item.area_number, Department.name,
        )
        .join(Enterprise, Enterprise.id == ItemMembership.enterprise_id)
        .join(Item, Item.id == ItemMembership.item_id)
        .join(Department, Department.id == ItemMembership.department_id)
        .where(ItemMembership.wave_id == wave.id, on_a_list())
        .order_by(ItemMembership.id)
    )
    rows = session.exec(stmt).all()
    if not rows:
        return None
    cols = list(zip(*rows))
    keys = [u or (f"reg:{r}" if r else f"id:{e}") for u, r, e in zip(cols[3], cols[4], cols[1])]
    return Frame(
        wave_id=int(wave.id),  # type: ignore[arg-type]
        wave_code=wave.code,
        membership_id=np.asarray(cols[0], dtype=np.int64),
        enterprise_id=np.asarray(cols[1], dtype=np.int64),
        item_id=np.asarray(cols[2], dtype=np.int64),
        key=np.asarray(keys, dtype=str),
        columns={
            "item": np.asarray(cols[6], dtype=np.int64),
            "area": np.asarray(cols[7], dtype=np.int64),
            "district": np.asarray([d or "" for d in cols[5]], dtype=str),
            "department": np.asarray(cols[8], dtype=str),
        },
    )
