"""a write-off's approved closing balances

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

`write_off_closings` keeps, per approved write-off (核销) of a processing book's period,
each item's approved closing balance (the counted stock and a material's share of the
finished goods counted), from which the next period's statement opens.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.types

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "write_off_closings",
        sa.Column("id", Id, nullable=False),
        sa.Column("book_id", Id, nullable=False),
        sa.Column("write_off_no", sa.String(length=40), nullable=False),
        sa.Column("workflow_id", sa.String(length=200), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("item_no", sa.Integer(), nullable=False),
        sa.Column("stock", sa.BigInteger(), nullable=False),
        sa.Column("in_finished", sa.BigInteger(), nullable=True),
        sa.Column("recorded_at", adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"],
            ["account_books.id"],
            name=op.f("fk_write_off_closings_book_id_account_books"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_off_closings")),
        sa.UniqueConstraint("workflow_id", "item_no", name="uq_write_off_closings_item"),
    )
    op.create_index(
        "ix_write_off_closings_next", "write_off_closings", ["book_id", "last_day"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_write_off_closings_next", table_name="write_off_closings")
    op.drop_table("write_off_closings")
