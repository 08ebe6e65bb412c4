"""A throwaway table in a test's own database, one column of each exact type."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table

from adapters.db.engine import Database
from adapters.db.types import ScaledDecimal, TextDecimal, UTCDateTime


def scratch_table(db: Database, name: str) -> Table:
    """``name`` created in ``db``: id, quantity (scaled at 5), factor (text), at (UTC)."""
    table = Table(
        name,
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("quantity", ScaledDecimal(5)),
        Column("factor", TextDecimal()),
        Column("at", UTCDateTime()),
    )
    table.create(db.engine)
    return table
