"""A drawn sample: its design, strata, units and the cases to call.

``SampleDesign`` records everything needed to repeat the draw exactly — the
stratification columns, allocation options, the seed, the software version and a
digest of the frame — and each ``SampleStratum`` its ``N_h``, ``n_h``, reserve and
replicate sizes and how many replicates are released. ``SampleUnit`` is one frame
unit (enterprise × item, via its ``ItemMembership``) in the main sample or the
kept reserve, with its permanent random number, rank and replicate. A
``SampleCase`` is one sampled enterprise to call, covering all its released
sampled items (``SampleCaseItem``); the call queue, dispositions and weights
build on cases and units.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class SampleDesignBase(SQLModel):
    name: str = Field(max_length=100, description="unique within the wave")
    stratify_by: str = Field(default="[]", max_length=200,
                             description="JSON list of frame columns, e.g. [\"item\", \"district\"]")
    method: str = Field(default="proportional", max_length=20)
    target: int = Field(default=0, description="total main sample size n")
    seed: int = Field(default=0)
    software_version: str = Field(default="", max_length=40)
    params: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"),
                        description="JSON: every option given to design and draw")
    frame_units: int = 0
    frame_digest: str = Field(default="", max_length=64,
                              description="sha256 of the sorted (stratum, key) pairs")
    status: str = Field(default="drawn", max_length=16)


class SampleDesign(SampleDesignBase, table=True):
    __table_args__ = (UniqueConstraint("wave_id", "name", name="uq_sampledesign_wave_name"),)
    id: int | None = Field(default=None, primary_key=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class SampleStratum(SQLModel, table=True):
    """One stratum of a design; ``position`` is its index in sorted label order."""

    __table_args__ = (
        UniqueConstraint("design_id", "position", name="uq_samplestratum_position"),
        UniqueConstraint("design_id", "label", name="uq_samplestratum_label"),
    )
    id: int | None = Field(default=None, primary_key=True)
    design_id: int = Field(foreign_key="sampledesign.id", index=True)
    position: int
    label: str = Field(max_length=300)
    stratum_values: str = Field(default="{}", max_length=1000, description="JSON: column -> value")
    population: int = Field(description="N_h")
    size: int = Field(description="n_h, main sample")
    reserve: int = Field(default=0, description="reserve units kept in PRN order")
    replicate_size: int = Field(default=1)
    replicates: int = Field(default=0, description="number of reserve replicates")
    released_replicates: int = Field(default=0, description="0 = main sample only")
    released: int = Field(default=0, description="units released (main + reserve)")
    expected_p: float | None = None


class SampleUnit(SQLModel, table=True):
    """A frame unit in the main sample or the kept reserve."""

    __table_args__ = (
        UniqueConstraint("design_id", "membership_id", name="uq_sampleunit_membership"),
        Index("ix_sampleunit_stratum_rank", "stratum_id", "rank"),
    )
    id: int | None = Field(default=None, primary_key=True)
    design_id: int = Field(foreign_key="sampledesign.id", index=True)
    stratum_id: int = Field(foreign_key="samplestratum.id")
    membership_id: int = Field(foreign_key="itemmembership.id")
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    prn_key: str = Field(max_length=40, description="the PRN key (credit code)")
    prn: float
    rank: int = Field(description="0-based position in the stratum's PRN order")
    replicate: int = Field(description="0 main sample, k >= 1 k-th reserve replicate")
    released: bool = Field(default=False, index=True)
    released_at: datetime | None = None
    case_id: int | None = Field(default=None, foreign_key="samplecase.id", index=True)


class SampleCase(SQLModel, table=True):
    """One enterprise to call for a design, covering all its released items."""

    __table_args__ = (
        UniqueConstraint("design_id", "enterprise_id", name="uq_samplecase_enterprise"),
    )
    id: int | None = Field(default=None, primary_key=True)
    design_id: int = Field(foreign_key="sampledesign.id", index=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    enterprise_id: int = Field(foreign_key="enterprise.id", index=True)
    replicate: int = Field(default=0, description="replicate that first released the case")
    n_items: int = 0
    status: str = Field(default="new", max_length=20, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class SampleCaseItem(SQLModel, table=True):
    """An item a case covers (one released sample unit)."""

    __table_args__ = (UniqueConstraint("case_id", "unit_id", name="uq_samplecaseitem_unit"),)
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="samplecase.id", index=True)
    unit_id: int = Field(foreign_key="sampleunit.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
