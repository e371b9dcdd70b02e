"""list rows indexed by membership and by file, not by enterprise

A frame unit's rows are looked up by its membership (the sample, the caller's
screen, re-import clean-up). Membership ids grow with each import, so this index
is appended to, while the enterprise index took a random insert per row: about a
fifth of the import's SQLite time for a million rows. Rows are read by file in id
order (check workbook, re-import), so (file, sheet, row) becomes (file): a key of
one integer instead of one with the sheet's name in it.

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
        batch_op.drop_index("ix_listrow_file_row")
        batch_op.create_index(batch_op.f("ix_listrow_membership_id"), ["membership_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_listrow_source_file_id"), ["source_file_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("listrow", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_listrow_source_file_id"))
        batch_op.drop_index(batch_op.f("ix_listrow_membership_id"))
        batch_op.create_index("ix_listrow_file_row", ["source_file_id", "sheet", "row"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_listrow_enterprise_id"), ["enterprise_id"],
                              unique=False)
