"""Concurrency: whatever the interleaving, no account is overdrawn and nothing is doubled."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from sqlalchemy import func, select

from adapters.db.engine import Database
from adapters.db.models import LedgerTransaction, Movement
from ledger import InsufficientStock, Ledger, LedgerQueries, ReservationNotPending
from ledger.keys import stock_key
from schemas.ledger import LedgerReceipt
from tests.support.builders import (
    BOOK,
    CELLS,
    WAREHOUSE,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)

THREADS = 12
BALANCE = Decimal(1000)


def _stocked(db: Database) -> Ledger:
    zone = make_zone(db)
    zone.lot("L1")
    ledger = Ledger(db)
    ledger.execute(request("opening", leg(BALANCE, outside("abroad"), stock("L1"))))
    return ledger


def _balance(db: Database) -> Decimal:
    key = stock_key(BOOK, CELLS, "L1", WAREHOUSE, "bonded")
    return LedgerQueries(db).balance(key).posted


def test_concurrent_withdrawals_never_overdraw_and_add_up(db: Database) -> None:
    """Given 1000 in stock, when 60 withdrawals of 7.5 to 37.5 (1,350 in all) race,
    then the accepted ones add up to exactly what left, and the balance is >= 0."""
    ledger = _stocked(db)
    amounts = [Decimal("7.5") * (1 + i % 5) for i in range(60)]
    assert sum(amounts) > BALANCE

    refused: list[InsufficientStock] = []

    def withdraw(i: int) -> Decimal:
        try:
            ledger.execute(request(f"w-{i}", leg(amounts[i], stock("L1"), outside("domestic"))))
        except InsufficientStock as refusal:
            refused.append(refusal)
            return Decimal(0)
        return amounts[i]

    with ThreadPoolExecutor(THREADS) as pool:
        accepted = list(pool.map(withdraw, range(len(amounts))))
    remaining = _balance(db)
    assert remaining >= 0
    assert sum(accepted) == BALANCE - remaining
    assert refused, "the withdrawals asked for more than there was"
    # Stock only went down, so every refusal asked for more than is left even now.
    assert all(r.asked > remaining and r.available < r.asked for r in refused)
    assert {r.asked for r in refused} <= set(amounts)
    with db.sessions() as session:
        movements = session.scalar(select(func.count()).select_from(Movement))
    assert movements == 1 + sum(1 for a in accepted if a)


def test_concurrent_reservations_never_promise_more_than_is_there(db: Database) -> None:
    ledger = _stocked(db)

    def reserve(i: int) -> Decimal:
        try:
            ledger.execute(
                request(f"r-{i}", leg("90", stock("L1"), outside("abroad")), reserve=True)
            )
        except InsufficientStock:
            return Decimal(0)
        return Decimal(90)

    with ThreadPoolExecutor(THREADS) as pool:
        reserved = sum(pool.map(reserve, range(24)), Decimal(0))
    [balance] = LedgerQueries(db).balances(book_no=BOOK)
    assert reserved == Decimal(990)  # 11 of 24 fit into 1000
    assert balance.pending_out == reserved
    assert balance.available == BALANCE - reserved


def test_concurrent_duplicates_write_once_and_answer_the_same(db: Database) -> None:
    ledger = _stocked(db)
    twin = request("same-id", leg("10", stock("L1"), outside("abroad")))

    def send(_: int) -> LedgerReceipt:
        return ledger.execute(twin)

    with ThreadPoolExecutor(THREADS) as pool:
        receipts = list(pool.map(send, range(THREADS * 2)))
    assert len({r.transaction_id for r in receipts}) == 1
    assert sum(1 for r in receipts if not r.replayed) == 1
    assert _balance(db) == BALANCE - 10
    with db.sessions() as session:
        count = session.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(LedgerTransaction.client_id == "same-id")
        )
    assert count == 1


def test_post_and_void_racing_on_one_reservation_exactly_one_wins(db: Database) -> None:
    ledger = _stocked(db)
    for round_no in range(8):
        reservation = f"res-{round_no}"
        ledger.execute(request(reservation, leg("5", stock("L1"), outside("abroad")), reserve=True))

        def settle(i: int, reservation: str = reservation) -> str:
            try:
                ledger.resolve(resolve(f"{reservation}-{i}", reservation, post=i % 2 == 0))
            except ReservationNotPending:
                return "refused"
            return "post" if i % 2 == 0 else "void"

        with ThreadPoolExecutor(4) as pool:
            outcomes = list(pool.map(settle, range(4)))
        assert outcomes.count("refused") == 3, outcomes
    [balance] = LedgerQueries(db).balances(book_no=BOOK)
    assert balance.pending_out == 0
    assert balance.posted + balance.pending_out <= BALANCE
