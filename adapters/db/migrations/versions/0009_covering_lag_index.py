"""a covering index for the business-time corrections

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06

A balance "as of T as known at K" sums, per lag class, the deltas of the entries
recorded near T whose business instant lies on the other side of T
(ledger/timeline.py, repository.balances_at). The index on (account_id, lag_class,
recorded_at) found those entries but each one was then read from the table for its
occurred_at and deltas: a random page read per entry, which grew with the table. This
index carries occurred_at and the three deltas as trailing key columns (SQLite has no
INCLUDE), so the window is answered from the index alone; it replaces the old one, which
is its prefix.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COVERING = [
    "account_id",
    "lag_class",
    "recorded_at",
    "occurred_at",
    "delta_posted",
    "delta_pending_out",
    "delta_pending_in",
]


def upgrade() -> None:
    # Plain CREATE/DROP INDEX: no table copy, so the append-only triggers stay in place.
    op.create_index("ix_ledger_entries_account_lag_covering", "ledger_entries", COVERING)
    op.drop_index("ix_ledger_entries_account_lag", table_name="ledger_entries")


def downgrade() -> None:
    op.create_index(
        "ix_ledger_entries_account_lag",
        "ledger_entries",
        ["account_id", "lag_class", "recorded_at"],
    )
    op.drop_index("ix_ledger_entries_account_lag_covering", table_name="ledger_entries")
