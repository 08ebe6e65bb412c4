"""The posting path's one question about periods: is the book closed at this instant?

A posting (post, reserve, or the resolution of a reservation) dated before the end of a
closed period of any book it touches is refused: inside the period it would change the
period's flows, before it its opening balance. So a closed period's reconciliation is
the same answer tomorrow, until the liaison reopens it with a reason (ledger/periods.py).

The answer changes only when a period is closed or reopened, which is rare, while the
question is asked by every posting. So the closed periods are kept in memory, stamped
with the chain head's `periods_version`: a close or reopen bumps it in its own
transaction, under the head's lock, and a posting reads it with the head it locks to
append its event. A posting whose version differs from the one in memory (another
process or session closed or reopened) reloads the closed periods first; one whose
version matches asks no statement at all. Because both hold the head's lock, a close
and a posting pass one after the other: a posting that locked the head first is ordered
before the close, one that waited for it sees the new version.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection

from sqlalchemy.orm import Session

from ledger import repository
from ledger.errors import PeriodClosed


class PeriodGuard:
    """The closed periods of every book as of one `periods_version` (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: int | None = None
        self._closed: dict[str, repository.ClosedPeriod] = {}

    def refuse_closed_periods(
        self,
        session: Session,
        account_keys: Collection[str],
        occurred_at: dt.datetime,
        periods_version: int,
    ) -> None:
        """Raise PeriodClosed naming the period when `occurred_at` falls before the end of
        a closed period of a book of these accounts (keys hold the book number second).
        `periods_version` is the one read from the chain head this transaction locked."""
        if not account_keys:
            return
        closed = self._closed_as_of(session, periods_version)
        if not closed:
            return
        books = {key.split("|")[1] for key in account_keys}
        found = [
            closed[book] for book in books if book in closed and closed[book].ends_at > occurred_at
        ]
        if not found:
            return
        period = max(found, key=lambda p: p.ends_at)
        raise PeriodClosed(
            f"book {period.book_no} is closed for the {period.kind} {period.first_day}.."
            f"{period.last_day}: nothing dated before its end "
            f"({period.ends_at.isoformat()}) is posted until the liaison reopens it",
            field="occurred_at",
        )

    def _closed_as_of(
        self, session: Session, periods_version: int
    ) -> dict[str, repository.ClosedPeriod]:
        with self._lock:
            if self._version == periods_version:
                return self._closed
        # Read under the head's lock: no close or reopen can commit between the version
        # and this read, so the two belong together.
        closed = repository.latest_closed_periods(session)
        with self._lock:
            self._version, self._closed = periods_version, closed
        return closed
