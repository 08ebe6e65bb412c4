"""Reading the ledger: balances now and as of any instant, account and lot history, lot
lineage, and a book's reconciliation over a period.

Every query here but the reconciliation is an index seek or a walk over one lot's
links: none of them scans the whole history (bench/ledger.py checks that their
latency does not grow with it). The reconciliation sums one book's history up to the
period's end (ledger/reconciliation.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal

from sqlalchemy.orm import Session

from adapters.db.engine import Database
from adapters.db.models import LedgerAccount
from ledger import reconciliation, repository
from ledger.audit import read_one_snapshot
from ledger.errors import LedgerError, UnknownReference
from ledger.keys import stock_key
from schemas.codes import AccountKind, CustomsStatus, DocumentType, Operation
from schemas.inventory import (
    Counterparty,
    LotBalance,
    LotMovement,
    LotMovements,
    Reconciliation,
)
from schemas.ledger import (
    BalanceView,
    DocumentRef,
    HistoryEntry,
    LotTrace,
    LotTraceLink,
    TraceStep,
)
from schemas.snapshots import Position

MAX_TRACE_DEPTH = 64


def _aware(at: dt.datetime) -> dt.datetime:
    if at.utcoffset() is None:
        raise LedgerError("must carry a timezone", field="as_of")
    return at.astimezone(dt.UTC)


def available(session: Session, positions: Collection[Position]) -> dict[Position, Decimal]:
    """What each stock position holds available (posted - pending out), 0 for one that
    never held stock, read in the caller's session with one statement per 500 keys."""
    keys = {
        position: stock_key(
            position.book_no, position.item_no, position.lot_no, position.location, position.status
        )
        for position in positions
    }
    found = repository.available_by_keys(session, keys.values())
    return {position: found.get(key, Decimal(0)) for position, key in keys.items()}


class LedgerQueries:
    def __init__(self, database: Database) -> None:
        self.db = database

    # --- balances ----------------------------------------------------------------------

    def available(self, positions: Collection[Position]) -> dict[Position, Decimal]:
        """What each stock position holds available, in one read (``available``)."""
        with self.db.sessions() as session:
            return available(session, positions)

    def balances(
        self,
        *,
        book_no: str | None = None,
        item_no: int | None = None,
        lot_no: str | None = None,
        location: str | None = None,
        status: CustomsStatus | None = None,
        include_outside: bool = False,
        as_of: dt.datetime | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[BalanceView]:
        """Balances of the matching accounts, now or as of an instant."""
        at = None if as_of is None else _aware(as_of)
        with self.db.sessions() as session:
            rows = repository.balance_rows(
                session,
                book_no=book_no,
                item_no=item_no,
                lot_no=lot_no,
                location=location,
                status=None if status is None else status.value,
                include_outside=include_outside,
                limit=limit,
                offset=offset,
            )
            out = []
            for account, r_book, r_item, r_lot, r_loc in rows:
                posted, pending_out, pending_in = (
                    (account.posted, account.pending_out, account.pending_in)
                    if at is None
                    else self._as_of(session, account.id, at)
                )
                out.append(
                    BalanceView(
                        key=account.key,
                        kind=account.kind,
                        book_no=r_book,
                        item_no=r_item,
                        lot_no=r_lot,
                        location=r_loc,
                        status=account.status,
                        posted=posted,
                        pending_out=pending_out,
                        pending_in=pending_in,
                        available=posted - pending_out,
                    )
                )
            return out

    def balance(self, key: str, *, as_of: dt.datetime | None = None) -> BalanceView:
        """One account's balance by its key, now or as of an instant."""
        with self.db.sessions() as session:
            account = self._account(session, key)
            if as_of is None:
                posted, pending_out, pending_in = (
                    account.posted,
                    account.pending_out,
                    account.pending_in,
                )
            else:
                posted, pending_out, pending_in = self._as_of(session, account.id, _aware(as_of))
        return _view(account, posted, pending_out, pending_in)

    def positions(
        self,
        *,
        book_nos: Collection[str] | None = None,
        book_no: str | None = None,
        item_no: int | None = None,
        lot_no: str | None = None,
        location: str | None = None,
        status: CustomsStatus | None = None,
        as_of: dt.datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[BalanceView], int]:
        """A page of stock positions and how many match, now or as of an instant (record
        time). As of an instant, only positions that existed then are listed. `book_nos`
        limits the listing to those books (a reader's scope; empty: nothing)."""
        at = None if as_of is None else _aware(as_of)
        wanted = repository.PositionFilter(
            book_nos=book_nos,
            book_no=book_no,
            item_no=item_no,
            lot_no=lot_no,
            location=location,
            status=None if status is None else status.value,
        )
        with self.db.sessions() as session:
            read_one_snapshot(session)
            total = repository.position_count(session, wanted, at=at)
            rows = repository.position_rows(session, wanted, at=at, limit=limit, offset=offset)
        return [
            BalanceView(
                key=r.key,
                kind="stock",
                book_no=r.book_no,
                item_no=r.item_no,
                lot_no=r.lot_no,
                location=r.location,
                status=r.status,
                posted=r.posted,
                pending_out=r.pending_out,
                pending_in=r.pending_in,
                available=r.posted - r.pending_out,
            )
            for r in rows
        ], total

    @staticmethod
    def _as_of(
        session: Session, account_id: int, at: dt.datetime
    ) -> tuple[Decimal, Decimal, Decimal]:
        entry = repository.entry_as_of(session, account_id, at)
        if entry is None:
            zero = Decimal(0).quantize(Decimal("0.00001"))
            return zero, zero, zero
        return entry.posted_after, entry.pending_out_after, entry.pending_in_after

    # --- history -----------------------------------------------------------------------

    def history(self, key: str, *, after_entry_id: int = 0, limit: int = 100) -> list[HistoryEntry]:
        """An account's balance changes in order, each with its document, who and why."""
        with self.db.sessions() as session:
            account = self._account(session, key)
            rows = repository.history_rows(
                session, account.id, after_entry_id=after_entry_id, limit=limit
            )
            return [
                HistoryEntry(
                    entry_id=e.id,
                    recorded_at=e.recorded_at,
                    transaction_client_id=t.client_id,
                    operation=Operation(t.operation),
                    document=_document(t.document_type, t.document_no),
                    actor=t.actor,
                    reason=t.reason,
                    delta_posted=e.delta_posted,
                    delta_pending_out=e.delta_pending_out,
                    delta_pending_in=e.delta_pending_in,
                    posted_after=e.posted_after,
                    available_after=e.posted_after - e.pending_out_after,
                )
                for e, t in rows
            ]

    def lot_movements(
        self, book_no: str, lot_no: str, *, limit: int = 100, offset: int = 0
    ) -> LotMovements:
        """The changes of every stock position of a lot, oldest first (a page of them),
        each with its document, who, why, the position's balances after it and the whole
        lot's after its transaction (a move between two positions of the lot changes
        both positions and leaves the lot as it was)."""
        with self.db.sessions() as session:
            read_one_snapshot(session)
            found = repository.lot_row(session, book_no, lot_no)
            if found is None:
                raise UnknownReference(f"book {book_no} has no lot {lot_no}", field="lot_no")
            lot, item_no = found
            total = repository.lot_entry_count(session, lot.id)
            rows = repository.lot_entry_rows(session, lot.id, limit=limit, offset=offset)
            lot_after = (
                _lot_after_transactions(
                    rows,
                    repository.lot_totals_before(session, lot.id, rows[0].entry.id),
                    repository.lot_transaction_rest(
                        session, lot.id, rows[-1].transaction.id, rows[-1].entry.id
                    ),
                )
                if rows
                else []
            )
        movements: list[LotMovement] = []
        for row, (posted, pending_out) in zip(rows, lot_after, strict=True):
            e, t = row.entry, row.transaction
            movements.append(
                LotMovement(
                    entry_id=e.id,
                    recorded_at=e.recorded_at,
                    occurred_at=t.occurred_at,
                    transaction_client_id=t.client_id,
                    operation=Operation(t.operation),
                    document=_document(t.document_type, t.document_no),
                    actor=t.actor,
                    reason=t.reason,
                    location=row.location,
                    status=row.status,
                    counterparty=row.counterparty,
                    counterparty_account=Counterparty(
                        kind=AccountKind(row.counterparty_account.kind),
                        book_no=row.counterparty_account.book_no,
                        enterprise_name=row.counterparty_account.enterprise_name,
                        lot_no=row.counterparty_account.lot_no,
                        location=row.counterparty_account.location,
                        location_name=row.counterparty_account.location_name,
                        status=row.counterparty_account.status,
                    ),
                    delta_posted=e.delta_posted,
                    delta_pending_out=e.delta_pending_out,
                    delta_pending_in=e.delta_pending_in,
                    posted_after=e.posted_after,
                    available_after=e.posted_after - e.pending_out_after,
                    lot_posted_after=posted,
                    lot_available_after=posted - pending_out,
                )
            )
        return LotMovements(
            book_no=book_no,
            lot_no=lot_no,
            item_no=item_no,
            movements=tuple(movements),
            total=total,
        )

    def lots(
        self, book_no: str, *, limit: int = 50, offset: int = 0
    ) -> tuple[list[LotBalance], int]:
        """A page of a book's lots by number, each with its stock summed over every
        position it holds (posted, reserved out, expected in), and how many lots the
        book has."""
        with self.db.sessions() as session:
            read_one_snapshot(session)
            book = repository.book_id(session, book_no)
            if book is None:
                raise UnknownReference(f"no account book {book_no}", field="book_no")
            total = repository.lot_count(session, book)
            rows = repository.lot_total_rows(session, book, limit=limit, offset=offset)
        return [
            LotBalance(
                book_no=book_no,
                lot_no=r.lot_no,
                item_no=r.item_no,
                origin=r.origin,
                created_at=r.created_at,
                positions=r.positions,
                posted=r.balances.posted,
                pending_out=r.balances.pending_out,
                pending_in=r.balances.pending_in,
                available=r.balances.posted - r.balances.pending_out,
            )
            for r in rows
        ], total

    # --- reconciliation -------------------------------------------------------------------

    def reconcile(self, book_no: str, first_day: dt.date, last_day: dt.date) -> Reconciliation:
        """A book's opening, receipts, removals, adjustments and closing per item and lot
        over Beijing days [first_day, last_day], by business time, checked line by line."""
        with self.db.sessions() as session:
            read_one_snapshot(session)
            return reconciliation.reconcile(session, book_no, first_day, last_day)

    # --- lineage -----------------------------------------------------------------------

    def trace_backward(self, book_no: str, lot_no: str) -> LotTrace:
        """Where a lot came from: its receipts, and the input lots it was made of."""
        return self._trace(book_no, lot_no, backward=True)

    def trace_forward(self, book_no: str, lot_no: str) -> LotTrace:
        """Where a lot went: its exits, and the lots made from it."""
        return self._trace(book_no, lot_no, backward=False)

    def _trace(self, book_no: str, lot_no: str, *, backward: bool) -> LotTrace:
        with self.db.sessions() as session:
            found = repository.lot_row(session, book_no, lot_no)
            if found is None:
                raise UnknownReference(f"book {book_no} has no lot {lot_no}", field="lot_no")
            lot, item_no = found
            return self._walk(session, lot.id, book_no, lot_no, item_no, backward, ())

    def _walk(
        self,
        session: Session,
        lot_id: int,
        book_no: str,
        lot_no: str,
        item_no: int,
        backward: bool,
        path: tuple[int, ...],
    ) -> LotTrace:
        if len(path) > MAX_TRACE_DEPTH:
            raise LedgerError(f"lineage deeper than {MAX_TRACE_DEPTH} lots at {book_no}/{lot_no}")
        steps = tuple(
            TraceStep(
                document=_document(t.document_type, t.document_no),
                outside=kind,
                quantity=qty,
                recorded_at=t.recorded_at,
                actor=t.actor,
                reason=t.reason,
            )
            for t, kind, qty in repository.outside_flows_of_lot(session, lot_id, inbound=backward)
        )
        neighbours = (
            repository.lineage_inputs(session, lot_id)
            if backward
            else repository.lineage_outputs(session, lot_id)
        )
        links = []
        for other_id, quantity in neighbours:
            if other_id in path or other_id == lot_id:
                continue  # lineage is acyclic by construction; never loop on bad data
            o_book, o_lot, o_item = repository.lot_by_id(session, other_id)
            links.append(
                LotTraceLink(
                    quantity=quantity,
                    lot=self._walk(
                        session, other_id, o_book, o_lot, o_item, backward, (*path, lot_id)
                    ),
                )
            )
        return LotTrace(
            book_no=book_no, lot_no=lot_no, item_no=item_no, steps=steps, links=tuple(links)
        )

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def _account(session: Session, key: str) -> LedgerAccount:
        found = repository.account_id(session, key)
        if found is None:
            raise UnknownReference(f"no account {key}", field="account")
        account = session.get(LedgerAccount, found)
        assert account is not None
        return account


def _lot_after_transactions(
    rows: list[repository.LotEntryRow],
    before: repository.Balances,
    rest: repository.Balances,
) -> list[tuple[Decimal, Decimal]]:
    """(posted, pending_out) of the whole lot after each row's transaction: the sums
    before the page, plus the page's entries up to the end of the row's transaction, plus
    (for the page's last transaction) its entries beyond the page."""
    out: list[tuple[Decimal, Decimal]] = []
    posted, pending_out = before.posted, before.pending_out
    group: list[int] = []
    for i, row in enumerate(rows):
        posted += row.entry.delta_posted
        pending_out += row.entry.delta_pending_out
        group.append(i)
        last = i + 1 == len(rows)
        if last or rows[i + 1].transaction.id != row.transaction.id:
            if last:
                posted, pending_out = posted + rest.posted, pending_out + rest.pending_out
            out.extend((posted, pending_out) for _ in group)
            group = []
    return out


def _document(doc_type: str | None, number: str | None) -> DocumentRef | None:
    if doc_type is None or number is None:
        return None
    return DocumentRef(type=DocumentType(doc_type), number=number)


def _view(
    account: LedgerAccount, posted: Decimal, pending_out: Decimal, pending_in: Decimal
) -> BalanceView:
    parts = account.key.split("|")
    stock = account.kind == "stock"
    return BalanceView(
        key=account.key,
        kind=account.kind,
        book_no=parts[1],
        item_no=int(parts[2]),
        lot_no=parts[3] if stock else None,
        location=parts[4] if stock else None,
        status=account.status,
        posted=posted,
        pending_out=pending_out,
        pending_in=pending_in,
        available=posted - pending_out,
    )
