"""The sampling frame: waves, departments, items, imported files and rows,
enterprises and their item memberships, and departments' system work orders.

Every input row is kept (``ListRow``) with its file, sheet and 1-based row, its
raw cells and what normalisation made of them, so any figure can be traced back
to the cell it came from. JSON payloads are stored as text so the schema is the
same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class WaveBase(SQLModel):
    code: str = Field(max_length=32, unique=True, description="e.g. '2021'")
    name: str = Field(default="", max_length=200)


class Wave(WaveBase, table=True):
    """A survey round; one database holds several."""

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class DepartmentBase(SQLModel):
    name: str = Field(max_length=200, unique=True)
    contact_name: str = Field(default="", max_length=100)
    contact_phone: str = Field(default="", max_length=64)


class Department(DepartmentBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class ItemBase(SQLModel):
    number: int = Field(description="item number in the wave's responsibility list")
    area_number: int = 0
    area_name: str = Field(default="", max_length=200)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    lead_unit: str = Field(default="", max_length=200)


class Item(ItemBase, table=True):
    """An evaluation item (one line of the responsibility list) in a wave."""

    __table_args__ = (UniqueConstraint("wave_id", "number", name="uq_item_wave_number"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)


class SourceFile(SQLModel, table=True):
    """One imported file. Re-importing the same path with other content replaces
    its rows; the same content (sha256) again is a no-op."""

    __table_args__ = (UniqueConstraint("wave_id", "path", name="uq_sourcefile_wave_path"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    kind: str = Field(default="list", max_length=16, description="list | workorder")
    path: str = Field(max_length=1000)
    name: str = Field(max_length=300)
    sha256: str = Field(max_length=64, index=True)
    size: int = 0
    imported_at: datetime = Field(default_factory=utcnow)
    rows_total: int = 0
    rows_accepted: int = 0
    rows_warning: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    sheets: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))


class Enterprise(SQLModel, table=True):
    """One enterprise: unique by valid credit code; rows without one are joined by
    normalised name only where that is unambiguous."""

    id: int | None = Field(default=None, primary_key=True)
    uscc: str | None = Field(default=None, max_length=18, unique=True)
    reg_no: str | None = Field(default=None, max_length=15)
    name: str = Field(default="", max_length=300)
    name_key: str = Field(default="", max_length=300)
    district_code: str | None = Field(default=None, max_length=6)
    phone_e164: str | None = Field(default=None, max_length=32)
    phone_ext: str | None = Field(default=None, max_length=16)
    phone_kind: str | None = Field(default=None, max_length=16)
    phones: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
    conflicts: str = Field(
        default="{}",
        sa_column=Column(Text, nullable=False, default="{}"),
        description="JSON: field -> list of differing values seen across rows",
    )
    created_at: datetime = Field(default_factory=utcnow)


class ItemMembership(SQLModel, table=True):
    """Enterprise x item x department: one frame unit per item, with its rows
    (``ListRow.membership_id``)."""

    __table_args__ = (
        UniqueConstraint("enterprise_id", "item_id", "department_id", name="uq_membership"),
    )
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id")
    enterprise_id: int = Field(foreign_key="enterprise.id")
    item_id: int = Field(foreign_key="item.id")
    department_id: int = Field(foreign_key="department.id")


class ListRow(SQLModel, table=True):
    """Every row of every imported list file, accepted or not."""

    id: int | None = Field(default=None, primary_key=True)
    source_file_id: int = Field(foreign_key="sourcefile.id", index=True)
    sheet: str = Field(max_length=200)
    row: int = Field(description="1-based, as Excel shows it; csv: line number")
    raw: str = Field(sa_column=Column(Text, nullable=False), description="JSON list of cells")
    status: str = Field(max_length=16, description="accepted | warning | rejected | duplicate")
    reasons: str = Field(default="", max_length=500, description="comma-separated reason codes")
    name: str = Field(default="", max_length=300)
    uscc: str | None = Field(default=None, max_length=18)
    reg_no: str | None = Field(default=None, max_length=15)
    district_code: str | None = Field(default=None, max_length=6)
    phone_e164: str | None = Field(default=None, max_length=32)
    phone_ext: str | None = Field(default=None, max_length=16)
    phones: str = Field(default="", max_length=500, description="all valid numbers, ';'-joined")
    contact: str = Field(default="", max_length=200)
    business: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id")
    membership_id: int | None = Field(default=None, foreign_key="itemmembership.id", index=True)
    duplicate_of: str | None = Field(
        default=None, max_length=220, description="'sheet!row' of the earlier identical row"
    )
    zone: str | None = Field(default=None, max_length=60)


class WorkOrder(SQLModel, table=True):
    """A department's system work order (附件5) with its stage durations."""

    id: int | None = Field(default=None, primary_key=True)
    source_file_id: int = Field(foreign_key="sourcefile.id", index=True)
    sheet: str = Field(max_length=200)
    row: int
    order_no: str = Field(default="", max_length=100, index=True)
    enterprise_id: int | None = Field(default=None, foreign_key="enterprise.id", index=True)
    item_id: int | None = Field(default=None, foreign_key="item.id", index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    name: str = Field(default="", max_length=300)
    uscc: str | None = Field(default=None, max_length=18)
    contact: str = Field(default="", max_length=200)
    phone_e164: str | None = Field(default=None, max_length=32)
    business: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    stages: str = Field(
        default="[]",
        sa_column=Column(Text, nullable=False, default="[]"),
        description="JSON list of {name, start, end, days}",
    )
    total_days: float | None = None
    reasons: str = Field(default="", max_length=500)
    raw: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))
