"""A book's periods: closing one refuses postings dated into it (and before its end), so
its reconciliation is the same answer tomorrow; reopening takes a reason; every close
and reopen is in the audit chain, and verify checks the periods against it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from adapters.db.engine import Database, create_database
from ledger import ChainAuditor, Ledger, LedgerQueries
from ledger.errors import PeriodClosed, PeriodState
from ledger.periods import BookPeriods
from schemas.codes import Operation
from schemas.ledger import MovementRequest
from schemas.periods import CloseRequest, PeriodKind, ReopenRequest
from tests.support.builders import (
    BOOK,
    SHANGHAI,
    ZONE,
    Zone,
    leg,
    outside,
    request,
    stock,
)
from tests.support.states import starts_from

MARCH = CloseRequest(
    kind=PeriodKind.MONTH,
    first_day=dt.date(2026, 3, 1),
    last_day=dt.date(2026, 3, 31),
    reason="March counted and agreed",
)


def beijing(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=SHANGHAI)


class Clock:
    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def dated(req: MovementRequest, occurred_at: dt.datetime) -> MovementRequest:
    return req.model_copy(update={"occurred_at": occurred_at.astimezone(dt.UTC)})


@pytest.fixture
def clock() -> Clock:
    return Clock(beijing(4, 2).astimezone(dt.UTC))


@starts_from(ZONE)
def ledger(db: Database, clock: Clock) -> Ledger:
    """make_zone's master data (cloned, tests/support/states.py) with cells lot L1, into
    which 100 pieces entered on 5 March, recorded on the clock's 2 April."""
    zone = Zone.of(db)
    zone.lot("L1")
    ledger = Ledger(db, clock=clock)
    ledger.execute(
        dated(request("in-1", leg("100", outside("abroad"), stock("L1"))), beijing(3, 5))
    )
    return ledger


def test_given_march_closed_when_a_posting_is_dated_into_it_then_it_is_refused_as_data(
    db: Database, ledger: Ledger, clock: Clock
) -> None:
    """Given March closed, when a receipt dated 31 March 23:00 (Beijing) arrives, then it
    is refused naming occurred_at and the period, and nothing is written; one dated
    1 April 00:00 is posted."""
    periods = BookPeriods(db, clock=clock)
    closed = periods.close(BOOK, MARCH, actor="liaison-li")
    assert (closed.closed, closed.last_event.operation, closed.last_event.actor) == (
        True,
        Operation.CLOSE_PERIOD.value,
        "liaison-li",
    )
    before = LedgerQueries(db).reconcile(BOOK, MARCH.first_day, MARCH.last_day)

    late = dated(request("late", leg("40", outside("abroad"), stock("L1"))), beijing(3, 31, 23))
    with pytest.raises(PeriodClosed) as refusal:
        ledger.execute(late)
    assert refusal.value.field == "occurred_at"
    assert "2026-03-01..2026-03-31" in refusal.value.reason
    # Before the period too: it would change March's opening balance.
    with pytest.raises(PeriodClosed):
        ledger.execute(dated(late.model_copy(update={"client_id": "older"}), beijing(2, 1)))
    april = dated(request("april", leg("5", outside("abroad"), stock("L1"))), beijing(4, 1, 0))
    ledger.execute(april)

    clock.at += dt.timedelta(days=1)  # tomorrow
    assert LedgerQueries(db).reconcile(BOOK, MARCH.first_day, MARCH.last_day).lines == (
        before.lines
    )
    assert ChainAuditor(db).verify().ok


def test_given_a_reopened_period_then_the_late_posting_changes_it_and_the_chain_says_why(
    db: Database, ledger: Ledger, clock: Clock
) -> None:
    """Given March closed, when the liaison reopens it with a reason, the late receipt is
    posted and March is closed again, then March's closing grows by 40 and the chain
    holds close, reopen (with its reason), posting, close in that order."""
    periods = BookPeriods(db, clock=clock)
    periods.close(BOOK, MARCH, actor="liaison-li")
    queries = LedgerQueries(db)
    first = queries.reconcile(BOOK, MARCH.first_day, MARCH.last_day)

    reopen = ReopenRequest(
        first_day=MARCH.first_day, last_day=MARCH.last_day, reason="gate pass of 31 March found"
    )
    clock.at += dt.timedelta(hours=1)
    assert not periods.reopen(BOOK, reopen, actor="liaison-li").closed
    late = dated(request("late", leg("40", outside("abroad"), stock("L1"))), beijing(3, 31, 23))
    clock.at += dt.timedelta(hours=1)
    ledger.execute(late)
    clock.at += dt.timedelta(hours=1)
    again = periods.close(BOOK, MARCH, actor="liaison-wang")
    assert again.closed

    second = queries.reconcile(BOOK, MARCH.first_day, MARCH.last_day)
    assert [line.closing for line in first.lines] == [Decimal(100)]
    assert [line.closing for line in second.lines] == [Decimal(140)]
    # As known before the reopening, March still answers as it did.
    known_then = queries.reconcile(
        BOOK, MARCH.first_day, MARCH.last_day, known_at=clock.at - dt.timedelta(hours=3)
    )
    assert known_then.lines == first.lines

    with db.engine.connect() as conn:
        chained = conn.execute(
            text(
                "SELECT t.operation, t.actor, t.reason FROM ledger_chain c "
                "JOIN ledger_transactions t ON t.id = c.transaction_id ORDER BY c.seq"
            )
        ).all()
    assert [tuple(row) for row in chained][1:] == [
        ("close_period", "liaison-li", "March counted and agreed"),
        ("reopen_period", "liaison-li", "gate pass of 31 March found"),
        ("post", "test", "test"),
        ("close_period", "liaison-wang", "March counted and agreed"),
    ]
    listed = periods.periods(BOOK)
    assert [(p.kind, p.closed, p.last_event.actor) for p in listed] == [
        (PeriodKind.MONTH, True, "liaison-wang")
    ]
    assert ChainAuditor(db).verify().ok


_CLOSE_ELSEWHERE = """
import datetime as dt, sys
from adapters.db.engine import create_database
from ledger.periods import BookPeriods
from schemas.periods import CloseRequest, PeriodKind
database = create_database(sys.argv[1])
request = CloseRequest(kind=PeriodKind.MONTH, first_day=dt.date(2026, 3, 1),
                       last_day=dt.date(2026, 3, 31), reason="closed by another process")
BookPeriods(database).close(sys.argv[2], request, actor="liaison-zhao")
database.dispose()
"""


def test_given_a_period_closed_by_another_process_then_the_next_posting_sees_it(
    database_url: str, db: Database, ledger: Ledger, clock: Clock
) -> None:
    """The posting path keeps the closed periods in memory (ledger/period_guard.py): a
    close by another process, then a reopen through another engine, are each seen by this
    ledger's very next posting, through the chain head's periods version."""
    late = dated(request("late", leg("40", outside("abroad"), stock("L1"))), beijing(3, 31, 23))
    ledger.execute(dated(request("warm", leg("1", outside("abroad"), stock("L1"))), beijing(4, 1)))

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    subprocess.run(
        [sys.executable, "-c", _CLOSE_ELSEWHERE, database_url, BOOK],
        check=True,
        cwd=root,
        env=env,
        timeout=120,
    )
    with pytest.raises(PeriodClosed) as refusal:
        ledger.execute(late)
    assert "2026-03-01..2026-03-31" in refusal.value.reason

    other = create_database(database_url)  # another engine and pool: another session
    try:
        reopen = ReopenRequest(first_day=MARCH.first_day, last_day=MARCH.last_day, reason="found")
        BookPeriods(other, clock=clock).reopen(BOOK, reopen, actor="liaison-li")
    finally:
        other.dispose()
    assert ledger.execute(late).movements[0].quantity == Decimal(40)
    assert ChainAuditor(db).verify().ok


def test_given_closing_twice_or_reopening_an_open_period_then_it_is_refused(
    db: Database, ledger: Ledger, clock: Clock
) -> None:
    periods = BookPeriods(db, clock=clock)
    reopen = ReopenRequest(first_day=MARCH.first_day, last_day=MARCH.last_day, reason="why")
    with pytest.raises(PeriodState):
        periods.reopen(BOOK, reopen, actor="liaison-li")
    periods.close(BOOK, MARCH, actor="liaison-li")
    with pytest.raises(PeriodState) as twice:
        periods.close(BOOK, MARCH, actor="liaison-li")
    assert twice.value.field == "first_day"


def test_given_a_period_row_edited_behind_the_ledger_then_verify_names_it(
    db: Database, ledger: Ledger, clock: Clock
) -> None:
    """Given March closed, when someone opens it by editing the table, then verify
    reports the period row that differs from its chained close."""
    BookPeriods(db, clock=clock).close(BOOK, MARCH, actor="liaison-li")
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE ledger_periods SET closed = false"))
    found = ChainAuditor(db).verify()
    assert not found.ok
    assert found.problem is not None
    assert "ledger_periods row" in found.problem


@pytest.mark.parametrize(
    ("kind", "first", "last"),
    [
        (PeriodKind.MONTH, dt.date(2026, 3, 2), dt.date(2026, 3, 31)),
        (PeriodKind.MONTH, dt.date(2026, 3, 1), dt.date(2026, 3, 30)),
        (PeriodKind.QUARTER, dt.date(2026, 2, 1), dt.date(2026, 4, 30)),
        (PeriodKind.VERIFICATION, dt.date(2026, 3, 2), dt.date(2026, 3, 1)),
    ],
)
def test_a_month_or_quarter_must_be_whole(kind: PeriodKind, first: dt.date, last: dt.date) -> None:
    with pytest.raises(ValidationError):
        CloseRequest(kind=kind, first_day=first, last_day=last, reason="r")


def test_a_quarter_and_a_verification_period_are_accepted() -> None:
    q2 = CloseRequest(
        kind=PeriodKind.QUARTER,
        first_day=dt.date(2026, 4, 1),
        last_day=dt.date(2026, 6, 30),
        reason="Q2",
    )
    assert q2.last_day == dt.date(2026, 6, 30)
    CloseRequest(
        kind=PeriodKind.VERIFICATION,
        first_day=dt.date(2025, 7, 15),
        last_day=dt.date(2026, 7, 14),
        reason="verification period",
    )
