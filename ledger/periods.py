"""A book's periods (账期) closed and reopened by the liaison, each change chained.

Closing a period (a month, a quarter or a verification period) stops every posting
dated before its end (ledger/period_guard.py), so its reconciliation is the same answer
tomorrow. Reopening takes a reason. Each close and reopen is a ledger transaction of its
own (operation close_period / reopen_period, no movements) appended to the audit chain
like any posting: its client id names the book and the days, its actor and reason are
the liaison's, so `verify` rebuilds it and the chain shows why a closed period's answer
changed. The `ledger_periods` row holds the current state and points at its latest
chained change; `verify` checks the two agree.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable

from sqlalchemy.orm import Session

from adapters.db.engine import Database
from adapters.db.models import LedgerPeriod, LedgerTransaction
from ledger import repository
from ledger.errors import PeriodState, UnknownReference
from ledger.keys import period_client_id
from ledger.reconciliation import period_bounds
from ledger.service import Ledger
from schemas.codes import Operation
from schemas.periods import BookPeriod, CloseRequest, PeriodEvent, PeriodKind, ReopenRequest


class BookPeriods:
    """Close, reopen and list a book's periods. Thread-safe: each call has its session."""

    def __init__(
        self, database: Database, *, clock: Callable[[], dt.datetime] | None = None
    ) -> None:
        self.db = database
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._ledger = Ledger(database, clock=self._clock)

    def close(self, book_no: str, request: CloseRequest, *, actor: str) -> BookPeriod:
        """Close a period of a book (refused if it is closed already)."""
        with self.db.transaction() as session:
            book_id = self._lock_book(session, book_no)
            period = repository.period_of(
                session, book_id, request.first_day, request.last_day, lock=True
            )
            if period is not None and period.closed:
                raise PeriodState(
                    f"{book_no} {request.first_day}..{request.last_day} is closed already",
                    field="first_day",
                )
            if period is not None and period.kind != request.kind.value:
                raise PeriodState(
                    f"{book_no} {request.first_day}..{request.last_day} is a {period.kind}, "
                    f"not a {request.kind.value}",
                    field="kind",
                )
            starts_at, ends_at = period_bounds(request.first_day, request.last_day)
            txn = self._chain(
                session,
                book_no,
                request.first_day,
                request.last_day,
                Operation.CLOSE_PERIOD,
                actor,
                request.reason,
            )
            if period is None:
                period = LedgerPeriod(
                    book_id=book_id,
                    kind=request.kind.value,
                    first_day=request.first_day,
                    last_day=request.last_day,
                    starts_at=starts_at.astimezone(dt.UTC),
                    ends_at=ends_at.astimezone(dt.UTC),
                    closed=True,
                    last_transaction_id=txn.id,
                )
                session.add(period)
            else:
                period.closed = True
                period.last_transaction_id = txn.id
            session.flush()
        return self._one(book_no, request.first_day, request.last_day)

    def reopen(self, book_no: str, request: ReopenRequest, *, actor: str) -> BookPeriod:
        """Reopen a closed period of a book, with the liaison's reason."""
        with self.db.transaction() as session:
            book_id = self._lock_book(session, book_no)
            period = repository.period_of(
                session, book_id, request.first_day, request.last_day, lock=True
            )
            if period is None or not period.closed:
                raise PeriodState(
                    f"{book_no} {request.first_day}..{request.last_day} is not closed",
                    field="first_day",
                )
            txn = self._chain(
                session,
                book_no,
                request.first_day,
                request.last_day,
                Operation.REOPEN_PERIOD,
                actor,
                request.reason,
            )
            period.closed = False
            period.last_transaction_id = txn.id
            session.flush()
        return self._one(book_no, request.first_day, request.last_day)

    def periods(self, book_no: str) -> list[BookPeriod]:
        """A book's periods by their first day, closed or not, each with its last change."""
        with self.db.reading() as session:
            book_id = repository.book_id(session, book_no)
            if book_id is None:
                raise UnknownReference(f"no account book {book_no}", field="book_no")
            return [
                _view(book_no, period, txn, seq)
                for period, txn, seq in repository.periods_of(session, book_id)
            ]

    # --- helpers -------------------------------------------------------------------------

    def _one(self, book_no: str, first_day: dt.date, last_day: dt.date) -> BookPeriod:
        return next(
            p for p in self.periods(book_no) if (p.first_day, p.last_day) == (first_day, last_day)
        )

    @staticmethod
    def _lock_book(session: Session, book_no: str) -> int:
        ids = repository.lock_books(session, [book_no])
        if not ids:
            raise UnknownReference(f"no account book {book_no}", field="book_no")
        return ids[0]

    def _chain(
        self,
        session: Session,
        book_no: str,
        first_day: dt.date,
        last_day: dt.date,
        operation: Operation,
        actor: str,
        reason: str,
    ) -> LedgerTransaction:
        """The close or reopen as a ledger transaction without movements, chained."""
        head_seq = repository.lock_chain_head_row(session).seq
        # Every process's posting path reloads the closed periods (ledger/period_guard.py).
        repository.bump_periods_version(session)
        now = self._clock()
        client_id = period_client_id(book_no, first_day, last_day, operation.value, head_seq + 1)
        body = {"client_id": client_id, "operation": operation.value, "reason": reason}
        txn = LedgerTransaction(
            client_id=client_id,
            operation=operation.value,
            reservation_id=None,
            document_type=None,
            document_no=None,
            actor=actor,
            reason=reason,
            occurred_at=now,
            recorded_at=now,
            fingerprint=hashlib.sha256(
                json.dumps(body, sort_keys=True).encode("utf-8")
            ).hexdigest(),
        )
        session.add(txn)
        session.flush()
        # The posting path's own chain append (the same canonical event, no movements).
        self._ledger._append_to_chain(session, txn, None, [], {}, [], [], [])
        return txn


def _view(book_no: str, period: LedgerPeriod, txn: LedgerTransaction, seq: int) -> BookPeriod:
    return BookPeriod(
        book_no=book_no,
        kind=PeriodKind(period.kind),
        first_day=period.first_day,
        last_day=period.last_day,
        starts_at=period.starts_at,
        ends_at=period.ends_at,
        closed=period.closed,
        last_event=PeriodEvent(
            operation=txn.operation,
            actor=txn.actor,
            reason=txn.reason,
            recorded_at=txn.recorded_at,
            chain_seq=seq,
        ),
    )
