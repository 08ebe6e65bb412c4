"""Lineage and history: from a module lot back to the entry lists and forward to exports,
and every change of an account with its document, who, why and the running balance.

The story (one processing book): cells lot L1 enters on list A (1000 pieces), cells
lot L2 on list B (500); work order WO-1 consumes 800 of L1 and 400 of L2 and produces
8 modules into lot M1 in one linked posting with lineage (materials stock ->
processing, processing -> module stock); list C exports 5 modules of M1 (reserved,
then posted at the gate); list D reserves 2 more modules for export and is deleted
(voided), so it never left.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal

import pytest

from adapters.db.engine import Database
from ledger import ChainAuditor, Ledger, LedgerQueries, UnknownReference
from schemas.codes import DocumentType, Operation
from schemas.ledger import LotTrace, MovementRequest, ResolveRequest
from tests.ledger.helpers import cells_key
from tests.support.builders import (
    BOOK,
    LINE,
    MODULE,
    consumed,
    leg,
    make_zone,
    outside,
    request,
    resolve,
    stock,
)
from tests.support.states import DatabaseState, starts_from

LIST_A, LIST_B = "QD960126I000000001", "QD960126I000000002"
LIST_C, LIST_D = "QD960126E000000003", "QD960126E000000004"
M1_KEY = cells_key("M1", LINE, item_no=MODULE)


def _story(db: Database) -> None:
    zone = make_zone(db)
    zone.lot("L1")
    zone.lot("L2")
    zone.lot("M1", item_no=MODULE)
    ledger = Ledger(db)

    def post(req: MovementRequest, who: str, why: str) -> None:
        ledger.execute(req.model_copy(update={"actor": who, "reason": why}))

    def settle(req: ResolveRequest, who: str, why: str) -> None:
        ledger.resolve(req.model_copy(update={"actor": who, "reason": why}))

    post(
        request("a", leg("1000", outside("abroad"), stock("L1")), document=LIST_A),
        "filer.li",
        "first-line entry of cells",
    )
    post(
        request("b", leg("500", outside("abroad"), stock("L2")), document=LIST_B),
        "filer.li",
        "first-line entry of cells",
    )
    post(
        request(
            "wo-1",
            leg("800", stock("L1"), outside("processing")),
            leg("400", stock("L2"), outside("processing")),
            leg("8", outside("processing"), stock("M1", LINE), item_no=MODULE),
            lineage=(consumed("M1", "L1", "800"), consumed("M1", "L2", "400")),
            document="WO-1",
            doc_type=DocumentType.WORK_ORDER,
        ),
        "planner.wang",
        "module line run 1",
    )
    post(
        request(
            "c",
            leg("5", stock("M1", LINE), outside("abroad"), item_no=MODULE),
            reserve=True,
            document=LIST_C,
        ),
        "filer.li",
        "export declared",
    )
    settle(resolve("c-gate", "c"), "gate.zhao", "gate pass released")
    post(
        request(
            "d",
            leg("2", stock("M1", LINE), outside("abroad"), item_no=MODULE),
            reserve=True,
            document=LIST_D,
        ),
        "filer.li",
        "export declared",
    )
    settle(resolve("d-void", "d", post=False), "filer.li", "list deleted")


@starts_from(DatabaseState("lineage-story", _story))
def queries(db: Database) -> LedgerQueries:
    """The queries of a database holding the story above (the module's docstring), written
    once per worker and backend and cloned for each test (tests/support/states.py)."""
    return LedgerQueries(db)


def _n(*values: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


def _documents(trace: LotTrace) -> list[tuple[str, str, Decimal]]:
    return [(s.document.number, s.outside, s.quantity) for s in trace.steps if s.document]


def test_given_a_module_lot_when_traced_backward_then_it_reaches_both_entry_lists(
    queries: LedgerQueries,
) -> None:
    """Given modules M1 made from cells L1 and L2, when M1 is traced backward, then the
    trace shows M1 produced by WO-1 (8 modules) from 800 of L1 and 400 of L2, and L1 and
    L2 entered on lists A (1000) and B (500)."""
    trace = queries.trace_backward(BOOK, "M1")
    assert (trace.lot_no, trace.item_no) == ("M1", MODULE)
    assert _documents(trace) == [("WO-1", "processing", Decimal(8))]
    inputs = {link.lot.lot_no: link for link in trace.links}
    assert set(inputs) == {"L1", "L2"}
    assert inputs["L1"].quantity == Decimal(800)
    assert inputs["L2"].quantity == Decimal(400)
    assert _documents(inputs["L1"].lot) == [(LIST_A, "abroad", Decimal(1000))]
    assert _documents(inputs["L2"].lot) == [(LIST_B, "abroad", Decimal(500))]
    assert inputs["L1"].lot.links == ()  # entered goods have no inputs of their own


def test_given_a_cell_lot_when_traced_forward_then_it_reaches_the_modules_and_their_export(
    queries: LedgerQueries,
) -> None:
    """Given cells L1 consumed into modules M1, when L1 is traced forward, then the trace
    shows 800 consumed by WO-1 into M1, and M1's 5 modules leaving on list C. List D's
    reservation was voided: nothing left on it, so it is not in the trace."""
    trace = queries.trace_forward(BOOK, "L1")
    assert _documents(trace) == [("WO-1", "processing", Decimal(800))]
    [module] = trace.links
    assert (module.lot.lot_no, module.quantity) == ("M1", Decimal(800))
    assert _documents(module.lot) == [(LIST_C, "abroad", Decimal(5))]
    [other] = queries.trace_forward(BOOK, "L2").links
    assert _documents(other.lot) == [(LIST_C, "abroad", Decimal(5))]


def test_given_an_unknown_lot_when_traced_then_it_is_named(queries: LedgerQueries) -> None:
    with pytest.raises(UnknownReference) as refusal:
        queries.trace_backward(BOOK, "NOPE")
    assert refusal.value.field == "lot_no"


def test_given_the_module_account_when_its_history_is_read_then_each_change_is_explained(
    queries: LedgerQueries,
) -> None:
    """Given the story, when the module position's history is read, then it lists every
    change in order with its operation, document, actor, reason and running balance:
    produced 8, 5 reserved on C, C posted at the gate, 2 reserved on D, D voided."""
    history = queries.history(M1_KEY)
    assert [
        (
            h.operation,
            h.document.number if h.document else None,
            h.actor,
            h.reason,
            h.delta_posted,
            h.posted_after,
            h.available_after,
        )
        for h in history
    ] == [
        (Operation.POST, "WO-1", "planner.wang", "module line run 1", *_n(8, 8, 8)),
        (Operation.RESERVE, LIST_C, "filer.li", "export declared", *_n(0, 8, 3)),
        (Operation.POST_PENDING, LIST_C, "gate.zhao", "gate pass released", *_n(-5, 3, 3)),
        (Operation.RESERVE, LIST_D, "filer.li", "export declared", *_n(0, 3, 1)),
        (Operation.VOID_PENDING, LIST_D, "filer.li", "list deleted", *_n(0, 3, 3)),
    ]
    assert [h.transaction_client_id for h in history] == ["wo-1", "c", "c-gate", "d", "d-void"]
    assert history[0].document is not None
    assert history[0].document.type is DocumentType.WORK_ORDER
    assert [h.entry_id for h in history] == sorted(h.entry_id for h in history)


def test_given_a_long_history_when_read_in_pages_then_the_pages_join_up(
    queries: LedgerQueries,
) -> None:
    everything = queries.history(M1_KEY)
    pages, after = [], 0
    while page := queries.history(M1_KEY, after_entry_id=after, limit=2):
        pages.append(page)
        after = page[-1].entry_id
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [h for p in pages for h in p] == everything


def test_given_the_cells_account_when_its_history_is_read_then_balances_run_down(
    queries: LedgerQueries,
) -> None:
    history = queries.history(cells_key("L1"))
    assert [
        (h.document.number if h.document else None, h.delta_posted, h.posted_after) for h in history
    ] == [(LIST_A, Decimal(1000), Decimal(1000)), ("WO-1", Decimal(-800), Decimal(200))]


def test_given_the_story_when_asked_as_of_earlier_instants_then_the_books_are_as_they_were(
    queries: LedgerQueries,
) -> None:
    """The balance as known at each history entry's instant is the running balance after it;
    before the first entry the position held nothing."""
    history = queries.history(M1_KEY)
    for h in history:
        at = queries.balance(M1_KEY, known_at=h.recorded_at)
        assert (at.posted, at.available) == (h.posted_after, h.available_after)
    before = history[0].recorded_at - dt.timedelta(microseconds=1)
    assert queries.balance(M1_KEY, known_at=before).posted == 0
    assert queries.balance(cells_key("L1"), known_at=history[0].recorded_at).posted == 200


def test_given_a_reserved_move_when_posted_with_lineage_then_the_trace_crosses_to_the_giving_lot(
    db: Database,
) -> None:
    """An in-zone transfer is reserved first and posted when both lists are approved:
    the lineage comes with the posting, and is chained like any other."""
    zone = make_zone(db)
    zone.lot("G1")
    zone.lot("R1")
    ledger = Ledger(db)
    ledger.execute(request("in", leg("30", outside("abroad"), stock("G1")), document=LIST_A))
    ledger.execute(
        request(
            "tr",
            leg("12", stock("G1"), outside("zone_transfer")),
            leg("12", outside("zone_transfer"), stock("R1")),
            reserve=True,
            document="TR-1",
        )
    )
    posting = resolve("tr/post", "tr").model_copy(update={"lineage": (consumed("R1", "G1", "12"),)})
    ledger.resolve(posting)
    assert ledger.resolve(posting).replayed

    trace = LedgerQueries(db).trace_backward(BOOK, "R1")
    assert [(link.quantity, link.lot.lot_no) for link in trace.links] == [(Decimal(12), "G1")]
    assert [s.document.number for s in trace.links[0].lot.steps if s.document] == [LIST_A]
    assert ChainAuditor(db).verify().ok


def test_given_a_reservation_when_voided_with_lineage_then_it_is_refused() -> None:
    with pytest.raises(ValueError, match="post, don't void"):
        ResolveRequest.model_validate(
            {**resolve("v", "r", post=False).model_dump(), "lineage": (consumed("R1", "G1", "1"),)}
        )


def test_given_a_resolution_without_lineage_then_its_fingerprint_is_as_before_lineage() -> None:
    """Resolutions recorded before lineage existed must still replay, not conflict."""
    request_ = resolve("p", "r")
    body = request_.model_dump(mode="json")
    del body["lineage"]
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert request_.fingerprint() == hashlib.sha256(canonical.encode()).hexdigest()
