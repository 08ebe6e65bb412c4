"""a periods version on the chain head

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

Every posting asks whether a book is closed at its business instant
(ledger/period_guard.py). The answer changes only when a period is closed or reopened,
so the posting path keeps the closed periods in memory and reloads them when
`ledger_chain_head.periods_version` moved: ledger/periods.py bumps it in the
transaction that closes or reopens, and a posting reads it with the chain head it locks
anyway to append its event (no extra statement on the posting path).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "ledger_chain_head",
        sa.Column("periods_version", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("ledger_chain_head", schema=None) as batch_op:
        batch_op.drop_column("periods_version")
