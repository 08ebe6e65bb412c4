"""Property-based specification of the ledger (hypothesis, stateful).

Given any sequence of posts, reservations, posts and voids of reservations, linked
multi-leg groups (processing with lineage among them), over-withdrawals, replays of
earlier requests (same client id, same content), conflicting replays (same client id,
other content) and retries of refused requests, then after every step:

- the ledger's balances equal those of a plain Python model, and no stock account is
  below zero (posted, available, pending);
- quantities are conserved: per (book, item) the posted balances of all accounts,
  stock and outside, sum to zero, and pending out sums to pending in;
- refusals, replays and conflicts write nothing; a replay answers the first receipt;
- voiding a reservation gives back exactly the availability it held;

and every ``CHECKPOINT`` steps and when the run ends:

- the audit chain verifies, over every event recorded so far;
- balances as of the instant after each step (at the end: after every step of the
  run) equal both the model at that moment and an independent replay of the stored
  movements up to that instant.

Those two walk the whole history, so checking them after every step made the test
quadratic. Checking them at checkpoints and at the end finds the same failures: the
chain and the movements are append-only (triggers refuse UPDATE and DELETE), so a
bad link or a wrong movement written at any step is still there, and still found,
when the run ends; and a balance as of an instant is history, which later steps must
not change, so checking every instant once at the end checks at least what the
check after each step did. Hypothesis shrinks a failure found at the end as it does
any other. Besides, a rule looks back as of a random earlier instant during the run.

Each hypothesis example runs on its own fresh database (a copy of the migrated
template: a file copy on SQLite, CREATE DATABASE ... TEMPLATE on PostgreSQL), dropped
when the example ends. That keeps examples independent, so conservation and the chain
can be checked over the whole database, and the chain the auditor walks after every
step holds only this example's events. The worker's engine of the backend serves every
example, pointed at each example's database in turn (tests/support/engines.py), so that
statements are compiled once.
The ledger runs on a clock that moves one millisecond each time it is read, so "an
instant between two steps" is exact and no assertion depends on wall-clock time.

Only the example's own ledger calls write to its database, so the balances and row
counts are read once after each call (``LedgerMachine.observe``), and that one read
serves the invariants after the step and the checks around a refusal or a replay (the
state before it is the one read after the step before). They used to read it up to six
times a step, each read its own transaction: on PostgreSQL half the test's round trips.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased

from adapters.db.engine import Database
from adapters.db.models import LedgerAccount, LedgerTransaction, Movement
from ledger import (
    ChainAuditor,
    IdempotencyConflict,
    InsufficientStock,
    Ledger,
    LedgerError,
    LedgerQueries,
    ReservationNotPending,
)
from ledger.keys import outside_key, stock_key
from schemas.codes import Operation
from schemas.ledger import (
    BalanceView,
    LedgerReceipt,
    Leg,
    MovementRequest,
    OutsideRef,
    ResolveRequest,
    StockRef,
)
from tests.conftest import BACKENDS, PostgresClones, fresh_database_url
from tests.ledger.helpers import RowCounts, row_counts
from tests.support.builders import (
    BOOK,
    CELLS,
    GLASS,
    LINE,
    MODULE,
    consumed,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.engines import SharedEngines
from tests.support.profiles import examples, steps
from tests.support.states import DatabaseState

E = TypeVar("E", bound=LedgerError)
Triple = tuple[Decimal, Decimal, Decimal]  # posted, pending_out, pending_in
ZERO = Decimal(0)
NOTHING: Triple = (ZERO, ZERO, ZERO)
# Steps between two checks of the whole chain and of balances as of now.
CHECKPOINT = 10

# The positions of the test book: cells in two lots and two places, modules, glass.
POSITIONS: dict[int, list[StockRef]] = {
    CELLS: [stock("L1"), stock("L1", LINE), stock("L2")],
    MODULE: [stock("M1", LINE), stock("M1")],
    GLASS: [stock("G1")],
}
PARTIES = [outside("abroad"), outside("domestic"), outside("processing")]
ALL_STOCK = [(item, ref) for item, refs in POSITIONS.items() for ref in refs]


def _zone_with_the_positions_lots(db: Database) -> None:
    zone = make_zone(db)
    for item, refs in POSITIONS.items():
        for lot in sorted({r.lot_no for r in refs}):
            zone.lot(lot, item_no=item)


# Every example starts from a fresh zone with the lots of POSITIONS and an empty ledger:
# written once per worker and backend, and cloned per example (tests/support/states.py).
PROPERTY_ZONE = DatabaseState("property-zone", _zone_with_the_positions_lots)

# Mostly small enough to fit what is in stock, sometimes far too large.
quantities = st.one_of(
    st.integers(min_value=1, max_value=50).map(Decimal),
    st.decimals(min_value=Decimal("0.00001"), max_value=Decimal(50), places=5),
    st.integers(min_value=51, max_value=5000).map(Decimal),
)
openings = st.integers(min_value=100, max_value=2000).map(Decimal)


@st.composite
def legs(draw: st.DrawFn) -> Leg:
    """Any leg of one item between two of its accounts, at least one of them stock."""
    item = draw(st.sampled_from(sorted(POSITIONS)))
    refs: list[StockRef | OutsideRef] = [*POSITIONS[item], *PARTIES]
    source = draw(st.sampled_from(refs))
    destination = draw(
        st.sampled_from([r for r in refs if r != source and StockRef in (type(r), type(source))])
    )
    return leg(draw(quantities), source, destination, item_no=item)


class SteppingClock:
    """The ledger's clock: one millisecond later every time it is read."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(milliseconds=1)
        return self.now

    def between_reads(self) -> dt.datetime:
        """An instant after the last read and before the next one."""
        return self.now + dt.timedelta(microseconds=500)


def _key(item: int, ref: StockRef | OutsideRef) -> str:
    if isinstance(ref, StockRef):
        return stock_key(BOOK, item, ref.lot_no, ref.location, ref.status)
    return outside_key(ref.party, BOOK, item)


def _is_stock(key: str) -> bool:
    return key.startswith("stock|")


@dataclass(frozen=True)
class Observed:
    """What the example's database holds after a ledger call: every balance (outside
    accounts included), as the ledger's queries give them, and every table's count."""

    balances: list[BalanceView]
    rows: RowCounts

    @property
    def state(self) -> dict[str, Triple]:
        return {b.key: (b.posted, b.pending_out, b.pending_in) for b in self.balances}


class LedgerMachine(RuleBasedStateMachine):
    # Set by the test before the machine runs: where and how to make a fresh database.
    fixture_request: pytest.FixtureRequest
    backend: str
    workdir: Path
    clones: PostgresClones | None
    examples: Iterator[int]
    engines: SharedEngines

    def __init__(self) -> None:
        super().__init__()
        self.folder = self.workdir / f"example-{next(self.examples)}"
        self.folder.mkdir()
        self.url = fresh_database_url(
            self.fixture_request, self.backend, self.folder, state=PROPERTY_ZONE
        )
        self.db: Database = self.engines.open(self.url)
        self.clock = SteppingClock()
        # Called only through ledger_call, which counts the calls (see observe).
        self.ledger = Ledger(self.db, clock=self.clock)
        self.ledger_calls = 0
        self.observed: tuple[int, Observed] | None = None
        self.queries = LedgerQueries(self.db)
        self.auditor = ChainAuditor(self.db)
        # The model: expected balances per account key, and what should be stored.
        self.model: dict[str, Triple] = defaultdict(lambda: NOTHING)
        self.accepted: list[tuple[MovementRequest | ResolveRequest, LedgerReceipt]] = []
        self.refusals: list[MovementRequest] = []
        self.reservations: list[MovementRequest] = []
        self.resolved: set[str] = set()
        self.rows = {"transactions": 0, "movements": 0, "lineage": 0}
        # The model as it was at instants between steps: (instant, balances).
        self.snapshots: list[tuple[dt.datetime, dict[str, Triple]]] = [
            (self.clock.between_reads(), {})
        ]
        self.ids = itertools.count(1)
        self.steps = 0

    def teardown(self) -> None:
        """The run's last check (a failure here is shrunk like any other), then the
        example's database goes."""
        try:
            self.check_the_whole_history()
        finally:
            self.engines.close(self.url)
            if self.clones is not None:  # dropped now rather than when the whole test ends
                name = make_url(self.url).database
                assert name is not None
                self.clones.drop(name)
            shutil.rmtree(self.folder, ignore_errors=True)

    # --- the model --------------------------------------------------------------------

    def new_id(self) -> str:
        return f"req-{next(self.ids)}"

    @staticmethod
    def effects(req: MovementRequest) -> dict[str, Triple]:
        """What a post or reserve does to each account's (posted, pending_out, pending_in)."""
        out: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for one in req.legs:
            src, dst = _key(one.item_no, one.source), _key(one.item_no, one.destination)
            if req.operation is Operation.RESERVE:
                out[src][1] += one.quantity
                out[dst][2] += one.quantity
            else:
                out[src][0] -= one.quantity
                out[dst][0] += one.quantity
        return {k: (v[0], v[1], v[2]) for k, v in out.items()}

    def available(self, key: str) -> Decimal:
        posted, pending_out, _ = self.model[key]
        return posted - pending_out

    def fits(self, effects: dict[str, Triple]) -> bool:
        return all(
            self.available(key) + d_posted - d_out >= 0
            for key, (d_posted, d_out, _) in effects.items()
            if _is_stock(key)
        )

    def apply(self, effects: dict[str, Triple]) -> None:
        for key, (dp, do, di) in effects.items():
            posted, pending_out, pending_in = self.model[key]
            self.model[key] = (posted + dp, pending_out + do, pending_in + di)

    def written(self, req: MovementRequest | ResolveRequest, receipt: LedgerReceipt) -> None:
        assert not receipt.replayed
        self.accepted.append((req, receipt))
        self.rows["transactions"] += 1
        self.rows["movements"] += len(receipt.movements)
        if isinstance(req, MovementRequest):
            self.rows["lineage"] += len(req.lineage)
        self.snapshots.append((self.clock.between_reads(), dict(self.model)))

    def ledger_call(self, req: MovementRequest | ResolveRequest) -> LedgerReceipt:
        """The only way the example writes: counted before the call, so that whatever
        it does (refused or not) is read anew by the next ``observe``."""
        self.ledger_calls += 1
        if isinstance(req, MovementRequest):
            return self.ledger.execute(req)
        return self.ledger.resolve(req)

    def send(self, req: MovementRequest | ResolveRequest) -> LedgerReceipt | LedgerError:
        """Send a request; a refusal is returned rather than raised, to be examined."""
        try:
            return self.ledger_call(req)
        except LedgerError as refusal:
            return refusal

    def observe(self) -> Observed:
        """Every balance and every table's count, as the database holds them now.

        Only the ledger calls of this example write to its database, so what was read
        after the last call is what it holds until the next: read again only when the
        ledger was called since. The invariants after a step and the checks around a
        refusal or a replay thus share one read (the state before a refusal is the one
        the invariants read after the step before), instead of reading it up to six
        times a step."""
        if self.observed is None or self.observed[0] != self.ledger_calls:
            read = Observed(self.queries.balances(include_outside=True), row_counts(self.db))
            self.observed = (self.ledger_calls, read)
        return self.observed[1]

    def refused(self, req: MovementRequest | ResolveRequest, kind: type[E]) -> E:
        """Send a request the model says must be refused with `kind`: it changes nothing."""
        before = self.observe()
        outcome = self.send(req)
        assert isinstance(outcome, kind), f"expected {kind.__name__}, got {outcome!r}"
        after = self.observe()
        assert after.state == before.state, "a refusal changed balances"
        assert after.rows == before.rows, "a refusal wrote rows"
        return outcome

    def submit(self, req: MovementRequest) -> LedgerReceipt | None:
        """Send a post or reserve; the model says whether it must be accepted or refused."""
        effects = self.effects(req)
        if not self.fits(effects):
            refusal = self.refused(req, InsufficientStock)
            assert _is_stock(refusal.account)
            assert refusal.field is not None
            assert refusal.field.startswith("legs[")
            self.refusals.append(req)
            return None
        receipt = self.ledger_call(req)
        self.apply(effects)
        if req.operation is Operation.RESERVE:
            self.reservations.append(req)
        self.written(req, receipt)
        return receipt

    # --- rules ------------------------------------------------------------------------

    @initialize(cells=openings, modules=openings, glass=openings)
    def opening_stock(self, cells: Decimal, modules: Decimal, glass: Decimal) -> None:
        """Goods enter from abroad into one position of each item, as one linked group."""
        self.submit(
            request(
                self.new_id(),
                leg(cells, outside("abroad"), stock("L1"), item_no=CELLS),
                leg(modules, outside("abroad"), stock("M1", LINE), item_no=MODULE),
                leg(glass, outside("abroad"), stock("G1"), item_no=GLASS),
            )
        )

    @rule(one=legs())
    def post(self, one: Leg) -> None:
        self.submit(request(self.new_id(), one))

    @rule(one=legs())
    def reserve(self, one: Leg) -> None:
        self.submit(request(self.new_id(), one, reserve=True))

    @rule(group=st.lists(legs(), min_size=2, max_size=4), reserve=st.booleans())
    def linked_group(self, group: list[Leg], reserve: bool) -> None:
        self.submit(request(self.new_id(), *group, reserve=reserve))

    @rule(
        source=st.sampled_from(POSITIONS[CELLS]),
        cells=quantities,
        modules=quantities,
        into=st.sampled_from(POSITIONS[MODULE]),
    )
    def process_cells_into_modules(
        self, source: StockRef, cells: Decimal, modules: Decimal, into: StockRef
    ) -> None:
        """A work order: cells are consumed, modules produced, lineage recorded."""
        self.submit(
            request(
                self.new_id(),
                leg(cells, source, outside("processing")),
                leg(modules, outside("processing"), into, item_no=MODULE),
                lineage=(consumed("M1", source.lot_no, str(cells)),),
            )
        )

    @rule(position=st.sampled_from(ALL_STOCK), extra=quantities, reserve=st.booleans())
    def over_withdraw(self, position: tuple[int, StockRef], extra: Decimal, reserve: bool) -> None:
        """Asking for more than is available is refused, naming what is available."""
        item, ref = position
        key = _key(item, ref)
        asked = self.available(key) + extra
        req = request(
            self.new_id(), leg(asked, ref, outside("domestic"), item_no=item), reserve=reserve
        )
        refusal = self.refused(req, InsufficientStock)
        assert (refusal.account, refusal.asked) == (key, asked)
        assert refusal.available == self.available(key)
        assert refusal.field == "legs[0].quantity"
        self.refusals.append(req)

    @precondition(lambda self: bool(self.reservations))
    @rule(data=st.data(), post=st.booleans())
    def resolve_a_reservation(self, data: st.DataObject, post: bool) -> None:
        """Post or void a reservation; one already resolved is refused."""
        reservation = data.draw(st.sampled_from(self.reservations), label="reservation")
        req = resolve(self.new_id(), reservation.client_id, post=post)
        if reservation.client_id in self.resolved:
            self.refused(req, ReservationNotPending)
            return
        before_available = {
            key: self.queries.balance(key).available
            for key in self.effects(reservation)
            if _is_stock(key)
        }
        receipt = self.ledger_call(req)
        self.resolved.add(reservation.client_id)
        held = self.effects(reservation)
        self.apply({key: (ZERO, -out, -into) for key, (_, out, into) in held.items()})
        if post:  # the reserved goods move now, as a post of the same legs would
            self.apply(self.effects(reservation.model_copy(update={"operation": Operation.POST})))
        self.written(req, receipt)
        if not post:  # a void gives back exactly the availability the reservation held
            for key, was in before_available.items():
                assert self.queries.balance(key).available == was + held[key][1]

    @precondition(lambda self: bool(self.accepted))
    @rule(data=st.data())
    def replay(self, data: st.DataObject) -> None:
        """The same client id with the same content answers the first receipt, again."""
        req, first = data.draw(st.sampled_from(self.accepted), label="replayed")
        before = self.observe()
        again = self.send(req)
        assert isinstance(again, LedgerReceipt), again
        assert again.replayed
        assert again.model_copy(update={"replayed": False}) == first
        after = self.observe()
        assert after.state == before.state
        assert after.rows == before.rows

    @precondition(lambda self: bool(self.accepted))
    @rule(data=st.data(), what=st.sampled_from(["reason", "quantity", "operation"]))
    def conflicting_replay(self, data: st.DataObject, what: str) -> None:
        """The same client id with other content is refused and changes nothing."""
        req, _ = data.draw(st.sampled_from(self.accepted), label="conflicting")
        changed: MovementRequest | ResolveRequest
        if what == "reason":
            changed = req.model_copy(update={"reason": f"{req.reason}, changed"})
        elif isinstance(req, MovementRequest):
            first = req.legs[0]
            if what == "quantity":
                first = first.model_copy(update={"quantity": first.quantity + Decimal("0.00001")})
                changed = req.model_copy(update={"legs": (first, *req.legs[1:])})
            else:
                flipped = (
                    Operation.POST if req.operation is Operation.RESERVE else Operation.RESERVE
                )
                changed = req.model_copy(update={"operation": flipped, "lineage": ()})
        else:
            flipped = (
                Operation.VOID_PENDING
                if req.operation is Operation.POST_PENDING
                else Operation.POST_PENDING
            )
            changed = req.model_copy(update={"operation": flipped})
        assert changed.fingerprint() != req.fingerprint()
        conflict = self.refused(changed, IdempotencyConflict)
        assert conflict.field == "client_id"

    @precondition(lambda self: bool(self.refusals))
    @rule(data=st.data())
    def retry_a_refused_request(self, data: st.DataObject) -> None:
        """A refusal recorded nothing: the same request may succeed later, once."""
        req = data.draw(st.sampled_from(self.refusals), label="retried")
        self.refusals.remove(req)
        self.submit(req)

    @rule(data=st.data())
    def look_back_as_of_an_earlier_instant(self, data: st.DataObject) -> None:
        at, expected = data.draw(st.sampled_from(self.snapshots), label="instant")
        self.check_as_of(at, expected)

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def balances_match_the_model_are_conserved_and_stock_is_never_negative(self) -> None:
        """Every balance, as read after the step's ledger calls (``observe``): as the
        model says, never negative on a stock account, and summing to zero per book and
        item."""
        observed = self.observe()
        self.match_the_model_and_stock_is_never_negative(observed.state)
        self.quantities_are_conserved_per_book_and_item(observed.balances)

    def match_the_model_and_stock_is_never_negative(self, state: dict[str, Triple]) -> None:
        for key in set(state) | set(self.model):
            assert state.get(key, NOTHING) == self.model.get(key, NOTHING), key
        for key, (posted, pending_out, pending_in) in state.items():
            if _is_stock(key):
                assert posted >= 0, key
                assert posted - pending_out >= 0, key
                assert pending_out >= 0, key
                assert pending_in >= 0, key

    def quantities_are_conserved_per_book_and_item(self, balances: list[BalanceView]) -> None:
        totals: dict[tuple[str, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        for b in balances:
            total = totals[(b.book_no, b.item_no)]
            total[0] += b.posted
            total[1] += b.pending_out
            total[2] += b.pending_in
        for book_item, (posted, pending_out, pending_in) in totals.items():
            assert posted == 0, book_item
            assert pending_out == pending_in, book_item

    @invariant()
    def only_accepted_requests_were_stored(self) -> None:
        rows = self.observe().rows
        assert rows.transactions == self.rows["transactions"]
        assert rows.chain == self.rows["transactions"]
        assert rows.movements == self.rows["movements"]
        assert rows.lineage == self.rows["lineage"]

    @invariant()
    def at_checkpoints_the_chain_verifies_and_as_of_now_agrees(self) -> None:
        self.steps += 1  # invariants are checked once after every step
        if self.steps % CHECKPOINT == 0:
            self.check_the_chain()
            at, expected = self.snapshots[-1]
            self.check_as_of(at, expected)

    def check_the_chain(self) -> None:
        result = self.auditor.verify()
        assert result.ok, result.problem
        assert result.events_checked == self.rows["transactions"]

    def check_the_whole_history(self) -> None:
        """The chain, and balances as of the instant after every step: each against
        the model then and against the movements replayed up to then."""
        self.check_the_chain()
        replayed = self.replay_movements_at([at for at, _ in self.snapshots])
        for (at, expected), movements in zip(self.snapshots, replayed, strict=True):
            self.check_as_of(at, expected, movements)

    # --- as of ------------------------------------------------------------------------

    def check_as_of(
        self,
        at: dt.datetime,
        expected: dict[str, Triple],
        replayed: dict[str, Triple] | None = None,
    ) -> None:
        as_of = {
            b.key: (b.posted, b.pending_out, b.pending_in)
            for b in self.queries.balances(include_outside=True, known_at=at)
        }
        if replayed is None:
            (replayed,) = self.replay_movements_at([at])
        for key in set(as_of) | set(replayed) | set(expected):
            assert as_of.get(key, NOTHING) == replayed.get(key, NOTHING), (at, key)
            assert as_of.get(key, NOTHING) == expected.get(key, NOTHING), (at, key)

    def replay_movements_at(self, instants: list[dt.datetime]) -> list[dict[str, Triple]]:
        """Balances at each of ``instants`` (in order), rebuilt from the movements of
        the transactions recorded up to it: not from the running balances the ledger
        keeps in its entries and accounts. One pass over the movements."""
        assert instants == sorted(instants)
        source, destination = aliased(LedgerAccount), aliased(LedgerAccount)
        with self.db.sessions() as session:
            rows = session.execute(
                select(
                    LedgerTransaction.recorded_at,
                    Movement.phase,
                    LedgerTransaction.operation,
                    source.key,
                    destination.key,
                    Movement.quantity,
                )
                .join(LedgerTransaction, LedgerTransaction.id == Movement.transaction_id)
                .join(source, source.id == Movement.source_id)
                .join(destination, destination.id == Movement.destination_id)
                .where(LedgerTransaction.recorded_at <= instants[-1])
                .order_by(LedgerTransaction.recorded_at, Movement.id)
            ).all()
        out: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO, ZERO])
        balances: list[dict[str, Triple]] = []
        pending = iter(rows)
        row = next(pending, None)
        for at in instants:
            while row is not None and row[0] <= at:
                _, phase, operation, src, dst, q = row
                if phase == "pending":  # a reservation holds goods on both sides
                    out[src][1] += q
                    out[dst][2] += q
                else:
                    if operation in (Operation.POST_PENDING, Operation.VOID_PENDING):
                        out[src][1] -= q  # the reservation's hold ends
                        out[dst][2] -= q
                    if phase == "posted":
                        out[src][0] -= q
                        out[dst][0] += q
                row = next(pending, None)
            balances.append({k: (v[0], v[1], v[2]) for k, v in out.items()})
        return balances


@pytest.mark.heavy
@pytest.mark.parametrize("backend", BACKENDS)
def test_given_any_sequence_of_operations_then_the_ledger_invariants_hold(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path
) -> None:
    """Given a fresh zone, when hypothesis runs any sequence of ledger operations on it,
    then after every step the balances match the model, are conserved and never
    negative, refusals and replays change nothing, the chain verifies, and the books as
    of any earlier instant match a replay of the movements."""
    # Skip (or fail, as configured) here rather than inside hypothesis when there is no
    # PostgreSQL server; also builds the zone's template once, outside the examples.
    if backend == "sqlite":
        request.getfixturevalue("sqlite_states").template(PROPERTY_ZONE)
        LedgerMachine.clones = None
    else:
        LedgerMachine.clones = request.getfixturevalue("postgres_states").clones(PROPERTY_ZONE)
    LedgerMachine.fixture_request = request
    LedgerMachine.backend = backend
    LedgerMachine.workdir = tmp_path
    LedgerMachine.examples = itertools.count(1)
    LedgerMachine.engines = request.getfixturevalue("shared_engines")
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=examples(30),
            stateful_step_count=steps(35),
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
