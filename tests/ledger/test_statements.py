"""The write path's cost in statements: a linked group costs what one leg costs.

Every leg of a request is written by the same few statements (one guarded UPDATE of all
balances, one INSERT each for movements and entries), and the chain event and the
receipt are built from the rows in memory, so the number of statements a request sends
does not grow with its legs. Counts, not times: they are the same on any machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from sqlalchemy import event

from adapters.db.engine import Database
from ledger import ChainAuditor, Ledger
from schemas.ledger import MovementRequest
from tests.ledger.helpers import balance, cells_key, party_key
from tests.support.builders import leg, make_zone, outside, request, resolve, stock

LOTS = [f"L{i}" for i in range(10)]


@contextmanager
def counting(db: Database) -> Iterator[list[str]]:
    """The SQL statements the engine sends while inside, in order."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def receipts(client_id: str, lots: list[str]) -> MovementRequest:
    return request(client_id, *(leg("5", outside("abroad"), stock(lot)) for lot in lots))


def exits(client_id: str, lots: list[str]) -> MovementRequest:
    return request(client_id, *(leg("1", stock(lot), outside("domestic")) for lot in lots))


def test_given_known_accounts_when_ten_legs_are_posted_then_it_costs_what_one_leg_costs(
    db: Database,
) -> None:
    zone = make_zone(db)
    for lot in LOTS:
        zone.lot(lot)
    ledger = Ledger(db)
    ledger.execute(receipts("warm-in", LOTS))  # every account exists and is known
    ledger.execute(exits("warm-out", LOTS))

    with counting(db) as one_in:
        ledger.execute(receipts("one-in", LOTS[:1]))
    with counting(db) as ten_in:
        ten = ledger.execute(receipts("ten-in", LOTS))
    with counting(db) as one_out:
        ledger.execute(exits("one-out", LOTS[:1]))
    with counting(db) as ten_out:
        ledger.execute(exits("ten-out", LOTS))

    assert len(ten.movements) == 10
    assert len(ten_in) == len(one_in)
    assert len(ten_out) == len(one_out)
    # An exit puts nothing into stock, so it reads no location.
    assert len(ten_out) == len(ten_in) - 1
    assert ChainAuditor(db).verify().ok


def test_given_a_new_outside_account_when_first_posted_to_then_it_costs_its_look_up_and_insert(
    db: Database,
) -> None:
    """Opening an account takes two statements more than using a known one: the look-up
    of its key, and the insert, which returns the new id (it used to be looked up a
    second time after the insert: three statements)."""
    zone = make_zone(db)
    zone.lot("L0")
    ledger = Ledger(db)
    ledger.execute(request("warm", leg("50", outside("abroad"), stock("L0"))))

    with counting(db) as known:
        ledger.execute(request("known", leg("5", outside("abroad"), stock("L0"))))
    with counting(db) as opened:
        receipt = ledger.execute(request("opens", leg("5", outside("domestic"), stock("L0"))))

    assert len(opened) == len(known) + 2
    on_accounts = [s for s in opened if s not in known and "ledger_accounts" in s]
    assert [s.split()[0] for s in on_accounts] == ["SELECT", "INSERT"]
    assert receipt.movements[0].source_key == party_key("domestic")
    assert balance(db, party_key("domestic")).posted == Decimal(-5)
    assert balance(db, cells_key("L0")).posted == Decimal(60)
    assert ChainAuditor(db).verify().ok


def test_given_reservations_when_resolved_then_two_reads_find_what_each_needs_whatever_its_legs(
    db: Database,
) -> None:
    """Resolving a reservation reads it together with whatever resolved it (one
    statement) and its movements with their accounts' keys (one more), however many legs
    it has: the rest is the write path's. It used to take four reads."""
    zone = make_zone(db)
    for lot in LOTS:
        zone.lot(lot)
    ledger = Ledger(db)
    ledger.execute(receipts("in", LOTS))
    ledger.execute(request("one", leg("1", stock(LOTS[0]), outside("domestic")), reserve=True))
    ten = [leg("1", stock(lot), outside("domestic")) for lot in LOTS]
    ledger.execute(request("ten", *ten, reserve=True))

    with counting(db) as one_posted:
        ledger.resolve(resolve("post-one", "one", post=True))
    with counting(db) as ten_voided:
        ledger.resolve(resolve("void-ten", "ten", post=False))

    assert len(ten_voided) == len(one_posted)
    reads = [s for s in one_posted if s.lstrip().upper().startswith("SELECT")]
    assert len(reads) == 2
    assert "FROM ledger_transactions" in reads[0]
    assert "FROM ledger_movements" in reads[1]
    assert balance(db, cells_key(LOTS[0])).posted == Decimal(4)
    assert balance(db, cells_key(LOTS[1])).available == Decimal(5)
    assert ChainAuditor(db).verify().ok


def test_given_a_posting_when_it_is_replayed_then_its_receipt_is_the_first_one(
    db: Database,
) -> None:
    """The first receipt is built in memory and a replay's is read from the tables: the
    two are the same, numbers written at their columns' scale included."""
    zone = make_zone(db)
    for lot in LOTS[:3]:
        zone.lot(lot)
    ledger = Ledger(db)
    posting = receipts("in", LOTS[:3])
    first = ledger.execute(posting)

    again = ledger.execute(posting)

    assert again.replayed
    assert again.model_dump_json(exclude={"replayed"}) == first.model_dump_json(
        exclude={"replayed"}
    )
