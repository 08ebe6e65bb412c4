"""Quantities, legal quantities and amounts are exact on SQLite and PostgreSQL alike.

SQLite has no decimal type (a Numeric column there holds binary floats), so the ledger
stores quantities and amounts as scaled integers (units of 0.00001, and of 0.01 for
money) and legal quantities, whose places depend on the factor, as exact decimal text.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from adapters.db.engine import Database
from adapters.db.models import AccountEntry, Movement
from ledger import InsufficientStock, Ledger, LedgerQueries
from schemas.ledger import Leg
from tests.ledger.helpers import cells_key, party_key
from tests.support.builders import (
    BOOK,
    CELLS,
    GLASS,
    ZONE,
    Zone,
    leg,
    outside,
    request,
    stock,
)
from tests.support.states import starts_from


@starts_from(ZONE)
def zone(db: Database) -> Zone:
    """make_zone's master data (cloned, tests/support/states.py) with cells lot L1 and
    glass lot G1, both empty."""
    zone = Zone.of(db)
    zone.lot("L1")
    zone.lot("G1", item_no=GLASS)
    return zone


def _receive(ledger: Ledger, client_id: str, quantity: str, amount: str | None = None) -> None:
    ledger.execute(
        request(
            client_id,
            Leg(
                book_no=BOOK,
                item_no=CELLS,
                unit="007",
                quantity=Decimal(quantity),
                source=outside("abroad"),
                destination=stock("L1"),
                amount=None if amount is None else Decimal(amount),
                currency=None if amount is None else "502",
            ),
        )
    )


def test_given_awkward_decimals_when_summed_by_the_ledger_and_by_sql_then_both_are_exact(
    db: Database, zone: Zone
) -> None:
    """Given receipts of 0.1, 0.2, 12345678.12345 and 0.00001 pieces (worth 0.10, 0.20,
    0.30 and 0.40), then the balance is exactly 12345678.42346, the outside account
    mirrors it, and SQL SUMs of quantities and amounts are exact Decimals, where binary
    floats would give 12345678.423460001 or 0.30000000000000004."""
    ledger = Ledger(db)
    for i, (q, amount) in enumerate(
        [("0.1", "0.10"), ("0.2", "0.20"), ("12345678.12345", "0.30"), ("0.00001", "0.40")]
    ):
        _receive(ledger, f"in-{i}", q, amount)
    position = LedgerQueries(db).balance(cells_key("L1"))
    assert position.posted == Decimal("12345678.42346")
    assert LedgerQueries(db).balance(party_key("abroad")).posted == Decimal("-12345678.42346")
    with db.sessions() as session:
        assert session.scalar(select(func.sum(Movement.quantity))) == Decimal("12345678.42346")
        assert session.scalar(select(func.sum(Movement.amount))) == Decimal("1.00")
        entries = session.scalars(
            select(AccountEntry.posted_after)
            .where(AccountEntry.delta_posted > 0)
            .order_by(AccountEntry.id)
        ).all()
    assert entries == [
        Decimal("0.1"),
        Decimal("0.3"),
        Decimal("12345678.42345"),
        Decimal("12345678.42346"),
    ]


def test_given_point_one_plus_point_two_when_point_three_is_taken_then_exactly_zero_is_left(
    db: Database, zone: Zone
) -> None:
    """Given 0.1 and 0.2 received, when exactly 0.3 leaves, then it is accepted and the
    position holds exactly 0; one more 0.00001 is refused (no float slack either way)."""
    ledger = Ledger(db)
    _receive(ledger, "a", "0.1")
    _receive(ledger, "b", "0.2")
    with pytest.raises(InsufficientStock):
        ledger.execute(request("too-much", leg("0.30001", stock("L1"), outside("domestic"))))
    ledger.execute(request("all", leg("0.3", stock("L1"), outside("domestic"))))
    position = LedgerQueries(db).balance(cells_key("L1"))
    assert position.posted == 0
    assert position.available == 0
    with pytest.raises(InsufficientStock):
        ledger.execute(request("crumb", leg("0.00001", stock("L1"), outside("domestic"))))


def test_given_large_quantities_with_all_five_places_then_nothing_is_rounded(
    db: Database, zone: Zone
) -> None:
    """Given three receipts of 99,999,999,999.99999 (beyond a double's 15-16 digits),
    then the balance is exactly 299,999,999,999.99997 and taking all but 0.00001 leaves
    exactly 0.00001."""
    ledger = Ledger(db)
    for i in range(3):
        _receive(ledger, f"big-{i}", "99999999999.99999")
    total = Decimal("299999999999.99997")
    assert LedgerQueries(db).balance(cells_key("L1")).posted == total
    ledger.execute(
        request("nearly-all", leg(total - Decimal("0.00001"), stock("L1"), outside("domestic")))
    )
    assert LedgerQueries(db).balance(cells_key("L1")).posted == Decimal("0.00001")


def test_given_stored_movements_when_read_with_raw_sql_then_quantities_are_scaled_integers(
    db: Database, zone: Zone
) -> None:
    """The quantity column holds integers in units of 0.00001 (amounts in fen), not
    floats or text, on both databases; SQL sums over it are integer sums."""
    ledger = Ledger(db)
    _receive(ledger, "a", "0.1", "0.10")
    _receive(ledger, "b", "12345678.12345", "1234.56")
    _receive(ledger, "c", "0.00001", "0.01")
    with db.sessions() as session:
        rows = session.execute(
            text("SELECT quantity, amount FROM ledger_movements ORDER BY id")
        ).all()
        total = session.execute(text("SELECT sum(quantity) FROM ledger_movements")).scalar_one()
        if db.dialect == "sqlite":
            types = session.execute(
                text("SELECT DISTINCT typeof(quantity), typeof(amount) FROM ledger_movements")
            ).all()
            assert types == [("integer", "integer")]
        else:
            types = session.execute(
                text(
                    "SELECT column_name, data_type FROM information_schema.columns"
                    " WHERE table_name = 'ledger_movements'"
                    " AND column_name IN ('quantity', 'amount') ORDER BY column_name"
                )
            ).all()
            assert types == [("amount", "bigint"), ("quantity", "bigint")]
    assert [tuple(r) for r in rows] == [(10000, 10), (1234567812345, 123456), (1, 1)]
    assert all(isinstance(q, int) and isinstance(a, int) for q, a in rows)
    assert total == 1234567822346


def test_given_glass_with_legal_factors_when_received_then_legal_quantities_are_exact(
    db: Database, zone: Zone
) -> None:
    """Glass is declared in pieces, with 20.6 kg and 2.583252 m2 a piece as legal units:
    2600.00003 pieces are exactly 53560.000618 kg and 6716.45527749756 m2, in the
    receipt, in the stored text and in sums over movements."""
    ledger = Ledger(db)
    receipt = ledger.execute(
        request("glass", leg("2600.00003", outside("abroad"), stock("G1"), item_no=GLASS))
    )
    [movement] = receipt.movements
    assert movement.first_legal_quantity == Decimal("53560.000618")
    assert movement.second_legal_quantity == Decimal("6716.45527749756")
    ledger.execute(
        request("glass-2", leg("0.00001", outside("abroad"), stock("G1"), item_no=GLASS))
    )
    with db.sessions() as session:
        stored = session.execute(
            text(
                "SELECT first_legal_quantity, second_legal_quantity FROM ledger_movements"
                " ORDER BY id"
            )
        ).all()
        legal = session.scalars(select(Movement.second_legal_quantity).order_by(Movement.id)).all()
    assert [tuple(r) for r in stored] == [
        ("53560.000618", "6716.45527749756"),
        ("0.000206", "0.00002583252"),
    ]
    assert sum((q for q in legal if q is not None), Decimal(0)) == Decimal("6716.45530333008")
