"""Stock positions by page (now and as of an instant) and a lot's movements across its
positions, with the whole lot's running balance.

The story: cells lot L1 enters (1000) into the warehouse; 400 of it move to the line
(another position of the same lot); 150 are reserved for export from the line, then
posted; lot L2 enters later (30).
"""

from __future__ import annotations

from decimal import Decimal

from adapters.db.engine import Database
from ledger import Ledger, LedgerQueries
from schemas.codes import CustomsStatus
from tests.support.builders import (
    BOOK,
    LINE,
    WAREHOUSE,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.states import DatabaseState, starts_from


def _story(db: Database) -> None:
    zone = make_zone(db)
    zone.lot("L1")
    zone.lot("L2")
    ledger = Ledger(db)
    ledger.execute(request("in", leg("1000", outside("abroad"), stock("L1"))))
    ledger.execute(request("move", leg("400", stock("L1"), stock("L1", LINE))))
    ledger.execute(request("out", leg("150", stock("L1", LINE), outside("abroad")), reserve=True))
    ledger.resolve(resolve("out-gate", "out"))
    ledger.execute(request("in-2", leg("30", outside("abroad"), stock("L2"))))


@starts_from(DatabaseState("inventory-story", _story))
def queries(db: Database) -> LedgerQueries:
    """The queries of a database holding the story above (the module's docstring), written
    once per worker and backend and cloned for each test (tests/support/states.py)."""
    return LedgerQueries(db)


def _n(*values: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


def test_given_a_lot_on_two_positions_when_its_movements_are_read_then_the_lot_runs_too(
    queries: LedgerQueries,
) -> None:
    """Each change shows its position's balance after it and the whole lot's after its
    transaction: the move to the line changes both positions and leaves the lot at 1000
    (never 600 in between)."""
    found = queries.lot_movements(BOOK, "L1")
    assert (found.item_no, found.total) == (1, 5)
    assert [
        (
            m.transaction_client_id,
            m.location,
            m.counterparty.split("|")[0],
            m.delta_posted,
            m.delta_pending_out,
            m.posted_after,
            m.available_after,
            m.lot_posted_after,
            m.lot_available_after,
        )
        for m in found.movements
    ] == [
        ("in", WAREHOUSE, "abroad", *_n(1000, 0, 1000, 1000, 1000, 1000)),
        ("move", WAREHOUSE, "stock", *_n(-400, 0, 600, 600, 1000, 1000)),
        ("move", LINE, "stock", *_n(400, 0, 400, 400, 1000, 1000)),
        ("out", LINE, "abroad", *_n(0, 150, 400, 250, 1000, 850)),
        ("out-gate", LINE, "abroad", *_n(-150, -150, 250, 250, 850, 850)),
    ]


def test_given_a_page_of_a_lots_movements_then_the_lot_balance_carries_over(
    queries: LedgerQueries,
) -> None:
    everything = queries.lot_movements(BOOK, "L1").movements
    page = queries.lot_movements(BOOK, "L1", limit=2, offset=3)
    assert page.movements == everything[3:5]
    assert page.total == 5
    # A page that cuts the move in two still shows the lot after the whole move.
    for offset in (1, 2):
        [half] = queries.lot_movements(BOOK, "L1", limit=1, offset=offset).movements
        assert half == everything[offset]
        assert half.lot_posted_after == Decimal(1000)
    assert queries.lot_movements(BOOK, "L1", offset=5).movements == ()


def test_given_positions_when_listed_as_of_an_instant_then_later_ones_are_not(
    queries: LedgerQueries,
) -> None:
    now, total = queries.positions(book_no=BOOK)
    assert total == 3
    assert [(p.lot_no, p.location, p.posted) for p in now] == [
        ("L1", LINE, Decimal(250)),
        ("L1", WAREHOUSE, Decimal(600)),
        ("L2", WAREHOUSE, Decimal(30)),
    ]
    first = queries.lot_movements(BOOK, "L1").movements[0].recorded_at
    then, total_then = queries.positions(book_no=BOOK, known_at=first)
    assert total_then == 1
    assert [(p.lot_no, p.posted, p.available) for p in then] == [("L1", *_n(1000, 1000))]


def test_given_a_scope_when_positions_are_listed_then_only_its_books_and_filters_apply(
    queries: LedgerQueries,
) -> None:
    assert queries.positions(book_nos=()) == ([], 0)
    assert queries.positions(book_nos=("H96019999999",))[1] == 0
    page, total = queries.positions(book_nos=(BOOK,), location=LINE, limit=1)
    assert (total, [p.lot_no for p in page]) == (1, ["L1"])
    assert queries.positions(status=CustomsStatus.DUTY_PAID)[1] == 0
    assert queries.positions(lot_no="L2", limit=5, offset=1) == ([], 1)
