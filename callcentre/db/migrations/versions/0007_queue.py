"""call queue: when a case was released, claim index on holders' leases

Revision ID: 0007_queue
Revises: 0006_fieldwork

"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_queue'
down_revision = '0006_fieldwork'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('casequeue', schema=None) as batch_op:
        batch_op.add_column(sa.Column('released_at', sqlmodel.sql.sqltypes.UTCDateTime(),
                                      nullable=True))
        batch_op.create_index('ix_casequeue_lease', ['lease_until'], unique=False)
    with op.batch_alter_table('callattempt', schema=None) as batch_op:
        batch_op.create_index('ix_callattempt_open', ['case_id', 'ended_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('callattempt', schema=None) as batch_op:
        batch_op.drop_index('ix_callattempt_open')
    with op.batch_alter_table('casequeue', schema=None) as batch_op:
        batch_op.drop_index('ix_casequeue_lease')
        batch_op.drop_column('released_at')
