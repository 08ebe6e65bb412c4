"""Migration 0007 on a ledger that already holds history: every entry gets its
transaction's business instant and its lag class, and the chain still verifies."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from adapters.db.engine import create_database
from adapters.db.migrate import downgrade, upgrade
from ledger import ChainAuditor, Ledger, LedgerQueries
from ledger.keys import stock_key
from tests.support.builders import BOOK, CELLS, WAREHOUSE, leg, make_zone, outside, request, stock

THE_REVISION = "0007"


def test_entries_from_before_get_their_business_instant(database_url: str) -> None:
    """Given a receipt recorded on 10 April but dated 31 March, when the database goes
    down to 0006 (the columns are gone) and up again, then its entries hold 31 March and
    lag class 5 (up to 31 days), and the balance as of 31 March as known on 1 April is
    what it was."""
    database = create_database(database_url)
    try:
        make_zone(database).lot("L1")
        recorded = dt.datetime(2026, 4, 10, tzinfo=dt.UTC)
        occurred = dt.datetime(2026, 3, 31, 9, tzinfo=dt.UTC)
        req = request("in", leg("7", outside("abroad"), stock("L1")))
        Ledger(database, clock=lambda: recorded).execute(
            req.model_copy(update={"occurred_at": occurred})
        )
        downgrade(database_url, f"{THE_REVISION}-1")
        with database.engine.connect() as conn:
            columns = conn.execute(text("SELECT * FROM ledger_entries")).keys()
        assert "occurred_at" not in columns
        upgrade(database_url)
        with database.engine.connect() as conn:
            classes = conn.execute(text("SELECT lag_class FROM ledger_entries")).scalars().all()
        assert classes == [5, 5]
        queries = LedgerQueries(database)
        key = stock_key(BOOK, CELLS, "L1", WAREHOUSE, "bonded")
        assert queries.balance(key, as_of=occurred).posted == 7
        assert queries.balance(key, as_of=occurred, known_at=recorded.replace(day=1)).posted == 0
        assert ChainAuditor(database).verify().ok
    finally:
        database.dispose()
