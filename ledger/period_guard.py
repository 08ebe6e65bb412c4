"""The posting path's one question about periods: is the book closed at this instant?

A posting (post, reserve, or the resolution of a reservation) dated before the end of a
closed period of any book it touches is refused: inside the period it would change the
period's flows, before it its opening balance. So a closed period's reconciliation is
the same answer tomorrow, until the liaison reopens it with a reason (ledger/periods.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from sqlalchemy.orm import Session

from ledger import repository
from ledger.errors import PeriodClosed


def refuse_closed_periods(
    session: Session, account_keys: Collection[str], occurred_at: dt.datetime
) -> None:
    """Raise PeriodClosed naming the period when `occurred_at` falls at or before the end
    of a closed period of a book of these accounts (keys hold the book number second)."""
    books = {key.split("|")[1] for key in account_keys}
    repository.lock_books(session, books, exclusive=False)
    closed = repository.closed_period_after(session, books, occurred_at)
    if closed is not None:
        period = closed.period
        raise PeriodClosed(
            f"book {closed.book_no} is closed for the {period.kind} {period.first_day}.."
            f"{period.last_day}: nothing dated before its end "
            f"({period.ends_at.isoformat()}) is posted until the liaison reopens it",
            field="occurred_at",
        )
