"""receipt delivery state

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Every receipt gets a delivery row with a state (pending, delivered, after_end,
parked, dismissed), its attempts and the next one, the last error, and the last
decision of an admin. A row that existed before meant "delivered"; a receipt
without one was waiting for delivery and becomes ``pending``, due at once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "customs_receipt_deliveries"


def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("state", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("queued_at", adapters.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "next_attempt_at", adapters.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "last_attempt_at", adapters.db.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("decided_by", sa.String(length=120), nullable=True))
        batch_op.add_column(
            sa.Column("decided_at", adapters.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
        batch_op.alter_column(
            "delivered_at",
            new_column_name="settled_at",
            existing_type=sa.DateTime(timezone=True),
            nullable=True,
        )

    # Rows so far meant "delivered"; receipts without one were still to be delivered.
    op.execute(
        f"UPDATE {TABLE} SET state = 'delivered', attempts = 1, queued_at = settled_at,"
        " last_attempt_at = settled_at"
    )
    op.execute(
        f"INSERT INTO {TABLE} (receipt_id, state, attempts, queued_at, next_attempt_at) "
        "SELECT id, 'pending', 0, received_at, received_at FROM customs_receipts "
        f"WHERE id NOT IN (SELECT receipt_id FROM {TABLE})"
    )

    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.alter_column("state", existing_type=sa.String(length=20), nullable=False)
        batch_op.alter_column("attempts", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("queued_at", existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(
            "ix_customs_receipt_deliveries_due", ["state", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    # Before 0005 a row meant "do not deliver (again)": keep the settled ones (delivered,
    # arrived after the end, dismissed), drop the rest so they are retried.
    op.execute(f"DELETE FROM {TABLE} WHERE state IN ('pending', 'parked')")
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index("ix_customs_receipt_deliveries_due")
        batch_op.alter_column(
            "settled_at",
            new_column_name="delivered_at",
            existing_type=sa.DateTime(timezone=True),
            nullable=False,
        )
        batch_op.drop_column("note")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by")
        batch_op.drop_column("last_error")
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("next_attempt_at")
        batch_op.drop_column("queued_at")
        batch_op.drop_column("attempts")
        batch_op.drop_column("state")
