"""Given a zone with a processing book, the ledger posts, reserves and answers replays."""

from decimal import Decimal

import pytest

from adapters.db.engine import Database
from ledger import ChainAuditor, InsufficientStock, Ledger, LedgerQueries
from tests.support.builders import leg, make_zone, outside, request, resolve, stock


def test_entry_then_export_reservation_then_gate(db: Database) -> None:
    zone = make_zone(db)
    zone.lot("L1")
    ledger = Ledger(db)
    ledger.execute(request("entry-1", leg("1000", outside("abroad"), stock("L1"))))
    ledger.execute(request("export-1", leg("600", stock("L1"), outside("abroad")), reserve=True))
    with pytest.raises(InsufficientStock) as refused:
        ledger.execute(request("export-2", leg("401", stock("L1"), outside("abroad"))))
    assert refused.value.available == Decimal(400)
    ledger.resolve(resolve("export-1-gate", "export-1"))
    [balance] = LedgerQueries(db).balances(book_no=zone.book_no)
    assert balance.posted == Decimal(400)
    assert balance.available == Decimal(400)
    assert ChainAuditor(db).verify().ok
