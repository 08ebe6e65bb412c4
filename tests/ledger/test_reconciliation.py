"""A book's reconciliation over Beijing days: opening, receipts, removals, adjustments,
moves between lots and closing, per item and lot, posted quantities by business time.

The story (one processing book, times in Beijing):
- 20 Feb: cells lot L3 enters (10) and on 25 Feb is sold into China: empty since;
- 28 Feb 23:59:59.999999: cells lot L1 enters on list A (1000);
- 1 Mar 00:00: cells lot L2 enters on list B (500) (still 28 Feb in UTC);
- 3 Mar: work order WO-1 consumes 293.87755 cells of L1 (2 modules at 144 / 0.98)
  and produces 2 modules into M1;
- 5 Mar: a stocktake finds 7 cells of L1 missing and 3 more in L2 than booked;
- 6 Mar: 50 cells are relabelled from L2 to L1, and 100 of L1 move to the line
  (another location of the same lot);
- 10 Mar: 10 cells of L1 are reserved for a domestic sale, voided on 11 Mar;
- 31 Mar 23:00: one module is reserved for export, posted at the gate 1 Apr 00:00;
- 1 Apr 00:00: 5 more cells enter L1 on list C.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import text

from adapters.db.engine import Database
from adapters.db.models import LEDGER_HISTORY_TABLES
from ledger import Ledger, LedgerError, LedgerQueries, UnknownReference
from ledger.reconciliation import period_bounds
from schemas.codes import DocumentType
from schemas.inventory import Reconciliation
from schemas.ledger import MovementRequest, ResolveRequest
from tests.ledger.helpers import cells_key
from tests.support.builders import (
    BOOK,
    CELLS,
    LINE,
    MODULE,
    SHANGHAI,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.states import DatabaseState, starts_from

LIST_A, LIST_B, LIST_C = "QD960126I000000001", "QD960126I000000002", "QD960126I000000003"


def beijing(
    month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0, micro: int = 0
) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, micro, tzinfo=SHANGHAI)


def _story(db: Database) -> None:
    zone = make_zone(db)
    for lot in ("L1", "L2", "L3"):
        zone.lot(lot)
    zone.lot("M1", item_no=MODULE)
    ledger = Ledger(db)

    def post(when: dt.datetime, req: MovementRequest) -> None:
        ledger.execute(req.model_copy(update={"occurred_at": when}))

    def settle(when: dt.datetime, req: ResolveRequest) -> None:
        ledger.resolve(req.model_copy(update={"occurred_at": when}))

    post(beijing(2, 20), request("l3-in", leg("10", outside("abroad"), stock("L3"))))
    post(beijing(2, 25), request("l3-out", leg("10", stock("L3"), outside("domestic"))))
    post(
        beijing(2, 28, 23, 59, 59, 999999),
        request("a", leg("1000", outside("abroad"), stock("L1")), document=LIST_A),
    )
    post(
        beijing(3, 1, 0), request("b", leg("500", outside("abroad"), stock("L2")), document=LIST_B)
    )
    post(
        beijing(3, 3),
        request(
            "wo-1",
            leg("293.87755", stock("L1"), outside("processing")),
            leg("2", outside("processing"), stock("M1", LINE), item_no=MODULE),
            document="WO-1",
            doc_type=DocumentType.WORK_ORDER,
        ),
    )
    post(
        beijing(3, 5),
        request(
            "count",
            leg("7", stock("L1"), outside("adjustment")),
            leg("3", outside("adjustment"), stock("L2")),
            document="ST-2603",
            doc_type=DocumentType.STOCKTAKE,
        ),
    )
    post(
        beijing(3, 6),
        request(
            "relabel",
            leg("50", stock("L2"), stock("L1")),
            leg("100", stock("L1"), stock("L1", LINE)),
            document="ST-2603-R",
            doc_type=DocumentType.STOCKTAKE,
        ),
    )
    post(
        beijing(3, 10),
        request("sale", leg("10", stock("L1"), outside("domestic")), reserve=True),
    )
    settle(beijing(3, 11), resolve("sale-void", "sale", post=False))
    post(
        beijing(3, 31, 23),
        request(
            "export", leg("1", stock("M1", LINE), outside("abroad"), item_no=MODULE), reserve=True
        ),
    )
    settle(beijing(4, 1, 0), resolve("export-gate", "export"))
    post(beijing(4, 1, 0), request("c", leg("5", outside("abroad"), stock("L1")), document=LIST_C))


@starts_from(DatabaseState("reconciliation-story", _story))
def queries(db: Database) -> LedgerQueries:
    """The queries of a database holding the story above (the module's docstring), written
    once per worker and backend and cloned for each test (tests/support/states.py)."""
    return LedgerQueries(db)


Row = tuple[int, str, str, str, str, str, str, str, bool]


def _lines(found: Reconciliation) -> list[Row]:
    """(item, lot, opening, receipts, removals, adjustments, between lots, closing,
    balanced) with the quantities as plain text, so a figure is read exactly."""

    def s(q: Decimal) -> str:
        return format(q.normalize(), "f")

    return [
        (
            line.item_no,
            line.lot_no,
            s(line.opening),
            s(line.receipts),
            s(line.removals),
            s(line.adjustments),
            s(line.between_lots),
            s(line.closing),
            line.balanced,
        )
        for line in found.lines
    ]


def test_given_march_when_reconciled_then_every_lot_adds_up_with_exact_figures(
    queries: LedgerQueries,
) -> None:
    """Given the story, when March is reconciled, then L1 opens with list A's 1000 (posted
    a microsecond before midnight), loses 293.87755 to the work order and 7 to the
    stocktake, gains 50 from L2 and closes at 749.12245; L2 receives 500 at midnight,
    gains 3, gives 50 and closes at 453; M1 receives 2 and closes at 2 (the export was
    posted on 1 April). The move to the line, the voided sale and L3 (empty since
    February) show nowhere."""
    march = queries.reconcile(BOOK, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert _lines(march) == [
        (CELLS, "L1", "1000", "0", "293.87755", "-7", "50", "749.12245", True),
        (CELLS, "L2", "0", "500", "0", "3", "-50", "453", True),
        (MODULE, "M1", "0", "2", "0", "0", "0", "2", True),
    ]
    assert march.balanced
    assert [line.unit for line in march.lines] == ["007", "007", "007"]
    assert march.starts_at == beijing(3, 1, 0)
    assert march.ends_at == beijing(4, 1, 0)
    assert march.timezone == "Asia/Shanghai"


def test_given_april_when_reconciled_then_the_export_posted_at_midnight_counts_there(
    queries: LedgerQueries,
) -> None:
    """The module reserved on 31 March and posted at 1 April 00:00 is April's removal;
    a lot that did not move but holds stock is listed with its balance."""
    april = queries.reconcile(BOOK, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert _lines(april) == [
        (CELLS, "L1", "749.12245", "5", "0", "0", "0", "754.12245", True),
        (CELLS, "L2", "453", "0", "0", "0", "0", "453", True),
        (MODULE, "M1", "2", "0", "1", "0", "0", "1", True),
    ]


def test_given_february_when_reconciled_then_a_lot_emptied_in_it_is_listed(
    queries: LedgerQueries,
) -> None:
    february = queries.reconcile(BOOK, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert _lines(february) == [
        (CELLS, "L1", "0", "1000", "0", "0", "0", "1000", True),
        (CELLS, "L3", "0", "10", "10", "0", "0", "0", True),
    ]


def test_given_one_day_when_reconciled_then_its_bounds_are_beijing_midnights(
    queries: LedgerQueries,
) -> None:
    """1 March alone: list B was posted at 00:00 Beijing (16:00 UTC on 28 February), so it
    belongs to the 1st; L1's entry a microsecond earlier is its opening."""
    first = queries.reconcile(BOOK, dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    assert _lines(first) == [
        (CELLS, "L1", "1000", "0", "0", "0", "0", "1000", True),
        (CELLS, "L2", "0", "500", "0", "0", "0", "500", True),
    ]
    assert period_bounds(dt.date(2026, 3, 1), dt.date(2026, 3, 1)) == (
        dt.datetime(2026, 2, 28, 16, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 1, 16, tzinfo=dt.UTC),
    )


def test_given_a_period_before_anything_happened_then_it_has_no_lines(
    queries: LedgerQueries,
) -> None:
    empty = queries.reconcile(BOOK, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
    assert (empty.lines, empty.balanced) == ((), True)


def test_given_a_period_that_ends_before_it_starts_or_an_unknown_book_then_it_is_refused(
    queries: LedgerQueries,
) -> None:
    with pytest.raises(LedgerError) as backwards:
        queries.reconcile(BOOK, dt.date(2026, 3, 2), dt.date(2026, 3, 1))
    assert backwards.value.field == "last_day"
    with pytest.raises(UnknownReference) as unknown:
        queries.reconcile("H96019999999", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert unknown.value.field == "book_no"
    with pytest.raises(LedgerError) as overflow:
        period_bounds(dt.date(2026, 3, 1), dt.date.max)
    assert overflow.value.field == "last_day"


def test_given_an_entry_edited_behind_the_ledgers_back_then_its_line_does_not_add_up(
    db: Database, queries: LedgerQueries
) -> None:
    """Given someone with database admin rights adds one cell to L2's entry of list B
    (balances come from entries, flows from movements), when March is reconciled, then
    L2's line says it does not add up and the other lines still do."""
    with db.engine.begin() as conn:
        if db.dialect == "sqlite":
            for table in LEDGER_HISTORY_TABLES:
                conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.execute(
            text(
                "UPDATE ledger_entries SET delta_posted = delta_posted + 100000 "
                "WHERE id = (SELECT MIN(e.id) FROM ledger_entries e "
                "JOIN ledger_accounts a ON a.id = e.account_id WHERE a.key = :key)"
            ),
            {"key": cells_key("L2")},
        )
    march = queries.reconcile(BOOK, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert [(line.lot_no, str(line.closing), line.balanced) for line in march.lines] == [
        ("L1", "749.12245", True),
        ("L2", "454.00000", False),
        ("M1", "2.00000", True),
    ]
    assert not march.balanced
