"""business time on balance entries, and a book's periods

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Each balance entry keeps its transaction's business instant (`occurred_at`) and its lag
class (how far that is from its record instant, ledger/timeline.py), so a balance "as
of T as known at K" reads the entries recorded near T through two new indexes instead
of the account's whole history. Existing entries are filled from their transactions
(the append-only triggers of ledger_entries are lifted for that one UPDATE and put
back). `ledger_periods` holds a book's months, quarters and verification periods and
whether each is closed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import adapters.db.types
from ledger.timeline import lag_class

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ENTRIES = sa.table(
    "ledger_entries",
    sa.column("id", sa.Integer()),
    sa.column("movement_id", sa.Integer()),
    sa.column("recorded_at", adapters.db.types.UTCDateTime()),
    sa.column("occurred_at", adapters.db.types.UTCDateTime()),
    sa.column("lag_class", sa.Integer()),
)
MOVEMENTS = sa.table(
    "ledger_movements", sa.column("id", sa.Integer()), sa.column("transaction_id", sa.Integer())
)
TRANSACTIONS = sa.table(
    "ledger_transactions",
    sa.column("id", sa.Integer()),
    sa.column("occurred_at", adapters.db.types.UTCDateTime()),
)
BATCH = 5000


def _postgresql() -> bool:
    return op.get_context().dialect.name == "postgresql"


def _lift_entry_triggers() -> None:
    if _postgresql():
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_append_only ON ledger_entries")
    else:
        for action in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS ledger_entries_no_{action}")


def _restore_entry_triggers() -> None:
    """The triggers of migration 0001 on ledger_entries, as they were."""
    if _postgresql():
        op.execute(
            "CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON ledger_entries "
            "FOR EACH ROW EXECUTE FUNCTION bondflow_refuse_change()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER ledger_entries_no_{action.lower()} BEFORE {action} "
                f"ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger history is append-only: "
                f"{action} on ledger_entries refused'); END"
            )


def _fill_entries() -> None:
    bind = op.get_bind()
    last = 0
    update = (
        sa.update(ENTRIES)
        .where(ENTRIES.c.id == sa.bindparam("e_id"))
        .values(occurred_at=sa.bindparam("e_occurred"), lag_class=sa.bindparam("e_class"))
    )
    while True:
        rows = bind.execute(
            sa.select(ENTRIES.c.id, ENTRIES.c.recorded_at, TRANSACTIONS.c.occurred_at)
            .join(MOVEMENTS, MOVEMENTS.c.id == ENTRIES.c.movement_id)
            .join(TRANSACTIONS, TRANSACTIONS.c.id == MOVEMENTS.c.transaction_id)
            .where(ENTRIES.c.id > last)
            .order_by(ENTRIES.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        bind.execute(
            update,
            [
                {"e_id": e_id, "e_occurred": occurred, "e_class": lag_class(occurred, recorded)}
                for e_id, recorded, occurred in rows
            ],
        )
        last = rows[-1][0]


def upgrade() -> None:
    _lift_entry_triggers()
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("occurred_at", adapters.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("lag_class", sa.Integer(), nullable=True))
    _fill_entries()
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.alter_column(
            "occurred_at",
            existing_type=adapters.db.types.UTCDateTime(timezone=True),
            nullable=False,
        )
        batch_op.alter_column("lag_class", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(
            "ix_ledger_entries_account_lag", ["account_id", "lag_class", "recorded_at"]
        )
        batch_op.create_index(
            "ix_ledger_entries_account_occurred", ["account_id", "occurred_at", "id"]
        )
    _restore_entry_triggers()

    op.create_table(
        "ledger_periods",
        sa.Column("id", Id, nullable=False),
        sa.Column("book_id", Id, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("starts_at", adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", adapters.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("last_transaction_id", Id, nullable=False),
        sa.ForeignKeyConstraint(
            ["book_id"], ["account_books.id"], name=op.f("fk_ledger_periods_book_id_account_books")
        ),
        sa.ForeignKeyConstraint(
            ["last_transaction_id"],
            ["ledger_transactions.id"],
            name=op.f("fk_ledger_periods_last_transaction_id_ledger_transactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_periods")),
        sa.UniqueConstraint("book_id", "first_day", "last_day", name="uq_ledger_periods_days"),
    )
    with op.batch_alter_table("ledger_periods", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_periods_guard", ["book_id", "closed", "ends_at"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_periods", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_periods_guard")
    op.drop_table("ledger_periods")
    _lift_entry_triggers()
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_account_occurred")
        batch_op.drop_index("ix_ledger_entries_account_lag")
        batch_op.drop_column("lag_class")
        batch_op.drop_column("occurred_at")
    _restore_entry_triggers()
