"""rates: per-case outcome cache

Revision ID: 0007_rates_outcome_cache
Revises: 0006_fieldwork

"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007_rates_outcome_cache'
down_revision = '0006_fieldwork'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ratecaseoutcome',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('grp', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('case_id')
    )
    with op.batch_alter_table('ratecaseoutcome', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratecaseoutcome_wave_id'), ['wave_id'], unique=False)

    op.create_table('raterefresh',
    sa.Column('wave_id', sa.Integer(), nullable=False),
    sa.Column('low_id', sa.Integer(), nullable=False),
    sa.Column('rules', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('refreshed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('wave_id')
    )


def downgrade() -> None:
    op.drop_table('raterefresh')
    with op.batch_alter_table('ratecaseoutcome', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratecaseoutcome_wave_id'))
    op.drop_table('ratecaseoutcome')
