"""The ledger's write path: post, reserve, post or void a reservation.

Each call is one database transaction. Inside it, in this order:
1. a replay (same client id) answers the first result, a conflict is refused;
2. the transaction row is inserted (its UNIQUE client id stops concurrent twins; a
   first attempt inserts without looking, and a clash sends it to step 1);
3. accounts are resolved (created on first use, in key order);
4. balances change by one conditional update of all the event's accounts, locked in
   account-id order (no deadlocks), each refusing to take a stock account's available
   quantity below zero;
5. movements, balance entries and lineage are written, one statement each (on
   PostgreSQL movements and entries are one statement, which also locks the chain head);
6. the event is appended to the audit chain under the chain-head row lock, built from
   the rows as they were written (held in memory, not read back); the head's periods
   version tells the period guard whether its closed periods in memory still hold.
Any refusal rolls everything back: nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, Inexact
from typing import overload

from sqlalchemy import Dialect
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator
from temporalio import workflow

from adapters.db.constraints import violation
from adapters.db.engine import Database
from adapters.db.models import LedgerTransaction, Money, Quantity
from adapters.db.types import TextDecimal
from ledger import chain, repository
from ledger.errors import (
    IdempotencyConflict,
    InexactLegalQuantity,
    InsufficientStock,
    LedgerError,
    ReservationNotPending,
    RetiredLocation,
    UnitMismatch,
    UnknownReference,
)
from ledger.keys import book_and_item, kind_of, outside_key, stock_key
from ledger.period_guard import PeriodGuard
from ledger.timeline import lag_class
from rules.units import legal_quantities
from schemas.codes import AccountKind, Operation, Phase
from schemas.ledger import (
    DocumentRef,
    LedgerReceipt,
    Leg,
    LineageInput,
    MovementRequest,
    MovementView,
    OutsideRef,
    ResolveRequest,
    StockRef,
)

# The metrics are one registry per process: a workflow sandbox that imports the
# ledger (a test's workflow naming its errors) uses the process's module, never a copy.
with workflow.unsafe.imports_passed_through():
    from observability.metrics import observed_ledger_call

# The checks that keep a stock account from going below zero (adapters.db.models).
STOCK_CHECKS = frozenset({"stock_never_negative", "pending_non_negative"})
log = logging.getLogger(__name__)
STOCK = AccountKind.STOCK
ZERO = Decimal(0)
RETRIES = 8


class _Replay(Exception):
    """Another transaction wrote the same client id first: answer from its result."""


@dataclass
class _Delta:
    posted: Decimal = ZERO
    pending_out: Decimal = ZERO
    pending_in: Decimal = ZERO
    outgoing: Decimal = ZERO  # what this request takes out, for the refusal message
    is_stock: bool = False
    leg_field: str = ""


@dataclass
class _Account:
    id: int
    key: str
    is_stock: bool


@dataclass
class _Prepared:
    """A leg with everything resolved to ids."""

    field: str
    book_no: str
    item_no: int
    item_id: int
    source: _Account
    destination: _Account
    unit: str
    quantity: Decimal
    first_legal: Decimal
    second_legal: Decimal | None
    amount: Decimal | None
    currency: str | None


@dataclass
class _Effects:
    """Per-leg balance deltas: (account, delta_posted, delta_pending_out, delta_pending_in)."""

    rows: list[list[tuple[_Account, Decimal, Decimal, Decimal]]] = field(default_factory=list)


@dataclass(frozen=True)
class _TransactionRow:
    """The transaction row as written (ledger.chain.TransactionRow)."""

    id: int
    client_id: str
    operation: str
    reservation_id: int | None
    document_type: str | None
    document_no: str | None
    actor: str
    reason: str
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    fingerprint: str
    head: repository.HeadRow | None = None  # SQLite: read with the insert
    next_ids: repository.NextIds | None = None  # SQLite: the ids its rows take


@dataclass(frozen=True)
class _MovementRow:
    """A movement row as written, its values as the database gives them back."""

    id: int
    leg_no: int
    phase: str
    source_id: int
    destination_id: int
    unit: str
    quantity: Decimal
    first_legal_quantity: Decimal
    second_legal_quantity: Decimal | None
    amount: Decimal | None
    currency: str | None


@dataclass(frozen=True)
class _EntryRow:
    """An entry row as written; `id` is 0 until the insert returns it."""

    id: int
    account_id: int
    delta_posted: Decimal
    delta_pending_out: Decimal
    delta_pending_in: Decimal
    posted_after: Decimal
    pending_out_after: Decimal
    pending_in_after: Decimal
    recorded_at: dt.datetime


@dataclass(frozen=True)
class _LinkRow:
    id: int
    output_lot_id: int
    input_lot_id: int
    quantity: Decimal


@dataclass(frozen=True)
class _Link:
    """A lineage input resolved to lot ids, with the lots' labels for the chain."""

    output_lot_id: int
    input_lot_id: int
    quantity: Decimal
    output_label: str
    input_label: str


def _is_retryable(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in {"40001", "40P01"}:  # serialization failure, deadlock detected
        return True
    return "database is locked" in str(exc.orig)


class Ledger:
    """The only writer of stock. Thread-safe: each call uses its own session."""

    def __init__(self, database: Database, *, clock: Callable[[], dt.datetime] | None = None):
        self.db = database
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        # Master data and accounts are never updated in a way that changes these ids, nor
        # deleted, so they are cached once seen committed. Accounts first created by a
        # request enter the cache only after that request commits.
        self._items: dict[tuple[str, int], repository.ItemInfo] = {}
        self._lots: dict[tuple[str, str], repository.LotInfo] = {}
        self._locations: dict[str, int] = {}
        self._accounts: dict[str, int] = {}
        self._periods = PeriodGuard()  # closed periods, reloaded when the head's version moves

    # --- public API -------------------------------------------------------------------

    @observed_ledger_call(LedgerError)  # postings, movements, refusals by reason, chain head
    def execute(self, request: MovementRequest) -> LedgerReceipt:
        """Post or reserve a linked group of legs: all commit together or none do."""
        fingerprint = request.fingerprint()
        return self._run(
            request.client_id,
            fingerprint,
            lambda s, new: self._move(s, request, fingerprint, new),
        )

    @observed_ledger_call(LedgerError)
    def resolve(self, request: ResolveRequest) -> LedgerReceipt:
        """Post or void a reservation in full."""
        fingerprint = request.fingerprint()
        return self._run(
            request.client_id, fingerprint, lambda s, _: self._resolve(s, request, fingerprint)
        )

    # --- the transaction loop ---------------------------------------------------------

    def _run(
        self,
        client_id: str,
        fingerprint: str,
        work: Callable[[Session, dict[str, int]], LedgerReceipt],
    ) -> LedgerReceipt:
        for attempt in range(RETRIES):
            try:
                new_accounts: dict[str, int] = {}
                with self.db.transaction() as session:
                    # A first attempt goes straight to work: inserting the transaction row
                    # fails on its UNIQUE client id if it exists, and the retry looks it up.
                    if attempt > 0:
                        existing = repository.transaction_by_client_id(session, client_id)
                        if existing is not None:
                            return self._replay(session, existing, fingerprint)
                    receipt = work(session, new_accounts)
                self._accounts.update(new_accounts)  # committed: safe to remember
                return receipt
            except _Replay:
                continue
            except IntegrityError as exc:
                with self.db.transaction() as session:
                    existing = repository.transaction_by_client_id(session, client_id)
                    if existing is not None:
                        return self._replay(session, existing, fingerprint)
                self._integrity_refusal(exc)
                raise
            except DBAPIError as exc:
                if not _is_retryable(exc) or attempt == RETRIES - 1:
                    raise
                log.info("ledger transaction retried after %s", exc.orig)
                time.sleep(0.005 * 2**attempt)
        raise AssertionError("unreachable")

    def _integrity_refusal(self, exc: IntegrityError) -> None:
        """The ledger's refusal for a constraint the database enforced, read from the
        constraint the driver names (``adapters.db.constraints``), not its message."""
        broke = violation(exc)
        if broke.table == LedgerTransaction.__tablename__ and "reservation_id" in broke.columns:
            raise ReservationNotPending("the reservation was resolved by another request") from exc
        if broke.constraint in STOCK_CHECKS:
            raise LedgerError(
                "a stock account would have gone below zero; nothing was written"
            ) from exc

    def _replay(
        self, session: Session, existing: LedgerTransaction, fingerprint: str
    ) -> LedgerReceipt:
        if existing.fingerprint != fingerprint:
            raise IdempotencyConflict(
                f"client id {existing.client_id!r} was used for a different request "
                f"({existing.operation} recorded at {existing.recorded_at.isoformat()})",
                field="client_id",
            )
        return _receipt(session, existing, replayed=True)

    @contextmanager
    def _inserting(self, session: Session) -> Iterator[None]:
        """Turn a UNIQUE violation on the client id into a replay of the winner."""
        try:
            yield
        except IntegrityError:
            raise _Replay() from None

    # --- post and reserve ------------------------------------------------------------

    def _move(
        self,
        session: Session,
        request: MovementRequest,
        fingerprint: str,
        new_accounts: dict[str, int],
    ) -> LedgerReceipt:
        with self._inserting(session):
            txn = self._insert_transaction(
                session,
                client_id=request.client_id,
                operation=request.operation,
                reservation_id=None,
                document=(request.document.type.value, request.document.number),
                request=request,
                fingerprint=fingerprint,
            )
        prepared = [
            self._prepare(session, i, leg, new_accounts) for i, leg in enumerate(request.legs)
        ]
        self._refuse_retired_destinations(session, request.legs)
        lineage = self._prepare_lineage(session, request.lineage, prepared)

        reserve = request.operation is Operation.RESERVE
        effects = _Effects()
        for p in prepared:
            q = p.quantity
            if reserve:
                effects.rows.append([(p.source, ZERO, q, ZERO), (p.destination, ZERO, ZERO, q)])
            else:
                effects.rows.append([(p.source, -q, ZERO, ZERO), (p.destination, q, ZERO, ZERO)])
        phase = Phase.PENDING if reserve else Phase.POSTED
        applied = self._apply(session, effects, prepared)
        movements, entries, head = self._write_rows(session, txn, prepared, phase, effects, applied)
        links = self._write_lineage(session, txn, lineage)
        seq, digest = self._append_to_chain(
            session, txn, None, movements, entries, prepared, lineage, links, txn.head or head
        )
        return _new_receipt(txn, movements, prepared, seq, digest)

    def _insert_transaction(
        self,
        session: Session,
        *,
        client_id: str,
        operation: Operation,
        reservation_id: int | None,
        document: tuple[str | None, str | None],
        request: MovementRequest | ResolveRequest,
        fingerprint: str,
    ) -> _TransactionRow:
        recorded_at = self._clock()
        values: dict[str, object] = {
            "client_id": client_id,
            "operation": operation.value,
            "reservation_id": reservation_id,
            "document_type": document[0],
            "document_no": document[1],
            "actor": request.actor,
            "reason": request.reason,
            "occurred_at": request.occurred_at,
            "recorded_at": recorded_at,
            "fingerprint": fingerprint,
        }
        inserted = repository.insert_transaction(session, values)
        return _TransactionRow(
            id=inserted.id,
            client_id=client_id,
            operation=operation.value,
            reservation_id=reservation_id,
            document_type=document[0],
            document_no=document[1],
            actor=request.actor,
            reason=request.reason,
            occurred_at=request.occurred_at,
            recorded_at=recorded_at,
            fingerprint=fingerprint,
            head=inserted.head,
            next_ids=inserted.next_ids,
        )

    def _refuse_retired_destinations(self, session: Session, legs: tuple[Leg, ...]) -> None:
        """Refuse the first leg that puts stock into a retired location (one statement for
        all the request's destinations, read with a share lock)."""
        destinations = {
            i: leg.destination.location
            for i, leg in enumerate(legs)
            if isinstance(leg.destination, StockRef)
        }
        retired = repository.retired_locations(session, destinations.values())
        for i, location in destinations.items():
            if location in retired:
                raise RetiredLocation(
                    f"location {location} is retired and takes no new stock",
                    field=f"legs[{i}].destination.location",
                )

    def _prepare(
        self, session: Session, index: int, leg: Leg, new_accounts: dict[str, int]
    ) -> _Prepared:
        where = f"legs[{index}]"
        item = self._items.get((leg.book_no, leg.item_no)) or repository.item_info(
            session, leg.book_no, leg.item_no
        )
        if item is None:
            if not repository.book_exists(session, leg.book_no):
                raise UnknownReference(f"no account book {leg.book_no}", field=f"{where}.book_no")
            raise UnknownReference(
                f"book {leg.book_no} has no item {leg.item_no}", field=f"{where}.item_no"
            )
        self._items[(leg.book_no, leg.item_no)] = item
        if leg.unit != item.declared_unit:
            raise UnitMismatch(
                f"item {leg.book_no}/{leg.item_no} is declared in unit {item.declared_unit}, "
                f"not {leg.unit}",
                field=f"{where}.unit",
            )
        try:
            first, second = legal_quantities(
                leg.quantity, item.first_legal_factor, item.second_legal_factor
            )
        except Inexact:
            raise InexactLegalQuantity(
                f"{leg.quantity} x the item's legal-unit factor is not exact",
                field=f"{where}.quantity",
            ) from None
        # A position that never held stock is created like any other: taking from it is
        # refused by the balance guard (0 available), unless this same linked group puts
        # goods there first. Unknown lots and locations are refused here.
        source = self._account(session, item, leg.source, f"{where}.source", new_accounts)
        destination = self._account(
            session, item, leg.destination, f"{where}.destination", new_accounts
        )
        return _Prepared(
            field=f"{where}.quantity",
            book_no=item.book_no,
            item_no=item.item_no,
            item_id=item.item_id,
            source=source,
            destination=destination,
            unit=leg.unit,
            quantity=leg.quantity,
            first_legal=first,
            second_legal=second,
            amount=leg.amount,
            currency=leg.currency,
        )

    def _account(
        self,
        session: Session,
        item: repository.ItemInfo,
        ref: StockRef | OutsideRef,
        where: str,
        new_accounts: dict[str, int],
    ) -> _Account:
        if isinstance(ref, OutsideRef):
            key = outside_key(ref.party, item.book_no, item.item_no)
            known = self._accounts.get(key) or new_accounts.get(key)
            if known is None:
                new = repository.NewAccount(
                    key, ref.party.value, item.book_id, item.item_id, None, None, None
                )
                known = new_accounts[key] = repository.ensure_account(session, new)
            return _Account(known, key, False)
        key = stock_key(item.book_no, item.item_no, ref.lot_no, ref.location, ref.status)
        known = self._accounts.get(key) or new_accounts.get(key)
        if known is not None:  # an account exists only for a valid lot and location
            return _Account(known, key, True)
        lot = self._lots.get((item.book_no, ref.lot_no)) or repository.lot_info(
            session, item.book_no, ref.lot_no
        )
        if lot is None:
            raise UnknownReference(
                f"book {item.book_no} has no lot {ref.lot_no}", field=f"{where}.lot_no"
            )
        if lot.item_id != item.item_id:
            raise UnknownReference(
                f"lot {ref.lot_no} is not a lot of item {item.item_no}", field=f"{where}.lot_no"
            )
        self._lots[(item.book_no, ref.lot_no)] = lot
        location = self._locations.get(ref.location) or repository.location_id(
            session, ref.location
        )
        if location is None:
            raise UnknownReference(f"no location {ref.location}", field=f"{where}.location")
        self._locations[ref.location] = location
        new = repository.NewAccount(
            key,
            AccountKind.STOCK.value,
            item.book_id,
            item.item_id,
            lot.lot_id,
            location,
            ref.status.value,
        )
        known = new_accounts[key] = repository.ensure_account(session, new)
        return _Account(known, key, True)

    def _prepare_lineage(
        self, session: Session, lineage: tuple[LineageInput, ...], legs: list[_Prepared]
    ) -> list[_Link]:
        """Lot ids of each link, which must name lots the posting moves: the output
        among the lots goods go into, the input among those they come out of."""
        moved = {
            "output": {_lot_of(p.destination.key) for p in legs},
            "input": {_lot_of(p.source.key) for p in legs},
        }
        out: list[_Link] = []
        for i, link in enumerate(lineage):
            ids = []
            for side, ref in (("output", link.output), ("input", link.input)):
                lot = self._lots.get((ref.book_no, ref.lot_no)) or repository.lot_info(
                    session, ref.book_no, ref.lot_no
                )
                if lot is None:
                    raise UnknownReference(
                        f"book {ref.book_no} has no lot {ref.lot_no}",
                        field=f"lineage[{i}].{side}",
                    )
                if (ref.book_no, ref.lot_no) not in moved[side]:
                    direction = "into" if side == "output" else "out of"
                    raise LedgerError(
                        f"lot {ref.lot_no} of book {ref.book_no}: nothing in this posting"
                        f" goes {direction} it",
                        field=f"lineage[{i}].{side}",
                    )
                self._lots[(ref.book_no, ref.lot_no)] = lot  # lots are master data, committed
                ids.append(lot.lot_id)
            if ids[0] == ids[1]:
                raise LedgerError("a lot cannot be its own input", field=f"lineage[{i}]")
            out.append(
                _Link(
                    ids[0],
                    ids[1],
                    link.quantity,
                    f"{link.output.book_no}/{link.output.lot_no}",
                    f"{link.input.book_no}/{link.input.lot_no}",
                )
            )
        return out

    def _write_lineage(
        self, session: Session, txn: _TransactionRow, lineage: list[_Link]
    ) -> list[_LinkRow]:
        rows: list[dict[str, object]] = [
            {
                "transaction_id": txn.id,
                "output_lot_id": link.output_lot_id,
                "input_lot_id": link.input_lot_id,
                "quantity": link.quantity,
            }
            for link in lineage
        ]
        ids = repository.insert_lineage(session, rows, txn.next_ids)
        links = [
            _LinkRow(link_id, link.output_lot_id, link.input_lot_id, link.quantity)
            for link_id, link in zip(ids, lineage, strict=True)
        ]
        return sorted(links, key=lambda x: x.id)  # the chain lists them in id order

    # --- resolve a reservation ---------------------------------------------------------

    def _resolve(
        self, session: Session, request: ResolveRequest, fingerprint: str
    ) -> LedgerReceipt:
        found = repository.with_resolution(session, request.reservation_client_id)
        if found is None or found[0].operation != Operation.RESERVE.value:
            raise UnknownReference(
                f"no reservation with client id {request.reservation_client_id!r}",
                field="reservation_client_id",
            )
        reservation, resolved = found
        if resolved is not None and resolved.client_id == request.client_id:
            # FIX (found by tests/ledger/test_race.py): a concurrent twin of this very
            # request committed after the replay check in _run (at Read Committed each
            # statement sees new commits). It is our own resolution: answer it as a
            # replay (the retry checks the fingerprint), not as ReservationNotPending.
            raise _Replay()
        if resolved is not None:
            verb = "posted" if resolved.operation == Operation.POST_PENDING.value else "voided"
            raise ReservationNotPending(
                f"reservation {reservation.client_id!r} was already {verb} "
                f"by {resolved.client_id!r}",
                field="reservation_client_id",
            )
        try:
            txn = self._insert_transaction(
                session,
                client_id=request.client_id,
                operation=request.operation,
                reservation_id=reservation.id,
                document=(reservation.document_type, reservation.document_no),
                request=request,
                fingerprint=fingerprint,
            )
        except IntegrityError:
            # Either our client id or the reservation was taken by a concurrent request.
            raise _Replay() from None

        post = request.operation is Operation.POST_PENDING
        effects = _Effects()
        prepared: list[_Prepared] = []
        for m, source_key, destination_key in repository.movements_with_keys(
            session, reservation.id
        ):
            src = _Account(m.source_id, source_key, kind_of(source_key) is STOCK)
            dst = _Account(m.destination_id, destination_key, kind_of(destination_key) is STOCK)
            q = m.quantity
            if post:
                effects.rows.append([(src, -q, -q, ZERO), (dst, q, ZERO, -q)])
            else:
                effects.rows.append([(src, ZERO, -q, ZERO), (dst, ZERO, ZERO, -q)])
            book_no, item_no = book_and_item(source_key)
            prepared.append(
                _Prepared(
                    field="reservation_client_id",
                    book_no=book_no,
                    item_no=item_no,
                    item_id=m.item_id,
                    source=src,
                    destination=dst,
                    unit=m.unit,
                    quantity=m.quantity,
                    first_legal=m.first_legal_quantity,
                    second_legal=m.second_legal_quantity,
                    amount=m.amount,
                    currency=m.currency,
                )
            )
        lineage = self._prepare_lineage(session, request.lineage, prepared)
        applied = self._apply(session, effects, prepared)
        movements, entries, head = self._write_rows(
            session, txn, prepared, Phase.POSTED if post else Phase.VOIDED, effects, applied
        )
        links = self._write_lineage(session, txn, lineage)
        seq, digest = self._append_to_chain(
            session,
            txn,
            reservation.client_id,
            movements,
            entries,
            prepared,
            lineage,
            links,
            txn.head or head,
        )
        return _new_receipt(txn, movements, prepared, seq, digest)

    # --- shared steps ------------------------------------------------------------------

    def _apply(
        self, session: Session, effects: _Effects, prepared: list[_Prepared]
    ) -> tuple[dt.datetime, dict[int, repository.Balances]]:
        """Apply every account's total change, guarded, in account-id order."""
        totals: dict[int, _Delta] = defaultdict(_Delta)
        for leg_index, row in enumerate(effects.rows):
            for account, d_posted, d_out, d_in in row:
                t = totals[account.id]
                t.posted += d_posted
                t.pending_out += d_out
                t.pending_in += d_in
                t.is_stock = account.is_stock
                if account is prepared[leg_index].source:
                    t.outgoing += prepared[leg_index].quantity
                    t.leg_field = t.leg_field or prepared[leg_index].field
        keys = {a.id: a.key for row in effects.rows for a, *_ in row}
        changes = [
            repository.BalanceChange(
                account_id,
                posted=t.posted,
                pending_out=t.pending_out,
                pending_in=t.pending_in,
                guarded=t.is_stock and (t.posted - t.pending_out) < 0,
            )
            for account_id, t in sorted(totals.items())
        ]
        finals = repository.apply_deltas(session, changes)
        for change in changes:  # in id order: the first refused account is the one named
            if change.account_id in finals:
                continue
            t = totals[change.account_id]
            now = repository.account_balances(session, change.account_id)
            # What this request could have taken: what is available now plus what the
            # request itself brings into the account before taking out.
            available = now.posted - now.pending_out + (t.posted - t.pending_out) + t.outgoing
            raise InsufficientStock(
                keys[change.account_id], t.outgoing, available, field=t.leg_field or "legs"
            )
        # Every account this event touches is now locked until commit: a timestamp taken
        # here is later than any earlier entry of these accounts, so per account the
        # entries' times and ids run in the same order, which "as of" relies on.
        return self._clock(), finals

    def _write_rows(
        self,
        session: Session,
        txn: _TransactionRow,
        prepared: list[_Prepared],
        phase: Phase,
        effects: _Effects,
        applied: tuple[dt.datetime, dict[int, repository.Balances]],
    ) -> tuple[list[_MovementRow], dict[int, list[_EntryRow]], repository.HeadRow | None]:
        """The movements, and one entry per account per leg with the running balances
        after that leg and both instants (ledger/timeline.py); and the chain head when
        the same statement locked it (PostgreSQL)."""
        movement_rows: list[dict[str, object]] = [
            {
                "transaction_id": txn.id,
                "leg_no": i,
                "phase": phase.value,
                "source_id": p.source.id,
                "destination_id": p.destination.id,
                "item_id": p.item_id,
                "unit": p.unit,
                "quantity": p.quantity,
                "first_legal_quantity": p.first_legal,
                "second_legal_quantity": p.second_legal,
                "amount": p.amount,
                "currency": p.currency,
            }
            for i, p in enumerate(prepared)
        ]
        recorded_at, finals = applied
        occurred_at = txn.occurred_at
        lag = lag_class(occurred_at, recorded_at)
        # Start from the balances before this event: the final ones less its total change.
        running = {aid: [f.posted, f.pending_out, f.pending_in] for aid, f in finals.items()}
        for row in effects.rows:
            for account, dp, do, di in row:
                r = running[account.id]
                r[0] -= dp
                r[1] -= do
                r[2] -= di
        written: list[tuple[int, _EntryRow]] = []  # (leg no., entry without its id yet)
        for leg_no, legs in enumerate(effects.rows):
            for account, dp, do, di in legs:
                r = running[account.id]
                r[0] += dp
                r[1] += do
                r[2] += di
                entry = _EntryRow(0, account.id, dp, do, di, r[0], r[1], r[2], recorded_at)
                written.append((leg_no, entry))
        ids = repository.insert_movements_and_entries(
            session,
            movement_rows,
            [
                {
                    "leg_no": leg_no,
                    "account_id": e.account_id,
                    "delta_posted": e.delta_posted,
                    "delta_pending_out": e.delta_pending_out,
                    "delta_pending_in": e.delta_pending_in,
                    "posted_after": e.posted_after,
                    "pending_out_after": e.pending_out_after,
                    "pending_in_after": e.pending_in_after,
                    "recorded_at": e.recorded_at,
                    "occurred_at": occurred_at,
                    "lag_class": lag,
                }
                for leg_no, e in written
            ],
            txn.next_ids,
        )
        dialect = session.get_bind().dialect
        stored = functools.partial(_as_stored, dialect=dialect)
        movements = [
            _MovementRow(
                id=movement_id,
                leg_no=i,
                phase=phase.value,
                source_id=p.source.id,
                destination_id=p.destination.id,
                unit=p.unit,
                quantity=stored(_QUANTITY, p.quantity),
                first_legal_quantity=stored(_FIRST_LEGAL, p.first_legal),
                second_legal_quantity=stored(_SECOND_LEGAL, p.second_legal),
                amount=stored(_AMOUNT, p.amount),
                currency=p.currency,
            )
            for i, (movement_id, p) in enumerate(zip(ids.movement_ids, prepared, strict=True))
        ]
        entries: dict[int, list[_EntryRow]] = defaultdict(list)
        for entry_id, (leg_no, e) in zip(ids.entry_ids, written, strict=True):
            entries[ids.movement_ids[leg_no]].append(
                _EntryRow(
                    entry_id,
                    e.account_id,
                    e.delta_posted,
                    e.delta_pending_out,
                    e.delta_pending_in,
                    e.posted_after,
                    e.pending_out_after,
                    e.pending_in_after,
                    e.recorded_at,
                )
            )
        for rows in entries.values():  # the chain lists a movement's entries in id order
            rows.sort(key=lambda e: e.id)
        return movements, entries, ids.head

    def _append_to_chain(
        self,
        session: Session,
        txn: chain.TransactionRow,
        reservation_client_id: str | None,
        movements: list[_MovementRow],
        entries: dict[int, list[_EntryRow]],
        prepared: list[_Prepared],
        lineage: list[_Link],
        links: list[_LinkRow],
        head: repository.HeadRow | None = None,
    ) -> tuple[int, str]:
        """Append the event, built from the rows just written, under the head's lock:
        its (seq, hash). `head` is the head already read under the write lock (SQLite,
        with the transaction's insert); else it is locked here."""
        if head is None:
            head = repository.lock_chain_head_row(session)
        keys = {a.id: a.key for p in prepared for a in (p.source, p.destination)}
        # Nothing dated into a closed period of a book is written (ledger/periods.py),
        # asked with the periods version of the head just locked.
        self._periods.refuse_closed_periods(
            session, keys.values(), txn.occurred_at, head.periods_version
        )
        head_seq, head_hash = head.seq, head.hash
        lots = {x.output_lot_id: x.output_label for x in lineage}
        lots.update({x.input_lot_id: x.input_label for x in lineage})
        seq = head_seq + 1
        canonical = chain.canonical_event(
            seq=seq,
            transaction=txn,
            reservation_client_id=reservation_client_id,
            movements=movements,
            entries=entries,
            lineage=links,
            account_keys=keys,
            lot_labels=lots,
        )
        digest = chain.link_hash(head_hash, canonical)
        repository.append_chain_event(
            session,
            {
                "seq": seq,
                "transaction_id": txn.id,
                "prev_hash": head_hash,
                "hash": digest,
                "payload": canonical,
                "recorded_at": txn.recorded_at,
            },
        )
        return seq, digest


_QUANTITY: TypeDecorator[Decimal] = Quantity
_FIRST_LEGAL: TypeDecorator[Decimal] = TextDecimal()
_SECOND_LEGAL = _FIRST_LEGAL
_AMOUNT: TypeDecorator[Decimal] = Money


@overload
def _as_stored(kind: TypeDecorator[Decimal], value: Decimal, *, dialect: Dialect) -> Decimal: ...
@overload
def _as_stored(kind: TypeDecorator[Decimal], value: None, *, dialect: Dialect) -> None: ...
@overload
def _as_stored(
    kind: TypeDecorator[Decimal], value: Decimal | None, *, dialect: Dialect
) -> Decimal | None: ...
def _as_stored(
    kind: TypeDecorator[Decimal], value: Decimal | None, *, dialect: Dialect
) -> Decimal | None:
    """The value as the database gives it back (a quantity at its column's scale), so a
    first receipt reads exactly like its replays, which are read from the tables."""
    if value is None:
        return None
    return kind.process_result_value(kind.process_bind_param(value, dialect), dialect)


def _document(document_type: str | None, document_no: str | None) -> DocumentRef | None:
    if document_type and document_no:
        return DocumentRef.model_validate({"type": document_type, "number": document_no})
    return None


def _new_receipt(
    txn: _TransactionRow,
    movements: list[_MovementRow],
    prepared: list[_Prepared],
    seq: int,
    digest: str,
) -> LedgerReceipt:
    """The receipt of the event just written, from the rows held in memory."""
    return LedgerReceipt(
        transaction_id=txn.id,
        client_id=txn.client_id,
        operation=Operation(txn.operation),
        document=_document(txn.document_type, txn.document_no),
        recorded_at=txn.recorded_at,
        chain_seq=seq,
        chain_hash=digest,
        movements=tuple(
            MovementView(
                movement_id=m.id,
                leg_no=m.leg_no,
                phase=Phase(m.phase),
                book_no=p.book_no,
                item_no=p.item_no,
                unit=m.unit,
                quantity=m.quantity,
                first_legal_quantity=m.first_legal_quantity,
                second_legal_quantity=m.second_legal_quantity,
                source_key=p.source.key,
                destination_key=p.destination.key,
                amount=m.amount,
                currency=m.currency,
            )
            for m, p in zip(movements, prepared, strict=True)
        ),
        replayed=False,
    )


def _receipt(session: Session, txn: LedgerTransaction, *, replayed: bool) -> LedgerReceipt:
    event = repository.chain_event_of(session, txn.id)
    assert event is not None, "every transaction is chained in the same database transaction"
    document = _document(txn.document_type, txn.document_no)
    return LedgerReceipt(
        transaction_id=txn.id,
        client_id=txn.client_id,
        operation=Operation(txn.operation),
        document=document,
        recorded_at=txn.recorded_at,
        chain_seq=event.seq,
        chain_hash=event.hash,
        movements=tuple(repository.movement_views(session, txn.id)),
        replayed=replayed,
    )


def _lot_of(key: str) -> tuple[str, str] | None:
    """(book, lot) of a stock account's key; None for an outside account."""
    parts = key.split("|")
    return (parts[1], parts[3]) if parts[0] == "stock" else None
