"""accounts, log-in tokens, database-wide settings and the append-only audit trail

Revision ID: 0005_accounts_audit
Revises: 0001_foundation
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0005_accounts_audit"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "useraccount",
        sa.Column("username", _S(length=64), nullable=False),
        sa.Column("display_name", _S(length=100), nullable=False),
        sa.Column("role", _S(length=16), nullable=False),
        sa.Column("os_account", _S(length=64), nullable=True),
        sa.Column("refusal_converter", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("password_hash", _S(length=200), nullable=False),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
        sa.UniqueConstraint("os_account"),
    )
    op.create_table(
        "authtoken",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", _S(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["useraccount.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_index(op.f("ix_authtoken_user_id"), "authtoken", ["user_id"], unique=False)
    op.create_table(
        "appsetting",
        sa.Column("key", _S(length=64), nullable=False),
        sa.Column("value", _S(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    # a database made before waves were chosen explicitly: its only wave is current
    op.execute("INSERT INTO appsetting (key, value) SELECT 'current_wave', code FROM wave "
               "WHERE (SELECT count(*) FROM wave) = 1")
    op.create_table(
        "auditevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("username", _S(length=64), nullable=False),
        sa.Column("action", _S(length=64), nullable=False),
        sa.Column("object_type", _S(length=40), nullable=False),
        sa.Column("object_id", _S(length=100), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=True),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["useraccount.id"]),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_auditevent_at"), "auditevent", ["at"], unique=False)
    op.create_index(op.f("ix_auditevent_user_id"), "auditevent", ["user_id"], unique=False)
    op.create_index(op.f("ix_auditevent_action"), "auditevent", ["action"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER auditevent_no_{verb.lower()} BEFORE {verb} ON auditevent "
                "BEGIN SELECT RAISE(ABORT, 'auditevent is append-only'); END")
    else:
        op.execute(
            "CREATE FUNCTION auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'auditevent is append-only'; END $$")
        op.execute(
            "CREATE TRIGGER auditevent_append_only BEFORE UPDATE OR DELETE ON auditevent "
            "FOR EACH ROW EXECUTE FUNCTION auditevent_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_update")
        op.execute("DROP TRIGGER IF EXISTS auditevent_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS auditevent_append_only ON auditevent")
        op.execute("DROP FUNCTION IF EXISTS auditevent_append_only()")
    op.drop_table("auditevent")
    op.drop_table("appsetting")
    op.drop_index(op.f("ix_authtoken_user_id"), table_name="authtoken")
    op.drop_table("authtoken")
    op.drop_table("useraccount")
