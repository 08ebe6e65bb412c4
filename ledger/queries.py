"""Reading the ledger: balances now and at any business instant as known at any record
instant, account and lot history, lot lineage, and a book's reconciliation over a
period.

Two times (ledger/timeline.py): `as_of` is a business instant (the postings'
`occurred_at`), `known_at` a record instant (their `recorded_at`). None for `as_of`
means no business bound (everything that occurred, postings dated ahead included: the
ledger as it stands); None for `known_at` means as known now. Balances are index seeks
plus a few index ranges near `as_of` (`repository.balances_at`); bench/ledger.py checks
that their latency does not grow with the history. The reconciliation sums one book's
history up to the period's end (ledger/reconciliation.py).
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
from ledger.timeline import END_OF_TIME
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


def _aware(at: dt.datetime, field: str = "as_of") -> dt.datetime:
    if at.utcoffset() is None:
        raise LedgerError("must carry a timezone", field=field)
    return at.astimezone(dt.UTC)


def when(as_of: dt.datetime | None, known_at: dt.datetime | None) -> repository.When | None:
    """The two instants of a question, checked (aware, UTC); None for "now, as known now",
    which the current balances answer."""
    if as_of is None and known_at is None:
        return None
    return repository.When(
        as_of=END_OF_TIME if as_of is None else _aware(as_of, "as_of"),
        known_at=END_OF_TIME if known_at is None else _aware(known_at, "known_at"),
    )


def _always(found: repository.When | None) -> repository.When:
    return found or repository.When(as_of=END_OF_TIME, known_at=END_OF_TIME)


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
        with self.db.reading() as session:
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
        known_at: dt.datetime | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> list[BalanceView]:
        """Balances of the matching accounts, now or as of a business instant as known at
        a record instant."""
        at = when(as_of, known_at)
        with self.db.reading() as session:
            read_one_snapshot(session)
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
            then = (
                {}
                if at is None
                else repository.balances_at(session, [row[0].id for row in rows], at)
            )
            out = []
            for account, r_book, r_item, r_lot, r_loc in rows:
                posted, pending_out, pending_in = (
                    (account.posted, account.pending_out, account.pending_in)
                    if at is None
                    else _three(then[account.id])
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

    def balance(
        self, key: str, *, as_of: dt.datetime | None = None, known_at: dt.datetime | None = None
    ) -> BalanceView:
        """One account's balance by its key, now or as of a business instant as known at a
        record instant."""
        at = when(as_of, known_at)
        with self.db.reading() as session:
            read_one_snapshot(session)
            account = self._account(session, key)
            if at is None:
                posted, pending_out, pending_in = (
                    account.posted,
                    account.pending_out,
                    account.pending_in,
                )
            else:
                posted, pending_out, pending_in = _three(
                    repository.balances_at(session, [account.id], at)[account.id]
                )
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
        known_at: dt.datetime | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[BalanceView], int]:
        """A page of stock positions and how many match, now or as of a business instant
        as known at a record instant. Then, only positions that existed then are listed.
        `book_nos` limits the listing to those books (a reader's scope; empty: nothing)."""
        at = when(as_of, known_at)
        wanted = repository.PositionFilter(
            book_nos=book_nos,
            book_no=book_no,
            item_no=item_no,
            lot_no=lot_no,
            location=location,
            status=None if status is None else status.value,
        )
        with self.db.reading() as session:
            read_one_snapshot(session)
            total = repository.position_count(session, wanted, when=at)
            rows = repository.position_rows(session, wanted, when=at, limit=limit, offset=offset)
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

    # --- history -----------------------------------------------------------------------

    def history(self, key: str, *, after_entry_id: int = 0, limit: int = 100) -> list[HistoryEntry]:
        """An account's balance changes in order, each with its document, who and why."""
        with self.db.reading() as session:
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
        self,
        book_no: str,
        lot_no: str,
        *,
        as_of: dt.datetime | None = None,
        known_at: dt.datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> LotMovements:
        """The changes of every stock position of a lot that had occurred by `as_of` and
        were recorded by `known_at`, in business order (a page of them), each with its
        document, who, why, the position's balances after it and the whole lot's after
        its transaction, in that order (a move between two positions of the lot changes
        both positions and leaves the lot as it was)."""
        at = _always(when(as_of, known_at))
        with self.db.reading() as session:
            read_one_snapshot(session)
            found = repository.lot_row(session, book_no, lot_no)
            if found is None:
                raise UnknownReference(f"book {book_no} has no lot {lot_no}", field="lot_no")
            lot, item_no = found
            total = repository.lot_entry_count(session, lot.id, at)
            rows = repository.lot_entry_rows(session, lot.id, at, limit=limit, offset=offset)
            before = repository.lot_sums_before(session, lot.id, at, rows[0]) if rows else {}
            rest = (
                repository.lot_transaction_rest(
                    session, lot.id, rows[-1].transaction.id, rows[-1].entry.id
                )
                if rows
                else None
            )
        positions = _positions_after(rows, before)
        lot_after = _lot_after_transactions(rows, before, rest) if rest is not None else []
        movements: list[LotMovement] = []
        for row, (posted, pending_out), (lot_posted, lot_out) in zip(
            rows, positions, lot_after, strict=True
        ):
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
                    posted_after=posted,
                    available_after=posted - pending_out,
                    lot_posted_after=lot_posted,
                    lot_available_after=lot_posted - lot_out,
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
        with self.db.reading() as session:
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

    def reconcile(
        self,
        book_no: str,
        first_day: dt.date,
        last_day: dt.date,
        *,
        known_at: dt.datetime | None = None,
    ) -> Reconciliation:
        """A book's opening, receipts, removals, adjustments and closing per item and lot
        over Beijing days [first_day, last_day], by business time, as known at `known_at`
        (None: now), checked line by line."""
        known = None if known_at is None else _aware(known_at, "known_at")
        with self.db.reading() as session:
            read_one_snapshot(session)
            return reconciliation.reconcile(session, book_no, first_day, last_day, known_at=known)

    # --- lineage -----------------------------------------------------------------------

    def trace_backward(
        self,
        book_no: str,
        lot_no: str,
        *,
        as_of: dt.datetime | None = None,
        known_at: dt.datetime | None = None,
    ) -> LotTrace:
        """Where a lot came from: its receipts, and the input lots it was made of, by the
        postings that had occurred by `as_of` and were recorded by `known_at`."""
        return self._trace(book_no, lot_no, _always(when(as_of, known_at)), backward=True)

    def trace_forward(
        self,
        book_no: str,
        lot_no: str,
        *,
        as_of: dt.datetime | None = None,
        known_at: dt.datetime | None = None,
    ) -> LotTrace:
        """Where a lot went: its exits, and the lots made from it, by the postings that had
        occurred by `as_of` and were recorded by `known_at`."""
        return self._trace(book_no, lot_no, _always(when(as_of, known_at)), backward=False)

    def _trace(self, book_no: str, lot_no: str, at: repository.When, *, backward: bool) -> LotTrace:
        with self.db.reading() as session:
            read_one_snapshot(session)
            found = repository.lot_row(session, book_no, lot_no)
            if found is None:
                raise UnknownReference(f"book {book_no} has no lot {lot_no}", field="lot_no")
            lot, item_no = found
            return self._walk(session, at, lot.id, book_no, lot_no, item_no, backward, ())

    def _walk(
        self,
        session: Session,
        at: repository.When,
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
                occurred_at=t.occurred_at,
            )
            for t, kind, qty in repository.outside_flows_of_lot(
                session, lot_id, inbound=backward, when=at
            )
        )
        neighbours = (
            repository.lineage_inputs(session, lot_id, at)
            if backward
            else repository.lineage_outputs(session, lot_id, at)
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
                        session, at, other_id, o_book, o_lot, o_item, backward, (*path, lot_id)
                    ),
                )
            )
        return LotTrace(
            book_no=book_no, lot_no=lot_no, item_no=item_no, steps=steps, links=tuple(links)
        )

    # --- helpers -----------------------------------------------------------------------

    @staticmethod
    def _account(session: Session, key: str) -> LedgerAccount:
        # The row by its key: one statement (its id by the key, then the row by its id,
        # was two for every balance asked).
        account = repository.account_by_key(session, key)
        if account is None:
            raise UnknownReference(f"no account {key}", field="account")
        return account


def _three(b: repository.Balances) -> tuple[Decimal, Decimal, Decimal]:
    unit = Decimal("0.00001")
    return b.posted.quantize(unit), b.pending_out.quantize(unit), b.pending_in.quantize(unit)


def _positions_after(
    rows: list[repository.LotEntryRow], before: dict[int, repository.Balances]
) -> list[tuple[Decimal, Decimal]]:
    """(posted, pending_out) of each row's position after it, in business order."""
    running = {a: [b.posted, b.pending_out] for a, b in before.items()}
    out = []
    for row in rows:
        r = running.setdefault(row.entry.account_id, [Decimal(0), Decimal(0)])
        r[0] += row.entry.delta_posted
        r[1] += row.entry.delta_pending_out
        out.append((r[0], r[1]))
    return out


def _lot_after_transactions(
    rows: list[repository.LotEntryRow],
    before: dict[int, repository.Balances],
    rest: repository.Balances,
) -> list[tuple[Decimal, Decimal]]:
    """(posted, pending_out) of the whole lot after each row's transaction: the sums
    before the page, plus the page's entries up to the end of the row's transaction, plus
    (for the page's last transaction) its entries beyond the page."""
    out: list[tuple[Decimal, Decimal]] = []
    posted = sum((b.posted for b in before.values()), Decimal(0))
    pending_out = sum((b.pending_out for b in before.values()), Decimal(0))
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
