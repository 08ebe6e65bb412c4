"""Property-based specification of the ledger (hypothesis stateful).

Random sequences of posts, reservations, posts and voids of reservations, linked
multi-leg groups, over-withdrawals, replays and conflicting replays, checked after
every step against a plain Python model of the balances. Invariants:
- the ledger's balances equal the model's, and no stock account is negative;
- conservation: per item the posted balances over all accounts sum to zero, and
  pending out equals pending in;
- replays change nothing and answer the first receipt; conflicts are refused;
- voids restore availability; a resolved reservation cannot be resolved again;
- the audit chain verifies;
- balances as of a past instant equal a replay of the posted movements up to it.

Each hypothesis example gets its own account book (and enterprise) in the test's
database: examples are independent and a fresh database per example is not needed.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from adapters.db.engine import Database
from adapters.db.models import AccountEntry, LedgerAccount, Movement
from ledger import (
    ChainAuditor,
    IdempotencyConflict,
    InsufficientStock,
    Ledger,
    LedgerQueries,
    ReservationNotPending,
)
from ledger.keys import outside_key, stock_key
from schemas.codes import Operation
from schemas.ledger import LedgerReceipt, Leg, MovementRequest, OutsideRef, StockRef
from tests.support.builders import LINE, WAREHOUSE, make_zone, outside, request, resolve, stock

LOTS = ("L1", "L2")
LOCATIONS = (WAREHOUSE, LINE)
STOCK = [stock(lot, loc) for lot in LOTS for loc in LOCATIONS]
OUTSIDE = [outside("abroad"), outside("domestic")]
_books = itertools.count(1)

quantities = st.decimals(
    min_value=Decimal("0.00001"), max_value=Decimal("500"), places=5, allow_nan=False
)
stock_refs = st.sampled_from(STOCK)
any_refs = st.sampled_from(STOCK + OUTSIDE)


class LedgerMachine(RuleBasedStateMachine):
    db: Database  # set by the test before the machine runs

    reservations = Bundle("reservations")

    def __init__(self) -> None:
        super().__init__()
        n = next(_books)
        self.book = f"H9601{n:07d}"
        zone = make_zone(self.db, book_no=self.book, customs_code=f"9601P{n:05d}")
        for lot in LOTS:
            zone.lot(lot)
        self.ledger = Ledger(self.db)
        self.queries = LedgerQueries(self.db)
        # key -> [posted, pending_out, pending_in]
        self.model: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
        self.done: list[tuple[MovementRequest, LedgerReceipt]] = []
        self.resolved: set[str] = set()
        self.checkpoint: tuple[dt.datetime, dict[str, Decimal]] | None = None
        self.ids = itertools.count(1)

    # --- helpers ---------------------------------------------------------------------

    def key(self, ref: StockRef | OutsideRef) -> str:
        if isinstance(ref, StockRef):
            return stock_key(self.book, 1, ref.lot_no, ref.location, ref.status)
        return outside_key(ref.party, self.book, 1)

    def leg(
        self, quantity: Decimal, source: StockRef | OutsideRef, dest: StockRef | OutsideRef
    ) -> Leg:
        return Leg(
            book_no=self.book,
            item_no=1,
            unit="007",
            quantity=quantity,
            source=source,
            destination=dest,
        )

    def effects(self, req: MovementRequest) -> dict[str, list[Decimal]]:
        out: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
        for leg in req.legs:
            src, dst = self.key(leg.source), self.key(leg.destination)
            if req.operation is Operation.RESERVE:
                out[src][1] += leg.quantity
                out[dst][2] += leg.quantity
            else:
                out[src][0] -= leg.quantity
                out[dst][0] += leg.quantity
        return out

    def allowed(self, effects: dict[str, list[Decimal]]) -> bool:
        for key, (dp, do, _) in effects.items():
            if not key.startswith("stock|"):
                continue
            posted, pending_out, _ = self.model[key]
            if posted + dp - (pending_out + do) < 0:
                return False
        return True

    def submit(self, req: MovementRequest) -> LedgerReceipt | None:
        effects = self.effects(req)
        if not self.allowed(effects):
            try:
                self.ledger.execute(req)
            except InsufficientStock:
                return None
            raise AssertionError(f"an overdraft was accepted: {req}")
        receipt = self.ledger.execute(req)
        assert not receipt.replayed
        for key, deltas in effects.items():
            for i in range(3):
                self.model[key][i] += deltas[i]
        self.done.append((req, receipt))
        return receipt

    def new_id(self) -> str:
        return f"{self.book}-{next(self.ids)}"

    # --- rules -----------------------------------------------------------------------

    @initialize(target=reservations)
    def opening_stock(self) -> str:
        self.submit(request(self.new_id(), self.leg(Decimal(100), outside("abroad"), STOCK[0])))
        return "none"

    @rule(quantity=quantities, destination=stock_refs)
    def receive_from_abroad(self, quantity: Decimal, destination: StockRef) -> None:
        self.submit(request(self.new_id(), self.leg(quantity, outside("abroad"), destination)))

    @rule(quantity=quantities, source=stock_refs, destination=any_refs)
    def move(self, quantity: Decimal, source: StockRef, destination: StockRef | OutsideRef) -> None:
        if source == destination:
            return
        self.submit(request(self.new_id(), self.leg(quantity, source, destination)))

    @rule(target=reservations, quantity=quantities, source=any_refs, destination=any_refs)
    def reserve(
        self, quantity: Decimal, source: StockRef | OutsideRef, destination: StockRef | OutsideRef
    ) -> str:
        if source == destination or (
            isinstance(source, OutsideRef) and isinstance(destination, OutsideRef)
        ):
            return "none"
        client_id = self.new_id()
        receipt = self.submit(
            request(client_id, self.leg(quantity, source, destination), reserve=True)
        )
        return client_id if receipt is not None else "none"

    @rule(reservation=reservations, post=st.booleans())
    def resolve_reservation(self, reservation: str, post: bool) -> None:
        if reservation == "none":
            return
        req = next(r for r, _ in self.done if r.client_id == reservation)
        client_id = self.new_id()
        if reservation in self.resolved:
            try:
                self.ledger.resolve(resolve(client_id, reservation, post=post))
            except ReservationNotPending:
                return
            raise AssertionError("a reservation was resolved twice")
        before_available = {
            self.key(leg.source): self.model[self.key(leg.source)][0]
            - self.model[self.key(leg.source)][1]
            for leg in req.legs
        }
        self.ledger.resolve(resolve(client_id, reservation, post=post))
        self.resolved.add(reservation)
        for leg in req.legs:
            src, dst = self.key(leg.source), self.key(leg.destination)
            q = leg.quantity
            self.model[src][1] -= q
            self.model[dst][2] -= q
            if post:
                self.model[src][0] -= q
                self.model[dst][0] += q
        if not post:  # a void gives back exactly what the reservation held
            for leg in req.legs:
                src = self.key(leg.source)
                if src.startswith("stock|"):
                    after = self.model[src][0] - self.model[src][1]
                    assert after == before_available[src] + leg.quantity

    @rule(
        legs=st.lists(st.tuples(quantities, any_refs, any_refs), min_size=2, max_size=4),
        reserve=st.booleans(),
    )
    def linked_group(
        self,
        legs: list[tuple[Decimal, StockRef | OutsideRef, StockRef | OutsideRef]],
        reserve: bool,
    ) -> None:
        usable = [
            self.leg(q, s, d)
            for q, s, d in legs
            if s != d and not (isinstance(s, OutsideRef) and isinstance(d, OutsideRef))
        ]
        if len(usable) < 2:
            return
        self.submit(request(self.new_id(), *usable, reserve=reserve))

    @precondition(lambda self: bool(self.done))
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        req, first = data.draw(st.sampled_from(self.done))
        before = self.ledger_state()
        again = (
            self.ledger.execute(req)
            if isinstance(req, MovementRequest)
            else self.ledger.resolve(req)
        )
        assert again.replayed
        assert again.transaction_id == first.transaction_id
        assert again.movements == first.movements
        assert self.ledger_state() == before

    @precondition(lambda self: bool(self.done))
    @rule(data=st.data(), quantity=quantities)
    def conflicting_replay(self, data: st.DataObject, quantity: Decimal) -> None:
        req, _ = data.draw(st.sampled_from(self.done))
        changed = req.model_copy(update={"reason": f"{req.reason} (changed {quantity})"})
        before = self.ledger_state()
        try:
            self.ledger.execute(changed)
        except IdempotencyConflict:
            assert self.ledger_state() == before
            return
        raise AssertionError("a conflicting replay was accepted")

    @rule()
    def take_checkpoint(self) -> None:
        self.checkpoint = (
            dt.datetime.now(dt.UTC),
            {key: values[0] for key, values in self.model.items()},
        )

    # --- invariants ------------------------------------------------------------------

    def ledger_state(self) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
        return {
            b.key: (b.posted, b.pending_out, b.pending_in)
            for b in self.queries.balances(book_no=self.book, include_outside=True)
        }

    @invariant()
    def balances_match_the_model_and_are_never_negative(self) -> None:
        state = self.ledger_state()
        expected = {k: tuple(v) for k, v in self.model.items() if any(v) or k in state}
        assert {k: v for k, v in state.items() if any(v) or k in expected} == expected
        for key, (posted, pending_out, _) in state.items():
            if key.startswith("stock|"):
                assert posted >= 0, key
                assert posted - pending_out >= 0, key

    @invariant()
    def quantities_are_conserved(self) -> None:
        state = self.ledger_state()
        assert sum((v[0] for v in state.values()), Decimal(0)) == 0
        assert sum((v[1] for v in state.values()), Decimal(0)) == sum(
            (v[2] for v in state.values()), Decimal(0)
        )

    @invariant()
    def the_chain_verifies(self) -> None:
        result = ChainAuditor(self.db).verify()
        assert result.ok, result.problem

    @invariant()
    def as_of_agrees_with_replaying_movements(self) -> None:
        if self.checkpoint is None:
            return
        at, snapshot = self.checkpoint
        as_of = {
            b.key: b.posted
            for b in self.queries.balances(book_no=self.book, include_outside=True, as_of=at)
        }
        replayed = self.replay_posted_movements(at)
        for key in set(as_of) | set(replayed) | set(snapshot):
            assert as_of.get(key, Decimal(0)) == replayed.get(key, Decimal(0)), key
            assert as_of.get(key, Decimal(0)) == snapshot.get(key, Decimal(0)), key

    def replay_posted_movements(self, at: dt.datetime) -> dict[str, Decimal]:
        """Balances rebuilt from posted movements alone, not from the running balances."""
        out: dict[str, Decimal] = defaultdict(Decimal)
        with self.db.sessions() as session:
            keys = dict(session.execute(select(LedgerAccount.id, LedgerAccount.key)).all())
            rows = session.execute(
                select(Movement.source_id, Movement.destination_id, Movement.quantity)
                .join(AccountEntry, AccountEntry.movement_id == Movement.id)
                .where(
                    Movement.phase == "posted",
                    AccountEntry.account_id == Movement.destination_id,
                    AccountEntry.recorded_at <= at,
                )
            ).all()
        for source, destination, quantity in rows:
            if keys[source].split("|")[1] == self.book:  # book is the 2nd part of every key
                out[keys[source]] -= quantity
                out[keys[destination]] += quantity
        return out


def test_ledger_invariants_hold_for_any_sequence_of_operations(db: Database) -> None:
    LedgerMachine.db = db
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
