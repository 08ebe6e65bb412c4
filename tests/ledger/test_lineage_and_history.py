"""Lineage: from a module lot back to the entry lists, and from a cell lot forward to exports.
History: every change of an account with its document, who, why and running balance."""

from __future__ import annotations

from decimal import Decimal

from adapters.db.engine import Database
from ledger import Ledger, LedgerQueries
from ledger.keys import stock_key
from schemas.codes import DocumentType, Operation
from tests.support.builders import (
    BOOK,
    CELLS,
    LINE,
    MODULE,
    WAREHOUSE,
    consumed,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)


def _processing_story(db: Database) -> LedgerQueries:
    """Cells L1 (list A) and L2 (list B) become modules M1; part of M1 is exported (list C)."""
    zone = make_zone(db)
    zone.lot("L1")
    zone.lot("L2")
    zone.lot("M1", item_no=MODULE)
    ledger = Ledger(db)
    ledger.execute(
        request("a", leg("1000", outside("abroad"), stock("L1")), document="QD960126I000000001")
    )
    ledger.execute(
        request("b", leg("500", outside("abroad"), stock("L2")), document="QD960126I000000002")
    )
    ledger.execute(
        request(
            "wo",
            leg("800", stock("L1"), outside("processing")),
            leg("400", stock("L2"), outside("processing")),
            leg("8", outside("processing"), stock("M1", LINE), item_no=MODULE),
            lineage=(consumed("M1", "L1", "800"), consumed("M1", "L2", "400")),
            document="WO-1",
            doc_type=DocumentType.WORK_ORDER,
        )
    )
    ledger.execute(
        request(
            "c",
            leg("5", stock("M1", LINE), outside("abroad"), item_no=MODULE),
            reserve=True,
            document="QD960126E000000003",
        )
    )
    ledger.resolve(resolve("c-gate", "c"))
    return LedgerQueries(db)


def test_a_module_lot_traces_back_to_both_entry_lists(db: Database) -> None:
    trace = _processing_story(db).trace_backward(BOOK, "M1")
    assert [(s.document.number, s.outside, s.quantity) for s in trace.steps if s.document] == [
        ("WO-1", "processing", Decimal(8))
    ]
    inputs = {link.lot.lot_no: link for link in trace.links}
    assert inputs["L1"].quantity == Decimal(800)
    assert inputs["L2"].quantity == Decimal(400)
    assert [s.document.number for s in inputs["L1"].lot.steps if s.document] == [
        "QD960126I000000001"
    ]
    assert [s.document.number for s in inputs["L2"].lot.steps if s.document] == [
        "QD960126I000000002"
    ]


def test_a_cell_lot_traces_forward_to_the_export(db: Database) -> None:
    trace = _processing_story(db).trace_forward(BOOK, "L1")
    assert [(s.document.number, s.quantity) for s in trace.steps if s.document] == [
        ("WO-1", Decimal(800))
    ]
    [module] = trace.links
    assert module.lot.lot_no == "M1"
    assert [(s.document.number, s.outside, s.quantity) for s in module.lot.steps if s.document] == [
        ("QD960126E000000003", "abroad", Decimal(5))
    ]


def test_history_lists_every_change_with_document_and_running_balance(db: Database) -> None:
    queries = _processing_story(db)
    history = queries.history(stock_key(BOOK, MODULE, "M1", LINE, "bonded"))
    assert [(h.operation, h.delta_posted, h.posted_after, h.available_after) for h in history] == [
        (Operation.POST, Decimal(8), Decimal(8), Decimal(8)),
        (Operation.RESERVE, Decimal(0), Decimal(8), Decimal(3)),
        (Operation.POST_PENDING, Decimal(-5), Decimal(3), Decimal(3)),
    ]
    assert all(h.document is not None and h.actor and h.reason for h in history)
    page = queries.history(
        stock_key(BOOK, MODULE, "M1", LINE, "bonded"), after_entry_id=history[0].entry_id, limit=1
    )
    assert [h.entry_id for h in page] == [history[1].entry_id]


def test_as_of_shows_the_books_at_a_past_instant(db: Database) -> None:
    queries = _processing_story(db)
    key = stock_key(BOOK, CELLS, "L1", WAREHOUSE, "bonded")
    history = queries.history(key)
    before_processing = history[0].recorded_at
    assert queries.balance(key, as_of=before_processing).posted == Decimal(1000)
    assert queries.balance(key).posted == Decimal(200)
    earliest = history[0].recorded_at.replace(year=2000)
    assert queries.balance(key, as_of=earliest).posted == Decimal(0)
