"""Reading the ledger: balances now and as of any instant, account history, lot lineage.

Every query here is an index seek or a walk over one lot's links: none of them
scans the whole history (bench/ledger.py checks that their latency does not grow
with it).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from adapters.db.engine import Database
from adapters.db.models import LedgerAccount
from ledger import repository
from ledger.errors import LedgerError, UnknownReference
from schemas.codes import CustomsStatus, DocumentType, Operation
from schemas.ledger import (
    BalanceView,
    DocumentRef,
    HistoryEntry,
    LotTrace,
    LotTraceLink,
    TraceStep,
)

MAX_TRACE_DEPTH = 64


def _aware(at: dt.datetime) -> dt.datetime:
    if at.utcoffset() is None:
        raise LedgerError("must carry a timezone", field="as_of")
    return at.astimezone(dt.UTC)


class LedgerQueries:
    def __init__(self, database: Database) -> None:
        self.db = database

    # --- balances ----------------------------------------------------------------------

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
