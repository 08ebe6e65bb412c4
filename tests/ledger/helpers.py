"""Small read-only helpers shared by the ledger tests: row counts, balances, threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select

from adapters.db.engine import Database
from adapters.db.models import (
    AccountEntry,
    ChainEvent,
    LedgerAccount,
    LedgerTransaction,
    LineageLink,
    Movement,
)
from ledger import LedgerQueries
from ledger.keys import outside_key, stock_key
from schemas.ledger import BalanceView
from tests.support.builders import BOOK, CELLS, WAREHOUSE

T = TypeVar("T")

ZERO = Decimal(0)


@dataclass(frozen=True)
class RowCounts:
    """How many rows the ledger's tables hold: a refusal must leave these unchanged."""

    transactions: int
    movements: int
    entries: int
    accounts: int
    lineage: int
    chain: int


def row_counts(db: Database) -> RowCounts:
    """Every table's count in one statement (the property test asks after each step)."""
    tables = (LedgerTransaction, Movement, AccountEntry, LedgerAccount, LineageLink, ChainEvent)
    counts = [select(func.count()).select_from(table).scalar_subquery() for table in tables]
    with db.sessions() as session:
        row = session.execute(select(*counts)).one()
    transactions, movements, entries, accounts, lineage, chain = row
    return RowCounts(
        transactions=transactions,
        movements=movements,
        entries=entries,
        accounts=accounts,
        lineage=lineage,
        chain=chain,
    )


def cells_key(lot_no: str, location: str = WAREHOUSE, item_no: int = CELLS) -> str:
    """The key of a bonded stock position of the test zone's book."""
    return stock_key(BOOK, item_no, lot_no, location, "bonded")


def party_key(party: str, item_no: int = CELLS) -> str:
    """The key of an outside account (abroad, domestic, processing...) of the test book."""
    return outside_key(party, BOOK, item_no)


def balance(db: Database, key: str) -> BalanceView:
    return LedgerQueries(db).balance(key)


def all_balances(db: Database) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    """Every account's (posted, pending_out, pending_in), outside accounts included."""
    return {
        b.key: (b.posted, b.pending_out, b.pending_in)
        for b in LedgerQueries(db).balances(include_outside=True, limit=100_000)
    }


def in_threads(workers: int, work: Callable[[int], T]) -> list[T]:
    """Run work(0..workers-1) on that many threads released together by a barrier.

    Returns the results in worker order; re-raises the first exception a worker raised.
    """
    barrier = threading.Barrier(workers)
    results: list[T | None] = [None] * workers
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as exc:  # handed to the caller below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return _all(results)


def _all(results: Sequence[T | None]) -> list[T]:
    out: list[T] = []
    for r in results:
        assert r is not None, "a worker returned nothing"
        out.append(r)
    return out
