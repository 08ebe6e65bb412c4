"""Concurrency: whatever the interleaving, no position is overdrawn and nothing is doubled.

Every test releases its threads together (a barrier) against one shared Ledger, on
SQLite (BEGIN IMMEDIATE serialises writers) and on PostgreSQL (conditional updates at
Read Committed, UNIQUE client ids, retries of deadlocks). No test measures time.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from adapters.db.engine import Database
from adapters.db.models import LedgerAccount, LedgerTransaction, Movement
from ledger import (
    ChainAuditor,
    IdempotencyConflict,
    InsufficientStock,
    Ledger,
    LedgerQueries,
    ReservationNotPending,
)
from schemas.ledger import LedgerReceipt, MovementRequest, ResolveRequest
from tests.ledger.helpers import balance, cells_key, in_threads, party_key, row_counts
from tests.support.builders import (
    GLASS,
    LINE,
    ZONE,
    Zone,
    leg,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.states import starts_from

THREADS = 16
PER_THREAD = 5
OPENING = Decimal(1000)


@starts_from(ZONE)
def ledger(db: Database) -> Ledger:
    """A zone whose cell lot L1 holds 1000 pieces in the warehouse (L2 and G1 are empty).
    make_zone's master data is cloned (tests/support/states.py); the lots and the opening
    are written here, by the ledger the test is given, which has seen them as before."""
    zone = Zone.of(db)
    zone.lot("L1")
    zone.lot("L2")
    zone.lot("G1", item_no=GLASS)
    ledger = Ledger(db)
    ledger.execute(request("opening", leg(OPENING, outside("abroad"), stock("L1"))))
    return ledger


def _the_chain_verifies(db: Database) -> None:
    result = ChainAuditor(db).verify()
    assert result.ok, result.problem


def test_given_1000_in_stock_when_80_withdrawals_race_then_none_overdraws_and_they_add_up(
    db: Database, ledger: Ledger
) -> None:
    """Given 1000 pieces, when 16 threads race 5 withdrawals each (1,800 pieces asked),
    then the position ends at zero or above, the accepted withdrawals add up to exactly
    what left it, every refusal is InsufficientStock for a quantity that does not fit
    even now, and no withdrawal that would still fit was refused."""
    amounts = [
        [Decimal("7.5") * (1 + (t + i) % 5) for i in range(PER_THREAD)] for t in range(THREADS)
    ]
    assert sum(map(sum, amounts), Decimal(0)) == Decimal(1800)

    def withdraw(t: int) -> list[tuple[Decimal, InsufficientStock | None]]:
        outcomes: list[tuple[Decimal, InsufficientStock | None]] = []
        for i, amount in enumerate(amounts[t]):
            try:
                ledger.execute(request(f"w-{t}-{i}", leg(amount, stock("L1"), outside("domestic"))))
                outcomes.append((amount, None))
            except InsufficientStock as refusal:
                outcomes.append((amount, refusal))
        return outcomes

    outcomes = [o for per_thread in in_threads(THREADS, withdraw) for o in per_thread]

    remaining = balance(db, cells_key("L1")).posted
    accepted = [amount for amount, refusal in outcomes if refusal is None]
    refused = [amount for amount, refusal in outcomes if refusal is not None]
    for amount, refusal in outcomes:
        if refusal is not None:  # the refusal names the account, what was asked and had
            assert refusal.account == cells_key("L1")
            assert refusal.asked == amount
            assert refusal.available < amount
            assert refusal.field == "legs[0].quantity"
    assert remaining >= 0
    assert sum(accepted, Decimal(0)) == OPENING - remaining
    assert refused, "the withdrawals asked for more than there was"
    # Stock only went down, so each refusal asked for more than is left even now, and
    # any withdrawal no larger than what is left would have fitted when it ran.
    assert all(amount > remaining for amount in refused)
    assert balance(db, party_key("domestic")).posted == sum(accepted, Decimal(0))
    with db.sessions() as session:
        moved = session.scalar(
            select(func.coalesce(func.sum(Movement.quantity), 0)).where(Movement.id > 1)
        )
        movements = session.scalar(select(func.count()).select_from(Movement))
    assert moved == sum(accepted, Decimal(0))
    assert movements == 1 + len(accepted)
    _the_chain_verifies(db)


def test_given_1000_in_stock_when_reservations_and_posts_race_then_available_never_goes_negative(
    db: Database, ledger: Ledger
) -> None:
    """Given 1000 pieces, when half the threads reserve 45 at a time for export and the
    other half post 45 at a time to the domestic market (1,440 asked), then posted minus
    reserved never drops below zero and each side's accepted total is what it shows."""

    def work(t: int) -> list[tuple[bool, bool]]:
        reserve = t % 2 == 0
        out = []
        for i in range(PER_THREAD - 1):
            req = request(
                f"{'r' if reserve else 'p'}-{t}-{i}",
                leg("45", stock("L1"), outside("abroad" if reserve else "domestic")),
                reserve=reserve,
            )
            try:
                ledger.execute(req)
                out.append((reserve, True))
            except InsufficientStock:
                out.append((reserve, False))
        return out

    outcomes = [o for per_thread in in_threads(THREADS, work) for o in per_thread]
    reserved = Decimal(45) * sum(1 for reserve, ok in outcomes if reserve and ok)
    posted = Decimal(45) * sum(1 for reserve, ok in outcomes if not reserve and ok)
    position = balance(db, cells_key("L1"))
    assert position.posted == OPENING - posted
    assert position.pending_out == reserved
    assert position.available == OPENING - posted - reserved
    assert position.available >= 0
    assert position.available < 45, "a request that still fitted was refused"
    assert balance(db, party_key("abroad")).pending_in == reserved
    _the_chain_verifies(db)


def test_given_two_positions_when_threads_move_goods_back_and_forth_then_nothing_is_lost(
    db: Database, ledger: Ledger
) -> None:
    """Given 1000 pieces in L1 and none in L2, when 16 threads run linked groups that
    move goods L1 -> L2 and L2 -> L1 in opposite leg orders (the classic deadlock shape),
    then every group either commits whole or is refused for stock, nothing else fails,
    and L1 + L2 still hold exactly 1000 with neither below zero."""

    def shuffle(t: int) -> int:
        committed = 0
        for i in range(PER_THREAD):
            there, back = (stock("L1"), stock("L2")) if t % 2 == 0 else (stock("L2"), stock("L1"))
            group = request(
                f"shuffle-{t}-{i}",
                leg(Decimal(10 + t), there, back),
                leg(Decimal(3 + i), back, there),
            )
            try:
                ledger.execute(group)
                committed += 1
            except InsufficientStock:
                pass
        return committed

    committed = sum(in_threads(THREADS, shuffle))
    l1, l2 = balance(db, cells_key("L1")), balance(db, cells_key("L2"))
    assert l1.posted >= 0
    assert l2.posted >= 0
    assert l1.posted + l2.posted == OPENING
    with db.sessions() as session:
        groups = session.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(LedgerTransaction.client_id.like("shuffle-%"))
        )
    assert groups == committed
    assert row_counts(db).movements == 1 + 2 * committed
    _the_chain_verifies(db)


def test_given_a_position_never_used_when_threads_stock_it_at_once_then_one_account_is_created(
    db: Database, ledger: Ledger
) -> None:
    """Given lot L2 on the production line has no account yet, when 16 threads each
    receive 1 piece into it at the same moment, then exactly one account row exists for
    it and it holds all 16 pieces."""

    def receive(t: int) -> LedgerReceipt:
        return ledger.execute(request(f"in-{t}", leg("1", outside("abroad"), stock("L2", LINE))))

    receipts = in_threads(THREADS, receive)
    assert len({r.transaction_id for r in receipts}) == THREADS
    with db.sessions() as session:
        accounts = session.scalar(
            select(func.count())
            .select_from(LedgerAccount)
            .where(LedgerAccount.key == cells_key("L2", LINE))
        )
    assert accounts == 1
    assert balance(db, cells_key("L2", LINE)).posted == THREADS
    _the_chain_verifies(db)


# The losing interleavings are rare (for a resolution: a twin committing between the
# replay check and the read of the reservation's resolution): give them many chances.
ROUNDS = {"post": 4, "linked group": 4, "reserve": 4}
RESOLVE_ROUNDS = 12


def _duplicate(kind: str, ledger: Ledger, client_id: str) -> MovementRequest | ResolveRequest:
    """One request, built once, that every thread then sends with the same client id."""
    if kind == "post":
        return request(client_id, leg("10", stock("L1"), outside("abroad")))
    if kind == "linked group":
        return request(
            client_id,
            leg("10", stock("L1"), outside("processing")),
            leg("2", outside("processing"), stock("G1"), item_no=GLASS),
            leg("5", stock("L1"), stock("L2", LINE)),
        )
    if kind == "reserve":
        return request(client_id, leg("10", stock("L1"), outside("abroad")), reserve=True)
    reservation = f"export-for-{client_id}"
    ledger.execute(request(reservation, leg("10", stock("L1"), outside("abroad")), reserve=True))
    return resolve(client_id, reservation, post=kind == "post the reservation")


# What one request of each kind takes from L1's posted balance.
TAKES = {
    "post": Decimal(10),
    "linked group": Decimal(15),
    "reserve": Decimal(0),
    "post the reservation": Decimal(10),
    "void the reservation": Decimal(0),
}


@pytest.mark.parametrize("kind", list(TAKES))
def test_given_one_request_when_16_threads_send_it_at_once_then_it_is_written_once(
    db: Database, ledger: Ledger, kind: str
) -> None:
    """Given one request (same client id, same content), when 16 threads send it at the
    same moment (as an activity retried beside its still-running first attempt would),
    then exactly one transaction is written, balances change once, and every caller gets
    the same receipt: one first answer and fifteen replays of it. Repeated in rounds."""
    for round_no in range(ROUNDS.get(kind, RESOLVE_ROUNDS)):
        client_id = f"same-id-{round_no}"
        twin = _duplicate(kind, ledger, client_id)
        before = row_counts(db)

        def send(_: int, twin: MovementRequest | ResolveRequest = twin) -> LedgerReceipt:
            if isinstance(twin, MovementRequest):
                return ledger.execute(twin)
            return ledger.resolve(twin)

        receipts = in_threads(THREADS, send)

        assert sum(1 for r in receipts if not r.replayed) == 1
        first = next(r for r in receipts if not r.replayed)
        assert all(r.model_copy(update={"replayed": False}) == first for r in receipts)
        after = row_counts(db)
        assert after.transactions == before.transactions + 1
        assert after.chain == before.chain + 1
        assert after.movements == before.movements + len(first.movements)
        with db.sessions() as session:
            written = session.scalar(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.client_id == client_id)
            )
        assert written == 1
        taken = TAKES[kind] * (round_no + 1)
        assert balance(db, cells_key("L1")).posted == OPENING - taken
    _the_chain_verifies(db)


def test_given_one_client_id_when_threads_send_different_contents_then_one_wins_others_conflict(
    db: Database, ledger: Ledger
) -> None:
    """Given one client id, when 16 threads send it at once with 2 different contents
    (8 threads each), then exactly one transaction is written; the threads that sent the
    winner's content get its receipt, the others get IdempotencyConflict."""
    contents = [
        request("contested", leg("10", stock("L1"), outside("abroad"))),
        request("contested", leg("20", stock("L1"), outside("abroad"))),
    ]

    def send(t: int) -> tuple[int, LedgerReceipt | IdempotencyConflict]:
        try:
            return t % 2, ledger.execute(contents[t % 2])
        except IdempotencyConflict as conflict:
            return t % 2, conflict

    answers = in_threads(THREADS, send)
    conflicts = [a for _, a in answers if isinstance(a, IdempotencyConflict)]
    assert conflicts, "two contents under one client id were both accepted"
    assert all(c.field == "client_id" and "contested" in str(c) for c in conflicts)
    outcomes = [(v, a if isinstance(a, LedgerReceipt) else None) for v, a in answers]
    winners = {variant for variant, receipt in outcomes if receipt is not None}
    assert len(winners) == 1, "both contents were accepted under one client id"
    [winner] = winners
    assert all((receipt is not None) == (variant == winner) for variant, receipt in outcomes)
    assert len({r.transaction_id for _, r in outcomes if r is not None}) == 1
    assert balance(db, cells_key("L1")).posted == OPENING - (10 if winner == 0 else 20)
    _the_chain_verifies(db)


def test_given_a_reservation_when_post_and_void_race_then_exactly_one_wins(
    db: Database, ledger: Ledger
) -> None:
    """Given a reservation of 5 pieces, when a gate release (post) and a deletion (void)
    race on it from 4 threads, then exactly one resolution is written, the other callers
    get ReservationNotPending, and the balance shows the winner's effect. Repeated for 8
    reservations so both outcomes get their chance."""
    posted_total = Decimal(0)
    for round_no in range(8):
        reservation = f"res-{round_no}"
        ledger.execute(request(reservation, leg("5", stock("L1"), outside("abroad")), reserve=True))

        def settle(i: int, reservation: str = reservation) -> str:
            try:
                ledger.resolve(resolve(f"{reservation}-{i}", reservation, post=i % 2 == 0))
            except ReservationNotPending as refusal:
                return f"refused ({refusal.field})"
            return "post" if i % 2 == 0 else "void"

        outcomes = [o.replace(" (reservation_client_id)", "") for o in in_threads(4, settle)]
        assert outcomes.count("refused") == 3, outcomes
        if "post" in outcomes:
            posted_total += 5
        position = balance(db, cells_key("L1"))
        assert position.pending_out == 0
        assert position.posted == OPENING - posted_total
        with db.sessions() as session:
            resolutions = session.scalar(
                select(func.count())
                .select_from(LedgerTransaction)
                .where(LedgerTransaction.client_id.like(f"{reservation}-%"))
            )
        assert resolutions == 1
    assert balance(db, party_key("abroad")).pending_in == 0
    _the_chain_verifies(db)


def test_given_writers_posting_when_the_auditor_verifies_meanwhile_then_it_never_cries_wolf(
    db: Database, ledger: Ledger
) -> None:
    """Given 3 threads posting receipts, when an auditor verifies the chain again and
    again while they write, then every verification passes: the auditor reads one
    consistent state, never a head from before a commit and events from after it."""
    writers, posts_each, most_checks = 3, 30, 40
    done = [False] * writers
    problems: list[str] = []

    def work(t: int) -> int:
        if t < writers:
            for i in range(posts_each):
                ledger.execute(request(f"in-{t}-{i}", leg("1", outside("abroad"), stock("L2"))))
            done[t] = True
            return posts_each
        checks = 0
        while checks == 0 or (not all(done) and checks < most_checks):
            result = ChainAuditor(db).verify()
            if not result.ok:
                problems.append(str(result.problem))
            checks += 1
        return checks

    in_threads(writers + 1, work)
    assert problems == []
    assert LedgerQueries(db).balance(cells_key("L2")).posted == writers * posts_each
    _the_chain_verifies(db)
