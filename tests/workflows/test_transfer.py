"""In-zone transfer on the dev server: both books move at once, or neither does."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from adapters.gateway.filedrop import Submitted
from adapters.gateway.watcher import ReceiptSink
from adapters.simulator.behaviour import SimulatorBehaviour
from adapters.simulator.service import Answered
from customs.delivery_policy import LifecycleEnded
from customs.routing import Answer, Number, Upload
from demo import ids
from ledger import LedgerQueries
from schemas.customs import ReceiptView
from schemas.errors import NotFound
from schemas.lifecycle import (
    Decision,
    EntryResult,
    Role,
    Stage,
    TransferCorrection,
    TransferDraft,
    TransferInput,
    TransferLine,
)
from schemas.masterdata import BookItemIn
from tests.workflows.checks import assert_ledger_invariants, assert_timeline, filed
from tests.workflows.conftest import Zone, keep_history

pytestmark = pytest.mark.asyncio(loop_scope="session")

GLASS_AT_WAREHOUSE = 7  # the logistics book's item for the same tempered glass


def _register_glass(zone: Zone) -> None:
    zone.deps.masterdata.register_item(
        BookItemIn(
            book_no=ids.COLD_CHAIN_BOOK,
            item_no=GLASS_AT_WAREHOUSE,
            part_no="GLS-32-2278",
            hs_code="7007190000",
            name="光伏钢化玻璃",
            specification="3.2mm 2278x1134",
            declared_unit="007",
            first_legal_unit="035",
            first_legal_factor=Decimal("20.6"),
        )
    )


def transfer(number: str, panes: str = "20") -> TransferDraft:
    return TransferDraft(
        transfer_no=number,
        from_book_no=ids.SOLAR_BOOK,
        to_book_no=ids.COLD_CHAIN_BOOK,
        declarant_code=ids.AGENT_CUSTOMS_CODE,
        lines=(
            TransferLine(
                from_item_no=ids.GLASS,
                from_lot_no=ids.GLASS_LOT,
                from_location=ids.RAW_BIN,
                to_item_no=GLASS_AT_WAREHOUSE,
                to_lot_no=f"{number}-GLS",
                to_location=ids.COLD_BIN,
                quantity=Decimal(panes),
                unit_price=Decimal("18.4000"),
                currency="502",
            ),
        ),
        filed_by="filer-li",
    )


async def _start(zone: Zone, draft: TransferDraft) -> WorkflowHandle[Any, EntryResult]:
    return await zone.client.start_workflow(
        "Transfer",
        TransferInput(draft=draft),
        id=f"transfer-{draft.transfer_no}-{zone.task_queue}",
        task_queue=zone.task_queue,
        result_type=EntryResult,
    )


def _posted(zone: Zone, book_no: str, lot_no: str) -> tuple[Decimal, Decimal, Decimal]:
    rows = LedgerQueries(zone.db).balances(book_no=book_no, lot_no=lot_no)
    return (
        sum((r.posted for r in rows), Decimal(0)),
        sum((r.pending_out for r in rows), Decimal(0)),
        sum((r.pending_in for r in rows), Decimal(0)),
    )


ZERO = (Decimal(0),) * 3
FILER = Decision(actor="filer-li", role=Role.FILER, reason="买方取消")
LIAISON = Decision(actor="liaison-wang", role=Role.LIAISON, reason="双方账册已核")


class HeldFiling:
    """The single window's client, slow on purpose: a list's filing waits until the
    test lets it go, so a signed-off transfer stays before its first filing."""

    def __init__(self, zone: Zone, monkeypatch: pytest.MonkeyPatch) -> None:
        self.submit = zone.deps.gateway.submit
        self.reached = threading.Event()
        self.go = threading.Event()
        monkeypatch.setattr(zone.deps.gateway, "submit", self._submit)

    def _submit(self, message: Upload, *, workflow_id: str | None = None) -> Submitted:
        self.reached.set()
        assert self.go.wait(timeout=30), "the test never let the filing go"
        return self.submit(message, workflow_id=workflow_id)


def customs_returns(
    zone: Zone, monkeypatch: pytest.MonkeyPatch, inner_no: str, *, only_first: bool = False
) -> None:
    """The simulated customs returns (退单) the list with this enterprise number (only
    its first filing, ChgTmsCnt 0, if asked) and approves every other file at once."""
    approve = SimulatorBehaviour.always_approve()
    returns = approve.model_copy(update={"return_rate": 1.0})
    answer_file = zone.simulator.answer_file
    marker = f"__{inner_no}__c0__" if only_first else f"__{inner_no}__"

    def answer(path: Path) -> Answered | None:
        zone.simulator.behaviour = returns if marker in path.name else approve
        return answer_file(path)

    monkeypatch.setattr(zone.simulator, "answer_file", answer)


class FinalFirstAndTwice:
    """The receipt watcher's sink, as if it kept crashing and recovering: it holds each
    list's receipts until customs' final review of it (INV201 approved or returned),
    then delivers that review first and the receipts before it newest first, and every
    one of them twice."""

    def __init__(self, zone: Zone) -> None:
        assert zone.watcher.sink is not None
        self.sink: ReceiptSink = zone.watcher.sink
        self.held: dict[int, list[tuple[ReceiptView, Answer]]] = defaultdict(list)
        self.delivered: list[ReceiptView] = []
        zone.watcher.sink = self

    def deliver(self, receipt: ReceiptView, message: Answer) -> None:
        held = self.held[receipt.document_id]
        held.append((receipt, message))
        if receipt.message_type == "INV201" and receipt.result in ("1", "3"):
            for earlier, its_message in reversed(held):
                for _ in range(2):
                    self.delivered.append(earlier)
                    # The in list's approval completes the transfer: on a loaded
                    # machine its last copies can arrive after that, and the sink
                    # refuses them, as it should; they would change nothing either.
                    with contextlib.suppress(LifecycleEnded):
                        self.sink.deliver(earlier, its_message)
            held.clear()


def _refusal(error: WorkflowUpdateFailedError) -> str:
    assert isinstance(error.cause, ApplicationError)
    assert error.cause.type == "Refused"
    return error.cause.message


async def test_a_transfer_moves_both_books_at_once_with_lineage(zone: Zone) -> None:
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)[0]
    handle = await _start(zone, transfer("TR-2611-01"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update(
        "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="双方账册已核")
    )
    result = await handle.result()
    await keep_history(handle, "transfer_completed")

    assert result.stage is Stage.COMPLETED
    zero = Decimal(0)
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == (giving_before - 20, zero, zero)
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-01-GLS") == (Decimal(20), zero, zero)
    # The receiving lot came from the zone_transfer account by the transfer's number,
    # the same number the giving lot's movement carries.
    trace = LedgerQueries(zone.db).trace_backward(ids.COLD_CHAIN_BOOK, "TR-2611-01-GLS")
    assert [(step.outside, step.document and step.document.number) for step in trace.steps] == [
        ("zone_transfer", "TR-2611-01")
    ]
    # And the posting linked it to the giving lot in the other enterprise's book, so a
    # trace goes on from there to the glass's own entry documents.
    assert [(link.quantity, link.lot.book_no, link.lot.lot_no) for link in trace.links] == [
        (Decimal(20), ids.SOLAR_BOOK, ids.GLASS_LOT)
    ]
    assert trace.links[0].lot.steps, "the giving lot's own receipts are in the trace"
    forward = LedgerQueries(zone.db).trace_forward(ids.SOLAR_BOOK, ids.GLASS_LOT)
    assert (ids.COLD_CHAIN_BOOK, "TR-2611-01-GLS") in {
        (link.lot.book_no, link.lot.lot_no) for link in forward.links
    }
    records = zone.deps.records
    list_numbers = [
        records.document(Number.INNER_NO, f"TR-2611-01-{side}").business_no
        for side in ("OUT", "IN")
    ]
    assert all(number is not None for number in list_numbers)
    assert_ledger_invariants(zone.db)


async def test_a_returned_out_list_cancelled_is_deleted_and_neither_book_moves(
    zone: Zone,
) -> None:
    """Given customs returns the out list, when the filer cancels instead of
    correcting, then its deletion is filed, the in list was never filed, and the
    reservation holding both sides is voided: neither book moves."""
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)
    zone.simulator.behaviour = SimulatorBehaviour.always_approve().model_copy(
        update={"return_rate": 1.0}
    )
    handle = await _start(zone, transfer("TR-2611-02"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    status = await zone.reach(handle, Stage.RETURNED)
    assert status.waiting_for is Role.FILER
    assert_timeline(status, "out list filed", "out list returned: ")

    await handle.execute_update("cancel", FILER)
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == giving_before
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-02-GLS") == ZERO
    assert filed(zone, "TR-2611-02-OUT") == [("INV101", 0, "file"), ("INV101", 0, "delete")]
    with pytest.raises(NotFound):
        zone.deps.records.document(Number.INNER_NO, "TR-2611-02-IN")
    assert_ledger_invariants(zone.db)


async def test_a_transfer_beyond_the_stock_is_returned_and_corrected(zone: Zone) -> None:
    _register_glass(zone)
    handle = await _start(zone, transfer("TR-2611-03", panes="100000"))
    status = await zone.reach(handle, Stage.RETURNED)
    notes = " ".join(entry.note for entry in status.timeline)
    assert "100000 asked" in notes

    await handle.execute_update(
        "correct",
        TransferCorrection(
            actor="filer-li", role=Role.FILER, reason="20 panes", draft=transfer("TR-2611-03")
        ),
    )
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update(
        "sign_off", Decision(actor="liaison-wang", role=Role.LIAISON, reason="ok")
    )
    assert (await handle.result()).stage is Stage.COMPLETED
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-03-GLS") == (
        Decimal(20),
        Decimal(0),
        Decimal(0),
    )
    assert_ledger_invariants(zone.db)


async def test_a_transfer_the_liaison_returns_at_sign_off_is_corrected_and_signed_off_again(
    zone: Zone,
) -> None:
    """Given a transfer waiting for sign-off, when the liaison returns it with a reason,
    then it waits for the filer's correction (nothing reserved, nothing filed); the
    corrected transfer is checked and signed off again, and both books move once."""
    _register_glass(zone)
    handle = await _start(zone, transfer("TR-2611-09", panes="30"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)

    await handle.execute_update(
        "return_draft", Decision(actor="liaison-wang", role=Role.LIAISON, reason="只转20片")
    )
    status = await zone.reach(handle, Stage.RETURNED)
    assert status.timeline[-1].note == "只转20片"
    assert status.timeline[-1].role is Role.LIAISON
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-09-GLS") == ZERO

    await handle.execute_update(
        "correct",
        TransferCorrection(
            actor="filer-li", role=Role.FILER, reason="20 panes", draft=transfer("TR-2611-09")
        ),
    )
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    assert (await handle.result()).stage is Stage.COMPLETED
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-09-GLS") == (
        Decimal(20),
        Decimal(0),
        Decimal(0),
    )
    assert_ledger_invariants(zone.db)


async def test_a_transfer_within_one_enterprise_is_refused_until_cancelled(zone: Zone) -> None:
    same = transfer("TR-2611-04").model_copy(update={"to_book_no": ids.SOLAR_BOOK})
    handle = await _start(zone, same)
    status = await zone.reach(handle, Stage.RETURNED)
    notes = " ".join(entry.note for entry in status.timeline)
    assert "between two enterprises" in notes
    await handle.execute_update(
        "cancel", Decision(actor="filer-li", role=Role.FILER, reason="wrong book")
    )
    assert (await handle.result()).stage is Stage.CANCELLED
    assert_ledger_invariants(zone.db)


async def test_after_sign_off_the_transfer_can_no_longer_be_cancelled(
    zone: Zone, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given the liaison signed off and both sides are reserved, while the out list
    is still being filed (not yet with customs), when the filer or the liaison asks to
    cancel, then it is refused with the stage as the reason, and the transfer goes on
    to post both books."""
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)[0]
    window = HeldFiling(zone, monkeypatch)
    handle = await _start(zone, transfer("TR-2611-06"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    try:
        await handle.execute_update("sign_off", LIAISON)
        assert await asyncio.to_thread(window.reached.wait, 30)
        assert (await zone.status(handle)).stage is Stage.DECLARING
        reserved = (giving_before, Decimal(20), Decimal(0))
        assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == reserved
        assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-06-GLS") == (
            Decimal(0),
            Decimal(0),
            Decimal(20),
        )

        for who in (FILER, LIAISON.model_copy(update={"reason": "撤回"})):
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update("cancel", who)
            assert _refusal(refused.value).startswith("stage: cannot cancel while declaring")
    finally:
        window.go.set()
    result = await handle.result()

    assert result.stage is Stage.COMPLETED
    zero = Decimal(0)
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == (giving_before - 20, zero, zero)
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-06-GLS") == (Decimal(20), zero, zero)
    notes = [entry.note for entry in (await zone.status(handle)).timeline]
    assert "买方取消" not in notes
    assert "撤回" not in notes
    assert_ledger_invariants(zone.db)


async def test_an_in_list_returned_after_the_out_list_was_approved_is_corrected_and_filed_again(
    zone: Zone, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given customs approved the out list and returned the in list that names it, when
    the filer corrects the receiving side (another lot and bin), then only the in list
    is filed again (ChgTmsCnt 1), the reservation is replaced by one for the corrected
    lot, and both books move once: 20 panes from the giving lot into the new lot."""
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)[0]
    customs_returns(zone, monkeypatch, "TR-2611-07-IN", only_first=True)
    draft = transfer("TR-2611-07")
    handle = await _start(zone, draft)
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    status = await zone.reach(handle, Stage.RETURNED)
    out_no = status.list_no
    assert out_no is not None  # customs approved the out list
    assert_timeline(
        status,
        "out list filed",
        f"out list approved: {out_no}",
        "in list filed",
        "in list returned: ",
    )

    # The giving side is approved: a correction that changes it is refused with the reason.
    more = draft.model_copy(
        update={"lines": (draft.lines[0].model_copy(update={"quantity": Decimal(25)}),)}
    )
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            "correct",
            TransferCorrection(actor="filer-li", role=Role.FILER, reason="多转5块", draft=more),
        )
    assert _refusal(refused.value).startswith(f"draft.lines: the out list {out_no} is approved")

    line = draft.lines[0].model_copy(update={"to_lot_no": "TR-2611-07-GLS2"})
    await handle.execute_update(
        "correct",
        TransferCorrection(
            actor="filer-li",
            role=Role.FILER,
            reason="转入批次号更正",
            draft=draft.model_copy(update={"lines": (line,)}),
        ),
    )
    result = await handle.result()
    await keep_history(handle, "transfer_in_returned_corrected")

    assert result.stage is Stage.COMPLETED
    zero = Decimal(0)
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == (giving_before - 20, zero, zero)
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-07-GLS") == ZERO
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-07-GLS2") == (Decimal(20), zero, zero)
    assert filed(zone, "TR-2611-07-OUT") == [("INV101", 0, "file")]
    assert filed(zone, "TR-2611-07-IN") == [("INV101", 0, "file"), ("INV101", 1, "file")]
    assert (await zone.status(handle)).change_count == 1
    assert_ledger_invariants(zone.db)


async def test_an_out_list_approved_before_its_in_list_was_returned_is_deleted_on_cancel(
    zone: Zone, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Given customs approved the out list and returned the in list, when the filer
    cancels, then the transfer asks customs to delete both lists (the approved out
    list was pre-deducted on customs' side) and neither book moves."""
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)
    customs_returns(zone, monkeypatch, "TR-2611-08-IN")
    handle = await _start(zone, transfer("TR-2611-08"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    await zone.reach(handle, Stage.RETURNED)
    await handle.execute_update("cancel", FILER)
    result = await handle.result()

    assert result.stage is Stage.CANCELLED
    assert result.posted_transaction is None
    assert filed(zone, "TR-2611-08-OUT") == [("INV101", 0, "file"), ("INV101", 0, "delete")]
    assert filed(zone, "TR-2611-08-IN") == [("INV101", 0, "file"), ("INV101", 0, "delete")]
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == giving_before
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-08-GLS") == ZERO
    assert_ledger_invariants(zone.db)


async def test_receipts_delivered_twice_and_out_of_order_change_nothing(zone: Zone) -> None:
    """Given the watcher delivers each list's approval before the receipts that came
    before it, and every receipt twice, then the transfer ends exactly as with single
    deliveries in order: each list approved once, both books moved once."""
    _register_glass(zone)
    giving_before = _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT)[0]
    watcher = FinalFirstAndTwice(zone)
    handle = await _start(zone, transfer("TR-2611-09"))
    await zone.reach(handle, Stage.AWAITING_SIGN_OFF)
    await handle.execute_update("sign_off", LIAISON)
    result = await handle.result()

    assert result.stage is Stage.COMPLETED
    zero = Decimal(0)
    assert _posted(zone, ids.SOLAR_BOOK, ids.GLASS_LOT) == (giving_before - 20, zero, zero)
    assert _posted(zone, ids.COLD_CHAIN_BOOK, "TR-2611-09-GLS") == (Decimal(20), zero, zero)
    # The sink did reorder and repeat: each list's approval came first, twice.
    first: dict[int, ReceiptView] = {}
    for receipt in watcher.delivered:
        first.setdefault(receipt.document_id, receipt)
    assert {(r.message_type, r.result) for r in first.values()} == {("INV201", "1")}
    assert len(first) == 2
    assert len(watcher.delivered) == 2 * len({r.id for r in watcher.delivered})
    final = await zone.status(handle)
    notes = [entry.note for entry in final.timeline]
    assert sum(note.startswith("out list approved: ") for note in notes) == 1
    assert sum(note.startswith("in list approved: ") for note in notes) == 1
    # Each receipt is on the timeline once, however often it was delivered.
    assert notes.count("TR-2611-09-OUT INV201 1") == 1
    assert notes.count("TR-2611-09-IN INV201 1") == 1
    assert filed(zone, "TR-2611-09-OUT") == [("INV101", 0, "file")]
    assert filed(zone, "TR-2611-09-IN") == [("INV101", 0, "file")]
    assert_ledger_invariants(zone.db)
