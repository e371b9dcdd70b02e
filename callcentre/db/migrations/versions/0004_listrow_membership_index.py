"""list rows indexed by membership instead of enterprise

A frame unit's rows are looked up by its membership (the sample, the caller's
screen, re-import clean-up). Membership ids grow with each import, so this index
is appended to, while the enterprise index took a random insert per row: about a
fifth of the import's SQLite time for a million rows.

Revision ID: 0004_listrow_membership_index
Revises: 0001_foundation
"""
from __future__ import annotations

from alembic import op

revision = "0004_listrow_membership_index"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("listrow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listrow_enterprise_id"))
        batch_op.create_index(batch_op.f("ix_listrow_membership_id"), ["membership_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("listrow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listrow_membership_id"))
        batch_op.create_index(batch_op.f("ix_listrow_enterprise_id"), ["enterprise_id"],
                              unique=False)
