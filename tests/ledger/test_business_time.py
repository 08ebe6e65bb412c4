"""Balances at a business instant (as_of, by occurred_at) as known at a record instant
(known_at, by recorded_at): a back-dated document, lot movements and traces in business
order, and a property: any interleaving of back-dated postings answers as an independent
replay of the postings does."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.db.engine import Database
from ledger import Ledger, LedgerError, LedgerQueries
from ledger.keys import stock_key
from ledger.timeline import LAG_CEILINGS, lag_class
from schemas.ledger import MovementRequest
from tests.support.builders import BOOK, CELLS, WAREHOUSE, leg, make_zone, outside, request, stock
from tests.support.profiles import examples

UTC = dt.UTC
MARCH_31 = dt.datetime(2026, 3, 31, 9, 0, tzinfo=UTC)


class Clock:
    """The ledger's record clock, set by the test."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def dated(req: MovementRequest, occurred_at: dt.datetime) -> MovementRequest:
    return req.model_copy(update={"occurred_at": occurred_at.astimezone(UTC)})


def key(lot: str) -> str:
    return stock_key(BOOK, CELLS, lot, WAREHOUSE, "bonded")


def test_given_a_document_back_dated_to_march_31_then_only_what_is_known_later_shows_it(
    db: Database,
) -> None:
    """Given 100 received on 30 March (recorded then) and 40 more dated 31 March but
    recorded on 10 April, when asked as of 31 March, then as known today it holds 140,
    as known on 30 March (and on 9 April) 100, and as of 30 March 100 either way."""
    zone = make_zone(db)
    zone.lot("L1")
    clock = Clock(dt.datetime(2026, 3, 30, 10, tzinfo=UTC))
    ledger = Ledger(db, clock=clock)
    ledger.execute(dated(request("in-1", leg("100", outside("abroad"), stock("L1"))), clock.at))
    clock.at = dt.datetime(2026, 4, 10, 8, tzinfo=UTC)
    ledger.execute(dated(request("in-2", leg("40", outside("abroad"), stock("L1"))), MARCH_31))
    queries = LedgerQueries(db)

    def posted(as_of: dt.datetime | None, known_at: dt.datetime | None = None) -> Decimal:
        return queries.balance(key("L1"), as_of=as_of, known_at=known_at).posted

    assert posted(MARCH_31) == 140
    assert posted(MARCH_31, dt.datetime(2026, 3, 30, 12, tzinfo=UTC)) == 100
    assert posted(MARCH_31, dt.datetime(2026, 4, 9, tzinfo=UTC)) == 100
    assert posted(dt.datetime(2026, 3, 30, 12, tzinfo=UTC)) == 100
    assert posted(dt.datetime(2026, 3, 30, 9, tzinfo=UTC)) == 0
    assert posted(None) == 140
    page, total = queries.positions(book_no=BOOK, as_of=dt.datetime(2026, 3, 30, 9, tzinfo=UTC))
    assert (page, total) == ([], 0)

    # The lot's movements in business order, each as known at the instant asked.
    moves = queries.lot_movements(BOOK, "L1", as_of=MARCH_31)
    assert [(m.transaction_client_id, m.posted_after) for m in moves.movements] == [
        ("in-1", Decimal(100)),
        ("in-2", Decimal(140)),
    ]
    known_then = queries.lot_movements(
        BOOK, "L1", as_of=MARCH_31, known_at=dt.datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert [m.transaction_client_id for m in known_then.movements] == ["in-1"]
    assert known_then.total == 1

    # The trace: the late receipt is a step only as known after it was recorded.
    steps = queries.trace_backward(BOOK, "L1", as_of=MARCH_31).steps
    assert [(s.quantity, s.occurred_at) for s in steps] == [
        (Decimal(100), dt.datetime(2026, 3, 30, 10, tzinfo=UTC)),
        (Decimal(40), MARCH_31),
    ]
    early = queries.trace_backward(
        BOOK, "L1", as_of=MARCH_31, known_at=dt.datetime(2026, 4, 1, tzinfo=UTC)
    )
    assert [s.quantity for s in early.steps] == [Decimal(100)]


def test_given_a_back_dated_exit_then_the_lot_runs_in_business_order(db: Database) -> None:
    """Given 10 in on 1 March, 5 in on 3 March, then an exit of 8 recorded last but dated
    2 March, when the lot's movements are read, then the exit comes second and the
    position runs 10, 2, 7."""
    zone = make_zone(db)
    zone.lot("L1")
    clock = Clock(dt.datetime(2026, 3, 1, tzinfo=UTC))
    ledger = Ledger(db, clock=clock)
    ledger.execute(dated(request("a", leg("10", outside("abroad"), stock("L1"))), clock.at))
    clock.at = dt.datetime(2026, 3, 3, tzinfo=UTC)
    ledger.execute(dated(request("b", leg("5", outside("abroad"), stock("L1"))), clock.at))
    clock.at = dt.datetime(2026, 3, 4, tzinfo=UTC)
    ledger.execute(
        dated(
            request("c", leg("8", stock("L1"), outside("domestic"))),
            dt.datetime(2026, 3, 2, tzinfo=UTC),
        )
    )
    moves = LedgerQueries(db).lot_movements(BOOK, "L1").movements
    assert [(m.transaction_client_id, m.posted_after, m.lot_posted_after) for m in moves] == [
        ("a", Decimal(10), Decimal(10)),
        ("c", Decimal(2), Decimal(2)),
        ("b", Decimal(7), Decimal(7)),
    ]
    second_page = LedgerQueries(db).lot_movements(BOOK, "L1", offset=2).movements
    assert [(m.transaction_client_id, m.posted_after) for m in second_page] == [("b", Decimal(7))]


def test_given_a_naive_known_at_then_the_question_is_refused(db: Database) -> None:
    make_zone(db).lot("L1")
    with pytest.raises(LedgerError) as refusal:
        LedgerQueries(db).balance(key("L1"), known_at=dt.datetime(2026, 3, 2))  # noqa: DTZ001
    assert refusal.value.field == "known_at"


def test_lag_classes_bound_how_far_apart_the_two_instants_are() -> None:
    at = MARCH_31
    assert lag_class(at, at) == 0
    assert lag_class(at, at + dt.timedelta(seconds=30)) == 1
    assert lag_class(at, at + dt.timedelta(hours=2)) == 3
    assert lag_class(at + dt.timedelta(hours=2), at) == -3
    assert lag_class(at, at + dt.timedelta(days=400)) == len(LAG_CEILINGS)


# --- the property ---------------------------------------------------------------------

# How far a posting's business instant lies from its record instant: none, seconds,
# hours, days, weeks, months, more than a year back; and a little ahead.
LAGS = [
    dt.timedelta(0),
    dt.timedelta(seconds=-20),
    dt.timedelta(hours=-3),
    dt.timedelta(days=-2),
    dt.timedelta(days=-20),
    dt.timedelta(days=-200),
    dt.timedelta(days=-500),
    dt.timedelta(hours=5),
]


@dataclass(frozen=True)
class Posted:
    quantity: Decimal  # + into the lot, - out of it
    occurred_at: dt.datetime
    recorded_at: dt.datetime


postings = st.lists(
    st.tuples(
        st.integers(min_value=-4, max_value=6).filter(lambda q: q != 0),
        st.sampled_from(LAGS),
        st.integers(min_value=1, max_value=4 * 24 * 3600),  # seconds since the last record
    ),
    min_size=1,
    max_size=12,
)
instants = st.lists(st.integers(min_value=-600, max_value=600), min_size=4, max_size=4)
runs = itertools.count(1)


@pytest.mark.heavy
def test_business_time_balances_equal_a_replay_by_occurred_at(db: Database) -> None:
    """For any interleaving of back-dated (and a few forward-dated) receipts and exits,
    the balance as of any business instant as known at any record instant equals the sum
    of the postings that occurred by then and were recorded by then, replayed from the
    list of postings alone; as known now, that is the replay by occurred_at."""
    zone = make_zone(db)

    @given(steps=postings, days=instants)
    @settings(
        max_examples=examples(12),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    def check(steps: list[tuple[int, dt.timedelta, int]], days: list[int]) -> None:
        lot = zone.lot(f"P{next(runs)}")
        clock = Clock(dt.datetime(2026, 1, 1, tzinfo=UTC))
        ledger = Ledger(db, clock=clock)
        done: list[Posted] = []
        held = Decimal(0)
        for i, (quantity, lag, gap) in enumerate(steps):
            clock.at += dt.timedelta(seconds=gap)
            q = Decimal(quantity)
            if held + q < 0:
                continue  # the stock guard is by record time: keep every exit possible
            move = (
                leg(q, outside("abroad"), stock(lot))
                if q > 0
                else leg(-q, stock(lot), outside("domestic"))
            )
            occurred = clock.at + lag
            ledger.execute(dated(request(f"{lot}-{i}", move), occurred))
            done.append(Posted(q, occurred, clock.at))
            held += q
        if not done:
            return  # only exits from an empty lot: nothing was posted
        queries = LedgerQueries(db)
        moments = sorted(
            {p.occurred_at for p in done}
            | {p.recorded_at for p in done}
            | {clock.at + dt.timedelta(hours=h) for h in days}
            | {p.occurred_at - dt.timedelta(microseconds=1) for p in done}
        )
        # Every crossing matters, but a sample of them keeps the test short.
        for as_of in moments[:: max(1, len(moments) // 16)]:
            for known_at in [*moments[:: max(1, len(moments) // 3)], None]:
                expected = sum(
                    (
                        p.quantity
                        for p in done
                        if p.occurred_at <= as_of
                        and (known_at is None or p.recorded_at <= known_at)
                    ),
                    Decimal(0),
                )
                got = queries.balance(key(lot), as_of=as_of, known_at=known_at).posted
                assert got == expected, (as_of, known_at)
        # The lot's movements as known now, in business order, run like the replay.
        by_business = sorted(done, key=lambda p: p.occurred_at)
        running = list(itertools.accumulate(p.quantity for p in by_business))
        listed = queries.lot_movements(BOOK, lot, limit=5).movements
        assert [m.posted_after for m in listed] == running[:5]

    check()
