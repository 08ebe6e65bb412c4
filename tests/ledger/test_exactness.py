"""Quantities, legal quantities and amounts are exact on SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select, text

from adapters.db.engine import Database
from adapters.db.models import Movement
from ledger import Ledger, LedgerQueries
from ledger.keys import outside_key, stock_key
from schemas.ledger import Leg
from tests.support.builders import BOOK, CELLS, GLASS, WAREHOUSE, make_zone, outside, request, stock


def test_sums_of_awkward_decimals_stay_exact(db: Database) -> None:
    """0.1 + 0.2 is 0.3 here, and 12345678.12345 survives a round trip to the last place."""
    zone = make_zone(db)
    zone.lot("L1")
    ledger = Ledger(db)
    quantities = [Decimal("0.1"), Decimal("0.2"), Decimal("12345678.12345"), Decimal("0.00001")]
    for i, q in enumerate(quantities):
        ledger.execute(
            request(
                f"in-{i}",
                Leg(
                    book_no=BOOK,
                    item_no=CELLS,
                    unit="007",
                    quantity=q,
                    source=outside("abroad"),
                    destination=stock("L1"),
                    amount=Decimal("0.10") * (i + 1),
                    currency="502",
                ),
            )
        )
    key = stock_key(BOOK, CELLS, "L1", WAREHOUSE, "bonded")
    balance = LedgerQueries(db).balance(key)
    assert balance.posted == Decimal("12345678.42346")
    abroad = LedgerQueries(db).balance(outside_key("abroad", BOOK, CELLS))
    assert abroad.posted == -balance.posted
    with db.sessions() as session:
        total = session.scalar(select(func.sum(Movement.quantity)))
        amounts = session.scalar(select(func.sum(Movement.amount)))
        raw = (
            session.execute(text("SELECT quantity FROM ledger_movements ORDER BY id"))
            .scalars()
            .all()
        )
    assert total == sum(quantities)
    assert amounts == Decimal("1.00")
    # Stored as integers in units of 0.00001: no binary float anywhere.
    assert raw == [10000, 20000, 1234567812345, 1]


def test_legal_quantities_are_computed_exactly(db: Database) -> None:
    """Glass is declared in pieces; 20.6 kg and 2.583252 m2 a piece are its legal units."""
    zone = make_zone(db)
    zone.lot("G1", item_no=GLASS)
    receipt = Ledger(db).execute(
        request(
            "glass",
            Leg(
                book_no=BOOK,
                item_no=GLASS,
                unit="007",
                quantity=Decimal("2600.00003"),
                source=outside("abroad"),
                destination=stock("G1"),
            ),
        )
    )
    [movement] = receipt.movements
    assert movement.first_legal_quantity == Decimal("2600.00003") * Decimal("20.6")
    assert movement.first_legal_quantity == Decimal("53560.000618")
    assert movement.second_legal_quantity == Decimal("6716.45527749756")
