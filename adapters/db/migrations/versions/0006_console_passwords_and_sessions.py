"""console passwords and sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

Users get an optional Argon2 password hash (the web console signs in with it; API
tokens are unchanged), and the console's sessions are kept server-side: the SHA-256
of the cookie's random id, the session's CSRF token, when it expires and when it ended.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_hash", sa.String(length=200), nullable=True))
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("id_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", adapters.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["api_users.id"], name=op.f("fk_console_sessions_user_id_api_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
        sa.UniqueConstraint("id_sha256", name=op.f("uq_console_sessions_id_sha256")),
    )
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_console_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("console_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_console_sessions_user_id"))
    op.drop_table("console_sessions")
    with op.batch_alter_table("api_users", schema=None) as batch_op:
        batch_op.drop_column("password_hash")
