"""location owner, cold store and retirement

A location belongs to an enterprise (or to none: zone-wide, such as the zone
operator's), says whether it is a cold store, and may be retired: kept for the
history that points at it, but refusing new stock.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "enterprise_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("cold_store", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("retired_at", adapters.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("retired_by", sa.String(length=120), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_locations_enterprise_id"), ["enterprise_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_locations_enterprise_id_enterprises"),
            "enterprises",
            ["enterprise_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_locations_enterprise_id_enterprises"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_locations_enterprise_id"))
        batch_op.drop_column("retired_by")
        batch_op.drop_column("retired_at")
        batch_op.drop_column("cold_store")
        batch_op.drop_column("enterprise_id")
