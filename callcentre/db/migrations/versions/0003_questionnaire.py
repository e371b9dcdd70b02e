"""questionnaire versions loaded into a wave

Revision ID: 0003_questionnaire
Revises: 0001_foundation
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003_questionnaire"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questionnaireversion",
        sa.Column("form_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("item_number", sa.Integer(), nullable=True),
        sa.Column("source_name", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("question_count", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("wave_id", "form_id", "version", name="uq_questionnaire_version"),
    )
    op.create_index(op.f("ix_questionnaireversion_form_id"), "questionnaireversion", ["form_id"],
                    unique=False)
    op.create_index(op.f("ix_questionnaireversion_wave_id"), "questionnaireversion", ["wave_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_questionnaireversion_wave_id"), table_name="questionnaireversion")
    op.drop_index(op.f("ix_questionnaireversion_form_id"), table_name="questionnaireversion")
    op.drop_table("questionnaireversion")
